"""Query parameters of the commitment list."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request

from common.api import IdFilter

from .. import search, selectors
from ..models import Commitment
from ..workflow import CLOSED_STATUSES, Status


class CommitmentFilter(django_filters.FilterSet):
    # distinct=False: a column of the row itself cannot duplicate rows, and django-filter's default DISTINCT made
    # PostgreSQL sort every matching row (on every column) instead of reading (status, id) in order.
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, help_text="Repeat for several.", distinct=False
    )
    open = django_filters.BooleanFilter(method="filter_open", help_text="true: open; false: closed.")
    overdue = django_filters.BooleanFilter(method="filter_overdue")
    stale = django_filters.BooleanFilter(method="filter_stale")
    due_before = django_filters.DateFilter(field_name="due_by", lookup_expr="lte", help_text="due_by on or before.")
    due_after = django_filters.DateFilter(field_name="due_by", lookup_expr="gte", help_text="due_by on or after.")
    desk = IdFilter(field_name="desk_id")
    summit = IdFilter(field_name="summit_id")
    party = django_filters.CharFilter(method="filter_party", help_text="A party code among those that made it.")
    owner = django_filters.CharFilter(method="filter_owner", help_text='A username, or "me".')
    q = django_filters.CharFilter(
        method="filter_q",
        help_text=(
            "Words, each in the title, quote, description or a progress note (case-insensitive substrings); "
            "at least one of three characters or more. "
            "Without `ordering`, titles holding every word come first when at most 1,000 commitments match; "
            "then by id."
        ),
    )

    class Meta:
        model = Commitment
        fields: list[str] = []

    def filter_open(self, queryset: QuerySet[Commitment], name: str, value: bool | None) -> QuerySet[Commitment]:
        if value is None:
            return queryset
        # Open as open_q (`closed_on IS NULL`, the partial indexes' predicate, the same rows as the statuses).
        return queryset.filter(selectors.open_q() if value else Q(status__in=CLOSED_STATUSES))

    def filter_overdue(self, queryset: QuerySet[Commitment], name: str, value: bool | None) -> QuerySet[Commitment]:
        if value is None:
            return queryset
        condition = selectors.overdue_q(timezone.now())
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_stale(self, queryset: QuerySet[Commitment], name: str, value: bool | None) -> QuerySet[Commitment]:
        if value is None:
            return queryset
        condition = selectors.stale_q(timezone.now())
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_party(self, queryset: QuerySet[Commitment], name: str, value: str) -> QuerySet[Commitment]:
        # A subquery, not a join: a joint commitment must not appear twice.
        return queryset.filter(
            pk__in=Commitment.made_by.through.objects.filter(party__code=value).values("commitment_id")
        )

    def filter_owner(self, queryset: QuerySet[Commitment], name: str, value: str) -> QuerySet[Commitment]:
        request: Request | None = self.request
        if value == "me":
            return queryset.filter(owner_id=getattr(getattr(request, "user", None), "pk", None))
        return queryset.filter(owner__username=value)

    def filter_q(self, queryset: QuerySet[Commitment], name: str, value: str) -> QuerySet[Commitment]:
        # The admin's search box asks search.commitment_search too: the same words give the same rows.
        if search.too_short(value):
            raise ValidationError({"q": [str(search.TOO_SHORT)]}, code="too_short")
        # Ranked (few matches: annotated search_rank, ordered by it then id, see CommitmentOrdering). Unranked:
        # the list's usual order by id, an index walk.
        return search.commitment_search(queryset, value)


class CommitmentFilterBackend(DjangoFilterBackend):
    """django-filter, without building and validating its form for a request that names none of its
    parameters (most requests: a third of the list's time went to an empty form)."""

    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: Any) -> QuerySet[Any]:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and request.query_params.keys().isdisjoint(filterset_class.base_filters):
            return queryset
        return super().filter_queryset(request, queryset, view)


# Public ordering names -> the sort keys behind them (fields, or the annotations CommitmentViewSet.get_queryset
# adds), id last: the cursor (common.api.ByIdCursor) pages on all of them at once, and an index over (keys…, id)
# serves each (models.core: commitment_due_sort_order, …, commitment_triage_order).
ORDERINGS: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "created_at": ("created_at", "id"),
    "updated_at": ("updated_at", "id"),
    "status_changed_at": ("status_changed_at", "id"),
    # Open-ended commitments as the furthest deadline (last ascending, first descending).
    "due_by": ("due_sort", "id"),
    "title": ("title", "id"),
    "urgency": ("sort_closed", "sort_pending", "due_sort", "id"),
}
URGENCY_DESCRIPTION = (
    "urgency: the admin list's triage order — open before closed, those waiting on a condition after the other "
    "open ones, then by deadline (the overdue first, the most overdue first, then the soonest due), no deadline "
    "last, then id"
)


class CommitmentOrdering(OrderingFilter):
    ordering_description = (
        "One of: " + ", ".join(ORDERINGS) + " (prefix - for descending); ties are broken by id, in the same "
        f"direction. {URGENCY_DESCRIPTION}."
    )

    def get_ordering(self, request: Request, queryset: QuerySet[Any], view: Any) -> list[str]:
        # The first known term only: a keyset page compares every key in one direction (see ORDERINGS).
        raw = request.query_params.get(self.ordering_param, "")
        for term in (t.strip() for t in raw.split(",") if t.strip()):
            keys = ORDERINGS.get(term.lstrip("-"))
            if keys:
                return [f"-{key}" if term.startswith("-") else key for key in keys]
        if "search_rank" in queryset.query.annotations:
            return ["search_rank", "id"]  # searched, and ranked (filter_q): titles holding every word first
        return list(self.get_default_ordering(view) or [])

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": self.ordering_description,
                "schema": {"type": "string"},
            }
        ]
