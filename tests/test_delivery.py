"""Email delivery against a real SMTP server: content, retries, permanent failures, re-checks, digests."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from commitments import services
from commitments.demo import demo_load
from commitments.models import Commitment, Delivery, DeliveryAttempt, Digest, Notification, NotificationPreference
from commitments.notifications.digests import digest_send_one, digests_plan
from commitments.notifications.outbox import Mailer, delivery_send_due
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
    while handled := delivery_send_due(now):
        count += handled
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
    assert message["Subject"].strip() == f"[Pledgebook] Your digest for 1 Mar 2001: {held} items"
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


# --- batches: claimed together, recorded one by one ------------------------------------------------


def _pending_after_sweep() -> list[int]:
    sweep_run(now=EARLY_2001)
    pending = Delivery.objects.filter(status=Delivery.Status.PENDING).order_by("next_attempt_at", "pk")
    ids = list(pending.values_list("pk", flat=True))
    assert len(ids) >= 4, "the scenario needs a few emails due at once"
    return ids


def _statuses(ids: list[int]) -> Counter[str]:
    return Counter(Delivery.objects.filter(pk__in=ids).values_list("status", flat=True))


def test_a_batch_records_each_email_as_sent_before_the_next_goes_out(
    brunei: None, smtp: ScriptedHandler, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _pending_after_sweep()
    seen: list[Counter[str]] = []
    real_send = Mailer.send

    def watching(self: Mailer, message: Any) -> None:
        seen.append(_statuses(ids))
        real_send(self, message)

    monkeypatch.setattr(Mailer, "send", watching)
    with CaptureQueriesContext(connection) as captured:
        assert delivery_send_due(EARLY_2001, limit=len(ids)) == len(ids)
    # The k-th email leaves when exactly k-1 are recorded as sent and the rest are still claimed.
    assert seen == [Counter({"sent": k, "sending": len(ids) - k}) - Counter() for k in range(len(ids))]
    assert _statuses(ids) == Counter({"sent": len(ids)})
    assert len(smtp.wait_for(len(ids))) == len(ids)
    assert sorted(DeliveryAttempt.objects.filter(delivery_id__in=ids).values_list("outcome", flat=True)) == [
        "sent"
    ] * len(ids)
    watching_own = 'SELECT "commitments_delivery"."status"'
    statements = [query["sql"] for query in captured if not query["sql"].startswith(watching_own)]
    # Claimed in one go, loaded in one go, and each recipient's rights read once, not once per email.
    claims = [sql for sql in statements if sql.startswith("SELECT") and "LIMIT" in sql and "delivery" in sql]
    assert len(claims) == 1
    assert connection.vendor == "sqlite" or "SKIP LOCKED" in claims[0]
    recipients = Delivery.objects.filter(pk__in=ids).values("recipient").distinct().count()
    assert sum('"auth_user_groups"' in sql for sql in statements) <= recipients
    if connection.vendor == "postgresql":
        assert sum(sql.lstrip().startswith("WITH finished") for sql in statements) == len(ids)
        # Recording an outcome is one statement (and one commit) per email; around them, a claim of four
        # statements (the test's transaction makes its BEGIN and COMMIT a savepoint), two loads (the rows, the
        # users), and one read of each recipient's rights: their role (groups); these notifications ask about no
        # desk, so the desks they belong to are not read (policy reads them only for a question naming one).
        assert len(statements) == 6 + recipients + len(ids), "\n".join(statements)


@pytest.mark.parametrize("smtp", [["250", "451 4.3.2 System busy"]], indirect=True)
def test_a_transient_failure_hands_the_rest_of_the_batch_back_untried(brunei: None, smtp: ScriptedHandler) -> None:
    ids = _pending_after_sweep()
    assert delivery_send_due(EARLY_2001, limit=len(ids)) == 2
    rows = Delivery.objects.in_bulk(ids)
    first, second, *rest = (rows[pk] for pk in ids)  # in the order they were claimed
    assert (first.status, first.attempts) == (Delivery.Status.SENT, 1)
    assert (second.status, second.attempts) == (Delivery.Status.PENDING, 1)
    assert second.next_attempt_at > EARLY_2001  # its backoff
    for row in rest:  # not tried, so not counted, and due again at once
        assert (row.status, row.attempts, row.lease_until) == (Delivery.Status.PENDING, 0, None)
        assert row.next_attempt_at <= EARLY_2001
        assert not row.tries.exists()
    assert _drain(EARLY_2001) == len(rest)
    assert _statuses(ids) == Counter({"sent": len(ids) - 1, "pending": 1})


def test_a_slow_server_never_holds_a_batch_past_half_its_lease(brunei: None, smtp: ScriptedHandler) -> None:
    ids = _pending_after_sweep()

    class SlowMailer(Mailer):
        def send(self, message: Any) -> None:
            time.sleep(0.3)
            super().send(message)

    mailer = SlowMailer()
    with override_settings(PLEDGEBOOK_DELIVERY_LEASE_SECONDS=1):
        try:
            handled = delivery_send_due(EARLY_2001, mailer, limit=len(ids))
        finally:
            mailer.close()
    assert handled == 2  # 0.6 s gone after two: past half of the one-second lease
    assert _statuses(ids) == Counter({"sent": 2, "pending": len(ids) - 2})
    assert set(Delivery.objects.filter(pk__in=ids, status="pending").values_list("attempts", flat=True)) == {0}


def test_handing_back_never_touches_a_row_another_sender_has_claimed_since(brunei: None) -> None:
    from commitments.notifications.outbox import claim, release

    ids = _pending_after_sweep()
    claimed, lease_until = claim(Delivery, EARLY_2001, limit=len(ids))
    assert sorted(claimed) == sorted(ids)
    # Our lease ran out (a stalled batch) and another sender claimed the first row with its own lease.
    theirs = lease_until + timedelta(minutes=7)
    Delivery.objects.filter(pk=claimed[0]).update(lease_until=theirs, next_attempt_at=theirs, attempts=2)
    release(claimed, lease_until, EARLY_2001)
    taken = Delivery.objects.get(pk=claimed[0])
    assert (taken.status, taken.lease_until, taken.attempts) == (Delivery.Status.SENDING, theirs, 2)
    assert _statuses(claimed[1:]) == Counter({"pending": len(claimed) - 1})


def test_send_digests_opens_the_days_digests_and_sends_every_email_due_through_one_loop(
    brunei: None, smtp: ScriptedHandler
) -> None:
    """The operator's command and the sender task share one loop (notifications.sender.deliveries_drain)."""
    from io import StringIO

    import time_machine
    from django.core.management import call_command

    officer = get_user_model().objects.get(username="officer")
    NotificationPreference.objects.create(user=officer, mode="digest", digest_hour=9, time_zone="Asia/Tokyo")
    sweep_run(now=MARCH_2001)
    immediate = Delivery.objects.filter(status=Delivery.Status.PENDING).count()
    assert immediate == 20  # the supervisor's: one whole claim, so the loop must go round again to see none is left
    out = StringIO()
    with time_machine.travel(MARCH_2001, tick=False):
        call_command("send_digests", stdout=out)
    assert out.getvalue().strip() == f"Opened 1 digest(s); processed {immediate + 1} email(s)."
    assert len(smtp.wait_for(immediate + 1)) == immediate + 1
    assert not Delivery.objects.exclude(status=Delivery.Status.SENT).exists()
    assert Digest.objects.get().status == Delivery.Status.SENT


