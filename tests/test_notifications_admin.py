"""Notifications in the admin (unread count, my notifications, preferences) and the sweep warning."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from commitments.demo import demo_load
from commitments.models import Notification, NotificationPreference
from commitments.sweep import sweep_run

from .admin_helpers import login
from .conftest import DAY_AFTER_MEETING, EARLY_2001

pytestmark = pytest.mark.django_db

LIST = "/admin/commitments/notification/"


@pytest.fixture
def users(db: Any) -> dict[str, Any]:
    demo_load(now=DAY_AFTER_MEETING, with_users=True, password="unused")
    sweep_run(now=EARLY_2001)
    return {u.username: u for u in get_user_model().objects.all()}


def test_the_header_shows_the_unread_count_on_every_admin_page(client: Client, users: dict[str, Any]) -> None:
    login(client, users["officer"])
    unread = Notification.objects.filter(recipient=users["officer"], read_at__isnull=True).count()
    assert unread > 0
    for url in ("/admin/", "/admin/commitments/commitment/", "/admin/summits/summit/"):
        html = client.get(url).content.decode()
        assert f'<span class="pb-unread">{unread}</span>' in html, url


def test_my_notifications_lists_only_mine_and_opening_one_marks_it_read(client: Client, users: dict[str, Any]) -> None:
    login(client, users["officer"])
    response = client.get(LIST)
    shown = list(response.context["cl"].result_list)
    assert shown
    assert all(n.recipient_id == users["officer"].pk for n in shown)
    target = shown[0]
    opened = client.get(reverse("admin:commitments_notification_open", args=[target.pk]))
    assert opened.status_code == 302
    assert opened["Location"] == reverse("admin:commitments_commitment_change", args=[target.commitment_id])
    target.refresh_from_db()
    assert target.read_at is not None
    # Someone else's notification cannot be opened (or marked) by me.
    theirs = Notification.objects.filter(recipient=users["supervisor"]).first()
    assert theirs is not None
    assert client.get(reverse("admin:commitments_notification_open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read(client: Client, users: dict[str, Any]) -> None:
    login(client, users["officer"])
    response = client.post(reverse("admin:commitments_notification_read_all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=users["officer"], read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=users["supervisor"], read_at__isnull=True).exists()
    assert 'class="pb-unread"' not in client.get("/admin/").content.decode()


def test_users_edit_their_own_preferences_only(client: Client, users: dict[str, Any]) -> None:
    login(client, users["viewer"])
    response = client.get("/admin/commitments/notificationpreference/")
    assert response.status_code == 302
    mine = NotificationPreference.objects.get(user=users["viewer"])
    assert response["Location"].endswith(f"/{mine.pk}/change/")
    saved = client.post(
        response["Location"],
        {
            "kinds": ["overdue", "escalation"],
            "email_enabled": "on",
            "mode": "digest",
            "digest_hour": 7,
            "time_zone": "Europe/Moscow",
        },
    )
    assert saved.status_code == 302
    mine.refresh_from_db()
    assert (mine.kinds, mine.mode, mine.digest_hour, mine.time_zone) == (
        ["overdue", "escalation"],
        "digest",
        7,
        "Europe/Moscow",
    )
    bad = client.post(
        response["Location"], {"kinds": [], "mode": "digest", "digest_hour": 25, "time_zone": "Mars/Base"}
    )
    assert bad.status_code == 200
    assert "not an IANA time zone" in bad.content.decode()
    others, _ = NotificationPreference.objects.get_or_create(user=users["officer"])
    assert client.get(f"/admin/commitments/notificationpreference/{others.pk}/change/").status_code in (302, 403)


def test_the_admin_warns_when_no_sweep_finished_recently(client: Client, users: dict[str, Any]) -> None:
    login(client, users["officer"])
    # The sweep in the fixture finished at the real clock's now: nothing to warn about.
    assert 'id="pb-sweep-late"' not in client.get("/admin/").content.decode()
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=31), tick=False):
        assert 'id="pb-sweep-late"' in client.get("/admin/").content.decode()
