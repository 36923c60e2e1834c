"""Query parameters of the commitment list."""

from __future__ import annotations

from datetime import date
from typing import Any

import django_filters
from django.db.models import Case, CharField, QuerySet, Value, When
from django.db.models.functions import Cast, Coalesce, Concat, LPad
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request

from common.api import IdFilter

from .. import search, selectors
from ..models import Commitment
from ..workflow import CLOSED_STATUSES, OPEN_STATUSES, Status


class CommitmentFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, help_text="Repeat for several.")
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
        return queryset.filter(status__in=OPEN_STATUSES if value else CLOSED_STATUSES)

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
        found = search.commitment_search(queryset, value)
        # Ranked (few matches): their cursor key. Unranked: the list's usual order by id, an index walk.
        return found.annotate(search_key=search_key()) if "search_rank" in found.query.annotations else found


class CommitmentFilterBackend(DjangoFilterBackend):
    """django-filter, without building and validating its form for a request that names none of its
    parameters (most requests: a third of the list's time went to an empty form)."""

    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: Any) -> QuerySet[Any]:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and request.query_params.keys().isdisjoint(filterset_class.base_filters):
            return queryset
        return super().filter_queryset(request, queryset, view)


# Public ordering names -> the expression behind them. due_by sorts open-ended commitments last.
ORDERINGS = {
    "id": "id",
    "created_at": "created_at",
    "updated_at": "updated_at",
    "status_changed_at": "status_changed_at",
    "due_by": "due_sort",
    "title": "title",
    "urgency": "urgency_key",
}
FAR_FUTURE = date(9999, 12, 31)
URGENCY_DESCRIPTION = (
    "urgency: the admin list's triage order — open before closed, those waiting on a condition after the other "
    "open ones, then by deadline (the overdue first, the most overdue first, then the soonest due), no deadline "
    "last, then id"
)


def urgency_key() -> Concat:
    """The admin list's triage order (models.core.TRIAGE_ORDER: closed last, pending conditions after the other
    open ones, due_by with NULLs last, id) as one text value: "0" or "1" (closed), "0" or "1" (pending), the
    deadline (ISO, or 9999-12-31 for none), the id zero-padded.

    One value, because the cursor pages by the first ordering term alone (an offset within ties, capped at
    1,000): ordering by a closed flag would put every open commitment into one tie. This key is unique, so
    every page starts exactly where the last one ended."""
    closed = Case(When(closed_on__isnull=False, then=Value("1")), default=Value("0"), output_field=CharField())
    pending = Case(When(condition_pending_since__isnull=False, then=Value("1")), default=Value("0"))
    due = Cast(Coalesce("due_by", Value(FAR_FUTURE)), output_field=CharField())
    padded_id = LPad(Cast("id", output_field=CharField()), 20, Value("0"))
    return Concat(closed, pending, due, padded_id, output_field=CharField())


def search_key() -> Concat:
    """The order of searched results when no `ordering` is asked: search_rank (titles holding every word
    first), then id, as one unique text value, for the cursor's sake (see urgency_key)."""
    padded_id = LPad(Cast("id", output_field=CharField()), 20, Value("0"))
    return Concat(Cast("search_rank", output_field=CharField()), padded_id, output_field=CharField())


class CommitmentOrdering(OrderingFilter):
    ordering_description = "One of: " + ", ".join(ORDERINGS) + f" (prefix - for descending). {URGENCY_DESCRIPTION}."

    def get_ordering(self, request: Request, queryset: QuerySet[Any], view: Any) -> list[str]:
        raw = request.query_params.get(self.ordering_param, "")
        result = []
        for term in (t.strip() for t in raw.split(",") if t.strip()):
            descending = term.startswith("-")
            field = ORDERINGS.get(term.lstrip("-"))
            if field:
                result.append(f"-{field}" if descending else field)
        if not result and "search_key" in queryset.query.annotations:
            return ["search_key"]  # searched, and ranked (filter_q)
        return result or list(self.get_default_ordering(view) or [])

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
