"""Email delivery against a real SMTP server: content, retries, permanent failures, re-checks, digests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from commitments import services
from commitments.delivery import delivery_send_one, digest_send_one, digests_plan
from commitments.demo import demo_load
from commitments.models import Commitment, Delivery, DeliveryAttempt, Digest, Notification, NotificationPreference
from commitments.sweep import sweep_run

from .conftest import DAY_AFTER_MEETING, EARLY_2001, MARCH_2001
from .smtp import ScriptedHandler, smtp_server

pytestmark = pytest.mark.django_db

FM_VISIT = "Send the Minister for Foreign Affairs to Russia within the year"


@pytest.fixture
def smtp(request: pytest.FixtureRequest) -> Iterator[ScriptedHandler]:
    script = getattr(request, "param", [])
    with (
        smtp_server(script) as (handler, port),
        override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_TIMEOUT=5,
        ),
    ):
        yield handler


@pytest.fixture
def brunei(db: Any) -> None:
    demo_load(now=DAY_AFTER_MEETING, with_users=True, password="unused")


def _only_officer_overdue() -> Delivery:
    """Sweep on 5 January 2001 and keep just the officer's overdue email for the FM visit."""
    sweep_run(now=EARLY_2001)
    keep = Delivery.objects.get(
        notification__kind="overdue", notification__commitment__title=FM_VISIT, recipient__username="officer"
    )
    Delivery.objects.exclude(pk=keep.pk).update(status=Delivery.Status.SKIPPED)
    return keep


def _drain(now: Any) -> int:
    count = 0
    while delivery_send_one(now):
        count += 1
    return count


def test_an_overdue_reminder_is_emailed_once_with_what_the_reader_needs(brunei: None, smtp: ScriptedHandler) -> None:
    delivery = _only_officer_overdue()
    assert _drain(EARLY_2001) == 1
    assert _drain(EARLY_2001) == 0  # nothing sent twice
    (message,) = smtp.wait_for(1)
    assert message["To"] == "officer@pledgebook.invalid"
    assert message["Subject"].strip() == f"[Pledgebook] Overdue by 5 days: {FM_VISIT}"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    for body in (text, html):
        assert FM_VISIT in body
        assert "within the year" in body
        assert "31 Dec 2000" in body
        assert "5 days" in body
        assert "Japan-Russian Federation Summit Meeting" in body
        assert f"/admin/commitments/commitment/{delivery.notification.commitment_id}/change/" in body
        assert "/admin/commitments/notificationpreference/" in body
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert list(delivery.tries.values_list("outcome", flat=True)) == ["sent"]


@pytest.mark.parametrize("smtp", [["451 4.7.1 Greylisted, try later", "451 4.7.1 Still busy"]], indirect=True)
def test_transient_refusals_are_retried_with_backoff_then_sent_once(brunei: None, smtp: ScriptedHandler) -> None:
    delivery = _only_officer_overdue()
    assert _drain(EARLY_2001) == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PENDING
    assert delivery.next_attempt_at > EARLY_2001  # backoff: not tried again at once
    assert _drain(EARLY_2001) == 0
    later = EARLY_2001 + timedelta(hours=2)
    _drain(later)
    _drain(later + timedelta(hours=2))
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert len(smtp.accepted) == 1
    assert smtp.refused == 2
    assert list(delivery.tries.order_by("started_at", "pk").values_list("outcome", flat=True)) == [
        "transient",
        "transient",
        "sent",
    ]


@pytest.mark.parametrize("smtp", [["550 5.1.1 No such mailbox"]], indirect=True)
def test_a_permanent_refusal_is_recorded_and_not_retried(brunei: None, smtp: ScriptedHandler) -> None:
    delivery = _only_officer_overdue()
    _drain(EARLY_2001)
    _drain(EARLY_2001 + timedelta(days=1))
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert "No such mailbox" in delivery.last_error
    assert delivery.tries.count() == 1
    assert smtp.accepted == []


def test_an_unreachable_server_is_transient(brunei: None) -> None:
    from .smtp import free_port

    delivery = _only_officer_overdue()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=free_port(),
        EMAIL_TIMEOUT=2,
    ):
        _drain(EARLY_2001)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PENDING
    assert delivery.tries.get().outcome == DeliveryAttempt.Outcome.TRANSIENT


def test_preconditions_are_checked_again_at_delivery(brunei: None, smtp: ScriptedHandler) -> None:
    delivery = _only_officer_overdue()
    commitment = Commitment.objects.get(title=FM_VISIT)
    services.commitment_transition(
        commitment_id=commitment.pk, to_status="fulfilled", by=None, now=EARLY_2001, note="Kono visited Moscow."
    )
    _drain(EARLY_2001)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SKIPPED
    assert "closed" in delivery.last_error
    # Only the news of the change itself went out, not the stale reminder.
    subjects = [m["Subject"].strip() for m in smtp.accepted]
    assert subjects == [f"[Pledgebook] The system changed “{FM_VISIT}”: Not started → Fulfilled"] * 2


