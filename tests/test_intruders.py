"""Intruders: login lockout in the admin and the API, and the audit trail of logins."""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessFailureLog, AccessLog
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from .factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttles() -> Any:
    cache.clear()
    yield
    cache.clear()


def _admin_login(client: Client, username: str, password: str) -> Any:
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password})


def test_the_admin_locks_a_username_and_address_after_five_failures(officer: Any, supervisor: Any) -> None:
    client = Client()
    for _ in range(4):
        assert _admin_login(client, "officer", "wrong").status_code == 200  # the form again, with its error
    assert _admin_login(client, "officer", "wrong").status_code == 429  # the fifth failure locks
    locked = _admin_login(client, "officer", PASSWORD)  # even the right password, now
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    # Someone else, from the same desk, is not affected.
    assert _admin_login(Client(), "supervisor", PASSWORD).status_code == 302
    assert AccessFailureLog.objects.filter(username="officer").count() >= 5
    assert AccessLog.objects.filter(username="supervisor").exists()  # the audit trail of logins


def test_the_api_locks_out_with_its_error_shape(officer: Any) -> None:
    client = APIClient()
    for _ in range(4):
        response = client.post("/api/v1/auth/token/", {"username": "officer", "password": "wrong"}, format="json")
        assert response.status_code == 400
    fifth = client.post("/api/v1/auth/token/", {"username": "officer", "password": "wrong"}, format="json")
    assert fifth.status_code == 429
    locked = client.post("/api/v1/auth/token/", {"username": "officer", "password": PASSWORD}, format="json")
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "locked_out"


def test_a_success_before_the_limit_resets_the_count(officer: Any) -> None:
    client = Client()
    for _ in range(4):
        _admin_login(client, "officer", "wrong")
    assert _admin_login(client, "officer", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        _admin_login(client, "officer", "wrong")
    assert _admin_login(client, "officer", PASSWORD).status_code == 302


def _user_form(user: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "groups": [g.pk for g in user.groups.all()],
        "user_permissions": [],
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "initial-date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "initial-date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def test_changes_to_users_and_their_groups_are_kept_with_who_and_when(administrator: Any, officer: Any) -> None:
    from django.contrib.auth.models import Group

    from commitments import policy

    client = Client()
    client.force_login(administrator)
    supervisors = Group.objects.get_or_create(name=policy.GROUP_SUPERVISOR)[0]
    before = officer.history.count()
    url = f"/admin/auth/user/{officer.pk}/change/"
    groups = [g.pk for g in officer.groups.all()] + [supervisors.pk]
    response = client.post(url, _user_form(officer, groups=groups, first_name="Kenji"))
    assert response.status_code == 302, response.content.decode()[:2000]

    latest = officer.history.latest()
    assert officer.history.count() > before
    assert latest.history_user == administrator
    assert latest.first_name == "Kenji"
    assert supervisors.pk in set(latest.groups.values_list("group_id", flat=True))
    assert not hasattr(latest, "password")  # password hashes are never copied into history
    # The user's history page shows the change and who made it.
    page = client.get(f"/admin/auth/user/{officer.pk}/history/").content.decode()
    assert administrator.username in page
    assert "Kenji" in page

    # A login is in the login audit trail, not in the account's history.
    count = officer.history.count()
    assert _admin_login(Client(), "officer", PASSWORD).status_code == 302
    officer.refresh_from_db()
    assert officer.last_login is not None
    assert officer.history.count() == count


def test_desk_membership_changes_are_kept_and_shown_on_the_desk_history(
    administrator: Any, rf_desk: Any, viewer: Any
) -> None:
    from commitments.models import DeskMembership

    client = Client()
    client.force_login(administrator)
    url = f"/admin/commitments/desk/{rf_desk.pk}/change/"
    memberships = list(rf_desk.memberships.all())
    form: dict[str, Any] = {
        "name": rf_desk.name,
        "time_zone": rf_desk.time_zone,
        "parties": [p.pk for p in rf_desk.parties.all()],
        "memberships-TOTAL_FORMS": len(memberships) + 1,
        "memberships-INITIAL_FORMS": len(memberships),
        "memberships-MIN_NUM_FORMS": 0,
        "memberships-MAX_NUM_FORMS": 1000,
    }
    for i, membership in enumerate(memberships):
        form |= {
            f"memberships-{i}-id": membership.pk,
            f"memberships-{i}-desk": rf_desk.pk,
            f"memberships-{i}-user": membership.user_id,
            f"memberships-{i}-role": membership.role,
        }
    new = len(memberships)
    form |= {
        f"memberships-{new}-desk": rf_desk.pk,
        f"memberships-{new}-user": viewer.pk,
        f"memberships-{new}-role": "officer",
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]

    joined = DeskMembership.history.get(user=viewer, desk=rf_desk)
    assert joined.history_type == "+"
    assert joined.history_user == administrator
    page = client.get(f"/admin/commitments/desk/{rf_desk.pk}/history/").content.decode()
    assert "Members joining, leaving and changing role" in page
    assert f"<td>joined</td>\n            <td>{viewer}</td>" in page


@pytest.mark.parametrize(
    "model", ["commitments/commitment", "summits/summit", "commitments/desk", "auth/user", "auth/group"]
)
@pytest.mark.parametrize("bad_id", ["1/change", "abc"])
def test_a_malformed_or_unknown_id_in_a_history_url_is_not_found(administrator: Any, model: str, bad_id: str) -> None:
    client = Client()
    client.force_login(administrator)
    response = client.get(f"/admin/{model}/{bad_id}/history/")
    assert response.status_code == 404
    assert "has the id “" in response.content.decode()
    # A well-formed id with no object and no history (a deleted object's history stays readable).
    assert client.get(f"/admin/{model}/99999999/history/").status_code == 404
