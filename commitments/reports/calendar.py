"""Calendar feeds: a user's deadlines as all-day events, behind a secret, revocable URL."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from icalendar import Calendar, Event

from .. import policy, selectors
from ..models import CalendarFeed, Commitment
from ..models.reports import new_calendar_key
from ..workflow import OPEN_STATUSES


def calendar_feed_issue(*, user: Any, now: datetime) -> CalendarFeed:
    """Create the user's feed, or give it a new key (the old URL stops working at once)."""
    feed, created = CalendarFeed.objects.get_or_create(user=user, defaults={"created_at": now})
    if not created:
        feed.key = new_calendar_key()
        feed.created_at = now
        feed.revoked_at = None
        feed.save(update_fields=["key", "created_at", "revoked_at"])
    return feed


def calendar_feed_revoke(*, user: Any, now: datetime) -> None:
    CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)


def calendar_feed_for_key(key: str) -> CalendarFeed | None:
    """The live feed behind `key`: not revoked, and its user still active and allowed to see."""
    feed = CalendarFeed.objects.select_related("user").filter(key=key, revoked_at__isnull=True).first()
    if feed is None or not feed.user.is_active or not policy.can_view(feed.user) or calendar_feed_outlived(feed):
        return None
    return feed


def calendar_feed_of(user: Any) -> CalendarFeed | None:
    """The user's own feed as the preferences page offers it: none once it no longer works."""
    feed = CalendarFeed.objects.filter(user_id=user.pk, revoked_at__isnull=True).first()
    return None if feed is None or calendar_feed_outlived(feed) else feed


def calendar_feed_outlived(feed: CalendarFeed) -> bool:
    """Whether the user was deactivated at any moment since the key was issued: then it is dead for good.

    Checked where the key is used, not by revoking keys in whatever deactivates a user: accounts are
    deactivated in the user admin, the shell, a script or an identity sync, and each would have to
    remember. The user's history (models/audit.py) records every save that deactivated them, whoever made
    it; reactivating them later does not bring a key issued before back. A new key, issued after the
    reactivation, works. (A raw SQL UPDATE of is_active leaves no history: deactivate through Django.)
    """
    users = get_user_model().history  # type: ignore[attr-defined]  # registered in models/audit.py
    return bool(users.filter(id=feed.user_id, is_active=False, history_date__gte=feed.created_at).exists())


def calendar_ics(user: Any, now: datetime) -> bytes:
    """The user's owned and watched open commitments with a deadline, one all-day event each."""
    commitments = (
        Commitment.objects.filter(status__in=OPEN_STATUSES, due_by__isnull=False)
        .filter(pk__in=Commitment.objects.filter(selectors.mine_q(user)).values("pk"))
        .select_related("summit")
        .order_by("due_by", "pk")
    )
    calendar = Calendar()
    calendar.add("prodid", "-//Pledgebook//Commitment deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Pledgebook deadlines")
    for commitment in commitments:
        assert commitment.due_by is not None
        event = Event()
        event.add("uid", f"commitment-{commitment.pk}@pledgebook")
        event.add("summary", f"Due: {commitment.title}")
        # All day: a window from due_from, otherwise the due day itself. DTEND is exclusive.
        event.add("dtstart", commitment.due_from or commitment.due_by)
        event.add("dtend", commitment.due_by + timedelta(days=1))
        event.add("dtstamp", now)
        event.add(
            "description", f"“{commitment.quote}”\n{commitment.summit.title}\nDeadline: {commitment.due_phrase or '—'}"
        )
        event.add(
            "url", settings.PLEDGEBOOK_BASE_URL + reverse("admin:commitments_commitment_change", args=[commitment.pk])
        )
        calendar.add_component(event)
    return calendar.to_ical()
