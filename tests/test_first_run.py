"""A newcomer's first start is quiet and honest: no flood of stale emails, readable console mail, links that work."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.test import override_settings

from commitments.demo import demo_load
from commitments.models import Delivery, Notification, SweepRun
from commitments.notifications.create import QUIET_NOTE
from commitments.notifications.outbox import delivery_send_due
from commitments.sweep import sweep_run
from config.console_email import EmailBackend as ReadableConsoleBackend

from .conftest import DAY_AFTER_MEETING, MARCH_2001

ROOT = Path(__file__).resolve().parents[1]
# A day when every dated Brunei commitment has been overdue for years (the demo on a first `make run`).
YEARS_LATER = MARCH_2001.replace(year=2026)


@pytest.fixture
def brunei(db: Any) -> None:
    demo_load(now=DAY_AFTER_MEETING, with_users=True, password="unused")


def test_a_quiet_sweep_records_the_backlog_in_app_and_emails_none_of_it(brunei: None) -> None:
    result = sweep_run(now=YEARS_LATER, quiet=True)

    assert result.flagged_overdue == 3  # the dashboard shows what is late from the first page
    escalations = Notification.objects.filter(kind="escalation")
    assert escalations.count() >= 1
    assert all(n.read_at is None for n in escalations)
    deliveries = Delivery.objects.filter(notification__sweep_run__isnull=False)
    assert deliveries.count() == Notification.objects.filter(delivery__isnull=False).count() > 0
    assert set(deliveries.values_list("status", flat=True)) == {Delivery.Status.SKIPPED}
    assert set(deliveries.values_list("last_error", flat=True)) == {QUIET_NOTE}
    assert delivery_send_due(YEARS_LATER) == 0
    assert mail.outbox == []


def test_after_a_quiet_start_the_next_reminders_are_emailed_and_the_backlog_never_is(brunei: None) -> None:
    sweep_run(now=YEARS_LATER, quiet=True)
    quiet_ids = set(Notification.objects.values_list("pk", flat=True))

    a_week_later = YEARS_LATER.replace(day=YEARS_LATER.day + 8)
    sweep_run(now=a_week_later)
    delivery_send_due(a_week_later)

    emailed = Delivery.objects.filter(status=Delivery.Status.SENT)
    assert emailed.exists()  # the next overdue repeat is news, and is mailed
    assert not emailed.filter(notification_id__in=quiet_ids).exists()
    # The week's news: the next overdue repeat and the monthly condition check; the escalation happened
    # once, quietly, and is not sent again.
    subjects = [m.subject for m in mail.outbox]
    assert any("Overdue by" in s for s in subjects)
    assert all(s.startswith(("[Pledgebook] Overdue by", "[Pledgebook] Has the condition")) for s in subjects)


def test_the_sweep_command_says_a_quiet_run_in_its_record(brunei: None) -> None:
    call_command("sweep_commitments", "--quiet", stdout=StringIO())
    run = SweepRun.objects.get()
    assert run.trigger == "command (quiet)"
    assert run.notifications > 0
    assert not Delivery.objects.exclude(status=Delivery.Status.SKIPPED).exists()


def test_console_email_reads_as_the_recipient_would_see_it() -> None:
    message = EmailMultiAlternatives(
        subject="[Pledgebook] Overdue by 3 days: “Send the Foreign Minister to Russia” – Brunei",
        body="Dear officer,\nThe deadline “within the year” has passed.\n",
        from_email="Pledgebook <pledgebook@localhost>",
        to=["officer@example.org"],
    )
    message.attach_alternative("<p>Dear officer,</p>", "text/html")
    stream = StringIO()

    sent = ReadableConsoleBackend(stream=stream).send_messages([message])

    printed = stream.getvalue()
    assert sent == 1
    assert "Subject: [Pledgebook] Overdue by 3 days: “Send the Foreign Minister to Russia” – Brunei" in printed
    assert "The deadline “within the year” has passed." in printed
    assert "=?utf-8?" not in printed
    assert "Content-Transfer-Encoding" not in printed
    assert "(also: text/html version)" in printed


def test_console_email_is_the_readable_one_by_default() -> None:
    from config.settings import base

    assert base.EMAIL_BACKEND == "config.console_email.EmailBackend"


@override_settings(EMAIL_BACKEND="config.console_email.EmailBackend")
def test_the_readable_console_backend_is_what_send_mail_uses(capsys: pytest.CaptureFixture[str]) -> None:
    mail.send_mail("Ünïcode — subject", "Body", "a@example.org", ["b@example.org"])
    assert "Subject: Ünïcode — subject" in capsys.readouterr().out


def _base_url(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PLEDGEBOOK_"))}
    clean.update(env, DJANGO_SETTINGS_MODULE="config.settings.local")
    code = "import django; django.setup(); from django.conf import settings; print(settings.PLEDGEBOOK_BASE_URL)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_email_links_follow_the_port_make_run_serves_on() -> None:
    assert _base_url() == "http://127.0.0.1:8000"
    assert _base_url(PLEDGEBOOK_PORT="8101") == "http://127.0.0.1:8101"
    assert _base_url(PLEDGEBOOK_HOST="0.0.0.0", PLEDGEBOOK_PORT="8101") == "http://127.0.0.1:8101"


def test_an_explicit_base_url_wins_over_the_port() -> None:
    url = _base_url(PLEDGEBOOK_PORT="8101", PLEDGEBOOK_BASE_URL="https://pledgebook.example/")
    assert url == "https://pledgebook.example"
