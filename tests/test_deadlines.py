"""Deadline phrases, one by one, relative to the Brunei meeting (15 November 2000) unless stated."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from commitments.deadlines import deadline_find, deadline_read, deadline_reading, window_words

BRUNEI = date(2000, 11, 15)
SANTIAGO = date(2004, 11, 21)
TOKYO_FM = date(2005, 5, 31)

CASES = [
    # phrase, meeting, due_from, due_by, precision, rule
    ("within the year", BRUNEI, None, date(2000, 12, 31), "year", "within_the_year"),
    ("by the end of the year", BRUNEI, None, date(2000, 12, 31), "year", "end_of_year"),
    ("by the end of next year", BRUNEI, None, date(2001, 12, 31), "year", "end_of_year"),
    ("this year or next year", BRUNEI, BRUNEI, date(2001, 12, 31), "year", "this_or_next_year"),
    ("next year", BRUNEI, date(2001, 1, 1), date(2001, 12, 31), "year", "next_year"),
    ("in the current year", date(2002, 2, 1), date(2002, 2, 1), date(2002, 12, 31), "year", "current_year"),
    ("within the fiscal year", BRUNEI, None, date(2001, 3, 31), "fiscal_year", "fiscal_year"),
    ("within the fiscal year", date(2001, 2, 10), None, date(2001, 3, 31), "fiscal_year", "fiscal_year"),
    ("in early 2005", SANTIAGO, date(2005, 1, 1), date(2005, 3, 31), "quarter", "part_of_year"),
    ("late March", SANTIAGO, date(2005, 3, 21), date(2005, 3, 31), "day", "part_of_month"),
    ("mid-October", BRUNEI, None, None, "none", None),  # hyphenated form: see the next case
    ("mid October 2001", BRUNEI, date(2001, 10, 11), date(2001, 10, 20), "day", "part_of_month"),
    ("early December", BRUNEI, date(2000, 12, 1), date(2000, 12, 10), "day", "part_of_month"),
    ("from 12 to 14 October", date(2001, 9, 1), date(2001, 10, 12), date(2001, 10, 14), "day", "day_range"),
    ("by the end of March", BRUNEI, None, date(2001, 3, 31), "month", "end_of_month"),
    ("in January", BRUNEI, date(2001, 1, 1), date(2001, 1, 31), "month", "in_month"),
    (
        "in the first half of next year",
        date(2003, 11, 4),
        date(2004, 1, 1),
        date(2004, 6, 30),
        "quarter",
        "half_of_year",
    ),
    ("this summer", date(2005, 5, 31), date(2005, 6, 1), date(2005, 8, 31), "month", "season"),
    ("in 2005", SANTIAGO, date(2005, 1, 1), date(2005, 12, 31), "year", "in_year"),
    ("at an early date", BRUNEI, None, None, "none", "urgent"),
    ("at the earliest possible occasion", date(2001, 10, 9), None, None, "none", "urgent"),
    ("in the future", BRUNEI, None, None, "none", "open_ended"),
    ("continue to", BRUNEI, None, None, "none", "open_ended"),
]


@pytest.mark.parametrize(("phrase", "meeting", "due_from", "due_by", "precision", "rule"), CASES)
def test_phrase(
    phrase: str, meeting: date, due_from: date | None, due_by: date | None, precision: str, rule: str | None
) -> None:
    window = deadline_read(phrase, meeting)
    if rule is None:
        assert window.rule == "unknown"
        assert window.due_by is None
        assert window.phrase == phrase
        return
    assert (window.rule, window.due_from, window.due_by, window.precision) == (rule, due_from, due_by, precision)


def test_urgent_phrases_are_flagged_without_a_date() -> None:
    window = deadline_read("as soon as possible", BRUNEI)
    assert window.urgent
    assert window.due_by is None


def test_an_unknown_phrase_keeps_its_words_and_no_date() -> None:
    window = deadline_read("when the time is ripe", BRUNEI)
    assert (window.rule, window.phrase, window.due_from, window.due_by) == (
        "unknown",
        "when the time is ripe",
        None,
        None,
    )


def test_on_the_occasion_of_a_recurring_meeting_is_due_on_its_public_last_day() -> None:
    window = deadline_read("on the occasion of the APEC Leaders' Meeting to be held in Shanghai", date(2001, 10, 9))
    assert (window.rule, window.due_by) == ("on_the_occasion:APEC Shanghai 2001", date(2001, 10, 21))
    assert window.occasion == "the APEC Leaders' Meeting to be held in Shanghai"


@pytest.mark.parametrize(
    ("text", "meeting", "due_by"),
    [
        ("they will cooperate towards the G20 Bali summit", date(2022, 10, 28), date(2022, 11, 16)),
        ("we will speak at the G7 Summit", date(2023, 1, 10), date(2023, 5, 21)),  # the next one
        ("he will attend the opening ceremony for the PyeongChang Olympic Games", date(2018, 2, 2), date(2018, 2, 9)),
        ("In the ASEAN-related Summit Meetings, we would like to", date(2019, 6, 28), date(2019, 11, 4)),
    ],
)
def test_a_named_recurring_meeting_is_read_from_the_table(text: str, meeting: date, due_by: date) -> None:
    window = deadline_find(text, meeting)
    assert window is not None
    assert window.due_by == due_by, window


def test_an_event_no_table_knows_keeps_its_words_and_no_date() -> None:
    window = deadline_read("on the occasion of the Eastern Economic Forum", date(2016, 5, 6))
    assert (window.rule, window.due_by, window.occasion) == ("on_the_occasion", None, "the Eastern Economic Forum")


@pytest.mark.parametrize(
    ("phrase", "meeting", "due_from", "due_by"),
    [
        ("from 3 to 5 June this year", date(2019, 2, 1), date(2019, 6, 3), date(2019, 6, 5)),
        ("continue their efforts by the end of the year", date(2005, 5, 31), None, date(2005, 12, 31)),
        ("towards the next spring", date(2017, 11, 10), date(2018, 3, 1), date(2018, 5, 31)),
        ("next spring", date(2017, 4, 10), date(2018, 3, 1), date(2018, 5, 31)),
        ("this winter", date(2017, 1, 10), date(2016, 12, 1), date(2017, 2, 28)),
        ("next May", date(1998, 11, 20), date(1999, 5, 1), date(1999, 5, 31)),
        ("over the next two years", date(1998, 11, 20), date(1998, 11, 20), date(2000, 11, 20)),
        ("early in 2018", date(2017, 11, 10), date(2018, 1, 1), date(2018, 3, 31)),
        ("before the end of March 2013", date(2011, 12, 18), None, date(2013, 3, 31)),
        ("a couple of other sessions today", date(1998, 9, 22), date(1998, 9, 22), date(1998, 9, 22)),
    ],
)
def test_the_most_specific_phrase_reads_the_window(
    phrase: str, meeting: date, due_from: date | None, due_by: date | None
) -> None:
    window = deadline_find(phrase, meeting)
    assert window is not None
    assert (window.due_from, window.due_by) == (due_from, due_by), window


def test_a_window_that_ended_before_the_meeting_is_a_past_event_not_a_deadline() -> None:
    assert deadline_find("based on the talks in Fukuoka in December 2008, they will consult", date(2009, 1, 12)) is None


def test_finding_the_phrase_inside_a_sentence() -> None:
    sentence = (
        "Prime Minister Mori stated his intention to send the Japanese Minister for Foreign Affairs to Russia "
        "within the year in order to advance the negotiations."
    )
    window = deadline_find(sentence, BRUNEI)
    assert window is not None
    assert (window.phrase, window.due_by) == ("within the year", date(2000, 12, 31))
    longer = deadline_find("He then invited Prime Minister Mori to Russia this year or next year.", BRUNEI)
    assert longer is not None
    assert longer.rule == "this_or_next_year"  # not "this year"
    assert deadline_find("The two leaders had frank discussions.", BRUNEI) is None


# -- the window in words ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due_from", "due_by", "english", "japanese"),
    [
        (BRUNEI, date(2001, 12, 31), "15 Nov 2000 – 31 Dec 2001", "2000年11月15日～2001年12月31日"),
        (None, date(2000, 12, 31), "by 31 Dec 2000", "2000年12月31日まで"),
        (date(2001, 1, 1), None, "from 1 Jan 2001", "2001年1月1日から"),
        (None, None, "no deadline", "期限なし"),
    ],
)
def test_a_window_is_written_in_the_readers_language(
    due_from: date | None, due_by: date | None, english: str, japanese: str
) -> None:
    """One function writes every page's, email's and reading's window: a single-digit day without a leading
    zero and the month's name from the language's format, not from strftime (whose "%-d" is glibc's only)."""
    with translation.override("en-gb"):
        assert window_words(due_from, due_by) == english
    with translation.override("ja"):
        assert window_words(due_from, due_by) == japanese


def test_the_forms_reading_speaks_the_readers_language() -> None:
    with translation.override("en-gb"):
        assert deadline_reading("this year or next year", BRUNEI)["text"] == (
            "Reads as 15 Nov 2000 – 31 Dec 2001 (year)."
        )
        assert deadline_reading("as soon as possible", BRUNEI)["text"] == "Reads as no date, marked urgent."
    with translation.override("ja"):
        reading = deadline_reading("within the fiscal year", BRUNEI)
        assert reading["text"] == "2001年3月31日までと読み取ります（精度：年度）。"
        assert reading["due_by"] == "2001-03-31"  # the values for the form stay ISO in every language
        assert (
            deadline_reading("in the future", None)["text"] == "会談を選ぶと、この表現をどう読み取るかが表示されます。"
        )
        assert deadline_reading("at some point, perhaps", BRUNEI)["text"] == (
            "この表現を読み取る規則がありません。書かれたとおりに保存し、日付は付けません。"
        )
