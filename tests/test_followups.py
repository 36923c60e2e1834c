"""Follow-through from later records: chains of real records of the development corpus (read where it lives),
and records written for the tests, with the proposals each must and must not produce."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from commitments import services
from commitments.errors import WorkflowError
from commitments.importer import followups
from commitments.importer.evaluation import CorpusMissing, corpus_dir, corpus_load
from commitments.importer.record import parse
from commitments.importer.service import record_import
from commitments.models import Commitment, Desk, FollowUp
from summits.models import Party

from .conftest import require
from .test_api import client_for

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)


@pytest.fixture
def corpus() -> Path:
    try:
        return corpus_dir()
    except CorpusMissing as missing:
        require(False, str(missing))
        raise


@pytest.fixture
def desk(db: Any) -> Desk:
    desk = Desk.objects.create(name="Northeast Asia Division", time_zone="Asia/Tokyo")
    desk.parties.add(Party.objects.get_or_create(code="KOR", defaults={"name": "Republic of Korea"})[0])
    return desk


def _body(corpus: Path, record_id: str) -> str:
    return corpus_load(corpus, "en", [record_id])[0].body


def _tracked(text: str, meeting_date: date | None = None) -> list[Commitment]:
    """Import a record and accept every draft, as a desk officer would after review."""
    result = record_import(raw=text, by=None, now=NOW, meeting_date=meeting_date)
    for _, commitment in result.drafts:
        services.commitment_transition(commitment_id=commitment.pk, to_status="not_started", by=None, now=NOW)
    return [commitment for _, commitment in result.drafts]


def test_a_later_summit_in_japan_proposes_the_promised_visit_to_japan_fulfilled_late(corpus: Path, desk: Desk) -> None:
    """Japan-ROK, 12 January 2009: "President Lee would visit Japan at an appropriate time this year".
    Japan-ROK summit in Kyoto, 18 December 2011, President Lee visiting: the visit happened, late."""
    earlier = _tracked(_body(corpus, "E11"))
    visit = next(c for c in earlier if "President Lee would visit Japan" in c.quote)
    later = record_import(raw=_body(corpus, "E20"), by=None, now=NOW)
    proposed = {f.commitment_id: f for f in later.follow_ups}
    assert visit.pk in proposed
    follow_up = proposed[visit.pk]
    assert (follow_up.proposed, follow_up.occurred_on, follow_up.basis) == ("fulfilled", date(2011, 12, 18), "meeting")
    assert "Kyoto" in follow_up.reason
    # Commitments the summit does not bear on are not proposed as fulfilled.
    research = next(c for c in earlier if "Joint Research Project" in c.quote)
    assert proposed.get(research.pk) is None or proposed[research.pk].proposed != "fulfilled"


def test_a_foreign_ministers_meeting_does_not_fulfil_a_presidents_visit(corpus: Path, desk: Desk) -> None:
    """Santiago, 21 November 2004: President Putin "would visit Japan in early 2005". The foreign
    ministers met in Tokyo on 31 May 2005: at most progress, never the visit."""
    desk.parties.add(Party.objects.get_or_create(code="RUS", defaults={"name": "Russian Federation"})[0])
    earlier = _tracked(_body(corpus, "R04"))
    visit = next(c for c in earlier if "he would visit Japan in early 2005" in c.quote)
    later = record_import(raw=_body(corpus, "R05"), by=None, now=NOW)
    for follow_up in later.follow_ups:
        if follow_up.commitment_id == visit.pk:
            assert follow_up.proposed == "progress"


def test_a_meeting_of_other_parties_proposes_nothing(corpus: Path, desk: Desk) -> None:
    _tracked(_body(corpus, "E11"))  # Japan and the Republic of Korea
    later = record_import(raw=_body(corpus, "E04"), by=None, now=NOW)  # Japan and Australia, 2012
    assert later.follow_ups == []
    assert not FollowUp.objects.exists()


# A record written for the tests, after the shape of the genre: the summit the Brunei record promised.
IRKUTSK = """Japan-Russia Summit Meeting in Irkutsk
25 March 2001
On March 25, Prime Minister Yoshiro Mori held a summit meeting with President Vladimir Putin of the Russian \
Federation in Irkutsk.
1. The two leaders signed the Irkutsk Statement, which clearly indicates to the world the direction in which \
Japan-Russia relations are headed.
2. The two leaders agreed to hold their next meeting in Moscow.
"""


@pytest.fixture
def brunei(demo: Any) -> dict[str, Commitment]:
    return {c.quote: c for c in Commitment.objects.all()}


def _one(commitments: dict[str, Commitment], words: str) -> Commitment:
    return next(c for quote, c in commitments.items() if words in quote)


def test_the_promised_summit_proposes_what_it_fulfils_and_only_that(brunei: dict[str, Commitment]) -> None:
    result = record_import(raw=IRKUTSK, by=None, now=NOW)
    proposed = {f.commitment_id: f for f in result.follow_ups}
    expected = {
        "hold the next Japan-Russia Summit in Irkutsk": ("fulfilled", "meeting"),
        "to welcome Prime Minister Mori in Irkutsk": ("fulfilled", "meeting"),
        "invited Prime Minister Mori to Russia": ("fulfilled", "meeting"),
        "expressed his desire to visit Russia": ("fulfilled", "meeting"),
        "Mori will visit Irkutsk within the year": ("condition_met", "meeting"),  # its condition is pending
        "ready to visit Russia within the year if": ("condition_met", "meeting"),
        "next possible opportunity to meet with President Putin": ("fulfilled", "meeting"),
        "intention to receive the Foreign Minister": ("progress", "meeting"),  # the minister's own visit
        "send the Japanese Minister for Foreign Affairs to Russia": ("progress", "meeting"),  # a summit, not the FM
        "clearly indicate to the world": ("fulfilled", "text"),  # "signed the Irkutsk Statement …"
    }
    for words, (outcome, basis) in expected.items():
        follow_up = proposed.get(_one(brunei, words).pk)
        assert follow_up is not None, words
        assert (follow_up.proposed, follow_up.basis, follow_up.occurred_on) == (outcome, basis, date(2001, 3, 25)), (
            words
        )
    statement = proposed[_one(brunei, "clearly indicate to the world").pk]
    assert IRKUTSK[statement.evidence_start : statement.evidence_end] == statement.evidence_quote  # verbatim
    assert "signed the Irkutsk Statement" in statement.evidence_quote
    # Nothing for what the summit does not bear on: continuing to promote the process, working further on talks.
    assert _one(brunei, "continue to promote this process").pk not in proposed
    assert len(proposed) == len(expected)


def _proposal(result: Any, commitment: Commitment) -> FollowUp:
    return next(f for f in result.follow_ups if f.commitment_id == commitment.pk)


def test_what_an_import_and_its_acceptance_write_is_stored_in_english_whoever_reads_japanese(
    brunei: dict[str, Commitment], officer: Any
) -> None:
    """A proposal's reason and the note accepting it writes are stored and read by every reviewer: in
    LANGUAGE_CODE, with its dates (25 Mar 2001, never "%-d"-formatted) and its words for kinds and outcomes,
    though the officer importing and accepting reads Japanese."""
    invitation = _one(brunei, "invited Prime Minister Mori to Russia")
    with translation.override("ja"):
        result = record_import(raw=IRKUTSK, by=officer, now=NOW)
        proposal = _proposal(result, invitation)
        services.followup_accept(follow_up_id=proposal.pk, by=officer, now=NOW)
    assert proposal.reason.startswith("A summit meeting in Irkutsk on 25 Mar 2001")
    note = invitation.updates.get().note
    assert note.startswith(f"Fulfilled, from the record of “{result.summit.title}” (25 Mar 2001): A summit meeting")


def test_accepting_records_the_outcome_through_the_workflow_on_the_day_it_happened(
    brunei: dict[str, Commitment], officer: Any
) -> None:
    result = record_import(raw=IRKUTSK, by=officer, now=NOW)
    summit_promise = _one(brunei, "hold the next Japan-Russia Summit in Irkutsk")
    invitation = _one(brunei, "invited Prime Minister Mori to Russia")  # due by 31 Dec 2001
    services.followup_accept(follow_up_id=_proposal(result, summit_promise).pk, by=officer, now=NOW)
    services.followup_accept(follow_up_id=_proposal(result, invitation).pk, by=officer, now=NOW)
    for commitment in (summit_promise, invitation):
        commitment.refresh_from_db()
        assert (commitment.status, commitment.closed_on) == ("fulfilled", date(2001, 3, 25))
        update = commitment.updates.get()
        assert update.evidence_summit == result.summit
        assert "Irkutsk" in update.note
        change = commitment.status_changes.first()
        assert change is not None
        assert (change.by, change.occurred_on) == (officer, date(2001, 3, 25))
    assert invitation.on_time_as_promised is True  # 25 March 2001, within "this year or next year"
    assert _proposal(result, invitation).decision == "pending"  # the object in hand is the one created
    assert FollowUp.objects.get(commitment=invitation).decision == "accepted"


def test_accepting_a_pending_condition_marks_it_met_and_closes_nothing(
    brunei: dict[str, Commitment], officer: Any
) -> None:
    result = record_import(raw=IRKUTSK, by=officer, now=NOW)
    conditional = _one(brunei, "Mori will visit Irkutsk within the year")
    status_before = conditional.status
    services.followup_accept(follow_up_id=_proposal(result, conditional).pk, by=officer, now=NOW)
    conditional.refresh_from_db()
    assert (conditional.condition_state, conditional.status) == ("met", status_before)


def test_rejecting_records_nothing_and_a_decided_follow_up_cannot_be_decided_again(
    brunei: dict[str, Commitment], officer: Any
) -> None:
    result = record_import(raw=IRKUTSK, by=officer, now=NOW)
    invitation = _one(brunei, "invited Prime Minister Mori to Russia")
    follow_up = _proposal(result, invitation)
    services.followup_reject(follow_up_id=follow_up.pk, by=officer, now=NOW)
    invitation.refresh_from_db()
    assert invitation.status != "fulfilled"
    assert not invitation.updates.exists()
    follow_up.refresh_from_db()
    assert (follow_up.decision, follow_up.decided_by) == ("rejected", officer)
    with pytest.raises(WorkflowError, match="already rejected"):
        services.followup_accept(follow_up_id=follow_up.pk, by=officer, now=NOW)


def test_only_people_who_may_change_the_commitment_decide(
    brunei: dict[str, Commitment], officer: Any, viewer: Any, other_officer: Any
) -> None:
    result = record_import(raw=IRKUTSK, by=officer, now=NOW)
    follow_up = _proposal(result, _one(brunei, "invited Prime Minister Mori to Russia"))
    for someone in (viewer, other_officer):
        with pytest.raises(PermissionDenied):
            services.followup_accept(follow_up_id=follow_up.pk, by=someone, now=NOW)
    follow_up.refresh_from_db()
    assert follow_up.decision == "pending"


def test_the_import_json_and_the_api_carry_the_follow_ups(brunei: dict[str, Commitment], officer: Any) -> None:
    response = client_for(officer).post("/api/v1/records/", {"text": IRKUTSK}, format="json")
    assert response.status_code == 201, response.json()
    follow_ups = response.json()["follow_ups"]
    invitation = _one(brunei, "invited Prime Minister Mori to Russia")
    mine = next(f for f in follow_ups if f["commitment"] == invitation.pk)
    assert (mine["proposed"], mine["occurred_on"], mine["basis"], mine["evidence"]) == (
        "fulfilled",
        "2001-03-25",
        "meeting",
        None,
    )
    statement = next(f for f in follow_ups if f["basis"] == "text")
    assert IRKUTSK[statement["evidence"]["start"] : statement["evidence"]["end"]] == statement["evidence"]["quote"]
    again = client_for(officer).get(f"/api/v1/records/{response.json()['import']}/").json()
    assert again["follow_ups"] == follow_ups


MOSCOW = """Japan-Russia Foreign Ministers' Meeting
16 January 2001
On January 16, Minister for Foreign Affairs Yohei Kono, who is visiting Moscow, held a meeting with Minister \
for Foreign Affairs Igor Ivanov of the Russian Federation.
1. The two ministers exchanged views on the preparation of the summit meeting.
"""


def test_the_minister_who_was_to_be_sent_came_late_and_the_summit_is_still_owed(
    brunei: dict[str, Commitment], officer: Any
) -> None:
    result = record_import(raw=MOSCOW, by=officer, now=NOW)
    proposed = {f.commitment_id: f for f in result.follow_ups}
    send = _one(brunei, "send the Japanese Minister for Foreign Affairs to Russia")  # due by 31 Dec 2000
    receive = _one(brunei, "intention to receive the Foreign Minister")
    for commitment in (send, receive):
        assert (proposed[commitment.pk].proposed, proposed[commitment.pk].occurred_on) == (
            "fulfilled",
            date(2001, 1, 16),
        )
    assert _one(brunei, "hold the next Japan-Russia Summit in Irkutsk").pk not in proposed  # another place and level
    services.followup_accept(follow_up_id=proposed[send.pk].pk, by=officer, now=NOW)
    send.refresh_from_db()
    assert (send.status, send.on_time_as_promised) == ("fulfilled", False)  # 16 days late


def test_the_api_accepts_and_rejects_follow_ups_with_the_same_rights(
    brunei: dict[str, Commitment], officer: Any, viewer: Any
) -> None:
    body = client_for(officer).post("/api/v1/records/", {"text": IRKUTSK}, format="json").json()
    by_commitment = {f["commitment"]: f["id"] for f in body["follow_ups"]}
    invitation = _one(brunei, "invited Prime Minister Mori to Russia")
    summit_promise = _one(brunei, "hold the next Japan-Russia Summit in Irkutsk")
    refused = client_for(viewer).post(f"/api/v1/follow-ups/{by_commitment[invitation.pk]}/accept/")
    assert refused.status_code == 403
    accepted = client_for(officer).post(f"/api/v1/follow-ups/{by_commitment[invitation.pk]}/accept/")
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["decision"] == "accepted"
    invitation.refresh_from_db()
    assert (invitation.status, invitation.closed_on) == ("fulfilled", date(2001, 3, 25))
    rejected = client_for(officer).post(f"/api/v1/follow-ups/{by_commitment[summit_promise.pk]}/reject/")
    assert (rejected.status_code, rejected.json()["decision"]) == (200, "rejected")
    again = client_for(officer).post(f"/api/v1/follow-ups/{by_commitment[summit_promise.pk]}/accept/")
    assert again.status_code == 400
    assert "already rejected" in again.json()["error"]["message"] + str(again.json()["error"]["fields"])
    assert client_for(officer).post("/api/v1/follow-ups/999999/accept/").status_code == 404


OSAKA = """Japan-Russia Summit Meeting
25 March 2001
On March 25, Prime Minister Yoshiro Mori held a summit meeting with President Vladimir Putin of the Russian \
Federation in Osaka.
1. The two leaders discussed the economy.
"""


def test_a_meeting_fulfils_no_promise_that_was_not_to_meet(desk: Desk) -> None:
    """Review finding: "realize the conclusion of a treaty" and "meet the energy needs" are no meetings."""
    summit = record_import(raw=OSAKA, by=None, now=NOW).summit
    record = parse(OSAKA, "UTC", "JPN")
    for quote, kind in [
        ("Both sides will make efforts to realize the conclusion of a peace treaty.", "negotiation"),
        ("Japan will provide assistance to meet the energy needs of the Far East.", "other"),
    ]:
        assert followups._by_meeting(Commitment(quote=quote, kind=kind), summit, record) is None, quote
    promise = Commitment(quote="The two leaders agreed to meet again in Osaka next spring.", kind="meeting")
    found = followups._by_meeting(promise, summit, record)
    assert found is not None
    assert found.proposed == "fulfilled"


def test_a_follow_up_id_that_is_not_a_number_is_a_message_not_an_error(demo: Any, officer: Any, client: Any) -> None:
    from .admin_helpers import login

    summit = record_import(raw=OSAKA, by=officer, now=NOW).summit
    login(client, officer)
    response = client.post(
        f"/admin/summits/summit/{summit.pk}/review/", {"follow_up": "abc", "follow_up_decision": "accept"}, follow=True
    )
    assert response.status_code == 200
    assert "Choose a follow-up, then accept or reject it." in response.content.decode()
