"""What every resource of the API shares: cursor pages and id filters. No models, no app's rules."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from rest_framework.pagination import CursorPagination


class ByIdCursor(CursorPagination):
    """Cursor pagination: stable pages at any table size (no COUNT, no OFFSET scan)."""

    ordering = ("id",)
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"


class IdFilter(django_filters.Filter):
    """A database id: a whole number in range, so that nonsense is a 400, never a database error."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)
