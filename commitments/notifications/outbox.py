"""Sending email for notifications and digests, exactly once.

A unit of work is `delivery_send_due(now)`: claim a few due deliveries (row locks, SKIP LOCKED so
parallel workers take different rows), check again that each should still go out, send, record each
outcome as it comes. It returns how many it handled, so a task can loop until there are none.

Exactly once: a delivery is claimed by moving it to SENDING with a lease; it is marked SENT (and
committed) in the same breath as the SMTP server accepts it, before the next email is sent. Only a
claim whose lease has run out (its worker died) is taken again. Every try is a DeliveryAttempt row.
Transient SMTP errors (4xx, timeouts, refused connections) retry with exponential backoff and jitter;
permanent ones (5xx) are recorded and not retried.
"""

from __future__ import annotations

import logging
import random
import smtplib
import socket
import time
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import connection, transaction
from django.db.models import F, Q
from django.template import TemplateSyntaxError

from .. import policy
from ..models import REMINDER_KINDS, Delivery, DeliveryAttempt, Digest, Notification
from ..workflow import OPEN_STATUSES
from .emails import email_bytes, envelope_address, notification_renderer

logger = logging.getLogger(__name__)

# Emails claimed in one transaction. Each commit costs a flush of the database's log, so one claim per
# email was a third of the sender's time. A batch also costs a fixed ~10 ms of claiming, loading (the
# ORM's compiling and PostgreSQL's planning of a six-table join) and reading rights: half a millisecond an
# email at 20, a fifth at 50. Still small: what a dead worker strands (until its lease ends) stays a few
# dozen emails, and a backlog still splits evenly between the senders (sender.BATCH is four claims).
CLAIM = 50


class PermanentDeliveryError(Exception):
    """The server refused for good (5xx); trying again would not help."""


# Raised while building or handing over an email, these say the email itself is wrong (a header Django
# refuses, an address it cannot parse, a template that breaks on this row): the same email would fail the
# same way on every retry, so they are permanent at once rather than after eight tries.
_WRONG_EMAIL = (ValueError, TypeError, LookupError, AttributeError, UnicodeError, TemplateSyntaxError)


def _classify(exc: Exception) -> str:
    """'transient' or 'permanent' for an exception raised while building or sending an email."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return "permanent" if codes and all(code >= 500 for code in codes) else "transient"
    if isinstance(exc, smtplib.SMTPResponseException):
        return "permanent" if exc.smtp_code >= 500 else "transient"
    if isinstance(exc, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, socket.timeout, OSError)):
        return "transient"
    if isinstance(exc, (PermanentDeliveryError, *_WRONG_EMAIL)):
        return "permanent"
    return "transient"


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, … capped at an hour, with ±20 % jitter so retries do not march together."""
    base = settings.PLEDGEBOOK_DELIVERY_BACKOFF_SECONDS * (2 ** max(0, attempts - 1))
    seconds = min(base, 3600) * random.uniform(0.8, 1.2)  # noqa: S311 - jitter, not security
    return timedelta(seconds=seconds)


def still_relevant(notification: Notification, fresh: bool = True) -> str:
    """'' if the notification should still go out, or the reason it should not.

    `fresh`: read the recipient's rights anew; a batch whose user objects were just loaded passes False,
    so that each recipient's rights are read once per batch rather than once per email."""
    user = notification.recipient
    commitment = notification.commitment
    if not user.is_active:
        return "the recipient is no longer active"
    if fresh:
        policy.forget(user)
    if not policy.can_view(user):
        return "the recipient may no longer see this commitment"
    if not user.email:
        return "the recipient has no email address"
    if notification.kind in REMINDER_KINDS and commitment.status not in OPEN_STATUSES:
        return f"the commitment is closed ({commitment.get_status_display()})"
    return ""


def finish(row: Delivery | Digest, outcome: str, error: str, started: datetime, now: datetime) -> None:
    if outcome == DeliveryAttempt.Outcome.SENT:
        row.status, row.sent_at = Delivery.Status.SENT, now
    elif outcome == DeliveryAttempt.Outcome.SKIPPED:
        row.status = Delivery.Status.SKIPPED
    elif outcome == DeliveryAttempt.Outcome.PERMANENT or row.attempts >= settings.PLEDGEBOOK_DELIVERY_MAX_ATTEMPTS:
        row.status = Delivery.Status.FAILED
    else:
        row.status, row.next_attempt_at = Delivery.Status.PENDING, now + backoff(row.attempts)
    row.lease_until = None
    row.last_error = error[:2000]
    if isinstance(row, Delivery) and connection.vendor == "postgresql":
        _finish_in_one_statement(row, outcome, started, now)
        return
    with transaction.atomic():
        row.save(update_fields=["status", "sent_at", "next_attempt_at", "lease_until", "last_error"])
        DeliveryAttempt.objects.create(
            delivery=row if isinstance(row, Delivery) else None,
            digest=row if isinstance(row, Digest) else None,
            started_at=started,
            finished_at=now,
            outcome=outcome,
            error=error[:2000],
        )
        if isinstance(row, Digest) and row.status != Delivery.Status.PENDING:
            row.deliveries.update(status=row.status, sent_at=row.sent_at)