def test_a_deactivated_recipient_gets_nothing(brunei: None, smtp: ScriptedHandler) -> None:
    delivery = _only_officer_overdue()
    get_user_model().objects.filter(username="officer").update(is_active=False)
    _drain(EARLY_2001)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == (Delivery.Status.SKIPPED, "the recipient is no longer active")


def test_others_are_told_of_a_change_the_actor_is_not(brunei: None, smtp: ScriptedHandler) -> None:
    officer = get_user_model().objects.get(username="officer")
    commitment = Commitment.objects.get(title=FM_VISIT)
    services.commitment_transition(
        commitment_id=commitment.pk, to_status="in_progress", by=officer, now=EARLY_2001, note="Dates proposed."
    )
    services.update_add(commitment_id=commitment.pk, note="Moscow agreed to 3 December.", by=officer, now=EARLY_2001)
    notified = set(Notification.objects.values_list("recipient__username", "kind"))
    assert notified == {("supervisor", "status_changed"), ("supervisor", "update_added")}
    _drain(EARLY_2001)
    subjects = sorted(m["Subject"].strip() for m in smtp.wait_for(2))
    assert subjects[0].startswith("[Pledgebook] Officer (demo) added an update")
    assert "Not started → In progress" in subjects[1]


def test_a_digest_user_gets_one_email_a_day_at_their_hour(brunei: None, smtp: ScriptedHandler) -> None:
    officer = get_user_model().objects.get(username="officer")
    NotificationPreference.objects.create(user=officer, mode="digest", digest_hour=9, time_zone="Asia/Tokyo")
    sweep_run(now=MARCH_2001)  # 03:00 UTC = 12:00 in Tokyo
    held = Delivery.objects.filter(recipient=officer, status=Delivery.Status.HELD).count()
    assert held > 5
    Delivery.objects.exclude(recipient=officer).update(status=Delivery.Status.SKIPPED)
    assert digests_plan(MARCH_2001 - timedelta(hours=4)) == 0  # 08:00 in Tokyo: not yet
    assert digests_plan(MARCH_2001) == 1
    assert digests_plan(MARCH_2001 + timedelta(minutes=5)) == 0  # once a day
    while digest_send_one(MARCH_2001):
        pass
    (message,) = smtp.wait_for(1)
    assert message["Subject"].strip() == f"[Pledgebook] Your digest for 01 Mar 2001: {held} items"
    assert Digest.objects.get().status == Delivery.Status.SENT
    assert not Delivery.objects.filter(recipient=officer).exclude(status=Delivery.Status.SENT).exists()
    assert _drain(MARCH_2001) == 0  # the digested items are not also sent one by one


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A server that accepts TCP connections and never says a word (a hung SMTP daemon)."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    try:
        yield int(listener.getsockname()[1])
    finally:
        listener.close()


def test_a_silent_smtp_server_times_out_as_transient_and_the_next_try_delivers(
    brunei: None, silent_server: int
) -> None:
    import time

    from .smtp import smtp_server

    delivery = _only_officer_overdue()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=silent_server,
        EMAIL_TIMEOUT=1,
    ):
        started = time.monotonic()
        _drain(EARLY_2001)
        # The worker is held for the timeout, not for as long as the server hangs.
        assert time.monotonic() - started < 5
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PENDING
    (attempt,) = delivery.tries.all()
    assert attempt.outcome == DeliveryAttempt.Outcome.TRANSIENT
    assert "timed out" in attempt.error
    # The server is healthy again: the retry, once due, sends it exactly once.
    with (
        smtp_server() as (handler, port),
        override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_TIMEOUT=5,
        ),
    ):
        assert _drain(EARLY_2001) == 0  # not before its backoff
        assert _drain(delivery.next_attempt_at) == 1
        assert _drain(delivery.next_attempt_at + timedelta(days=1)) == 0
        assert len(handler.wait_for(1)) == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert delivery.tries.count() == 2


@pytest.mark.parametrize("smtp", [["hang"]], indirect=True)
def test_a_server_that_hangs_after_the_message_is_a_transient_failure(brunei: None, smtp: ScriptedHandler) -> None:
    import time

    smtp.hang_seconds = 20
    delivery = _only_officer_overdue()
    with override_settings(EMAIL_TIMEOUT=1):
        started = time.monotonic()
        _drain(EARLY_2001)
        assert time.monotonic() - started < 5
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PENDING
    assert delivery.tries.get().outcome == DeliveryAttempt.Outcome.TRANSIENT
    assert smtp.accepted == []
