from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from commitments.reports.summaries import compliance_summaries_refresh


class Command(BaseCommand):
    help = "Recompute the compliance report's kept figures now (the periodic refresh, run at once)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = compliance_summaries_refresh(timezone.now())
        self.stdout.write(
            json.dumps(
                {
                    "rows": result.rows,
                    "seconds": round(result.seconds, 3),
                    "computed_at": result.computed_at.isoformat(),
                }
            )
        )
