"""Importing meeting records: the Brunei record against the demo data, other records of the genre,
records written for the tests, bad input, and arbitrary text."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commitments import services
from commitments.demo import DATA_DIR, demo_data
from commitments.importer.extract import extract
from commitments.importer.record import parse
from commitments.importer.service import ImportRefused, record_import
from commitments.models import Commitment, Desk
from summits.models import Party, Summit

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)
# Real records of the genre, copied with their attribution (records/genre/SOURCES.md).
SHARED = Path(__file__).resolve().parent / "records" / "genre"
OWN = Path(__file__).resolve().parent / "records"
BRUNEI_TEXT = (DATA_DIR / "2000-11-15_japan-russia_summit_brunei.txt").read_text(encoding="utf-8")


@pytest.fixture
def desk(db: Any) -> Desk:
    desk = Desk.objects.create(name="Russian Federation Division", time_zone="Asia/Tokyo")
    desk.parties.add(Party.objects.create(code="RUS", name="Russian Federation"))
    return desk


def _import(text: str, **kwargs: Any) -> Any:
    return record_import(raw=text, by=None, now=NOW, **kwargs)


def _drafts(text: str) -> list[Any]:
    return extract(parse(text, "Asia/Tokyo"))


def test_brunei_proposes_every_demo_commitment_with_its_window_and_condition(desk: Desk) -> None:
    result = _import(BRUNEI_TEXT, source_url="https://www.mofa.go.jp/region/europe/russia/meet0011.html")
    drafts = [draft for draft, _ in result.drafts]
    unmatched = list(range(len(drafts)))
    for expected in demo_data()["commitments"]:
        start = BRUNEI_TEXT.index(expected["quote"])
        end = start + len(expected["quote"])
        matches = [i for i, d in enumerate(drafts) if d.start < end and start < d.end]
        assert matches, f"no draft for {expected['key']}"
        draft = drafts[matches[-1] if expected["key"] == "next_summit_irkutsk" else matches[0]]
        due_by = draft.window.due_by.isoformat() if draft.window and draft.window.due_by else None
        due_from = draft.window.due_from.isoformat() if draft.window and draft.window.due_from else None
        assert (due_from, due_by) == (expected["due_from"], expected["due_by"]), expected["key"]
        if expected.get("condition"):
            assert draft.condition == expected["condition"], expected["key"]
        else:
            assert draft.condition == "", expected["key"]
        for index in matches:
            if index in unmatched:
                unmatched.remove(index)
    assert len(unmatched) <= 2
    # Every quote is a verbatim span at its offsets; every draft waits for review.
    for draft, commitment in result.drafts:
        assert BRUNEI_TEXT[draft.start : draft.end] == draft.quote == commitment.quote
        assert commitment.status == "draft"


def test_brunei_summit_details_and_links(desk: Desk) -> None:
    result = _import(BRUNEI_TEXT)
    summit = result.summit
    assert summit.local_start.strftime("%Y-%m-%d %H:%M") == "2000-11-15 18:20"
    assert summit.time_zone == "Asia/Brunei"
    assert (summit.duration_minutes, summit.planned_duration_minutes) == (55, 30)
    assert summit.occasion == "APEC Ministerial Meeting"
    roles = {
        (p.person.full_name, p.party.code, p.role) for p in summit.participations.select_related("person", "party")
    }
    assert ("Shinzo Abe", "JPN", "Deputy Cabinet Secretary") in roles
    assert ("Aleksandr Losyukov", "RUS", "Deputy Minister for Foreign Affairs") in roles
    send = Commitment.objects.get(summit=summit, quote__contains="intention to send")
    receive = Commitment.objects.get(summit=summit, quote__contains="intention to receive")
    assert list(send.reciprocal.all()) == [receive]
    irkutsk = Commitment.objects.get(summit=summit, quote__contains="Mori will visit Irkutsk")
    assert send in irkutsk.depends_on.all()
    assert sorted(irkutsk.made_by.values_list("code", flat=True)) == ["JPN", "RUS"]
    assert irkutsk.condition_state == "pending"


def test_accepting_a_draft_goes_through_the_workflow(desk: Desk) -> None:
    result = _import(BRUNEI_TEXT)
    _, commitment = result.drafts[0]
    services.commitment_transition(commitment_id=commitment.pk, to_status="not_started", by=None, now=NOW)
    commitment.refresh_from_db()
    assert commitment.status == "not_started"
    assert list(commitment.status_changes.values_list("from_status", "to_status")) == [
        ("draft", "not_started"),
        ("", "draft"),
    ]


def test_reimporting_is_refused_with_a_pointer(desk: Desk) -> None:
    first = _import(BRUNEI_TEXT)
    with pytest.raises(ImportRefused, match=f"summit {first.summit.pk}") as refused:
        _import(BRUNEI_TEXT)
    assert refused.value.existing == first.summit
    with pytest.raises(ImportRefused, match="imported before"):
        _import(BRUNEI_TEXT.replace("\n", "\r\n") + "\n\n")  # the same words, other line ends
    assert Summit.objects.count() == 1


def _labelled(path: Path) -> list[tuple[str, str, str, str | None]]:
    return [
        (
            "+".join(sorted(d.made_by)),
            d.modality,
            d.kind,
            d.window.due_by.isoformat() if d.window and d.window.due_by else None,
        )
        for d in _drafts(path.read_text(encoding="utf-8"))
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2004-11-21_japan-russia-summit-apec-santiago.txt", [("RUS", "firm", "visit", "2005-04-30")]),
        (
            "2003-11-04_kawaguchi-ivanov-telephone-talks.txt",
            [
                ("JPN+RUS", "agreed", "meeting", "2004-06-30"),
                ("RUS", "firm", "invitation", None),
            ],
        ),
        ("2002-02-01_putin-message-to-koizumi.txt", [("RUS", "firm", "invitation", "2002-12-31")]),
        ("2005-05-31_japan-russia-foreign-ministers-tokyo.txt", [("JPN+RUS", "firm", "intent", "2005-12-31")]),
        (
            "2001-10-09_japan-russia-vice-ministerial-tokyo.txt",
            [
                ("RUS", "firm", "invitation", None),
                ("JPN+RUS", "will_consider", "visit", None),
            ],
        ),
    ],
)
def test_other_records_of_the_genre(name: str, expected: list[tuple[str, str, str, str | None]]) -> None:
    path = SHARED / name
    found = _labelled(path)
    for item in expected:
        assert item in found, f"{item} not in {found}"
    text = path.read_text(encoding="utf-8")
    for draft in _drafts(text):  # some copies stop mid-sentence: quotes are still verbatim
        assert text[draft.start : draft.end] == draft.quote


def test_a_record_written_in_the_genre_style() -> None:
    text = (OWN / "fm-meeting-moscow-style.txt").read_text(encoding="utf-8")
    record = parse(text, "Asia/Tokyo")
    assert (record.city, record.time_zone, record.duration_minutes) == ("Moscow", "Europe/Moscow", 90)
    drafts = extract(record)
    each_other = [d for d in drafts if "each other" in d.quote]
    assert sorted(tuple(d.made_by) for d in each_other) == [("JPN",), ("RUS",)]  # one per party…
    assert all(d.window and d.window.due_by == date(2006, 3, 31) for d in each_other)  # …within Japan's FY
    assert each_other[0].reciprocal == [drafts.index(each_other[1])]  # …linked as reciprocal
    rounds = [d for d in drafts if "next round" in d.quote]
    assert rounds
    assert (rounds[0].window.due_from, rounds[0].window.due_by) == (date(2006, 10, 12), date(2006, 10, 14))
    assert not any("will not attend" in d.quote for d in drafts)  # a negative statement
    assert not any("photographs" in d.quote for d in drafts)  # done at the meeting
    assert not any("expressed hope" in d.quote for d in drafts)  # an opinion


def test_a_telephone_talk_with_an_urgent_visit_and_an_occasion() -> None:
    text = (OWN / "summit-message-style.txt").read_text(encoding="utf-8")
    record = parse(text, "Asia/Tokyo")
    assert record.parties[:2] == ["JPN", "CHN"]
    drafts = extract(record)
    visit = next(d for d in drafts if "visit China" in d.quote)
    assert (visit.made_by, visit.modality, visit.window.rule if visit.window else None) == (["JPN"], "hopes", "urgent")
    meet = next(d for d in drafts if "ASEM" in d.quote)
    assert meet.made_by == ["JPN", "CHN"]
    assert meet.window is not None
    assert (meet.window.rule, meet.window.due_by) == ("on_the_occasion", None)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "empty"),
        (b"   \n\n ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "not a text file"),
        (b"A" * 1_000_001, "not accepted"),
        ("日露首脳会談が開催され、両首脳は平和条約交渉を継続することで一致した。".encode(), "English-language"),
        (b"\xff\xfe\xfa not utf-8 at all", "not UTF-8"),
        (
            b"The two delegations met on 3 May 2006 in Tokyo and had a frank exchange of views on the situation in the "
            b"region and on the state of the economy, and the talks were held in a warm atmosphere.",
            "No commitments",
        ),
    ],
)
def test_bad_input_gets_a_clear_message_and_creates_nothing(desk: Desk, raw: bytes, message: str) -> None:
    with pytest.raises(ImportRefused, match=message):
        record_import(raw=raw, by=None, now=NOW)
    assert not Summit.objects.exists()
    assert not Commitment.objects.exists()


def test_html_is_read_as_text_and_scripts_are_dropped(desk: Desk) -> None:
    markup = (
        "<html><head><script>alert('x')</script></head><body>"
        + "".join(f"<p>{line}</p>" for line in BRUNEI_TEXT.split("\n"))
        + "<script>document.cookie</script></body></html>"
    )
    result = _import(markup)
    assert "alert" not in result.summit.source_text
    assert "document.cookie" not in result.summit.source_text
    assert len(result.drafts) >= 14


def test_the_command_prints_json(desk: Desk, tmp_path: Path) -> None:
    path = tmp_path / "brunei.txt"
    path.write_text(BRUNEI_TEXT, encoding="utf-8")
    out = StringIO()
    call_command("import_record", str(path), "--format", "json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["summit"] == Summit.objects.get().pk
    first = report["drafts"][0]
    assert set(first) >= {
        "quote",
        "start",
        "end",
        "made_by",
        "speaker",
        "counterparty",
        "kind",
        "modality",
        "due_phrase",
        "due_from",
        "due_by",
        "condition",
        "source_ref",
    }
    assert BRUNEI_TEXT[first["start"] : first["end"]] == first["quote"]
    with pytest.raises(CommandError, match="imported before"):
        call_command("import_record", str(path), stdout=StringIO())


@given(st.text(max_size=3000))
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
def test_arbitrary_text_never_raises_and_quotes_are_verbatim(text: str) -> None:
    drafts = _drafts(text)
    for draft in drafts:
        assert text[draft.start : draft.end] == draft.quote


GENRE_PIECES = [
    *"abc ., ;()-1\n",
    "will ",
    "agreed to ",
    "the two leaders ",
    "He ",
    "within the year",
    "if ",
    "President Putin ",
    "15 November 2000\n",
    "(1) ",
    "1. ",
    "each other's ",
    "as a part of preparations for ",
]


@given(st.lists(st.sampled_from(GENRE_PIECES), max_size=120).map("".join))
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
def test_genre_like_noise_never_raises(text: str) -> None:
    for draft in _drafts(text):
        assert text[draft.start : draft.end] == draft.quote


def test_on_the_occasion_is_anchored_to_a_recorded_meeting(desk: Desk) -> None:
    shanghai = Summit.objects.create(
        title="Japan-Russia Summit Meeting",
        occasion="APEC Leaders' Meeting",
        city="Shanghai",
        starts_at=datetime(2001, 10, 21, 2, 0, tzinfo=UTC),
        time_zone="Asia/Shanghai",
    )
    path = SHARED / "2001-10-09_japan-russia-vice-ministerial-tokyo.txt"
    result = _import(path.read_text(encoding="utf-8"))
    coordinate = next(c for d, c in result.drafts if "coordinate their schedules" in d.quote)
    assert coordinate.due_by == date(2001, 10, 21)
    assert coordinate.due_rule == f"on_the_occasion:summit {shanghai.pk}"


def test_without_a_recorded_meeting_the_occasion_keeps_its_phrase_only(desk: Desk) -> None:
    text = (OWN / "summit-message-style.txt").read_text(encoding="utf-8")
    result = _import(text)
    meet = next(c for d, c in result.drafts if "ASEM" in d.quote)
    assert (meet.due_by, meet.due_rule) == (None, "on_the_occasion")
    assert meet.due_phrase.startswith("on the occasion of the ASEM Summit")


@given(st.text(max_size=1500))
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_arbitrary_input_to_the_import_is_refused_cleanly_or_imported_whole(text: str) -> None:
    from django.db import transaction

    class Rollback(Exception):
        pass

    Desk.objects.get_or_create(name="Any desk")
    before = Summit.objects.count()
    try:
        with transaction.atomic():
            try:
                result = record_import(raw=text, by=None, now=NOW)
            except ImportRefused:
                assert Summit.objects.count() == before  # nothing half-created
                raise Rollback from None
            for draft, commitment in result.drafts:
                assert result.summit.source_text[draft.start : draft.end] == commitment.quote
            raise Rollback
    except Rollback:
        pass
