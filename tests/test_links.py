"""Links checked: a reciprocal link is written on both commitments, so one that changes another desk's
commitment needs that desk's permission, and the other commitment's version and history record it —
in the one service the admin and the API share."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from commitments.models import Commitment, Desk, DeskMembership

from .admin_helpers import change_url, commitment_form_data, login
from .factories import make_commitment
from .test_api import API, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def ours(rf_desk: Desk, officer: Any) -> Commitment:
    return make_commitment(desk=rf_desk, owner=officer, title="Japan sends the delegation")


@pytest.fixture
def same_desk(rf_desk: Desk, officer: Any) -> Commitment:
    return make_commitment(desk=rf_desk, owner=officer, title="Russia receives the delegation")


@pytest.fixture
def theirs(other_desk: Desk, other_officer: Any) -> Commitment:
    return make_commitment(desk=other_desk, owner=other_officer, title="China receives the delegation")


def _patch_links(user: Any, commitment: Commitment, reciprocal: list[int]) -> Any:
    commitment.refresh_from_db()
    return client_for(user).patch(
        f"{API}/commitments/{commitment.pk}/",
        {"reciprocal": reciprocal},
        format="json",
        HTTP_IF_MATCH=f'"{commitment.version}"',
    )


def _state(commitment: Commitment) -> tuple[int, list[int]]:
    commitment.refresh_from_db()
    return commitment.version, sorted(commitment.reciprocal.values_list("pk", flat=True))


def test_the_api_refuses_a_link_that_would_change_another_desks_commitment(
    officer: Any, ours: Commitment, theirs: Commitment
) -> None:
    before = (_state(ours), _state(theirs))
    response = _patch_links(officer, ours, [theirs.pk])
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "link_not_allowed"
    (message,) = error["fields"]["reciprocal"]
    assert "“China receives the delegation” (China and Mongolia Division)" in message
    assert "ask an officer of its desk" in message
    assert (_state(ours), _state(theirs)) == before  # nothing saved, on either side


def test_an_api_link_bumps_the_other_commitments_version_and_history(
    officer: Any, ours: Commitment, same_desk: Commitment
) -> None:
    other_version = _state(same_desk)[0]
    linked = _patch_links(officer, ours, [same_desk.pk])
    assert linked.status_code == 200, linked.json()
    assert _state(same_desk) == (other_version + 1, [ours.pk])
    latest = same_desk.history.order_by("-history_id").first()
    assert latest is not None
    assert latest.history_change_reason == f"Reciprocal linked to #{ours.pk}"
    assert latest.history_user == officer
    # A client that read the other commitment before the link must read it again before it writes.
    stale = client_for(officer).patch(
        f"{API}/commitments/{same_desk.pk}/", {"title": "Edited"}, format="json", HTTP_IF_MATCH=f'"{other_version}"'
    )
    assert stale.status_code == 412
    unlinked = _patch_links(officer, ours, [])
    assert unlinked.status_code == 200
    assert _state(same_desk) == (other_version + 2, [])
    latest = same_desk.history.order_by("-history_id").first()
    assert latest is not None
    assert latest.history_change_reason == f"Reciprocal unlinked from #{ours.pk}"


def test_unlinking_another_desks_commitment_is_refused_too(officer: Any, ours: Commitment, theirs: Commitment) -> None:
    ours.reciprocal.set([theirs])  # linked earlier, by the system (an import)
    before = _state(theirs)
    response = _patch_links(officer, ours, [])
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "link_not_allowed"
    assert _state(theirs) == before
    assert _state(ours)[1] == [theirs.pk]


def test_an_officer_of_both_desks_may_link_across_them(
    officer: Any, ours: Commitment, theirs: Commitment, other_desk: Desk
) -> None:
    DeskMembership.objects.create(desk=other_desk, user=officer, role=DeskMembership.Role.OFFICER)
    version = _state(theirs)[0]
    response = _patch_links(officer, ours, [theirs.pk])
    assert response.status_code == 200, response.json()
    assert response.json()["reciprocal"] == [theirs.pk]
    assert _state(theirs) == (version + 1, [ours.pk])


def test_creating_a_commitment_linked_to_another_desks_is_refused_and_nothing_is_saved(
    officer: Any, ours: Commitment, theirs: Commitment
) -> None:
    before = Commitment.objects.count()
    body = {
        "summit": ours.summit_id,
        "title": "A new one",
        "made_by": ["JPN"],
        "desk": ours.desk_id,
        "quote": ours.quote,
        "reciprocal": [theirs.pk],
    }
    response = client_for(officer).post(f"{API}/commitments/", body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "link_not_allowed"
    assert Commitment.objects.count() == before


def test_the_admin_form_refuses_the_link_on_the_form_and_saves_nothing(
    client: Client, officer: Any, ours: Commitment, theirs: Commitment
) -> None:
    login(client, officer)
    before = (_state(ours), _state(theirs))
    response = client.post(change_url(ours), commitment_form_data(ours, reciprocal=[theirs.pk], title="Renamed"))
    assert response.status_code == 200
    assert "you may not change “China receives the delegation”" in response.content.decode()
    assert (_state(ours), _state(theirs)) == before
    assert Commitment.objects.get(pk=ours.pk).title == "Japan sends the delegation"


def test_the_admin_link_goes_through_the_service_and_bumps_the_other_side(
    client: Client, officer: Any, ours: Commitment, same_desk: Commitment
) -> None:
    login(client, officer)
    other_version = _state(same_desk)[0]
    response = client.post(change_url(ours), commitment_form_data(ours, reciprocal=[same_desk.pk]))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _state(ours)[1] == [same_desk.pk]
    assert _state(same_desk) == (other_version + 1, [ours.pk])
    latest = same_desk.history.order_by("-history_id").first()
    assert latest is not None
    assert latest.history_change_reason == f"Reciprocal linked to #{ours.pk}"
    # Saving the form again with the same links changes nothing on the other side.
    response = client.post(change_url(ours), commitment_form_data(ours, reciprocal=[same_desk.pk]))
    assert response.status_code == 302
    assert _state(same_desk)[0] == other_version + 1
