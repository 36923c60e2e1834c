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
