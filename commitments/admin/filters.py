"""The commitment list's filters: each question staff ask of the list, answered by a selector."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from summits.models import Summit

from .. import rules, selectors
from ..models import Commitment
from ..workflow import CLOSED_STATUSES


class OpenClosedFilter(admin.SimpleListFilter):
    title = _("open or closed")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("open", _("Open")), ("closed", _("Closed"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Commitment]) -> QuerySet[Commitment]:
        if self.value() == "open":
            # open_q: the partial indexes' predicate (and the same rows as the open statuses).
            return queryset.filter(selectors.open_q())
        if self.value() == "closed":
            return queryset.filter(status__in=CLOSED_STATUSES)
        return queryset


class DeadlineFilter(admin.SimpleListFilter):
    title = _("deadline")
    parameter_name = "deadline"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("overdue", _("Overdue")),
            ("7", _("Due in 7 days")),
            ("30", _("Due in 30 days")),
            ("none", _("No deadline")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Commitment]) -> QuerySet[Commitment]:
        now = timezone.now()
        value = self.value()
        if value == "overdue":
            return queryset.filter(selectors.overdue_q(now))
        if value in ("7", "30"):
            return queryset.filter(selectors.due_within_q(now, int(value)))
        if value == "none":
            return queryset.filter(due_by__isnull=True)
        return queryset


class UrgencyFilter(admin.SimpleListFilter):
    """The bands of rules.urgency, exactly as the dashboard counts them (its sections link here)."""

    title = _("urgency")
    parameter_name = "urgency"
    BANDS = [
        (band, rules.BAND_LABELS[band])
        for band in (rules.Band.OVERDUE, rules.Band.DUE_SOON, rules.Band.CONDITION, rules.Band.STALE, rules.Band.OPEN)
    ]

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [(band.name.lower(), label) for band, label in self.BANDS]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Commitment]) -> QuerySet[Commitment]:
        for band, _words in self.BANDS:
            if self.value() == band.name.lower():
                return queryset.filter(selectors.urgency_band_q(band, timezone.now()))
        return queryset


class AttentionFilter(admin.SimpleListFilter):
    title = _("needs attention")
    parameter_name = "attention"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("stale", _("Stale (no update for a long time)")),
            ("condition", _("Condition pending")),
            ("ownerless", _("No active owner")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Commitment]) -> QuerySet[Commitment]:
        if self.value() == "stale":
            return queryset.filter(selectors.stale_q(timezone.now()))
        if self.value() == "condition":
            return queryset.filter(selectors.condition_pending_q())
        if self.value() == "ownerless":
            return queryset.filter(selectors.ownerless_q())
        return queryset


class MineFilter(admin.SimpleListFilter):
    title = _("whose")
    parameter_name = "mine"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("owned", _("Mine (owner)")), ("watched", _("Mine (owner or watcher)"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Commitment]) -> QuerySet[Commitment]:
        if self.value() == "owned":
            return queryset.filter(owner_id=request.user.pk)
        if self.value() == "watched":
            return queryset.filter(selectors.owned_or_watched_q(request.user))
        return queryset


class PartyFilter(admin.RelatedFieldListFilter):
    """Every party (a short list). Not "only parties in use": that is a DISTINCT over every commitment's
    makers on each page load. Every commitment has a maker, so no "none" choice."""

    include_empty_choice = False


class SummitFilter(admin.SimpleListFilter):
    """The latest meetings, and whichever one is chosen. Listing every meeting since 1990 in the sidebar
    would cost more than the page; older ones are reached from their summit page ("its commitments")."""

    title = _("meeting")
    # The parameter Django's own related filter used, so links from summit pages keep working.
    parameter_name = "summit__id__exact"
    LATEST = 12

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        summits = list(
            Summit.objects.order_by("-starts_at", "-id").values_list("pk", "title", "starts_at")[: self.LATEST]
        )
        chosen = self.value()
        if chosen and chosen.isdigit() and int(chosen) not in {pk for pk, _, _ in summits}:
            summits += list(Summit.objects.filter(pk=int(chosen)).values_list("pk", "title", "starts_at"))
        # The meeting's UTC date, as before, in the reader's date form.
        return [(str(pk), f"{title} ({date_format(starts_at.date())})") for pk, title, starts_at in summits]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Commitment]) -> QuerySet[Commitment]:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(summit_id=int(value))
        return queryset
