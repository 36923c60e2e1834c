"""Reminders and notifications: what is owed to whom, how it was delivered, and each sweep run.

Exactly-once rests on two unique constraints, not on locks:
- Notification(commitment, recipient, kind, occasion): a second sweep, a parallel one or one after a
  crash inserts nothing new for an occasion already recorded;
- Delivery(notification, channel): one email per notification, written in the same transaction as
  the notification (an outbox). Celery only wakes the sender; a lost wake-up is re-sent by the sweep.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from summits.validators import validate_time_zone

from .core import Commitment


class NotificationKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Due soon")
    DUE_TODAY = "due_today", _("Due today")
    OVERDUE = "overdue", _("Overdue")
    ESCALATION = "escalation", _("Escalation to supervisors")
    CONDITION_CHECK = "condition_check", _("Has the condition been met?")
    STALE = "stale", _("No update for a long time")
    STATUS_CHANGED = "status_changed", _("Status changed by someone else")
    UPDATE_ADDED = "update_added", _("Update added by someone else")
    DEADLINE_MOVED = "deadline_moved", _("Deadline moved by someone else")


# Reminders come from the sweep; activity notices from other people's changes.
REMINDER_KINDS = frozenset(
    {
        NotificationKind.DUE_SOON,
        NotificationKind.DUE_TODAY,
        NotificationKind.OVERDUE,
        NotificationKind.ESCALATION,
        NotificationKind.CONDITION_CHECK,
        NotificationKind.STALE,
    }
)


class SweepRun(models.Model):
    """One run of sweep_run: when, how long, what it did, or why it failed."""

    started_at = models.DateTimeField(verbose_name=_("started at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))
    # The moment the sweep judged (differs from started_at when an operator passes --now).
    as_of = models.DateTimeField(verbose_name=_("as of"))
    trigger = models.CharField(max_length=20, default="beat", verbose_name=_("trigger"))
    dry_run = models.BooleanField(default=False, verbose_name=_("dry run"))
    flagged_overdue = models.PositiveIntegerField(default=0, verbose_name=_("flagged overdue"))
    cleared = models.PositiveIntegerField(default=0, verbose_name=_("cleared"))
    notifications = models.PositiveIntegerField(default=0, verbose_name=_("notifications"))
    by_kind = models.JSONField(default=dict, blank=True, verbose_name=_("by kind"))
    rewoken = models.PositiveIntegerField(
        default=0, help_text=_("Deliveries whose lost wake-up was sent again."), verbose_name=_("rewoken")
    )
    ownerless = models.PositiveIntegerField(
        default=0,
        help_text=_("Tracked commitments with no active owner when it ran: nobody is reminded of them."),
        verbose_name=_("ownerless"),
    )
    failed_rows = models.PositiveIntegerField(
        default=0,
        help_text=_("Commitments it could not process (logged with their ids; looked at again an hour later)."),
        verbose_name=_("failed rows"),
    )
    error = models.TextField(blank=True, verbose_name=_("error"))
    # For beat's runs: the number of the sweep interval since the epoch. Unique, so that when two
    # beats run by mistake, the second tick of an interval finds it claimed and does nothing.
    beat_slot = models.BigIntegerField(null=True, blank=True, unique=True, editable=False, verbose_name=_("beat slot"))

    class Meta:
        verbose_name = _("sweep run")
        verbose_name_plural = _("sweep runs")
        ordering = ["-started_at", "-id"]
        indexes = [
            # "When did a sweep last finish?" (health check, admin warning on every page).
            models.Index(fields=["-finished_at"], name="sweeprun_finished", condition=Q(error="", dry_run=False)),
        ]

    def __str__(self) -> str:
        return f"Sweep at {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def duration_ms(self) -> int | None:
        if self.finished_at is None:
            return None
        return int((self.finished_at - self.started_at).total_seconds() * 1000)


class Notification(models.Model):
    """Something one person should know about one commitment. Always visible in the admin."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("commitment")
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices, verbose_name=_("kind"))
    # What makes this occasion distinct from the next one of the same kind, e.g. "7:2000-12-31"
    # (7 days before that due date) or "3" (the third overdue reminder) or a status change's id.
    occasion = models.CharField(max_length=80, verbose_name=_("occasion"))
    message = models.CharField(max_length=300, verbose_name=_("message"))
    # For a change someone made: who made it, and the reason and evidence they gave (empty for reminders).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    note = models.TextField(blank=True, verbose_name=_("note"))
    evidence_url = models.URLField(max_length=500, blank=True, verbose_name=_("evidence url"))
    created_at = models.DateTimeField(verbose_name=_("created at"))
    read_at = models.DateTimeField(null=True, blank=True, verbose_name=_("read at"))
    sweep_run = models.ForeignKey(
        SweepRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("sweep run")
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "recipient", "kind", "occasion"], name="notification_once_per_occasion"
            )
        ]
        indexes = [
            # The unread count in every admin page's header.
            models.Index(fields=["recipient"], name="notification_unread", condition=Q(read_at__isnull=True)),
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_time"),
            # Counting what one sweep created.
            models.Index(fields=["sweep_run"], name="notification_sweep_run"),
        ]

    def __str__(self) -> str:
        return self.message


