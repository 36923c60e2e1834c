"""Every tracked commitment has an owner: chosen when nobody is named, checked when somebody is."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from rest_framework.test import APIClient

from commitments import policy, services
from commitments.errors import TransitionNotAllowed, WorkflowError
from commitments.models import Commitment, Desk, DeskMembership
from commitments.reports.exchange import CsvRejected, export_csv, import_csv
from commitments.sweep import sweep_run
from summits.models import Summit

from .admin_helpers import change_url, commitment_form_data, login
from .conftest import DAY_AFTER_MEETING, EARLY_2001
from .factories import PartyFactory, SummitFactory, UserFactory, make_commitment
from .test_api import API, client_for, desk_has_a_default_owner

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/commitments/commitment/add/"
QUOTE = "the two leaders agreed to hold the next Japan-Russia Summit in Irkutsk."


@pytest.fixture
def template(demo: Summit) -> Commitment:
    return Commitment.objects.get(summit=demo, source_ref="2.(4)", kind="visit", made_by__code="JPN")


@pytest.fixture
def desk_default(rf_desk: Desk) -> Any:
    """An officer of the Russian Federation Division, named its default owner."""
    return desk_has_a_default_owner(rf_desk)


def _create(client: APIClient, desk: Desk, summit: Summit, **extra: Any) -> Any:
    body = {"summit": summit.pk, "title": "Hold the next summit", "made_by": ["JPN"], "desk": desk.pk, "quote": QUOTE}
    return client.post(f"{API}/commitments/", {**body, **extra}, format="json")


# --- who owns a new commitment -------------------------------------------------------------------------


def test_an_officer_who_records_a_commitment_owns_it_when_nobody_is_named(
    officer: Any, rf_desk: Desk, demo: Summit
) -> None:
    response = _create(client_for(officer), rf_desk, demo)
    assert response.status_code == 201, response.json()
    assert response.json()["owner"] == "officer"


def test_someone_who_may_not_own_it_gets_the_desks_default_owner(
    administrator: Any, rf_desk: Desk, demo: Summit, desk_default: Any
) -> None:
    response = _create(client_for(administrator), rf_desk, demo)
    assert response.status_code == 201, response.json()
    assert response.json()["owner"] == "duty_officer"


def test_without_anyone_to_own_it_the_commitment_is_refused_and_nothing_is_saved(
    administrator: Any, rf_desk: Desk, demo: Summit
) -> None:
    before = Commitment.objects.count()
    response = _create(client_for(administrator), rf_desk, demo)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "owner_required"
    assert "give the desk a default owner" in error["fields"]["owner"][0]
    assert Commitment.objects.count() == before


@pytest.mark.parametrize("who", ["viewer", "outsider", "other_officer"])
def test_an_owner_who_could_not_act_on_it_is_refused_naming_the_field(
    who: str, request: pytest.FixtureRequest, officer: Any, rf_desk: Desk, demo: Summit
) -> None:
    named = request.getfixturevalue(who)
    response = _create(client_for(officer), rf_desk, demo, owner=named.username)
    assert response.status_code == 400
    assert (
        "an owner must be an active officer or supervisor of Russian Federation Division"
        in (response.json()["error"]["fields"]["owner"][0])
    )


def test_a_watcher_who_may_not_read_commitments_is_refused_naming_the_field(
    officer: Any, outsider: Any, viewer: Any, rf_desk: Desk, demo: Summit
) -> None:
    refused = _create(client_for(officer), rf_desk, demo, watchers=["viewer", "outsider"])
    assert refused.status_code == 400
    (message,) = refused.json()["error"]["fields"]["watchers"]
    assert message.endswith("may not read commitments (inactive, or no role), so cannot watch.")
    assert not Commitment.objects.filter(title="Hold the next summit").exists()
    accepted = _create(client_for(officer), rf_desk, demo, watchers=["viewer"])
    assert accepted.status_code == 201
    assert accepted.json()["watchers"] == ["viewer"]


def test_an_edit_may_not_take_the_owner_away_nor_give_it_to_another_desk(
    officer: Any, other_officer: Any, rf_desk: Desk
) -> None:
    commitment = make_commitment(desk=rf_desk, owner=officer)
    client = client_for(officer)
    url = f"{API}/commitments/{commitment.pk}/"
    gone = client.patch(url, {"owner": None}, format="json", HTTP_IF_MATCH=f'"{commitment.version}"')
    assert gone.status_code == 400
    assert gone.json()["error"]["code"] == "owner_required"
    elsewhere = client.patch(url, {"owner": "other_officer"}, format="json", HTTP_IF_MATCH=f'"{commitment.version}"')
    assert elsewhere.status_code == 400
    assert "fields" in elsewhere.json()["error"]
    assert "owner" in elsewhere.json()["error"]["fields"]
    commitment.refresh_from_db()
    assert (commitment.owner, commitment.version) == (officer, 1)


def test_assign_refuses_someone_who_is_not_an_officer_of_the_desk(officer: Any, viewer: Any, rf_desk: Desk) -> None:
    commitment = make_commitment(desk=rf_desk, owner=officer)
    with pytest.raises(WorkflowError, match="cannot own it"):
        services.commitment_assign(commitment_id=commitment.pk, owner=viewer, by=officer, now=EARLY_2001)


# --- accepting a draft -----------------------------------------------------------------------------------


def _draft(desk: Desk) -> Commitment:
    """A draft as an import proposes it: nobody owns it yet."""
    summit = SummitFactory()
    draft = Commitment(
        summit=summit,
        desk=desk,
        title="Visit the capital",
        quote="The Minister stated his intention to visit the capital within the year.",
    )
    services.commitment_create(commitment=draft, by=None, now=DAY_AFTER_MEETING, status="draft")
    draft.made_by.set([PartyFactory(code="JPN", name="Japan")])
    return draft


def test_accepting_a_draft_at_review_makes_the_accepting_officer_its_owner(
    client: Client, supervisor: Any, rf_desk: Desk
) -> None:
    draft = _draft(rf_desk)
    assert draft.owner is None
    login(client, supervisor)
    review = f"/admin/summits/summit/{draft.summit_id}/review/"
    response = client.post(review, {"decision": "accept", "chosen": [draft.pk]})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.owner) == ("not_started", supervisor)


def test_an_administrator_accepting_a_draft_hands_it_to_the_desks_default_owner_or_is_told_why_not(
    client: Client, administrator: Any, rf_desk: Desk
) -> None:
    draft = _draft(rf_desk)
    login(client, administrator)
    review = f"/admin/summits/summit/{draft.summit_id}/review/"
    refused = client.post(review, {"decision": "accept", "chosen": [draft.pk]}, follow=True)
    assert "A tracked commitment needs an owner" in refused.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"

    duty = UserFactory(username="duty")
    duty.groups.add(Group.objects.get(name=policy.GROUP_SUPERVISOR))
    DeskMembership.objects.create(desk=rf_desk, user=duty, role=DeskMembership.Role.SUPERVISOR)
    Desk.objects.filter(pk=rf_desk.pk).update(default_owner=duty)
    client.post(review, {"decision": "accept", "chosen": [draft.pk]})
    draft.refresh_from_db()
    assert (draft.status, draft.owner) == ("not_started", duty)


# --- the admin form, the CSV import, the desk's default ----------------------------------------------------


def test_the_admin_add_form_gives_the_commitment_to_the_officer_who_records_it(
    client: Client, officer: Any, template: Commitment
) -> None:
    login(client, officer)
    data = commitment_form_data(template, title="New commitment", owner="")
    data.pop("loaded_version")
    response = client.post(ADD_URL, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Commitment.objects.get(title="New commitment").owner == officer


def test_the_admin_form_refuses_a_viewer_as_owner_with_the_reason(
    client: Client, officer: Any, viewer: Any, template: Commitment
) -> None:
    login(client, officer)
    data = commitment_form_data(template, title="New commitment", owner=str(viewer.pk))
    data.pop("loaded_version")
    response = client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "cannot own it: an owner must be an active officer or supervisor" in response.content.decode()
    assert not Commitment.objects.filter(title="New commitment").exists()


def test_a_csv_row_naming_an_owner_from_another_desk_is_refused_with_its_line(
    officer: Any, other_officer: Any, rf_desk: Desk
) -> None:
    make_commitment(desk=rf_desk, owner=officer, title="Exported")
    text = export_csv(Commitment.objects.filter(title="Exported"))
    lines = text.splitlines()
    header = lines[0].split(",")
    owner_column = header.index("owner")
    row = lines[1].split(",")
    row[owner_column] = "other_officer"
    before = Commitment.objects.count()
    with pytest.raises(CsvRejected) as refused:
        import_csv(text="\n".join([lines[0], ",".join(row)]) + "\n", by=officer, now=EARLY_2001)
    (line, message), *_ = refused.value.errors
    assert line == 2
    assert "cannot own it" in message
    assert Commitment.objects.count() == before


def test_a_desks_default_owner_must_be_one_of_its_officers(client: Client, administrator: Any, rf_desk: Desk) -> None:
    viewer = UserFactory(username="reader")
    viewer.groups.add(Group.objects.get(name=policy.GROUP_VIEWER))
    login(client, administrator)
    url = f"/admin/commitments/desk/{rf_desk.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "name": rf_desk.name,
        "time_zone": rf_desk.time_zone,
        "default_owner": str(viewer.pk),
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "cannot own it: an owner must be an active officer or supervisor" in response.content.decode()
    rf_desk.refresh_from_db()
    assert rf_desk.default_owner is None


# --- what nobody owns shows -----------------------------------------------------------------------------


def test_the_dashboard_and_the_sweep_show_commitments_nobody_active_owns(
    client: Client, officer: Any, supervisor: Any, rf_desk: Desk
) -> None:
    Commitment.objects.all().delete()
    owned = make_commitment(desk=rf_desk, owner=officer, title="Owned", due_by=date(2000, 12, 31))
    make_commitment(desk=rf_desk, owner=supervisor, title="Owner leaves", due_by=date(2000, 12, 31))
    make_commitment(desk=rf_desk, title="Recorded by the system", due_by=date(2000, 12, 31))
    supervisor.is_active = False
    supervisor.save()

    result = sweep_run(now=EARLY_2001)
    assert result.ownerless == 2
    assert result.as_dict()["ownerless"] == 2

    login(client, officer)
    page = client.get("/admin/").content.decode()
    assert "No active owner" in page
    listed = client.get("/admin/commitments/commitment/?attention=ownerless").content.decode()
    assert "Owner leaves" in listed
    assert "Recorded by the system" in listed
    assert owned.title not in listed


# --- rejecting a draft discards it ----------------------------------------------------------------------


def test_a_rejected_draft_is_no_longer_a_commitment_anywhere_and_is_kept_with_its_meeting(
    officer: Any, rf_desk: Desk
) -> None:
    draft = _draft(rf_desk)
    kept = services.draft_reject(commitment_id=draft.pk, by=officer, now=EARLY_2001, reason="A reported fact.")
    assert (kept.draft_id, kept.summit_id, kept.made_by, kept.desk_name) == (
        draft.pk,
        draft.summit_id,
        "JPN",
        "Russian Federation Division",
    )
    assert (kept.rejected_by, kept.rejected_at, kept.reason) == (officer, EARLY_2001, "A reported fact.")
    client = client_for(officer)
    assert client.get(f"{API}/commitments/{draft.pk}/").status_code == 404
    assert draft.pk not in [row["id"] for row in client.get(f"{API}/commitments/?page_size=200").json()["results"]]


def test_only_a_draft_can_be_rejected_and_a_draft_cannot_be_withdrawn_instead(officer: Any, rf_desk: Desk) -> None:
    tracked = make_commitment(desk=rf_desk, owner=officer)
    with pytest.raises(WorkflowError, match="only a draft can be rejected"):
        services.draft_reject(commitment_id=tracked.pk, by=officer, now=EARLY_2001)
    draft = _draft(rf_desk)
    with pytest.raises(TransitionNotAllowed, match="Allowed next: Not started"):
        services.commitment_transition(
            commitment_id=draft.pk, to_status="withdrawn", by=officer, now=EARLY_2001, note="Not one."
        )
    assert Commitment.objects.get(pk=draft.pk).status == "draft"


def test_drafts_withdrawn_at_review_before_this_change_become_rejected_drafts(officer: Any, rf_desk: Desk) -> None:
    """Migration 0016, run on rows as the old review left them (draft → withdrawn)."""
    import importlib

    from django.apps import apps

    from commitments.models import RejectedDraft, StatusChange

    migration = importlib.import_module("commitments.migrations.0016_withdrawn_drafts_become_rejected_drafts")
    old = _draft(rf_desk)
    Commitment.objects.filter(pk=old.pk).update(status="withdrawn")
    StatusChange.objects.create(
        commitment=old,
        from_status="draft",
        to_status="withdrawn",
        by=officer,
        recorded_at=EARLY_2001,
        occurred_on=EARLY_2001.date(),
        note="Rejected at review: not a commitment.",
    )
    reopened = _draft(rf_desk)  # withdrawn at review, then reopened and tracked: stays a commitment
    StatusChange.objects.create(
        commitment=reopened,
        from_status="draft",
        to_status="withdrawn",
        by=officer,
        recorded_at=EARLY_2001,
        occurred_on=EARLY_2001.date(),
    )
    Commitment.objects.filter(pk=reopened.pk).update(status="not_started")

    migration.discard_rejected(apps, None)

    assert not Commitment.objects.filter(pk=old.pk).exists()
    kept = RejectedDraft.objects.get()
    assert (kept.draft_id, kept.rejected_by, kept.rejected_at, kept.reason) == (
        old.pk,
        officer,
        EARLY_2001,
        "Rejected at review: not a commitment.",
    )
    assert Commitment.objects.filter(pk=reopened.pk).exists()


def test_the_admin_form_refuses_a_watcher_who_may_not_read_commitments(
    client: Client, officer: Any, outsider: Any, template: Commitment
) -> None:
    login(client, officer)
    data = commitment_form_data(template, title="New commitment", owner="", watchers=[outsider.pk])
    data.pop("loaded_version")
    response = client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "may not read commitments (inactive, or no role), so cannot watch." in response.content.decode()
    assert not Commitment.objects.filter(title="New commitment").exists()


def test_the_admin_change_form_refuses_another_desks_officer_as_owner(
    client: Client, officer: Any, other_officer: Any, rf_desk: Desk
) -> None:
    commitment = make_commitment(desk=rf_desk, owner=officer)
    login(client, officer)
    response = client.post(change_url(commitment), commitment_form_data(commitment, owner=str(other_officer.pk)))
    assert response.status_code == 200
    assert "cannot own it: an owner must be an active officer or supervisor" in response.content.decode()
    commitment.refresh_from_db()
    assert (commitment.owner, commitment.version) == (officer, 1)