def _finish_in_one_statement(row: Delivery, outcome: str, started: datetime, now: datetime) -> None:
    """What _finish's transaction does, as one statement: one round trip and one commit per email."""
    deliveries, attempts = Delivery._meta.db_table, DeliveryAttempt._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""WITH finished AS (
                    UPDATE {deliveries}
                    SET status = %s, sent_at = %s, next_attempt_at = %s, lease_until = NULL, last_error = %s
                    WHERE id = %s RETURNING id
                )
                INSERT INTO {attempts} (delivery_id, started_at, finished_at, outcome, error)
                SELECT id, %s, %s, %s, %s FROM finished""",  # noqa: S608 - table names from the models
            [row.status, row.sent_at, row.next_attempt_at, row.last_error, row.pk,
             started, now, outcome, row.last_error],
        )  # fmt: skip


class Mailer:
    """One connection to the mail server for a run of emails (not one per email); reopened after a failure."""

    def __init__(self) -> None:
        self._connection: Any = None

    def send(self, message: EmailMultiAlternatives) -> None:
        if self._connection is None:
            self._connection = get_connection(timeout=settings.EMAIL_TIMEOUT)
            self._connection.open()
        try:
            if isinstance(self._connection, SMTPBackend) and self._connection.connection is not None:
                # Handed over as bytes built directly (emails.email_bytes): Django's own path through
                # send_messages() builds and flattens a stdlib email tree, most of an email's Python cost.
                sent = self._send_smtp(message)
            else:
                sent = self._connection.send_messages([message])
        except Exception:
            self.close()  # the conversation is in an unknown state: start the next email afresh
            raise
        if not sent:
            raise PermanentDeliveryError("the mail backend accepted nothing")

    def _send_smtp(self, message: EmailMultiAlternatives) -> int:
        """What Django's SMTP backend does for one message, with the bytes from email_bytes()."""
        recipients = [envelope_address(address) for address in message.recipients()]
        if not recipients:
            return 0
        data = email_bytes(message)
        # Refused recipients raise (SMTPRecipientsRefused when every one is refused), as through Django.
        self._connection.connection.sendmail(envelope_address(message.from_email), recipients, data)
        return 1

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except Exception:  # closing a broken connection: nothing left to save
                logger.debug("closing the mail connection failed", exc_info=True)
            self._connection = None


