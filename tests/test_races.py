"""Twenty clients changing the same commitment at once, on PostgreSQL: one wins per version."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from commitments.demo import demo_load
from commitments.models import Commitment, StatusChange

from .conftest import DAY_AFTER_MEETING

pytestmark = pytest.mark.django_db(transaction=True)

FM_VISIT = "Send the Minister for Foreign Affairs to Russia within the year"


def _clients(count: int) -> list[APIClient]:
    from django.contrib.auth import get_user_model

    token = Token.objects.create(user=get_user_model().objects.get(username="supervisor")).key
    clients = []
    for _ in range(count):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        clients.append(client)
    return clients


def _race(count: int, call: Any) -> Counter[int]:
    barrier = threading.Barrier(count)
    codes: list[int] = []
    lock = threading.Lock()

    def run(client: APIClient, index: int) -> None:
        try:
            barrier.wait(timeout=20)
            status = call(client, index).status_code
            with lock:
                codes.append(status)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c, i)) for i, c in enumerate(_clients(count))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return Counter(codes)


def test_twenty_transitions_of_one_version_one_wins(postgres: None) -> None:
    demo_load(now=DAY_AFTER_MEETING, with_users=True, password="unused")
    commitment = Commitment.objects.get(title=FM_VISIT)
    url = f"/api/v1/commitments/{commitment.pk}/transitions/"
    targets = ["in_progress", "stalled"]
    codes = _race(
        20,
        lambda client, i: client.post(
            url, {"to": targets[i % 2], "note": f"client {i}"}, format="json", HTTP_IF_MATCH='"1"'
        ),
    )
    assert codes == Counter({201: 1, 412: 19})
    commitment.refresh_from_db()
    assert commitment.version == 2
    changes = list(StatusChange.objects.filter(commitment=commitment).order_by("recorded_at", "pk"))
    assert (changes[0].from_status, changes[0].to_status) == ("", "not_started")
    assert len(changes) == 2
    assert changes[1].to_status == commitment.status  # the history agrees with the row


def test_twenty_edits_of_one_version_one_wins_no_lost_update(postgres: None) -> None:
    demo_load(now=DAY_AFTER_MEETING, with_users=True, password="unused")
    commitment = Commitment.objects.get(title=FM_VISIT)
    url = f"/api/v1/commitments/{commitment.pk}/"
    codes = _race(
        20,
        lambda client, i: client.patch(url, {"description": f"edit {i}"}, format="json", HTTP_IF_MATCH='"1"'),
    )
    assert codes == Counter({200: 1, 412: 19})
    commitment.refresh_from_db()
    assert commitment.version == 2
    assert commitment.description.startswith("edit ")
    assert commitment.history.filter(description__startswith="edit ").count() == 1