def test_the_senders_loop_stops_at_its_limit_and_leaves_the_rest_due(brunei: None, smtp: ScriptedHandler) -> None:
    from commitments.notifications.sender import deliveries_drain

    sweep_run(now=MARCH_2001)
    due = Delivery.objects.filter(status=Delivery.Status.PENDING).count()
    handled = deliveries_drain(limit=1, clock=lambda: MARCH_2001)
    assert 1 <= handled < due  # one claim's batch, then it stops: a fresh task run takes the rest
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == handled
    assert Delivery.objects.filter(status=Delivery.Status.PENDING).count() == due - handled


def test_a_change_someone_else_made_reaches_the_owner_with_its_note_evidence_and_author(
    brunei: None, smtp: ScriptedHandler
) -> None:
    supervisor = get_user_model().objects.get(username="supervisor")
    commitment = Commitment.objects.get(title=FM_VISIT)
    services.commitment_transition(
        commitment_id=commitment.pk,
        to_status="fulfilled",
        by=supervisor,
        now=EARLY_2001,
        note="Foreign Minister Kono visited Moscow on 3 December.",
        evidence_url="https://www.mofa.go.jp/region/europe/russia/",
        occurred_on=EARLY_2001.date(),
    )
    (told,) = Notification.objects.filter(recipient__username="officer")
    assert (told.actor, told.note, told.evidence_url) == (
        supervisor,
        "Foreign Minister Kono visited Moscow on 3 December.",
        "https://www.mofa.go.jp/region/europe/russia/",
    )
    Delivery.objects.exclude(notification=told).update(status=Delivery.Status.SKIPPED)
    _drain(EARLY_2001)
    (message,) = smtp.wait_for(1)
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for part in (text, html):
        assert "Foreign Minister Kono visited Moscow on 3 December." in part
        assert "https://www.mofa.go.jp/region/europe/russia/" in part
        assert "Supervisor (demo)" in part

    from .test_api import API, client_for

    officer = get_user_model().objects.get(username="officer")
    (shown,) = client_for(officer).get(f"{API}/notifications/").json()["results"]
    assert (shown["actor"], shown["note"], shown["evidence_url"]) == (
        "supervisor",
        "Foreign Minister Kono visited Moscow on 3 December.",
        "https://www.mofa.go.jp/region/europe/russia/",
    )


