"""Daily digests: a user who chose one gets the day's notifications in one email at their local hour."""

from __future__ import annotations

import zoneinfo
from datetime import datetime

from django.conf import settings
from django.db import transaction

from ..models import Delivery, DeliveryAttempt, Digest, NotificationPreference
from .create import wake_sender
from .emails import render_digest
from .outbox import Mailer, attempt, claim, finish, still_relevant


def digests_plan(now: datetime) -> int:
    """Open today's digest for each digest user whose local hour has come and who has held items."""
    created = 0
    preferences = NotificationPreference.objects.filter(mode=NotificationPreference.Mode.DIGEST, email_enabled=True)
    waiting = Delivery.objects.filter(status=Delivery.Status.HELD, digest__isnull=True)
    held_users = set(waiting.values_list("recipient_id", flat=True))
    for preference in preferences.filter(user_id__in=held_users).select_related("user"):
        zone = zoneinfo.ZoneInfo(preference.time_zone or settings.TIME_ZONE)
        local = now.astimezone(zone)
        if local.hour < preference.digest_hour:
            continue
        with transaction.atomic():
            digest, made = Digest.objects.get_or_create(
                recipient_id=preference.user_id, local_date=local.date(), defaults={"next_attempt_at": now}
            )
            if made:
                # The items stay held, now in this digest, until it is sent (then they are marked as it
                # is). Not "sending": a sending delivery whose next attempt has come is an abandoned
                # claim, which the sender would take and email one by one beside the digest.
                waiting.filter(recipient_id=preference.user_id).update(digest=digest)
                created += 1
    return created


def digests_open(now: datetime) -> int:
    """Open the digests whose hour has come (digests_plan) and wake the sender for them."""
    opened = digests_plan(now)
    if opened:
        wake_sender(senders=1)
    return opened


def digest_send_one(now: datetime, mailer: Mailer | None = None) -> bool:
    """Send one due digest (claimed as a delivery is). False when none is due."""
    ids, _ = claim(Digest, now, 1)  # a few a day per user: one at a time
    if not ids:
        return False
    digest = Digest.objects.select_related("recipient__notification_preference").get(pk=ids[0])
    if not digest.recipient.is_active or not digest.recipient.email:
        finish(digest, DeliveryAttempt.Outcome.SKIPPED, "the recipient is inactive or has no email", now, now)
        return True
    held = [
        d.notification
        for d in digest.deliveries.select_related(
            "notification__commitment__summit",
            "notification__commitment__desk",
            "notification__recipient",
            "notification__actor",
        ).order_by("notification__created_at")
    ]
    attempt(digest, lambda: render_digest(digest, [n for n in held if not still_relevant(n)], now), now, mailer)
    return True