class Delivery(models.Model):
    """The email for one notification (the outbox row), or its place in a daily digest."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        HELD = "held", _("Held for the daily digest")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed (not retried)")
        SKIPPED = "skipped", _("Skipped (no longer relevant)")

    notification = models.OneToOneField(
        Notification, on_delete=models.CASCADE, related_name="delivery", verbose_name=_("notification")
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("recipient")
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, verbose_name=_("status"))
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    next_attempt_at = models.DateTimeField(verbose_name=_("next attempt at"))
    # While SENDING: until when the claim holds; a claim past it belongs to a dead worker. The claim also
    # sets next_attempt_at to it, so the sender's one indexed range finds abandoned claims too.
    lease_until = models.DateTimeField(null=True, blank=True, verbose_name=_("lease until"))
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent at"))
    last_error = models.TextField(blank=True, verbose_name=_("last error"))
    digest = models.ForeignKey(
        "Digest", on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries", verbose_name=_("digest")
    )

    class Meta:
        verbose_name = _("delivery")
        indexes = [
            # The sender's queue: what is due to be tried now (delivery._claim, the sweep's re-wake count).
            models.Index(
                fields=["next_attempt_at"],
                name="delivery_due",
                condition=Q(status__in=["pending", "sending"]),
            ),
            # A recipient's held items for their digest.
            models.Index(fields=["recipient"], name="delivery_held", condition=Q(status="held")),
        ]
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return f"{self.notification} → {self.recipient} ({self.get_status_display()})"


class DeliveryAttempt(models.Model):
    """One try at sending: kept for every try, successful or not."""

    class Outcome(models.TextChoices):
        SENT = "sent", _("Sent")
        TRANSIENT = "transient", _("Transient error (will retry)")
        PERMANENT = "permanent", _("Permanent error")
        SKIPPED = "skipped", _("Skipped")

    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, null=True, blank=True, related_name="tries", verbose_name=_("delivery")
    )
    digest = models.ForeignKey(
        "Digest", on_delete=models.CASCADE, null=True, blank=True, related_name="tries", verbose_name=_("digest")
    )
    started_at = models.DateTimeField(verbose_name=_("started at"))
    finished_at = models.DateTimeField(verbose_name=_("finished at"))
    outcome = models.CharField(max_length=10, choices=Outcome.choices, verbose_name=_("outcome"))
    error = models.TextField(blank=True, verbose_name=_("error"))

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} at {self.finished_at:%Y-%m-%d %H:%M:%S}"


class Digest(models.Model):
    """One daily email per user and local day, gathering their held notifications."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests", verbose_name=_("recipient")
    )
    local_date = models.DateField(verbose_name=_("local date"))
    status = models.CharField(
        max_length=10, choices=Delivery.Status.choices, default=Delivery.Status.PENDING, verbose_name=_("status")
    )
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    next_attempt_at = models.DateTimeField(verbose_name=_("next attempt at"))
    lease_until = models.DateTimeField(null=True, blank=True, verbose_name=_("lease until"))
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent at"))
    last_error = models.TextField(blank=True, verbose_name=_("last error"))

    class Meta:
        verbose_name = _("digest")
        verbose_name_plural = _("digests")
        constraints = [models.UniqueConstraint(fields=["recipient", "local_date"], name="digest_once_a_day")]

    def __str__(self) -> str:
        return f"Digest for {self.recipient}, {self.local_date}"


def default_kinds() -> list[str]:
    return list(NotificationKind.values)


class NotificationPreference(models.Model):
    class Mode(models.TextChoices):
        IMMEDIATE = "immediate", _("Each email as it happens")
        DIGEST = "digest", _("One daily digest")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("user"),
    )
    kinds = models.JSONField(
        default=default_kinds, help_text=_("The kinds of notification you want."), verbose_name=_("kinds")
    )
    email_enabled = models.BooleanField(default=True, verbose_name=_("email me"))
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.IMMEDIATE, verbose_name=_("mode"))
    digest_hour = models.PositiveSmallIntegerField(
        default=8, help_text=_("Local hour (0–23) of the daily digest."), verbose_name=_("digest hour")
    )
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("Your IANA time zone for the digest hour, e.g. Europe/Moscow; empty means the ministry's."),
        verbose_name=_("time zone"),
    )
    # The interface's and your emails' language; "" follows the browser (and LANGUAGE_CODE for emails).
    # The interface's languages as settings.LANGUAGES names them: in their own languages, so anyone can find
    # theirs whatever the page's language.
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        choices=[("", _("As the browser asks")), *settings.LANGUAGES],
        help_text=_("The language of the pages and of your emails."),
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.CheckConstraint(condition=Q(digest_hour__lte=23), name="preference_digest_hour_valid"),
        ]

    def __str__(self) -> str:
        return f"Notification preferences of {self.user}"
