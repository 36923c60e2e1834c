"""The dashboard on the admin index: where follow-through is slipping, at a glance, each figure a link."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from .. import policy, selectors
from ..models import Commitment, StatusChange
from ..workflow import OPEN_STATUSES, TRACKED_STATUSES


def dashboard_context(request: HttpRequest) -> dict[str, Any]:
    if not policy.can_view(request.user):
        return {}
    now = timezone.now()
    changelist = reverse("admin:commitments_commitment_changelist")
    counts = Commitment.objects.aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("pk", filter=selectors.overdue_q(now)),
        due7=Count("pk", filter=selectors.due_within_q(now, 7)),
        due30=Count("pk", filter=selectors.due_within_q(now, 30)),
        stale=Count("pk", filter=selectors.stale_q(now)),
        conditional=Count("pk", filter=selectors.condition_pending_q()),
        drafts=Count("pk", filter=Q(status="draft")),
        ownerless=Count("pk", filter=selectors.ownerless_q()),
    )

    def link(**params: str) -> str:
        return f"{changelist}?{urlencode(params)}"

    tiles = [
        ("Open", counts["open"], link(state="open"), ""),
        ("Overdue", counts["overdue"], link(deadline="overdue"), "pb-tile-alert"),
        ("Due in 7 days", counts["due7"], link(deadline="7"), "pb-tile-warn"),
        ("Due in 30 days", counts["due30"], link(deadline="30"), ""),
        ("Stale", counts["stale"], link(attention="stale"), "pb-tile-warn"),
        ("Condition pending", counts["conditional"], link(attention="condition"), ""),
        ("Drafts to review", counts["drafts"], link(status__exact="draft"), ""),
        ("No active owner", counts["ownerless"], link(attention="ownerless"), "pb-tile-alert"),
    ]
    mine = list(
        selectors.commitment_list_flagged(now)
        .filter(status__in=TRACKED_STATUSES)
        .filter(pk__in=Commitment.objects.filter(selectors.mine_q(request.user)).values("pk"))
        .order_by("due_by", "pk")[:10]
    )
    recent = list(
        StatusChange.objects.exclude(from_status="").select_related("commitment", "by").order_by("-recorded_at")[:10]
    )
    return {
        "pb_tiles": tiles,
        "pb_mine": mine,
        "pb_mine_link": link(mine="watched", state="open"),
        "pb_recent": recent,
    }


def install(site: admin.AdminSite) -> None:
    """Give the site's index page the dashboard (the index view is looked up when URLs are built)."""
    original = site.index

    def index(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        return original(request, {**dashboard_context(request), **(extra_context or {})})

    site.index = index  # type: ignore[method-assign,assignment]