def claim(model: type[Delivery] | type[Digest], now: datetime, limit: int) -> tuple[list[int], datetime]:
    """Claim up to `limit` due deliveries (or digests) in one transaction: one commit for the lot.

    Returns their ids and the end of the lease, which also marks the claim as this batch's own."""
    lease_until = now + timedelta(seconds=settings.PLEDGEBOOK_DELIVERY_LEASE_SECONDS)
    due = Q(status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING], next_attempt_at__lte=now)
    with transaction.atomic():
        # For deliveries, one range on the partial index delivery_due: a claimed row's next_attempt_at is
        # its lease's end, so abandoned claims come due with the pending rows. (An OR of two conditions here
        # made PostgreSQL scan the whole table for every email: 19 ms each at 180,000 deliveries; see
        # BENCHMARKS.md.) The row locks (SKIP LOCKED) keep parallel senders apart.
        ids = list(
            model.objects.select_for_update(skip_locked=True)
            .filter(due)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            model.objects.filter(pk__in=ids).update(
                status=Delivery.Status.SENDING,
                lease_until=lease_until,
                next_attempt_at=lease_until,  # if this worker dies, the rows are due again then
                attempts=F("attempts") + 1,
            )
    return ids, lease_until


def release(ids: list[int], lease_until: datetime, now: datetime) -> None:
    """Hand back claimed rows that were not tried: due at once, the claim not counted as a try.

    Only rows still under this batch's own lease: a row whose lease ran out may be another sender's now."""
    if ids:
        Delivery.objects.filter(pk__in=ids, status=Delivery.Status.SENDING, lease_until=lease_until).update(
            status=Delivery.Status.PENDING, lease_until=None, next_attempt_at=now, attempts=F("attempts") - 1
        )


def delivery_send_due(now: datetime, mailer: Mailer | None = None, limit: int = CLAIM) -> int:
    """Send up to `limit` due emails through one mail connection. Returns how many were handled (0: none due).

    The batch is claimed at once, but each sent email's outcome is recorded (and committed) as soon as the
    server has answered for it, so a crash later in the batch never causes an accepted email to be sent again:
    at worst the unsent rest comes due when the lease ends. Rows that should no longer go out are recorded as
    skipped together, first: no email is involved, so nothing can be sent twice. A batch never outlives half
    its lease (a slow server), and a transient failure hands the rest back untried rather than waiting on a
    broken server once per email; either way the task's loop claims again.
    """
    ids, lease_until = claim(Delivery, now, limit)
    if not ids:
        return 0
    rows = _batch_load(ids)
    own = mailer is None
    sender = Mailer() if mailer is None else mailer
    stop_at = time.monotonic() + settings.PLEDGEBOOK_DELIVERY_LEASE_SECONDS / 2
    # Rows whose outcome is recorded, or whose email was handed to the server (it may have been accepted even
    # if recording failed): never handed back. The rest is, whatever stops the batch.
    handled: set[int] = set()
    try:
        due: list[Delivery] = []
        skipped: list[tuple[Delivery, str]] = []
        for row in rows:
            # Each recipient's rights are read once for the batch (one user object per recipient, _batch_load),
            # as is everything else the check reads: checked up front, it decides as it would per email.
            reason = still_relevant(row.notification, fresh=False)
            if reason:
                skipped.append((row, reason))
            else:
                due.append(row)
        skipped_finish(skipped, now)
        handled.update(row.pk for row, _ in skipped)
        with notification_renderer(now) as render:
            for row in due:
                if time.monotonic() > stop_at:
                    break
                handled.add(row.pk)
                if not attempt(row, lambda n=row.notification: render(n), now, sender):
                    break
    finally:
        if own:
            sender.close()
        release([row.pk for row in rows if row.pk not in handled], lease_until, now)
    return len(handled)


def _batch_load(ids: list[int]) -> list[Delivery]:
    """The claimed rows with all an email needs, in two queries whatever the batch's size.

    The users (recipients and actors, with the recipient's language) are read apart from the rest: joined in,
    they made an eight-table join whose planning alone cost PostgreSQL 3.5 ms a batch (2.2 ms more than the
    six-table join and the users' own query together), and a batch writes to a few people many times over.
    Each user is one object for the whole batch, so that their rights are read once per batch."""
    # Not the meeting's record text: an email names the meeting, and the text can be tens of kilobytes.
    rows = list(
        Delivery.objects.filter(pk__in=ids)
        .select_related("notification__commitment__summit", "notification__commitment__desk")
        .defer("notification__commitment__summit__source_text")
        .order_by("next_attempt_at", "pk")
    )
    user_ids = {row.recipient_id for row in rows}
    for row in rows:
        user_ids.update(user_id for user_id in (row.notification.recipient_id, row.notification.actor_id) if user_id)
    users = get_user_model().objects.select_related("notification_preference").in_bulk(user_ids)
    # A recipient deleted between the two queries took their deliveries with them (CASCADE): left out, as the
    # join left them out. An actor deleted meanwhile is no actor (SET_NULL), as the database now says.
    rows = [row for row in rows if {row.recipient_id, row.notification.recipient_id} <= users.keys()]
    for row in rows:
        notification = row.notification
        row.recipient, notification.recipient = users[row.recipient_id], users[notification.recipient_id]
        notification.actor = users.get(notification.actor_id) if notification.actor_id else None
    return rows


def skipped_finish(skipped: list[tuple[Delivery, str]], now: datetime) -> None:
    """Record a batch's skipped deliveries (each with its reason) and their attempts: one transaction and a
    fixed number of statements however many there are."""
    if not skipped:
        return
    for row, reason in skipped:
        row.status, row.lease_until, row.last_error = Delivery.Status.SKIPPED, None, reason[:2000]
    with transaction.atomic():
        Delivery.objects.bulk_update([row for row, _ in skipped], ["status", "lease_until", "last_error"])
        DeliveryAttempt.objects.bulk_create(
            DeliveryAttempt(
                delivery=row,
                started_at=now,
                finished_at=now,
                outcome=DeliveryAttempt.Outcome.SKIPPED,
                error=row.last_error,
            )
            for row, _ in skipped
        )


def attempt(row: Delivery | Digest, build: Any, now: datetime, mailer: Mailer | None = None) -> bool:
    """Build and send one email for a claimed row, and record how it went. False after a transient failure."""
    own = mailer is None
    sender = Mailer() if mailer is None else mailer
    try:
        sender.send(build())
    except Exception as exc:
        outcome = (
            DeliveryAttempt.Outcome.PERMANENT if _classify(exc) == "permanent" else DeliveryAttempt.Outcome.TRANSIENT
        )
        logger.warning("Email for %s failed (%s): %r", row, outcome, exc)
        finish(row, outcome, repr(exc), now, now)
        return outcome != DeliveryAttempt.Outcome.TRANSIENT
    finally:
        if own:
            sender.close()
    finish(row, DeliveryAttempt.Outcome.SENT, "", now, now)
    return True
