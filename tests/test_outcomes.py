"""Per-party outcomes of joint commitments (services/outcomes.py): recorded, replaced, refused, cleared."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from commitments import selectors, services
from commitments.errors import VersionConflict, WorkflowError
from commitments.models import Commitment, CommitmentOutcome, Notification, NotificationKind
from commitments.services import PartyOutcome
from summits.models import Party, Summit

from .admin_helpers import change_url, commitment_form_data, login
from .conftest import CHRISTMAS_2000, EARLY_2001, MARCH_2001

pytestmark = pytest.mark.django_db

NEGOTIATIONS = "1.(2)"  # "the two leaders agreed to work further on negotiations …": Japan and Russia


def _joint(demo: Summit) -> Commitment:
    return Commitment.objects.get(summit=demo, source_ref=NEGOTIATIONS)


def _close(commitment: Commitment, status: str = "partially_fulfilled") -> Commitment:
    services.commitment_transition(
        commitment_id=commitment.pk,
        to_status=status,
        by=None,
        now=CHRISTMAS_2000,
        note="Talks held at expert level; no ministerial round.",
        occurred_on=date(2000, 12, 20),
    )
    commitment.refresh_from_db()
    return commitment


@pytest.fixture
def closed(demo: Summit) -> Commitment:
    return _close(_joint(demo))


def _recorded(commitment: Commitment) -> dict[str, tuple[str, str]]:
    return {o.party.code: (o.status, o.note) for o in CommitmentOutcome.objects.filter(commitment=commitment)}


def test_each_party_follows_the_status_until_its_own_outcome_is_recorded(closed: Commitment, officer: Any) -> None:
    assert [(o["party"].code, o["status"], o["recorded"]) for o in selectors.party_outcomes(closed)] == [
        ("JPN", "partially_fulfilled", False),
        ("RUS", "partially_fulfilled", False),
    ]
    recorded = services.outcome_set(
        commitment_id=closed.pk,
        outcomes=[
            PartyOutcome("JPN", "fulfilled", "Japan sent its delegation."),
            PartyOutcome("RUS", "not_fulfilled", "Moscow named nobody."),
        ],
        by=officer,
        now=EARLY_2001,
        expected_version=closed.version,
    )
    assert [(o.party.code, o.status, o.recorded_by, o.recorded_at) for o in recorded] == [
        ("JPN", "fulfilled", officer, EARLY_2001),
        ("RUS", "not_fulfilled", officer, EARLY_2001),
    ]
    version = closed.version
    closed.refresh_from_db()
    assert closed.status == "partially_fulfilled"  # the commitment's own status stays as closed
    assert closed.version == version + 1
    assert [(o["party"].code, o["status"], o["recorded"], o["note"]) for o in selectors.party_outcomes(closed)] == [
        ("JPN", "fulfilled", True, "Japan sent its delegation."),
        ("RUS", "not_fulfilled", True, "Moscow named nobody."),
    ]
    # The commitment's history says who recorded what, as for every other change.
    last = closed.history.first()
    assert last is not None
    assert (last.history_user, last.history_change_reason) == (
        officer,
        "Outcomes: JPN fulfilled, RUS not fulfilled",
    )


def test_the_set_given_replaces_the_recorded_one_and_an_empty_set_clears_it(closed: Commitment, officer: Any) -> None:
    services.outcome_set(
        commitment_id=closed.pk,
        outcomes=[PartyOutcome("JPN", "fulfilled", "Delegation sent."), PartyOutcome("RUS", "not_fulfilled")],
        by=officer,
        now=EARLY_2001,
    )
    # Russia left out: it follows the status again. Japan's note stays when its outcome is resent without one.
    services.outcome_set(
        commitment_id=closed.pk, outcomes=[PartyOutcome("JPN", "fulfilled")], by=officer, now=MARCH_2001
    )
    assert _recorded(closed) == {"JPN": ("fulfilled", "Delegation sent.")}
    # A changed outcome without a note loses the note that explained the old one.
    services.outcome_set(
        commitment_id=closed.pk, outcomes=[PartyOutcome("JPN", "not_fulfilled")], by=officer, now=MARCH_2001
    )
    assert _recorded(closed) == {"JPN": ("not_fulfilled", "")}
    assert services.outcome_set(commitment_id=closed.pk, outcomes=[], by=officer, now=MARCH_2001) == []
    assert _recorded(closed) == {}
    # Every change and the removals are in the outcomes' own history, with who made them.
    kinds = list(CommitmentOutcome.history.filter(commitment_id=closed.pk).values_list("party__code", "history_type"))
    assert kinds.count(("RUS", "-")) == 1
    assert kinds.count(("JPN", "-")) == 1
    assert set(CommitmentOutcome.history.values_list("history_user", flat=True)) == {officer.pk}


def test_the_same_set_again_changes_nothing_not_even_the_version(closed: Commitment, officer: Any) -> None:
    outcomes = [PartyOutcome("JPN", "fulfilled", "Delegation sent."), PartyOutcome("RUS", "not_fulfilled")]
    services.outcome_set(commitment_id=closed.pk, outcomes=outcomes, by=officer, now=EARLY_2001)
    closed.refresh_from_db()
    version, history = closed.version, closed.history.count()
    again = services.outcome_set(commitment_id=closed.pk, outcomes=outcomes, by=officer, now=MARCH_2001)
    closed.refresh_from_db()
    assert (closed.version, closed.history.count()) == (version, history)
    assert [o.recorded_at for o in again] == [EARLY_2001, EARLY_2001]


@pytest.mark.parametrize(
    ("outcomes", "message"),
    [
        ([PartyOutcome("CHN", "fulfilled")], "CHN did not make this commitment; its parties are JPN, RUS."),
        ([PartyOutcome("JPN", "withdrawn")], "'withdrawn' is not an outcome"),
        ([PartyOutcome("JPN", "in_progress")], "'in_progress' is not an outcome"),
        ([PartyOutcome("JPN", "fulfilled"), PartyOutcome("JPN", "not_fulfilled")], "JPN is named twice"),
    ],
)
def test_a_party_or_outcome_that_cannot_be_is_refused(
    closed: Commitment, officer: Any, outcomes: list[PartyOutcome], message: str
) -> None:
    Party.objects.create(code="CHN", name="China")
    with pytest.raises(WorkflowError, match=message) as refused:
        services.outcome_set(commitment_id=closed.pk, outcomes=outcomes, by=officer, now=EARLY_2001)
    assert set(refused.value.message_dict) == {"outcomes"}
    assert _recorded(closed) == {}


@pytest.mark.parametrize("status", ["not_started", "in_progress", "withdrawn", "superseded"])
def test_only_a_commitment_closed_as_kept_or_broken_has_party_outcomes(demo: Summit, officer: Any, status: str) -> None:
    joint = _joint(demo)
    if status != "not_started":
        services.commitment_transition(
            commitment_id=joint.pk, to_status=status, by=None, now=CHRISTMAS_2000, note="Overtaken."
        )
    with pytest.raises(WorkflowError, match="per-party outcomes are recorded once it is closed as fulfilled") as no:
        services.outcome_set(
            commitment_id=joint.pk, outcomes=[PartyOutcome("JPN", "fulfilled")], by=officer, now=EARLY_2001
        )
    assert no.value.workflow_code == "outcomes_not_assessable"


def test_a_commitment_made_by_one_party_has_its_status_as_its_outcome(demo: Summit, officer: Any) -> None:
    single = _close(Commitment.objects.get(summit=demo, source_ref="2.(1)"), "fulfilled")
    assert single.made_by.count() == 1
    with pytest.raises(WorkflowError, match="Only a joint commitment has per-party outcomes") as refused:
        services.outcome_set(
            commitment_id=single.pk, outcomes=[PartyOutcome("RUS", "fulfilled")], by=officer, now=EARLY_2001
        )
    assert refused.value.workflow_code == "outcomes_not_joint"


def test_viewers_and_other_desks_may_not_record_outcomes(closed: Commitment, viewer: Any, other_officer: Any) -> None:
    for person in (viewer, other_officer):
        with pytest.raises(PermissionDenied, match="only for your own desks' commitments"):
            services.outcome_set(
                commitment_id=closed.pk, outcomes=[PartyOutcome("JPN", "fulfilled")], by=person, now=EARLY_2001
            )
    assert _recorded(closed) == {}


def test_a_stale_version_is_a_conflict_and_records_nothing(closed: Commitment, officer: Any) -> None:
    with pytest.raises(VersionConflict):
        services.outcome_set(
            commitment_id=closed.pk,
            outcomes=[PartyOutcome("JPN", "fulfilled")],
            by=officer,
            now=EARLY_2001,
            expected_version=closed.version - 1,
        )
    assert _recorded(closed) == {}


def test_reopening_clears_the_outcomes_so_no_score_contradicts_the_status(
    closed: Commitment, officer: Any, supervisor: Any
) -> None:
    services.outcome_set(
        commitment_id=closed.pk,
        outcomes=[PartyOutcome("JPN", "fulfilled"), PartyOutcome("RUS", "not_fulfilled")],
        by=officer,
        now=EARLY_2001,
    )
    services.commitment_transition(
        commitment_id=closed.pk, to_status="in_progress", by=supervisor, now=MARCH_2001, note="A ministerial round."
    )
    assert _recorded(closed) == {}
    removed = CommitmentOutcome.history.filter(commitment_id=closed.pk, history_type="-")
    assert sorted(removed.values_list("party__code", "history_user")) == [
        ("JPN", supervisor.pk),
        ("RUS", supervisor.pk),
    ]
    assert all(
        r.startswith("Partially fulfilled → In progress")
        for r in removed.values_list("history_change_reason", flat=True)
    )
    closed.refresh_from_db()
    assert [o["status"] for o in selectors.party_outcomes(closed)] == ["in_progress", "in_progress"]


def test_a_party_taken_off_the_makers_takes_its_outcome_with_it(closed: Commitment, officer: Any) -> None:
    services.outcome_set(
        commitment_id=closed.pk,
        outcomes=[PartyOutcome("JPN", "fulfilled"), PartyOutcome("RUS", "not_fulfilled")],
        by=officer,
        now=EARLY_2001,
    )
    services.commitment_links_set(commitment=closed, by=officer, made_by=[Party.objects.get(code="JPN")])
    # One maker left: its status is its outcome, so Japan's own goes too.
    assert _recorded(closed) == {}


def test_someone_elses_outcomes_notify_the_owner_with_their_notes(
    closed: Commitment, officer: Any, supervisor: Any
) -> None:
    Commitment.objects.filter(pk=closed.pk).update(owner=officer)
    services.outcome_set(
        commitment_id=closed.pk,
        outcomes=[PartyOutcome("RUS", "not_fulfilled", "Moscow named nobody.")],
        by=supervisor,
        now=EARLY_2001,
    )
    notice = Notification.objects.get(recipient=officer, kind=NotificationKind.STATUS_CHANGED, actor=supervisor)
    assert "RUS Not fulfilled" in notice.message
    assert notice.note == "RUS: Moscow named nobody."


# --- the admin: the panel's form, where the status is shown ----------------------------------------------


def test_the_admin_shows_each_partys_outcome_and_an_officer_records_them(
    client: Client, closed: Commitment, officer: Any, viewer: Any
) -> None:
    url = reverse("admin:commitments_commitment_outcomes", args=[closed.pk])
    jpn, rus = Party.objects.get(code="JPN"), Party.objects.get(code="RUS")
    login(client, viewer)
    html = client.get(change_url(closed)).content.decode()
    assert 'id="pb-outcomes"' in html
    assert 'id="outcomes-form"' not in html  # viewers read, never record
    assert client.post(url, {"version": closed.version, f"outcome_{jpn.pk}": "fulfilled"}).status_code == 403

    login(client, officer)
    response = client.post(
        url,
        {
            "version": closed.version,
            f"outcome_{jpn.pk}": "fulfilled",
            f"note_{jpn.pk}": "Delegation sent.",
            f"outcome_{rus.pk}": "",
            f"note_{rus.pk}": "",
        },
    )
    assert response.status_code == 302
    assert _recorded(closed) == {"JPN": ("fulfilled", "Delegation sent.")}
    page = client.get(change_url(closed))
    html = page.content.decode()
    assert 'id="outcomes-form"' in html
    assert page.context["outcomes_form"].initial["version"] == closed.version + 1
    assert [(o["party"].code, o["status"], o["recorded"]) for o in page.context["pb_outcomes"]] == [
        ("JPN", "fulfilled", True),
        ("RUS", "partially_fulfilled", False),
    ]
    # A stale form (the version it was drawn at) is refused on the page, its input kept.
    stale = client.post(
        url, {"version": closed.version, f"outcome_{rus.pk}": "not_fulfilled", f"note_{rus.pk}": "Kept?"}
    )
    assert stale.status_code == 200
    assert "after you opened it" in stale.content.decode()
    assert "Kept?" in stale.content.decode()
    assert _recorded(closed) == {"JPN": ("fulfilled", "Delegation sent.")}


def test_the_admin_offers_no_outcomes_for_an_open_or_single_party_commitment(
    client: Client, demo: Summit, officer: Any
) -> None:
    login(client, officer)
    for commitment in (_joint(demo), _close(Commitment.objects.get(summit=demo, source_ref="2.(1)"), "fulfilled")):
        html = client.get(change_url(commitment)).content.decode()
        assert 'id="outcomes-form"' not in html
        assert 'id="pb-outcomes"' not in html


def test_taking_a_party_off_the_makers_in_the_admin_removes_its_outcome(
    client: Client, closed: Commitment, officer: Any
) -> None:
    services.outcome_set(
        commitment_id=closed.pk,
        outcomes=[PartyOutcome("JPN", "fulfilled"), PartyOutcome("RUS", "not_fulfilled")],
        by=officer,
        now=EARLY_2001,
    )
    closed.refresh_from_db()
    login(client, officer)
    data = commitment_form_data(closed, made_by=[Party.objects.get(code="JPN").pk])
    assert client.post(change_url(closed), data).status_code == 302
    assert _recorded(closed) == {}
