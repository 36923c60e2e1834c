from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from commitments.notifications.digests import digests_plan
from commitments.notifications.sender import deliveries_drain


class Command(BaseCommand):
    help = "Open today's digests for users whose hour has come and send every email that is due, now."

    def handle(self, *args: Any, **options: Any) -> None:
        opened = digests_plan(timezone.now())
        sent = deliveries_drain(limit=None)
        self.stdout.write(f"Opened {opened} digest(s); processed {sent} email(s).")