def test_a_line_break_in_a_title_is_folded_not_a_header_and_not_a_failure(brunei: None, smtp: ScriptedHandler) -> None:
    """A title typed or imported with CR LF once made Django refuse the subject (BadHeaderError), retried
    eight times and failed: that commitment's emails stopped for good. Folded to spaces, it is sent."""
    delivery = _only_officer_overdue()
    Commitment.objects.filter(title=FM_VISIT).update(title=f"{FM_VISIT}\r\nBcc: victim@example.org\u2028X-Evil: 1")
    Notification.objects.filter(pk=delivery.notification_id).update(
        message=f"Overdue by 5 days: {FM_VISIT}\r\nBcc: victim@example.org\u2028X-Evil: 1"
    )
    assert _drain(EARLY_2001) == 1
    (message,) = smtp.wait_for(1)
    assert message["Bcc"] is None
    assert message["X-Evil"] is None
    assert message["Subject"].strip() == f"[Pledgebook] Overdue by 5 days: {FM_VISIT} Bcc: victim@example.org X-Evil: 1"
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT


def test_an_email_that_cannot_be_built_fails_at_once_and_the_batch_goes_on(brunei: None, smtp: ScriptedHandler) -> None:
    sweep_run(now=EARLY_2001)
    overdue = Delivery.objects.filter(notification__kind="overdue", notification__commitment__title=FM_VISIT)
    broken = overdue.get(recipient__username="officer")
    fine = overdue.get(recipient__username="supervisor")
    Delivery.objects.exclude(pk__in=[broken.pk, fine.pk]).update(status=Delivery.Status.SKIPPED)
    # An address with a line break in it: Django refuses to build that header, on every try alike.
    get_user_model().objects.filter(username="officer").update(email="officer@pledgebook.invalid\nBcc: x@example.org")

    assert _drain(EARLY_2001) == 2  # the broken one did not stop the batch
    broken.refresh_from_db()
    assert broken.status == Delivery.Status.FAILED
    assert list(broken.tries.values_list("outcome", flat=True)) == ["permanent"]  # at once, not after eight tries
    (sent,) = smtp.wait_for(1)
    assert sent["To"] == "supervisor@pledgebook.invalid"
    fine.refresh_from_db()
    assert fine.status == Delivery.Status.SENT


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("[Pledgebook] Overdue by 5 days: a visit", "Dear officer,\n\n.a line that starts with a dot\nend\n"),
        ("[Pledgebook] 期限超過: 訪問", "拝啓\n" + "長い行" * 400 + "\n末尾\n"),  # a line over 998 bytes
        ("[Pledgebook] separators", "a\u2028b\r\nc"),  # U+2028 is not a line end in MIME; no final line end
    ],
)
def test_the_bytes_built_directly_read_back_as_djangos_own_message(subject: str, body: str) -> None:
    """email_bytes() skips Django's stdlib email tree; a mail client must read the same email either way."""
    import email
    import email.policy

    from django.core.mail import EmailMultiAlternatives

    from commitments.notifications.emails import email_bytes

    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        to=["officer@pledgebook.invalid"],
        headers={"Message-ID": "<notification-7@pledgebook>"},
    )
    message.attach_alternative(f"<p>{body}</p>\n", "text/html")
    theirs = email.message_from_bytes(message.message().as_bytes(linesep="\r\n"), policy=email.policy.default)
    ours = email.message_from_bytes(email_bytes(message), policy=email.policy.default)
    for header in ("Subject", "From", "To", "Message-ID", "MIME-Version"):
        assert ours[header] == theirs[header], header
    assert ours.get_content_type() == "multipart/alternative"
    for kind in ("plain", "html"):
        assert (
            ours.get_body(preferencelist=(kind,)).get_content() == theirs.get_body(preferencelist=(kind,)).get_content()
        )
        part = ours.get_body(preferencelist=(kind,))
        assert part["Content-Transfer-Encoding"] == theirs.get_body(preferencelist=(kind,))["Content-Transfer-Encoding"]
    assert all(len(line) <= 998 for line in email_bytes(message).split(b"\r\n"))


