"""The calendar feed, parsed with a real ICS library and checked against the database."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from commitments.models import CalendarFeed, Commitment
from summits.models import Summit

from .admin_helpers import login

pytestmark = pytest.mark.django_db


def _feed_url(client: Client, user: Any) -> str:
    login(client, user)
    client.post(reverse("admin:commitments_calendar_feed"), {"action": "issue"})
    return reverse("calendar_feed", args=[CalendarFeed.objects.get(user=user).key])


def test_one_event_per_owned_or_watched_commitment_with_a_deadline(client: Client, officer: Any, demo: Summit) -> None:
    Commitment.objects.filter(summit=demo).update(owner=officer)
    url = _feed_url(client, officer)
    anonymous = Client()
    response = anonymous.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    dated = Commitment.objects.filter(summit=demo, due_by__isnull=False)
    assert len(events) == dated.count() == 5
    for commitment in dated:
        event = events[f"commitment-{commitment.pk}@pledgebook"]
        assert event.decoded("dtend") == commitment.due_by + timedelta(days=1)  # all day, end exclusive
        assert event.decoded("dtstart") == (commitment.due_from or commitment.due_by)
        assert str(event["summary"]) == f"Due: {commitment.title}"
    invitation = Commitment.objects.get(summit=demo, source_ref="2.(1)")
    assert events[f"commitment-{invitation.pk}@pledgebook"].decoded("dtstart") == date(2000, 11, 15)  # the window


def test_moving_a_deadline_moves_the_event(client: Client, officer: Any, supervisor: Any, demo: Summit) -> None:
    from django.utils import timezone

    from commitments import services

    fm = Commitment.objects.get(summit=demo, source_ref="2.(4)", made_by__code="JPN")
    fm.watchers.add(officer)
    url = _feed_url(client, officer)
    services.deadline_move(
        commitment_id=fm.pk,
        new_due_by=date(2001, 1, 31),
        new_due_from=None,
        reason="Postponed.",
        change_class="postponed",
        by=supervisor,
        now=timezone.now(),
    )
    calendar = Calendar.from_ical(Client().get(url).content)
    (event,) = [e for e in calendar.walk("VEVENT") if str(e["uid"]) == f"commitment-{fm.pk}@pledgebook"]
    assert event.decoded("dtstart") == date(2001, 1, 31)


def test_revoked_regenerated_and_deactivated_feeds_are_404(client: Client, officer: Any, demo: Summit) -> None:
    first = _feed_url(client, officer)
    second = _feed_url(client, officer)  # a new address: the old one stops working
    assert first != second
    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200
    client.post(reverse("admin:commitments_calendar_feed"), {"action": "revoke"})
    assert Client().get(second).status_code == 404
    third = _feed_url(client, officer)
    officer.is_active = False
    officer.save()
    assert Client().get(third).status_code == 404
    assert Client().get("/calendar/not-a-key.ics").status_code == 404
    assert len(CalendarFeed.objects.get(user=officer).key) >= 40  # unguessable


def test_reactivating_a_user_does_not_bring_their_old_calendar_key_back(
    client: Client, officer: Any, demo: Summit
) -> None:
    old = _feed_url(client, officer)
    assert Client().get(old).status_code == 200
    officer.is_active = False
    officer.save()  # as the user admin does: a history row says when
    officer.is_active = True
    officer.save()
    assert Client().get(old).status_code == 404  # dead for good, though the user is active again
    # Nor does the preferences page offer it any more; a new key, issued now, works.
    client.force_login(officer)
    page = client.get(reverse("admin:commitments_notificationpreference_changelist"), follow=True)
    assert old not in page.content.decode()
    new = _feed_url(client, officer)
    assert new != old
    assert Client().get(new).status_code == 200
    assert Client().get(old).status_code == 404
