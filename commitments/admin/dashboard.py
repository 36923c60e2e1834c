"""The dashboard on the admin index: where follow-through is slipping, at a glance, each figure a link."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import policy, rules, selectors
from ..models import StatusChange
from ..reports.dashboard import dashboard_figures

# Rows shown per urgency band; the section's count and link lead to the rest.
MINE_PER_BAND = 5


def dashboard_context(request: HttpRequest) -> dict[str, Any]:
    if not policy.can_view(request.user):
        return {}
    now = timezone.now()
    changelist = reverse("admin:commitments_commitment_changelist")
    figures = dashboard_figures(now)
    counts = figures.counts

    def link(**params: str) -> str:
        return f"{changelist}?{urlencode(params)}"

    tiles = [
        (_("Open"), counts["open"], link(state="open"), ""),
        (_("Overdue"), counts["overdue"], link(deadline="overdue"), "pb-tile-alert"),
        (_("Due in 7 days"), counts["due7"], link(deadline="7"), "pb-tile-warn"),
        (_("Due in 30 days"), counts["due30"], link(deadline="30"), ""),
        (_("Stale"), counts["stale"], link(attention="stale"), "pb-tile-warn"),
        (_("Condition pending"), counts["conditional"], link(attention="condition"), ""),
        (_("Drafts to review"), counts["drafts"], link(status__exact="draft"), ""),
        (_("No active owner"), counts["ownerless"], link(attention="ownerless"), "pb-tile-alert"),
    ]
    # My commitments by urgency: one section per band, most urgent first, each with its count and a link
    # to all of them in the list (the urgency filter counts them the same way).
    mine = [
        {
            "label": rules.BAND_LABELS[section.band],
            "band": section.band.name.lower(),
            "count": section.total,
            "rows": section.rows,
            "link": link(urgency=section.band.name.lower(), mine="watched"),
        }
        for section in selectors.my_commitments_by_urgency(request.user, now, per_band=MINE_PER_BAND)
        if section.total
    ]
    recent = list(
        StatusChange.objects.exclude(from_status="").select_related("commitment", "by").order_by("-recorded_at")[:10]
    )
    return {
        "pb_tiles": tiles,
        "pb_tiles_as_of": figures.as_of,
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