def test_the_bytes_built_directly_refuse_a_line_break_in_a_header() -> None:
    from django.core.mail import EmailMultiAlternatives

    from commitments.notifications.emails import email_bytes

    message = EmailMultiAlternatives(subject="fine\r\nBcc: someone@example.invalid", body="x", to=["a@b.invalid"])
    message.attach_alternative("<p>x</p>", "text/html")
    with pytest.raises(ValueError, match="newlines"):
        email_bytes(message)


@pytest.mark.parametrize("language", ["en", "ja"])
def test_an_emails_choice_labels_say_what_get_display_says_in_each_language(language: str) -> None:
    """The emails read status, condition and kind labels from a dict built once (get_FOO_display() builds it
    per call); every value, and one outside the choices, reads the same as Django's own, in each language."""
    from django.utils import translation

    from commitments.models import NotificationKind
    from commitments.notifications.emails import choice_label

    commitment = Commitment()
    notification = Notification()
    with translation.override(language):
        statuses = [value for value, _ in Commitment._meta.get_field("status").flatchoices]
        for value in [*statuses, "not-a-status"]:
            commitment.status = value
            assert choice_label(commitment, "status") == commitment.get_status_display()
        for value in Commitment._meta.get_field("condition_state").flatchoices:
            commitment.condition_state = value[0]
            assert choice_label(commitment, "condition_state") == commitment.get_condition_state_display()
        for value in NotificationKind.values:
            notification.kind = value
            assert choice_label(notification, "kind") == notification.get_kind_display()
    # The labels are translated when read, not when the dict was built: English again after Japanese.
    commitment.status = statuses[0]
    with translation.override("en"):
        english = choice_label(commitment, "status")
    with translation.override("ja"):
        assert choice_label(commitment, "status") != english


def _due_for(users: list[Any], count: int, occasion: str) -> list[int]:
    """`count` emails due at EARLY_2001 for each of `users`, one per commitment (for each commitment the users'
    in turn, so that the batch, sent in id order, alternates between them), and nothing else due."""
    Delivery.objects.filter(status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING]).update(
        status=Delivery.Status.SKIPPED
    )
    commitments = list(Commitment.objects.order_by("pk")[:count])
    assert len(commitments) == count, "the scenario needs that many commitments"
    notifications = Notification.objects.bulk_create(
        Notification(
            commitment=commitment,
            recipient=user,
            kind="status_changed",
            occasion=occasion,
            message=f"Status changed: {commitment.title}",
            created_at=EARLY_2001,
        )
        for commitment in commitments
        for user in users
    )
    deliveries = Delivery.objects.bulk_create(
        Delivery(notification=n, recipient=n.recipient, next_attempt_at=EARLY_2001) for n in notifications
    )
    return [d.pk for d in deliveries]


def _batch_statements(user: Any, count: int) -> list[str]:
    """The statements one batch of `count` emails for `user` took."""
    ids = _due_for([user], count, occasion=f"batch-of-{count}")
    with CaptureQueriesContext(connection) as captured:
        assert delivery_send_due(EARLY_2001, limit=count) == count
    assert not Delivery.objects.filter(pk__in=ids, status__in=["pending", "sending"]).exists()
    return [query["sql"] for query in captured]


def test_a_batch_reads_the_same_few_statements_whatever_its_size(brunei: None, smtp: ScriptedHandler) -> None:
    """The rows, their relations, the users and their rights are read once per batch; only the outcome of an
    email that went out is written on its own (committed before the next goes out: exactly once)."""
    officer = get_user_model().objects.get(username="officer")
    small, large = _batch_statements(officer, 3), _batch_statements(officer, 12)
    assert len(smtp.wait_for(15)) == 15
    # One statement per email on PostgreSQL (the UPDATE and the attempt's INSERT in one); SQLite's portable
    # twin is a savepoint around the two.
    per_email = 1 if connection.vendor == "postgresql" else 4
    assert len(large) - len(small) == 9 * per_email, "\n".join(large)
    assert sum(sql.startswith('SELECT "auth_user"') for sql in large) == 1  # the users, once


