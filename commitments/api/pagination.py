"""Cursor pagination: stable pages at any table size (no COUNT, no OFFSET scan)."""

from rest_framework.pagination import CursorPagination


class ByIdCursor(CursorPagination):
    ordering = ("id",)
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
