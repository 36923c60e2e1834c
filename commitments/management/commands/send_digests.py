from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from commitments.delivery import delivery_send_due, digest_send_one, digests_plan


class Command(BaseCommand):
    help = "Open today's digests for users whose hour has come and send every email that is due, now."

    def handle(self, *args: Any, **options: Any) -> None:
        opened = digests_plan(timezone.now())
        sent = 0
        while handled := delivery_send_due(timezone.now()):
            sent += handled
        while digest_send_one(timezone.now()):
            sent += 1
        self.stdout.write(f"Opened {opened} digest(s); processed {sent} email(s).")