def test_skipped_deliveries_are_recorded_together_whatever_their_number(brunei: None, smtp: ScriptedHandler) -> None:
    """No email goes out for a skipped delivery, so its outcome need not be committed on its own."""
    outsider = get_user_model().objects.create_user("outsider", "outsider@pledgebook.invalid")  # no role
    small, large = _batch_statements(outsider, 3), _batch_statements(outsider, 12)
    assert len(small) == len(large), "\n".join(large)
    assert smtp.accepted == []
    skipped = Delivery.objects.filter(recipient=outsider)
    assert set(skipped.values_list("status", "last_error")) == {
        (Delivery.Status.SKIPPED, "the recipient may no longer see this commitment")
    }
    assert skipped.filter(lease_until__isnull=False).count() == 0
    attempts = DeliveryAttempt.objects.filter(delivery__recipient=outsider)
    assert sorted(attempts.values_list("outcome", flat=True)) == ["skipped"] * 15
    assert set(attempts.values_list("error", flat=True)) == {"the recipient may no longer see this commitment"}


def test_a_batch_writes_to_each_recipient_in_their_language_as_one_email_would(
    brunei: None, smtp: ScriptedHandler
) -> None:
    """The batch activates a language only when the recipient's differs from the previous email's; every email
    is what render_notification makes for it alone, and the language active before the batch is active after."""
    from django.utils import translation

    from commitments.notifications.emails import notification_renderer, render_notification

    users = get_user_model().objects
    officer, supervisor = users.get(username="officer"), users.get(username="supervisor")
    NotificationPreference.objects.update_or_create(user=officer, defaults={"language": "ja"})
    NotificationPreference.objects.update_or_create(user=supervisor, defaults={"language": ""})
    order = _due_for([officer, supervisor], 3, occasion="mixed")  # Japanese, English, Japanese, …

    with translation.override("en-gb"):
        assert delivery_send_due(EARLY_2001, limit=len(order)) == len(order)
        assert translation.get_language() == "en-gb"
    received = smtp.wait_for(len(order))
    assert [message["To"] for message in received] == [
        "officer@pledgebook.invalid",
        "supervisor@pledgebook.invalid",
    ] * 3
    for message in received:
        text = message.get_body(preferencelist=("plain",)).get_content()
        assert ("状況：" in text) == (message["To"] == "officer@pledgebook.invalid"), text
        assert ("Status:" in text) == (message["To"] == "supervisor@pledgebook.invalid"), text

    # The same emails as render_notification makes one at a time (its own language switch each time).
    rows = Delivery.objects.filter(pk__in=order).select_related(
        "notification__recipient__notification_preference",
        "notification__actor",
        "notification__commitment__summit",
        "notification__commitment__desk",
    )
    notifications = {row.pk: row.notification for row in rows}
    with notification_renderer(EARLY_2001) as render:
        batch = [render(notifications[pk]) for pk in order]
    for pk, email in zip(order, batch, strict=True):
        alone = render_notification(notifications[pk], EARLY_2001)
        assert (email.subject, email.body, email.alternatives, email.to, email.extra_headers) == (
            alone.subject,
            alone.body,
            alone.alternatives,
            alone.to,
            alone.extra_headers,
        )


def test_a_batch_that_fails_before_sending_hands_every_row_back_untried(
    brunei: None, smtp: ScriptedHandler, monkeypatch: pytest.MonkeyPatch
) -> None:
    from commitments.notifications import outbox

    officer = get_user_model().objects.get(username="officer")
    outsider = get_user_model().objects.create_user("outsider", "outsider@pledgebook.invalid")  # skipped
    ids = _due_for([officer, outsider], 3, occasion="fails")

    def broken(skipped: Any, now: Any) -> None:
        raise RuntimeError("the database went away while recording the skipped")

    monkeypatch.setattr(outbox, "skipped_finish", broken)
    with pytest.raises(RuntimeError):
        delivery_send_due(EARLY_2001, limit=len(ids))
    assert smtp.accepted == []
    rows = Delivery.objects.filter(pk__in=ids)
    assert set(rows.values_list("status", "attempts", "lease_until")) == {(Delivery.Status.PENDING, 0, None)}
    assert not DeliveryAttempt.objects.filter(delivery_id__in=ids).exists()
