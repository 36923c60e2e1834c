"""Compliance scores on a fixture whose expected numbers are worked out by hand below."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from commitments import services
from commitments.models import Desk
from commitments.reports.compliance import compliance
from summits.models import Party

from .factories import PartyFactory, SummitFactory, make_commitment

pytestmark = pytest.mark.django_db

RECORDED = datetime(2000, 11, 16, tzinfo=UTC)
LATER = datetime(2001, 6, 1, tzinfo=UTC)


def _close(commitment: Any, status: str, on: date) -> None:
    services.commitment_transition(
        commitment_id=commitment.pk, to_status=status, by=None, now=LATER, note="Assessed.", occurred_on=on
    )


@pytest.fixture
def fixture(db: Any) -> dict[str, Any]:
    desk_a = Desk.objects.create(name="A Division")
    desk_b = Desk.objects.create(name="B Division")
    jpn, rus = PartyFactory(code="JPN", name="Japan"), PartyFactory(code="RUS", name="Russian Federation")
    summit = SummitFactory(title="Brunei-like")
    other = SummitFactory(title="Second meeting")

    def item(title: str, made: list[Party], desk: Desk = desk_a, **fields: Any) -> Any:
        return make_commitment(desk=desk, summit=summit, title=title, made_by=made, now=RECORDED, **fields)

    on_time = item("J on time", [jpn], due_by=date(2000, 12, 31))
    _close(on_time, "fulfilled", date(2000, 12, 20))  # JPN +1, on time, delay 0
    late = item("J late", [jpn], due_by=date(2000, 12, 31))
    _close(late, "fulfilled", date(2001, 1, 10))  # JPN +1, late, delay 10
    partial = item("J partial", [jpn], due_by=date(2000, 12, 31))
    _close(partial, "partially_fulfilled", date(2001, 1, 5))  # JPN 0
    joint_fail = item("Joint failed", [jpn, rus], desk=desk_b)
    _close(joint_fail, "not_fulfilled", date(2001, 2, 1))  # JPN -1, RUS -1
    lapsed = item("R lapsed", [rus], condition_text="if talks advance")
    services.condition_set_state(commitment_id=lapsed.pk, state="failed", by=None, now=LATER)  # excluded
    superseded = item("R superseded", [rus])
    _close(superseded, "superseded", date(2001, 3, 1))  # excluded
    item("R open", [rus], due_by=date(2001, 12, 31))  # not yet assessable
    rus_late = make_commitment(
        desk=desk_b, summit=other, title="R late", made_by=[rus], now=RECORDED, due_by=date(2001, 1, 31)
    )
    _close(rus_late, "fulfilled", date(2001, 3, 2))  # RUS +1, late by 30 days
    return {"summit": summit, "other": other}


def _by(rows: list[Any]) -> dict[str, Any]:
    return {row.label: row for row in rows}


def test_per_party(fixture: dict[str, Any]) -> None:
    rows = _by(compliance("party"))
    japan, russia = rows["Japan"], rows["Russian Federation"]
    # Japan: +1 +1 0 -1 → 1/4 = 0.25; two fulfilled with deadlines, one on time; delays 0 and 10 → 5.
    assert (japan.score, japan.assessed, japan.open, japan.excluded) == (0.25, 4, 0, 0)
    assert (japan.on_time_as_promised_rate, japan.on_time_as_rescheduled_rate, japan.mean_delay_days) == (0.5, 0.5, 5.0)
    # Russia: -1 (joint) +1 (late) → 0; one open; lapsed and superseded excluded; delay 30.
    assert (russia.score, russia.assessed, russia.open, russia.excluded) == (0.0, 2, 1, 2)
    assert (russia.on_time_as_promised_rate, russia.on_time_as_rescheduled_rate, russia.mean_delay_days) == (
        0.0,
        0.0,
        30.0,
    )


def test_per_summit_counts_each_commitment_once(fixture: dict[str, Any]) -> None:
    rows = _by(compliance("summit"))
    first = rows["Brunei-like"]
    # +1 +1 0 -1 (the joint one once) → 0.25; open 1; excluded 2.
    assert (first.score, first.assessed, first.open, first.excluded) == (0.25, 4, 1, 2)
    assert first.by_status == {
        "fulfilled": 2,
        "partially_fulfilled": 1,
        "not_fulfilled": 1,
        "lapsed": 1,
        "superseded": 1,
        "not_started": 1,
    }
    assert rows["Second meeting"].score == 1.0


def test_per_desk(fixture: dict[str, Any]) -> None:
    rows = _by(compliance("desk"))
    assert rows["A Division"].score == round((1 + 1 + 0) / 3, 3)
    assert rows["B Division"].score == 0.0  # -1 and +1


def test_a_moved_deadline_does_not_reward_lateness(fixture: dict[str, Any]) -> None:
    """Russia's late one again, but its deadline was first moved past the day it happened: on time as
    rescheduled, still 30 days late as promised — and the mean delay is counted against the promise."""
    from commitments.models import Commitment

    summit = SummitFactory(title="Third meeting")
    rus = Party.objects.get(code="RUS")
    desk = Desk.objects.get(name="B Division")
    moved = make_commitment(
        desk=desk, summit=summit, title="R moved", made_by=[rus], now=RECORDED, due_by=date(2001, 1, 31)
    )
    services.deadline_move(
        commitment_id=moved.pk,
        new_due_by=date(2001, 6, 30),
        new_due_from=None,
        reason="Postponed by both sides.",
        change_class="postponed",
        by=None,
        now=RECORDED,
    )
    _close(moved, "fulfilled", date(2001, 3, 2))
    row = _by(compliance("summit", Commitment.objects.filter(summit=summit)))["Third meeting"]
    assert (row.on_time_as_promised_rate, row.on_time_as_rescheduled_rate, row.mean_delay_days) == (0.0, 1.0, 30.0)


# --- assessments --------------------------------------------------------------------------------------------


@pytest.fixture
def assessed(fixture: dict[str, Any]) -> Any:
    return fixture["summit"]


def test_an_assessment_keeps_each_commitment_and_partys_status_then_with_its_reasoning(assessed: Any) -> None:
    from commitments.reports.compliance import assessment_freeze

    before = assessment_freeze(
        summit=assessed, kind="interim", note="Year end.", by=None, now=LATER, as_of=date(2000, 12, 31)
    )
    after = assessment_freeze(summit=assessed, kind="final", note="Done.", by=None, now=LATER, as_of=date(2001, 5, 1))
    late_then = before.items.get(commitment_title="J late", party_code="JPN")
    late_now = after.items.get(commitment_title="J late", party_code="JPN")
    assert (late_then.status, late_then.score, late_then.reasoning) == ("not_started", None, "")
    assert (late_now.status, late_now.score, late_now.reasoning) == ("fulfilled", 1, "Assessed.")
    joint = after.items.filter(commitment_title="Joint failed").order_by("party_code")
    assert [(i.party_code, i.score) for i in joint] == [("JPN", -1), ("RUS", -1)]
    assert before.as_of == date(2000, 12, 31)
    # 20 December: one fulfilled on time by the year's end; by May, +1 +1 0 -1 for Japan.
    assert {p["label"]: p["score"] for p in before.figures["parties"]}["JPN"] == 1.0
    assert {p["label"]: p["score"] for p in after.figures["parties"]}["JPN"] == 0.25


def test_a_second_final_assessment_is_refused_naming_the_first(assessed: Any) -> None:
    from commitments.errors import WorkflowError
    from commitments.models import Assessment
    from commitments.reports.compliance import assessment_freeze

    assessment_freeze(summit=assessed, kind="final", note="", by=None, now=LATER, as_of=date(2001, 5, 1))
    with pytest.raises(WorkflowError, match="already has its final assessment, as of 01 May 2001"):
        assessment_freeze(summit=assessed, kind="final", note="", by=None, now=LATER)
    with pytest.raises(WorkflowError, match="a day that has come"):
        assessment_freeze(summit=assessed, kind="interim", note="", by=None, now=LATER, as_of=date(2001, 6, 2))
    with pytest.raises(WorkflowError, match="choose that day or later"):
        assessment_freeze(summit=assessed, kind="interim", note="", by=None, now=LATER, as_of=date(2000, 1, 1))
    assert Assessment.objects.filter(summit=assessed).count() == 1


def test_comparing_two_assessments_lists_what_changed_commitment_by_commitment(assessed: Any) -> None:
    from commitments.reports.compliance import assessment_compare, assessment_freeze

    before = assessment_freeze(summit=assessed, kind="interim", note="", by=None, now=LATER, as_of=date(2000, 12, 31))
    after = assessment_freeze(summit=assessed, kind="interim", note="", by=None, now=LATER, as_of=date(2001, 1, 6))
    changes = assessment_compare(before, after)["commitments"]
    # Between 31 December and 6 January: "J partial" (5 Jan) closed; "J late" (10 Jan) not yet.
    assert [(c["commitment"], c["party"], c["earlier"], c["later"]) for c in changes] == [
        ("J partial", "JPN", "not_started", "partially_fulfilled")
    ]
