"""Compliance scores on a fixture whose expected numbers are worked out by hand below."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.utils import translation

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
    with pytest.raises(WorkflowError, match="already has its final assessment, as of 1 May 2001"):
        assessment_freeze(summit=assessed, kind="final", note="", by=None, now=LATER)
    with pytest.raises(WorkflowError, match="a day that has come"):
        assessment_freeze(summit=assessed, kind="interim", note="", by=None, now=LATER, as_of=date(2001, 6, 2))
    with pytest.raises(WorkflowError, match="choose that day or later"):
        assessment_freeze(summit=assessed, kind="interim", note="", by=None, now=LATER, as_of=date(2000, 1, 1))
    # In the language of the person freezing, dates in its form.
    with translation.override("ja"), pytest.raises(WorkflowError) as refused:
        assessment_freeze(summit=assessed, kind="final", note="", by=None, now=LATER, as_of=date(2000, 1, 1))
    assert refused.value.message_dict == {
        "as_of": ["会談は2000年11月15日でした：その日以降を選んでください。"],
        "kind": [
            "この会談には既に最終評価があります（2001年5月1日時点、2001年6月1日に記録）。代わりに中間評価として保存してください。"
        ],
    }
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


# --- per-party outcomes of joint commitments ------------------------------------------------------------------


def _outcomes(commitment: Any, **by_party: str) -> None:
    services.outcome_set(
        commitment_id=commitment.pk,
        outcomes=[services.PartyOutcome(code, status, f"{code}'s part.") for code, status in by_party.items()],
        by=None,
        now=LATER,
    )


def _commitment(title: str) -> Any:
    from commitments.models import Commitment

    return Commitment.objects.get(title=title)


def test_each_party_is_scored_by_its_own_outcome(fixture: dict[str, Any]) -> None:
    # "Joint failed": not fulfilled overall, but Japan did its part.
    _outcomes(_commitment("Joint failed"), JPN="fulfilled")
    rows = _by(compliance("party"))
    japan, russia = rows["Japan"], rows["Russian Federation"]
    # Japan: +1 +1 0 +1 → 0.75; Russia keeps the commitment's -1: -1 +1 → 0.
    assert (japan.score, japan.assessed) == (0.75, 4)
    assert japan.by_status == {"fulfilled": 3, "partially_fulfilled": 1}
    assert (russia.score, russia.assessed, russia.open, russia.excluded) == (0.0, 2, 1, 2)
    assert russia.by_status["not_fulfilled"] == 1
    # Per summit and per desk the commitment counts once, by its status: nothing moves.
    assert _by(compliance("summit"))["Brunei-like"].score == 0.25
    assert _by(compliance("desk"))["B Division"].score == 0.0


def test_a_party_that_fulfilled_its_part_counts_in_its_on_time_rates(fixture: dict[str, Any]) -> None:
    from commitments.models import Commitment

    summit = SummitFactory(title="Joint with a deadline")
    jpn, rus = Party.objects.get(code="JPN"), Party.objects.get(code="RUS")
    joint = make_commitment(
        desk=Desk.objects.get(name="B Division"),
        summit=summit,
        title="Joint dated",
        made_by=[jpn, rus],
        now=RECORDED,
        due_by=date(2000, 12, 31),
    )
    _close(joint, "partially_fulfilled", date(2001, 1, 10))  # ten days after the deadline
    _outcomes(joint, JPN="fulfilled", RUS="not_fulfilled")
    rows = _by(compliance("party", Commitment.objects.filter(summit=summit)))
    japan, russia = rows["Japan"], rows["Russian Federation"]
    assert (japan.score, japan.on_time_as_promised_rate, japan.on_time_as_rescheduled_rate) == (1.0, 0.0, 0.0)
    assert japan.mean_delay_days == 10.0
    assert (russia.score, russia.on_time_as_promised_rate, russia.mean_delay_days) == (-1.0, None, None)


def test_reopening_returns_every_party_to_not_yet_assessable(fixture: dict[str, Any]) -> None:
    joint = _commitment("Joint failed")
    _outcomes(joint, JPN="fulfilled")
    services.commitment_transition(
        commitment_id=joint.pk, to_status="in_progress", by=None, now=LATER, note="Talks resumed."
    )
    japan = _by(compliance("party"))["Japan"]
    assert (japan.score, japan.assessed, japan.open) == (round(2 / 3, 3), 3, 1)
    assert japan.by_status == {"fulfilled": 2, "partially_fulfilled": 1, "in_progress": 1}


def test_an_outcome_left_behind_never_scores_a_commitment_whose_status_says_otherwise(
    fixture: dict[str, Any],
) -> None:
    """Rows written past the service (SQL, a restore) for a commitment that is open count for nothing."""
    from commitments.models import CommitmentOutcome

    still_open = _commitment("R open")
    CommitmentOutcome.objects.create(
        commitment=still_open, party=Party.objects.get(code="RUS"), status="fulfilled", recorded_at=LATER
    )
    russia = _by(compliance("party"))["Russian Federation"]
    assert (russia.score, russia.assessed, russia.open) == (0.0, 2, 1)


def test_the_report_by_party_costs_the_same_queries_however_many_outcomes(
    fixture: dict[str, Any], django_assert_num_queries: Any
) -> None:
    desk = Desk.objects.get(name="B Division")
    jpn, rus = Party.objects.get(code="JPN"), Party.objects.get(code="RUS")
    with django_assert_num_queries(1):  # one GROUP BY gives the rows and their counts by status
        before = _by(compliance("party"))
    for n in range(12):
        joint = make_commitment(desk=desk, summit=SummitFactory(), title=f"Joint {n}", made_by=[jpn, rus], now=RECORDED)
        _close(joint, "partially_fulfilled", date(2001, 2, 1))
        _outcomes(joint, JPN="fulfilled", RUS="not_fulfilled")
    with django_assert_num_queries(1):
        after = _by(compliance("party"))
    # Each new joint one: +1 for Japan, -1 for Russia (not the commitment's 0).
    assert after["Japan"].assessed == before["Japan"].assessed + 12
    assert after["Japan"].score == round((0.25 * 4 + 12) / 16, 3)
    assert after["Russian Federation"].score == round((0 * 2 - 12) / 14, 3)


def test_an_assessment_freezes_each_partys_own_outcome_and_the_overall_once(assessed: Any) -> None:
    from commitments.reports.compliance import assessment_freeze

    joint = _commitment("Joint failed")
    before = assessment_freeze(summit=assessed, kind="interim", note="", by=None, now=LATER, as_of=date(2001, 5, 1))
    _outcomes(joint, JPN="fulfilled")
    after = assessment_freeze(summit=assessed, kind="interim", note="", by=None, now=LATER, as_of=date(2001, 5, 1))
    frozen = after.items.filter(commitment_title="Joint failed").order_by("party_code")
    assert [(i.party_code, i.status, i.score, i.reasoning) for i in frozen] == [
        ("JPN", "fulfilled", 1, "JPN's part."),
        ("RUS", "not_fulfilled", -1, "Assessed."),  # no own outcome: the closing's note
    ]
    parties = {p["label"]: p["score"] for p in after.figures["parties"]}
    assert (parties["JPN"], parties["RUS"]) == (0.75, -1.0)  # Russia's +1 was at the other meeting
    # Overall, each commitment once by its status: the same before and after the parties' outcomes.
    assert after.figures["overall"] == before.figures["overall"]
    assert after.figures["overall"]["score"] == 0.25
    # As of a day before it closed, its status then: no party outcome yet.
    early = assessment_freeze(summit=assessed, kind="interim", note="", by=None, now=LATER, as_of=date(2001, 1, 15))
    assert {i.status for i in early.items.filter(commitment_title="Joint failed")} == {"not_started"}
