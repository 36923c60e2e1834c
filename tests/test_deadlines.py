"""Deadline phrases, one by one, relative to the Brunei meeting (15 November 2000) unless stated."""

from __future__ import annotations

from datetime import date

import pytest

from commitments.deadlines import deadline_find, deadline_read

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
    ("in early 2005", SANTIAGO, date(2005, 1, 1), date(2005, 4, 30), "month", "part_of_year"),
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
    ("this summer", date(2005, 5, 31), date(2005, 6, 1), date(2005, 8, 31), "month", "this_summer"),
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


def test_on_the_occasion_of_keeps_the_event() -> None:
    window = deadline_read("on the occasion of the APEC Leaders' Meeting to be held in Shanghai", date(2001, 10, 9))
    assert (window.rule, window.due_by) == ("on_the_occasion", None)
    assert window.occasion == "the APEC Leaders' Meeting to be held in Shanghai"


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
