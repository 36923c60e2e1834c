"""What every admin page's header shows: the user's unread notifications and sweep health."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from . import policy
from .models import Notification
from .sweep import sweep_last_finished, sweep_late


def pledgebook(request: HttpRequest) -> dict[str, Any]:
    # Only admin pages of people who can see them pay for these two indexed queries.
    if not request.path.startswith("/admin/") or not policy.can_view(request.user):
        return {}
    return {
        "pb_unread": Notification.objects.filter(recipient_id=request.user.pk, read_at__isnull=True).count(),
        "pb_sweep_last": (last := sweep_last_finished()),
        "pb_sweep_late": sweep_late(last, timezone.now()),
    }
