"""The role matrix in the admin: each persona sees and may do exactly what the policy allows."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from commitments.models import Commitment
from summits.models import Summit

from .admin_helpers import change_url, commitment_form_data, login

pytestmark = pytest.mark.django_db

PERSONAS = ["administrator", "supervisor", "officer", "other_officer", "viewer", "outsider", "non_staff"]

# persona -> (sees the list, may edit an RF commitment, may transition, may reopen/move deadline,
#             may add a summit)
EXPECTED = {
    "administrator": (True, True, True, True, True),
    "supervisor": (True, True, True, True, True),
    "officer": (True, True, True, False, True),
    "other_officer": (True, False, False, False, True),
    "viewer": (True, False, False, False, False),
    "outsider": (False, False, False, False, False),
    "non_staff": (False, False, False, False, False),
}


@pytest.fixture
def commitment(demo: Summit) -> Commitment:
    return Commitment.objects.get(summit=demo, source_ref="2.(4)", made_by__code="JPN")


@pytest.fixture
def persona(request: pytest.FixtureRequest) -> Any:
    return request.getfixturevalue(request.param)


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_reading(client: Client, persona: Any, commitment: Commitment, demo: Summit) -> None:
    name = _name(persona)
    sees = EXPECTED[name][0]
    login(client, persona)
    changelist = client.get(reverse("admin:commitments_commitment_changelist"))
    page = client.get(change_url(commitment))
    summit = client.get(reverse("admin:summits_summit_change", args=[demo.pk]))
    if sees:
        assert changelist.status_code == 200
        assert page.status_code == 200
        assert summit.status_code == 200
        assert commitment.title in changelist.content.decode()
    elif name == "non_staff":
        # Not staff: the admin sends them to its login page.
        assert changelist.status_code == 302
        assert "/admin/login/" in changelist["Location"]
    else:
        assert changelist.status_code == 403
        assert page.status_code == 403


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_editing(client: Client, persona: Any, commitment: Commitment) -> None:
    may_edit = EXPECTED[_name(persona)][1]
    login(client, persona)
    response = client.post(change_url(commitment), commitment_form_data(commitment, description="Edited."))
    commitment.refresh_from_db()
    if may_edit:
        assert response.status_code == 302
        assert commitment.description == "Edited."
    else:
        assert response.status_code in (302, 403)
        assert commitment.description == ""
    page = client.get(change_url(commitment))
    if EXPECTED[_name(persona)][0]:
        # Read-only users see the values but no save button and no workflow forms.
        assert ('name="_save"' in page.content.decode()) is may_edit
        assert ('id="transition-form"' in page.content.decode()) is EXPECTED[_name(persona)][2]


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_transitioning(client: Client, persona: Any, commitment: Commitment) -> None:
    may = EXPECTED[_name(persona)][2]
    login(client, persona)
    url = reverse("admin:commitments_commitment_transition", args=[commitment.pk])
    response = client.post(url, {"to_status": "in_progress", "note": "Dates proposed.", "version": commitment.version})
    commitment.refresh_from_db()
    assert (commitment.status == "in_progress") is may
    if not may:
        assert response.status_code in (302, 403)
        assert commitment.status_changes.count() == 1


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_supervising(client: Client, persona: Any, commitment: Commitment) -> None:
    may = EXPECTED[_name(persona)][3]
    login(client, persona)
    url = reverse("admin:commitments_commitment_deadline", args=[commitment.pk])
    client.post(
        url,
        {
            "version": commitment.version,
            "new_due_phrase": "by the end of January",
            "new_due_by": "2001-01-31",
            "change_class": "postponed",
            "reason": "Moved to January at Moscow's request.",
        },
    )
    commitment.refresh_from_db()
    assert (commitment.due_by == date(2001, 1, 31)) is may
    assert commitment.original_due_by == date(2000, 12, 31)


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_adding_a_summit(client: Client, persona: Any) -> None:
    login(client, persona)
    response = client.get(reverse("admin:summits_summit_add"))
    assert (response.status_code == 200) is EXPECTED[_name(persona)][4]


def test_only_administrators_delete(
    client: Client, supervisor: Any, administrator: Any, commitment: Commitment
) -> None:
    url = reverse("admin:commitments_commitment_delete", args=[commitment.pk])
    login(client, supervisor)
    assert client.get(url).status_code == 403
    login(client, administrator)
    assert client.get(url).status_code == 200


def test_officers_may_add_commitments_only_for_their_desks(
    client: Client, other_officer: Any, commitment: Commitment
) -> None:
    login(client, other_officer)
    data = commitment_form_data(commitment, title="Not mine")
    data.pop("loaded_version")
    response = client.post("/admin/commitments/commitment/add/", data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Commitment.objects.filter(title="Not mine").exists()


def _name(persona: Any) -> str:
    return {"admin": "administrator", "nonstaff": "non_staff"}.get(persona.username, persona.username)
