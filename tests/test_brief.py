"""The brief before a meeting: who promised whom, in what order, on whose clock, at what cost, for whom.

On the Brunei demo (Japan–Russia, 15 November 2000, recorded the day after) and a few commitments made
here with the factories. Japan is our side (PLEDGEBOOK_HOME_PARTY) unless a test says otherwise.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from commitments import selectors, services
from commitments.models import Commitment, Desk
from commitments.reports.brief import (
    CONDITION_PENDING,
    DUE_SOON,
    JOINT,
    OTHER,
    OURS,
    OVERDUE,
    THEIRS,
    Brief,
    BriefRefused,
    brief_get,
    brief_subject,
)
from summits.models import Party, Summit

from .conftest import DAY_AFTER_MEETING, EARLY_2001, NEW_YEAR_TOKYO
from .factories import PartyFactory, SummitFactory, make_commitment

pytestmark = pytest.mark.django_db

API = "/api/v1/briefs/"
BRIEF_PAGE = "admin:commitments_commitment_brief"

# Named moments beyond conftest's (the Brunei commitments are due by 31 December 2000).
MID_DECEMBER_2000 = datetime(2000, 12, 10, 3, 0, tzinfo=UTC)  # 21 days before the year-end deadlines
JANUARY_20_2001 = datetime(2001, 1, 20, 3, 0, tzinfo=UTC)
SPRING_2002 = datetime(2002, 3, 1, 3, 0, tzinfo=UTC)  # more than twelve months after January 2001

FM_VISIT = "Send the Minister for Foreign Affairs to Russia within the year"
PROGRESS = "Substantial progress in Peace Treaty negotiations by the end of the year"
IRKUTSK = "Prime Minister Mori visits Irkutsk within the year (if the Peace Treaty advances)"
VISIT_READY = "Prime Minister Mori visits Russia within the year if the negotiations progress"
INVITATION = "President Putin invites Prime Minister Mori to Russia this year or next year"

# The Brunei record's commitments by side, as labelled in the demo data (made_by and counterparty).
DEMO_OURS = {
    "Prime Minister Mori wishes to visit Russia",
    "Meet President Putin at the next possible opportunity",
    "Continue to promote cooperation on all three subjects",
    PROGRESS,
    FM_VISIT,
    VISIT_READY,
}
DEMO_THEIRS = {
    INVITATION,
    "Russia continues earnestly with negotiations towards a mutually acceptable solution",
    "Receive the Japanese Foreign Minister in preparation for the Prime Minister's visit",
    "President Putin welcomes Prime Minister Mori in Irkutsk",
}
DEMO_JOINT = {
    "Work further on Peace Treaty negotiations at foreign-ministerial and expert level",
    IRKUTSK,
    "Clearly indicate to the world the direction of Japan-Russia relations",
    "Hold the next Japan-Russia Summit in Irkutsk",
}


def _brief(now: datetime, **asked: str) -> Brief:
    return brief_get(brief_subject(**{"party": "RUS", **asked}), now=now)


def _side(brief: Brief, key: str) -> Any:
    return next(side for side in brief.sides if side.key == key)


def _open(brief: Brief, key: str) -> list[str]:
    return [item.commitment.title for item in _side(brief, key).open]


def _attention(brief: Brief) -> dict[str, str]:
    return {item.commitment.title: item.attention for side in brief.sides for item in side.open}


def _close(title: str, status: str, *, now: datetime, on: date, note: str = "Seen in the record.") -> None:
    commitment = Commitment.objects.get(title=title)
    services.commitment_transition(
        commitment_id=commitment.pk, to_status=status, by=None, now=now, note=note, occurred_on=on
    )


@pytest.fixture
def japan(demo: Summit) -> Party:
    return Party.objects.get(code="JPN")


@pytest.fixture
def russia(demo: Summit) -> Party:
    return Party.objects.get(code="RUS")


@pytest.fixture
def china(db: Any) -> Party:
    return PartyFactory(code="CHN", name="China")


def _api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- who promised whom -------------------------------------------------------------------------------


def test_the_demo_splits_into_what_each_side_promised_and_what_both_did(demo: Summit) -> None:
    brief = _brief(DAY_AFTER_MEETING)
    assert [side.key for side in brief.sides] == [OURS, THEIRS, JOINT]
    assert set(_open(brief, OURS)) == DEMO_OURS
    assert set(_open(brief, THEIRS)) == DEMO_THEIRS
    assert set(_open(brief, JOINT)) == DEMO_JOINT
    assert _side(brief, OURS).label == "What Japan promised Russian Federation"
    assert _side(brief, THEIRS).label == "What Russian Federation promised Japan"
    assert _side(brief, JOINT).label == "What Japan and Russian Federation promised together"


def test_our_side_can_be_named_and_defaults_to_the_home_party(demo: Summit, settings: Any) -> None:
    flipped = _brief(DAY_AFTER_MEETING, party="JPN", home="RUS")
    assert set(_open(flipped, OURS)) == DEMO_THEIRS  # Russia's promises, seen from Russia
    assert set(_open(flipped, THEIRS)) == DEMO_OURS
    settings.PLEDGEBOOK_HOME_PARTY = "RUS"
    assert set(_open(_brief(DAY_AFTER_MEETING, party="JPN"), OURS)) == DEMO_THEIRS


def test_promises_to_third_parties_and_meetings_without_the_other_side_are_left_out(
    demo: Summit, rf_desk: Desk, japan: Party, russia: Party, china: Party
) -> None:
    # At Brunei, but owed to China: not between Japan and Russia although Russia was in the room.
    make_commitment(
        desk=rf_desk,
        summit=demo,
        title="Japan to China, at Brunei",
        made_by=[japan],
        counterparty=china,
        quote=demo.commitments.first().quote,
    )
    japan_china = SummitFactory(title="Japan-China talks")
    japan_china.parties.set([japan, china])
    make_commitment(desk=rf_desk, summit=japan_china, title="Japan, no counterparty, Russia absent", made_by=[japan])
    russia_china = SummitFactory(title="Russia-China talks")
    russia_china.parties.set([russia, china])
    make_commitment(desk=rf_desk, summit=russia_china, title="Russia, no counterparty, Japan absent", made_by=[russia])
    make_commitment(desk=rf_desk, summit=russia_china, title="Russia to China", made_by=[russia], counterparty=china)
    # Owed to the other side by name, wherever it was said: in.
    make_commitment(
        desk=rf_desk, summit=japan_china, title="Japan to Russia, said in Beijing", made_by=[japan], counterparty=russia
    )
    # Made by both (and a third): joint, whoever it is owed to.
    make_commitment(desk=rf_desk, summit=russia_china, title="Japan, Russia and China", made_by=[japan, russia, china])
    brief = _brief(DAY_AFTER_MEETING)
    listed = {title for side in brief.sides for title in _open(brief, side.key)}
    assert "Japan to Russia, said in Beijing" in _open(brief, OURS)
    assert "Japan, Russia and China" in _open(brief, JOINT)
    assert not listed & {
        "Japan to China, at Brunei",
        "Japan, no counterparty, Russia absent",
        "Russia, no counterparty, Japan absent",
        "Russia to China",
    }


def test_drafts_are_never_listed_and_a_rejected_one_is_gone(demo: Summit, rf_desk: Desk, russia: Party) -> None:
    quote = Commitment.objects.get(title=FM_VISIT).quote
    for title in ("A draft not yet decided", "A draft rejected at review"):
        draft = Commitment(summit=demo, desk=rf_desk, title=title, quote=quote, counterparty=None)
        services.commitment_create(commitment=draft, by=None, now=DAY_AFTER_MEETING, status="draft")
        draft.made_by.set([russia])
    rejected = Commitment.objects.get(title="A draft rejected at review")
    services.draft_reject(commitment_id=rejected.pk, by=None, now=DAY_AFTER_MEETING, reason="Not a promise.")
    brief = _brief(EARLY_2001)
    titles = {item.commitment.title for side in brief.sides for item in [*side.open, *side.closed]}
    assert "A draft not yet decided" not in titles
    assert "A draft rejected at review" not in titles
    assert titles == DEMO_OURS | DEMO_THEIRS | DEMO_JOINT


# --- in what order -----------------------------------------------------------------------------------


def test_open_ones_come_overdue_then_due_soon_then_waiting_on_a_condition_then_the_rest(demo: Summit) -> None:
    brief = _brief(EARLY_2001)
    ours = _side(brief, OURS)
    assert [item.attention for item in ours.open] == [OVERDUE, OVERDUE, CONDITION_PENDING, OTHER, OTHER, OTHER]
    assert {item.commitment.title for item in ours.open[:2]} == {PROGRESS, FM_VISIT}
    assert [item.days_overdue for item in ours.open[:2]] == [5, 5]
    assert ours.open[2].commitment.title == VISIT_READY
    # A pending condition suspends the deadline: never overdue, never "due soon", even past its day.
    assert _attention(brief)[IRKUTSK] == CONDITION_PENDING
    assert (ours.overdue_count, ours.condition_pending_count, ours.due_soon_count) == (2, 1, 0)


def test_within_a_group_longest_overdue_first_and_soonest_due_first(demo: Summit, rf_desk: Desk, japan: Party) -> None:
    quote = Commitment.objects.get(title=FM_VISIT).quote

    def ours(title: str, due_by: date | None, **fields: Any) -> None:
        make_commitment(desk=rf_desk, summit=demo, title=title, quote=quote, made_by=[japan], due_by=due_by, **fields)

    ours("Due 31 Jan 2001", date(2001, 1, 31))
    ours("Due 20 Dec 2000", date(2000, 12, 20))
    ours("Due 10 Jan 2001", date(2001, 1, 10))
    ours("Due 30 Jun 2001", date(2001, 6, 30))
    ours("Conditional, due 31 Jan 2001", date(2001, 1, 31), condition_text="if the Diet approves")
    ours("Conditional, due 5 Jan 2001", date(2001, 1, 5), condition_text="if the Diet approves")
    brief = _brief(EARLY_2001)
    order = [(item.attention, item.commitment.title) for item in _side(brief, OURS).open]
    assert next(title for attention, title in order if attention == OVERDUE) == "Due 20 Dec 2000"  # 16 days
    assert [title for attention, title in order if attention == DUE_SOON] == ["Due 10 Jan 2001", "Due 31 Jan 2001"]
    # Waiting on a condition: by the deadline it would have (Mori's visit: 31 December 2000).
    assert [title for attention, title in order if attention == CONDITION_PENDING] == [
        VISIT_READY,
        "Conditional, due 5 Jan 2001",
        "Conditional, due 31 Jan 2001",
    ]
    rest = [title for attention, title in order if attention == OTHER]
    assert rest[0] == "Due 30 Jun 2001"  # dated ones before open-ended ones
    groups = [attention for attention, _ in order]
    assert groups == sorted(groups, key=[OVERDUE, DUE_SOON, CONDITION_PENDING, OTHER].index)
    due_soon = {item.commitment.title: item.days_left for item in _side(brief, OURS).open if item.attention == DUE_SOON}
    assert due_soon == {"Due 10 Jan 2001": 5, "Due 31 Jan 2001": 26}


def test_due_soon_is_the_first_reminders_horizon(demo: Summit, settings: Any) -> None:
    # On 10 December the year-end deadlines are 21 days away: due soon with the default 30-day reminder …
    assert _attention(_brief(MID_DECEMBER_2000))[FM_VISIT] == DUE_SOON
    # … and not yet when the first reminder comes 14 days before.
    settings.PLEDGEBOOK_REMINDER_OFFSETS = [14, 1]
    brief = _brief(MID_DECEMBER_2000)
    assert _attention(brief)[FM_VISIT] == OTHER
    assert brief.due_soon_days == 14


def test_overdue_is_judged_on_each_desks_clock_by_the_one_rule(
    demo: Summit, rf_desk: Desk, japan: Party, russia: Party
) -> None:
    """00:30 on 1 January in Tokyo is still 31 December in Moscow: overdue for one desk, due today for the other."""
    moscow = Desk.objects.create(name="Moscow Embassy", time_zone="Europe/Moscow")
    quote = Commitment.objects.get(title=FM_VISIT).quote
    make_commitment(
        desk=moscow,
        summit=demo,
        title="Moscow's year-end",
        quote=quote,
        made_by=[japan],
        counterparty=russia,
        due_by=date(2000, 12, 31),
    )
    brief = _brief(NEW_YEAR_TOKYO)
    items = {item.commitment.title: item for item in _side(brief, OURS).open}
    assert (items[FM_VISIT].attention, items[FM_VISIT].days_overdue) == (OVERDUE, 1)
    assert (items["Moscow's year-end"].attention, items["Moscow's year-end"].days_left) == (DUE_SOON, 0)
    # The same set as the commitment list's overdue filter (selectors.overdue_q), at every moment tried.
    for moment in (DAY_AFTER_MEETING, NEW_YEAR_TOKYO, EARLY_2001, SPRING_2002):
        brief = _brief(moment)
        listed = {item.commitment.pk for side in brief.sides for item in side.open}
        flagged = {item.commitment.pk for side in brief.sides for item in side.open if item.attention == OVERDUE}
        assert flagged == set(
            Commitment.objects.filter(selectors.overdue_q(moment), pk__in=listed).values_list("pk", flat=True)
        )


# --- what each row says ------------------------------------------------------------------------------


def test_each_row_has_its_last_update_whichever_kind_came_last(demo: Summit, supervisor: Any) -> None:
    fm = Commitment.objects.get(title=FM_VISIT)
    progress = Commitment.objects.get(title=PROGRESS)
    services.update_add(commitment_id=fm.pk, note="Dates proposed to Moscow.", by=None, now=MID_DECEMBER_2000)
    services.commitment_transition(
        commitment_id=fm.pk, to_status="in_progress", by=None, now=NEW_YEAR_TOKYO, note="Visit being prepared."
    )
    services.deadline_move(
        commitment_id=progress.pk,
        new_due_by=date(2001, 3, 31),
        new_due_from=None,
        reason="Agreed at the vice-ministerial talks.",
        change_class="renegotiated",
        by=supervisor,
        now=MID_DECEMBER_2000,
    )
    services.update_add(commitment_id=progress.pk, note="Talks in Tokyo.", by=None, now=DAY_AFTER_MEETING)
    brief = _brief(EARLY_2001)
    items = {item.commitment.title: item for item in _side(brief, OURS).open}
    fm_update = items[FM_VISIT].last_update
    assert fm_update is not None
    assert (fm_update.kind, fm_update.to_status, fm_update.text) == (
        "status_change",
        "in_progress",
        "Visit being prepared.",
    )
    assert fm_update.summary == "Now in progress: Visit being prepared."
    moved = items[PROGRESS]
    assert moved.last_update is not None
    assert (moved.last_update.kind, moved.last_update.new_due_by) == ("deadline_move", date(2001, 3, 31))
    assert moved.last_update.by == "supervisor"
    assert moved.deadline_moved
    assert moved.commitment.original_due_by == date(2000, 12, 31)
    assert moved.attention == OTHER  # no longer overdue: its deadline in force is 31 March
    # Nothing recorded since it was accepted: no last update (the creation row is not one).
    assert items["Prime Minister Mori wishes to visit Russia"].last_update is None


def test_closed_ones_of_the_last_twelve_months_say_kept_or_not_and_on_time(demo: Summit) -> None:
    _close(FM_VISIT, "fulfilled", now=EARLY_2001, on=date(2000, 12, 26), note="Foreign Minister Kono in Moscow.")
    _close(PROGRESS, "not_fulfilled", now=EARLY_2001, on=date(2000, 12, 31))
    _close(INVITATION, "fulfilled", now=JANUARY_20_2001, on=date(2001, 1, 15))  # its window runs to 31 Dec 2001
    brief = _brief(JANUARY_20_2001)
    ours = _side(brief, OURS)
    assert FM_VISIT not in _open(brief, OURS)
    assert [(i.commitment.title, i.outcome) for i in ours.closed] == [(PROGRESS, "not_kept"), (FM_VISIT, "kept")]
    kept = ours.closed[1]
    assert (kept.commitment.on_time_as_promised, kept.commitment.on_time_as_rescheduled) == (True, True)
    assert kept.last_update is not None
    assert kept.last_update.text == "Foreign Minister Kono in Moscow."
    assert (ours.closed_kept, ours.closed_not_kept) == (1, 1)
    assert [i.outcome for i in _side(brief, THEIRS).closed] == ["kept"]
    # More than twelve months later, they have left the brief.
    assert _brief(SPRING_2002).closed_count == 0


# --- who it is about: codes, meetings, refusals ---------------------------------------------------------


def test_a_planned_meetings_parties_are_the_counterpart(
    demo: Summit, japan: Party, russia: Party, china: Party
) -> None:
    irkutsk = SummitFactory(
        title="Japan-Russia Summit in Irkutsk", city="Irkutsk", starts_at=datetime(2001, 3, 25, 3, 0, tzinfo=UTC)
    )
    irkutsk.parties.set([japan, russia])
    by_meeting = brief_get(brief_subject(meeting=str(irkutsk.pk)), now=EARLY_2001)
    assert [p.code for p in by_meeting.subject.counterparts] == ["RUS"]
    assert by_meeting.subject.meeting == irkutsk
    assert by_meeting.title == "Brief for Japan-Russia Summit in Irkutsk: Japan and Russian Federation"
    by_party = _brief(EARLY_2001)
    for key in (OURS, THEIRS, JOINT):
        assert _open(by_meeting, key) == _open(by_party, key)
    trilateral = SummitFactory(title="Japan-Russia-China talks")
    trilateral.parties.set([japan, russia, china])
    subject = brief_subject(meeting=str(trilateral.pk))
    assert sorted(p.code for p in subject.counterparts) == ["CHN", "RUS"]
    assert brief_subject(meeting=str(trilateral.pk), party="CHN").counterparts == [china]


@pytest.mark.parametrize(
    ("asked", "code", "field", "words"),
    [
        ({}, "counterpart_required", "party", "Name the counterpart"),
        ({"party": "XYZ"}, "unknown_party", "party", "No party has the code “XYZ”"),
        ({"party": "R\x00S"}, "unknown_party", "party", "No party has the code"),
        ({"party": "RUS", "home": "ZZZ"}, "unknown_party", "home", "No party has the code “ZZZ”"),
        ({"party": "JPN"}, "counterpart_is_us", "party", "JPN is our own side"),
        ({"meeting": "999999"}, "unknown_meeting", "meeting", "No meeting has the id “999999”"),
        ({"meeting": "-1"}, "unknown_meeting", "meeting", "No meeting has the id"),
        ({"meeting": "²"}, "unknown_meeting", "meeting", "No meeting has the id “²”"),
        ({"meeting": "99999999999999999999999"}, "unknown_meeting", "meeting", "No meeting has the id"),
    ],
)
def test_a_counterpart_it_cannot_find_is_refused_saying_what_to_send(
    demo: Summit, asked: dict[str, str], code: str, field: str, words: str
) -> None:
    with pytest.raises(BriefRefused) as refused:
        brief_subject(**asked)
    assert refused.value.code == code
    assert list(refused.value.fields) == [field]
    assert words in str(refused.value)


def test_codes_are_read_regardless_of_case(demo: Summit) -> None:
    assert [p.code for p in brief_subject(party="rus", home="jpn").counterparts] == ["RUS"]


def test_a_meeting_with_nobody_else_or_a_party_not_at_it_is_refused(demo: Summit, japan: Party, china: Party) -> None:
    alone = SummitFactory(title="Japan alone")
    alone.parties.set([japan])
    with pytest.raises(BriefRefused, match="names no party besides Japan"):
        brief_subject(meeting=str(alone.pk))
    with pytest.raises(BriefRefused, match="China is not a party of “Japan-Russian Federation Summit"):
        brief_subject(meeting=str(demo.pk), party="CHN")


def test_a_home_party_missing_from_the_database_is_named_with_its_setting(demo: Summit, settings: Any) -> None:
    settings.PLEDGEBOOK_HOME_PARTY = "GBR"
    with pytest.raises(BriefRefused, match="PLEDGEBOOK_HOME_PARTY=GBR"):
        brief_subject(party="RUS")


# --- what it costs -----------------------------------------------------------------------------------


def _grow(desk: Desk, japan: Party, russia: Party, count: int, start: int) -> None:
    """Rows of every kind the brief reads: each side, each its own meeting, updates, closings."""
    for n in range(start, start + count):
        other_summit = SummitFactory(title=f"Meeting {n}")
        other_summit.parties.set([japan, russia])
        made_by = [[japan], [russia], [japan, russia]][n % 3]
        item = make_commitment(
            desk=desk,
            summit=other_summit,
            title=f"C{n}",
            made_by=made_by,
            due_by=date(2001, 1, 1 + n % 28),
            now=DAY_AFTER_MEETING,
        )
        services.update_add(commitment_id=item.pk, note=f"Note {n}", by=None, now=MID_DECEMBER_2000)
        if n % 2:
            services.commitment_transition(
                commitment_id=item.pk,
                to_status="fulfilled",
                by=None,
                now=EARLY_2001,
                note="Done.",
                occurred_on=date(2001, 1, 2),
            )


def test_the_brief_costs_the_same_queries_for_a_few_rows_or_many(
    demo: Summit, rf_desk: Desk, japan: Party, russia: Party
) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            brief = brief_get(brief_subject(party="RUS"), now=EARLY_2001)
            for side in brief.sides:  # everything a page or the API reads of each row
                for item in [*side.open, *side.closed]:
                    _ = (
                        item.made_by,
                        item.counterparty_code,
                        item.owner_name,
                        item.commitment.summit.title,
                        item.commitment.desk.name,
                        item.last_update,
                    )
        return len(captured)

    _grow(rf_desk, japan, russia, 3, 0)
    few = count()
    _grow(rf_desk, japan, russia, 40, 3)
    assert Commitment.objects.count() > 50
    assert count() == few
    # The subject (parties), the commitments, their makers, and the three kinds of last update.
    assert few == 6


def test_the_api_and_the_page_cost_the_same_queries_for_a_few_rows_or_many(
    demo: Summit, rf_desk: Desk, japan: Party, russia: Party, viewer: Any
) -> None:
    page = Client()
    page.force_login(viewer)

    def count(url: str, *, api: bool) -> int:
        # A fresh user object each time, as each real request loads one (the policy caches its facts on it).
        client = _api(type(viewer).objects.get(pk=viewer.pk)) if api else page
        with time_machine.travel(EARLY_2001, tick=False), CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    api_url, page_url = f"{API}?party=RUS", reverse(BRIEF_PAGE) + "?party=RUS"
    _grow(rf_desk, japan, russia, 3, 0)
    few_api, few_page = count(api_url, api=True), count(page_url, api=False)
    _grow(rf_desk, japan, russia, 30, 3)
    assert (count(api_url, api=True), count(page_url, api=False)) == (few_api, few_page)
    # The API: the reader's role, then the brief's six (the page adds the admin's own: session, menus, form).
    assert few_api == 7


# --- the API -----------------------------------------------------------------------------------------


def test_the_api_answers_with_the_brief(demo: Summit, viewer: Any) -> None:
    fm = Commitment.objects.get(title=FM_VISIT)
    with time_machine.travel(EARLY_2001, tick=False):
        services.update_add(commitment_id=fm.pk, note="Dates proposed.", by=None, now=EARLY_2001)
        response = _api(viewer).get(API, {"party": "RUS"})
    assert response.status_code == 200
    body = response.json()
    assert body["as_of"] == "2001-01-05"
    assert body["home"] == {"code": "JPN", "name": "Japan"}
    assert body["counterparts"] == [{"code": "RUS", "name": "Russian Federation"}]
    assert body["meeting"] is None
    assert (body["due_soon_days"], body["closed_since"]) == (30, "2000-01-06")
    assert [side["side"] for side in body["sides"]] == ["ours", "theirs", "joint"]
    ours = body["sides"][0]
    assert ours["label"] == "What Japan promised Russian Federation"
    assert [item["attention"] for item in ours["open"]] == ["overdue", "overdue", "condition_pending", *["other"] * 3]
    row = next(item for item in ours["open"] if item["id"] == fm.pk)
    assert row["url"].endswith(f"/api/v1/commitments/{fm.pk}/")
    assert row["admin_url"].endswith(f"/admin/commitments/commitment/{fm.pk}/change/")
    assert (row["made_by"], row["counterparty"], row["status"]) == (["JPN"], "RUS", "not_started")
    assert (row["days_overdue"], row["days_left"], row["due_by"], row["deadline_moved"]) == (
        5,
        None,
        "2000-12-31",
        False,
    )
    assert row["due_phrase"] == "within the year"
    assert (row["meeting"]["id"], row["meeting"]["date"]) == (demo.pk, "2000-11-15")
    assert (row["last_update"]["kind"], row["last_update"]["text"]) == ("update", "Dates proposed.")
    assert row["desk"] == "Russian Federation Division"
    assert {item["title"] for item in body["sides"][1]["open"]} == DEMO_THEIRS


def test_the_api_brief_for_a_planned_meeting_names_it(demo: Summit, viewer: Any, japan: Party, russia: Party) -> None:
    irkutsk = SummitFactory(title="Irkutsk summit", city="Irkutsk", starts_at=datetime(2001, 3, 25, 3, tzinfo=UTC))
    irkutsk.parties.set([japan, russia])
    with time_machine.travel(EARLY_2001, tick=False):
        body = _api(viewer).get(API, {"meeting": irkutsk.pk}).json()
    assert body["meeting"]["title"] == "Irkutsk summit"
    assert body["meeting"]["parties"] == ["JPN", "RUS"]
    assert body["meeting"]["date"] == "2001-03-25"
    assert body["counterparts"] == [{"code": "RUS", "name": "Russian Federation"}]


@pytest.mark.parametrize(
    ("query", "code", "field"),
    [
        ("party=XYZ", "unknown_party", "party"),
        ("", "counterpart_required", "party"),
        ("party=JPN", "counterpart_is_us", "party"),
        ("meeting=abc", "unknown_meeting", "meeting"),
        ("party=RUS&home=QQQ", "unknown_party", "home"),
        ("party=%00", "unknown_party", "party"),
    ],
)
def test_the_api_refuses_an_unknown_counterpart_with_a_clear_400(
    demo: Summit, viewer: Any, query: str, code: str, field: str
) -> None:
    response = _api(viewer).get(f"{API}?{query}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code
    assert list(error["fields"]) == [field]
    assert error["message"] == error["fields"][field][0]
    if code == "unknown_party" and field == "party" and "XYZ" in query:
        assert error["message"] == "No party has the code “XYZ”: the parties are listed at /api/v1/parties/."


def test_the_brief_is_in_the_openapi_schema(client: Client) -> None:
    schema = client.get("/api/v1/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/briefs/"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"party", "meeting", "home"}
    assert {"200", "400", "401", "403"} <= set(operation["responses"])
    assert "Brief" in schema["components"]["schemas"]
    assert "attention" in schema["components"]["schemas"]["BriefItem"]["properties"]


# --- who may read it ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "api_status", "page_status"),
    [
        ("anonymous", 401, 302),
        ("non_staff", 403, 302),
        ("outsider", 403, 403),
        ("viewer", 200, 200),
        ("officer", 200, 200),
        ("other_officer", 200, 200),
        ("supervisor", 200, 200),
        ("administrator", 200, 200),
    ],
)
def test_every_role_reads_the_brief_and_nobody_else(
    demo: Summit, persona: str, api_status: int, page_status: int, request: pytest.FixtureRequest
) -> None:
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    api, page = APIClient(), Client()
    if user is not None:
        api.force_authenticate(user)
        page.force_login(user)
    assert api.get(API, {"party": "RUS"}).status_code == api_status
    assert page.get(reverse(BRIEF_PAGE), {"party": "RUS"}).status_code == page_status


def test_a_viewer_reads_the_same_brief_as_an_administrator(demo: Summit, viewer: Any, administrator: Any) -> None:
    with time_machine.travel(EARLY_2001, tick=False):
        seen = [_api(user).get(API, {"party": "RUS"}).json() for user in (viewer, administrator)]
    assert seen[0] == seen[1]


# --- the admin page ----------------------------------------------------------------------------------


def test_the_page_lists_each_side_in_order_with_links(demo: Summit, viewer: Any) -> None:
    page = Client()
    page.force_login(viewer)
    with time_machine.travel(EARLY_2001, tick=False):
        html = page.get(reverse(BRIEF_PAGE), {"party": "RUS"}).content.decode()
    fm = Commitment.objects.get(title=FM_VISIT)
    assert "Brief: Japan and Russian Federation" in html
    assert "As of <strong>5 Jan 2001</strong>" in html
    assert html.index('id="side-ours"') < html.index('id="side-theirs"') < html.index('id="side-joint"')
    ours = html[html.index('id="side-ours"') : html.index('id="side-theirs"')]
    assert (
        ours.index("Overdue (2)") < ours.index("Waiting on a condition (1)") < ours.index("Later or with no deadline")
    )
    assert f'href="/admin/commitments/commitment/{fm.pk}/change/"' in ours
    assert "overdue by 5 days" in ours
    assert f'href="/admin/summits/summit/{demo.pk}/change/"' in ours
    assert "15 Nov 2000" in ours
    assert "by 31 Dec 2000" in ours
    assert "None since it was recorded, 16 Nov 2000" in ours
    assert 'href="/api/v1/briefs/?party=RUS"' in html


def test_the_page_says_what_is_wrong_with_a_code(demo: Summit, viewer: Any) -> None:
    page = Client()
    page.force_login(viewer)
    response = page.get(reverse(BRIEF_PAGE), {"party": "XYZ"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "No party has the code “XYZ”" in html
    assert 'id="brief"' not in html
    assert 'id="brief"' not in page.get(reverse(BRIEF_PAGE)).content.decode()  # the form alone at first


def test_the_page_is_linked_from_the_dashboard_the_list_a_party_and_a_summit(
    demo: Summit, viewer: Any, russia: Party
) -> None:
    page = Client()
    page.force_login(viewer)
    brief = reverse(BRIEF_PAGE)
    assert f'href="{brief}"' in page.get(reverse("admin:index")).content.decode()
    assert f'href="{brief}"' in page.get(reverse("admin:commitments_commitment_changelist")).content.decode()
    party_page = page.get(reverse("admin:summits_party_change", args=[russia.pk])).content.decode()
    assert f'href="{brief}?party=RUS"' in party_page
    summit_page = page.get(reverse("admin:summits_summit_change", args=[demo.pk])).content.decode()
    assert f'href="{brief}?meeting={demo.pk}"' in summit_page


def test_the_page_for_a_planned_meeting_names_it_and_its_counterpart(
    demo: Summit, viewer: Any, japan: Party, russia: Party
) -> None:
    irkutsk = SummitFactory(title="Irkutsk summit", city="Irkutsk", starts_at=datetime(2001, 3, 25, 3, tzinfo=UTC))
    irkutsk.parties.set([japan, russia])
    page = Client()
    page.force_login(viewer)
    with time_machine.travel(EARLY_2001, tick=False):
        html = page.get(reverse(BRIEF_PAGE), {"meeting": irkutsk.pk}).content.decode()
    assert "Brief for Irkutsk summit: Japan and Russian Federation" in html
    assert f'before\n      <a href="/admin/summits/summit/{irkutsk.pk}/change/">Irkutsk summit</a>' in html
    assert "25 Mar 2001, Irkutsk" in html
    assert html.count('class="pb-brief-row"') == 14  # the fourteen Brunei commitments, all open on 5 January 2001
