"""What every resource of the API shares: cursor pages and id filters. No models, no app's rules."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

import django_filters
from django import forms
from django.db.models import BooleanField, Expression, F
from django.db.models.sql.compiler import SQLCompiler
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.utils.urls import remove_query_param, replace_query_param


class RowCompare(Expression):
    """`(a, b, …, id) > (%s, %s, …, %s)` (or `<`): "after this row" in the order (a, b, …, id).

    A row-value comparison, not `a > x OR (a = x AND …)`: PostgreSQL turns it into ONE index range on an index
    over (a, b, …, id) — the scan starts at the cursor's row and reads a page — where the OR form is only a
    filter on a scan from the start. SQLite (3.15+) evaluates row values too. Every term must be non-NULL
    (NULL compares as unknown): nullable columns take part through COALESCE."""

    conditional = True

    def __init__(self, names: Sequence[str], operator: str, values: Sequence[Any]) -> None:
        if operator not in (">", "<") or len(names) != len(values):
            raise ValueError("RowCompare needs > or < and one value per name.")
        super().__init__(output_field=BooleanField())
        self.terms: list[Any] = [F(name) for name in names]
        self.operator, self.values = operator, list(values)

    def get_source_expressions(self) -> list[Any]:
        return self.terms

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.terms = list(exprs)

    def as_sql(self, compiler: SQLCompiler, connection: Any) -> tuple[str, Any]:
        columns: list[str] = []
        params: list[Any] = []
        for term in self.terms:
            sql, term_params = compiler.compile(term)
            columns.append(sql)
            params.extend(term_params)
        # Each value prepared as its column's type would be (a date-time in UTC on SQLite, a date as ISO text).
        values = [
            term.output_field.get_db_prep_value(v, connection) for term, v in zip(self.terms, self.values, strict=True)
        ]
        marks = ", ".join(["%s"] * len(values))
        return f"({', '.join(columns)}) {self.operator} ({marks})", [*params, *values]


class Position(NamedTuple):
    """Where a page starts: just after (or, going back, just before) the row whose sort keys are `values`."""

    keys: tuple[str, ...]
    values: list[Any]
    back: bool


def _encode_value(value: Any) -> Any:
    # JSON has no dates: tagged, so that a key is compared as its column's type, not as text.
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    return value


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict) and value.keys() == {"t"}:
        return datetime.fromisoformat(value["t"])
    if isinstance(value, dict) and value.keys() == {"d"}:
        return date.fromisoformat(value["d"])
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise ValueError("Not a sort key.")


def keyset_terms(order_by: Sequence[Any], tie_breaker: str = "id") -> tuple[tuple[str, ...], bool]:
    """The sort keys of an ORDER BY given as field or annotation names, with `tie_breaker` last, and whether
    the order is descending (the first term's direction; every term follows it, so that one row comparison
    and one index scanned forwards or backwards serve the order)."""
    names = [term for term in order_by if isinstance(term, str) and term.lstrip("-")]
    if not names:
        names = [tie_breaker]
    descending = names[0].startswith("-")
    keys = [name.lstrip("-") for name in names]
    if "pk" in keys:
        keys[keys.index("pk")] = tie_breaker
    if tie_breaker in keys:
        keys = keys[: keys.index(tie_breaker)]
    return (*keys, tie_breaker), descending


class ByIdCursor(CursorPagination):
    """Keyset pages on (the ordering's keys…, id): stable and the same cost on any page of any table.

    DRF's cursor pages by the first ordering term alone and an offset within its ties (capped at 1,000), so
    long runs of equal values — a thousand commitments due on 31 December — paged slowly and could repeat or
    skip rows. Here the cursor holds every sort key of the page's last row, id last, and the next page is
    `WHERE (keys…, id) > (its values) ORDER BY keys…, id LIMIT size + 1`: an index range over (keys…, id).
    The ordering is a field or annotation name per key (a view's OrderingFilter, else `ordering`); all in one
    direction. Rows may be model instances or `.values()` dicts holding every key."""

    ordering = ("id",)
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any] | None:
        size = self.get_page_size(request)
        if not size:
            return None
        self.request, self.page_size = request, size
        self.url = request.build_absolute_uri()
        keys, descending = keyset_terms(queryset.query.order_by or self.ordering)
        self.keys, self.descending = keys, descending
        position = self.decode_position(request, keys)
        back = position is not None and position.back
        # Going back reads the rows before the cursor in the opposite order, then turns them round.
        reverse = descending != back
        queryset = queryset.order_by(*(f"-{key}" if reverse else key for key in keys))
        if position is not None:
            queryset = queryset.filter(RowCompare(keys, "<" if reverse else ">", position.values))
        rows = list(queryset[: size + 1])
        more = len(rows) > size
        page = rows[:size]
        if back:
            page.reverse()
        self.page = page
        # A page read forwards from a cursor has rows before it; one read backwards has rows after it.
        self.has_next = more if not back else True
        self.has_previous = more if back else position is not None
        return page

    def _values(self, row: Any) -> list[Any]:
        return [row[key] if isinstance(row, dict) else getattr(row, key) for key in self.keys]

    def encode_position(self, row: Any, back: bool) -> str:
        payload = {"k": list(self.keys), "v": [_encode_value(v) for v in self._values(row)], "b": back}
        token = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode()
        return replace_query_param(self.url, self.cursor_query_param, token)

    def decode_position(self, request: Request, keys: tuple[str, ...]) -> Position | None:
        token = request.query_params.get(self.cursor_query_param)
        if not token:
            return None
        try:
            payload = json.loads(base64.urlsafe_b64decode(token.encode()))
            values = [_decode_value(v) for v in payload["v"]]
            if tuple(payload["k"]) != keys or len(values) != len(keys) or not isinstance(payload["b"], bool):
                raise ValueError("A cursor of another ordering.")
            # A key is never NULL (nullable columns are sorted through COALESCE): a NULL would match nothing.
            if any(v is None for v in values):
                raise ValueError("A NULL sort key.")
        except (TypeError, ValueError, KeyError, binascii.Error, UnicodeDecodeError):
            raise NotFound(self.invalid_cursor_message) from None
        return Position(keys, values, payload["b"])

    def get_next_link(self) -> str | None:
        if not self.has_next or not self.page:
            return None
        return self.encode_position(self.page[-1], back=False)

    def get_previous_link(self) -> str | None:
        if not self.has_previous:
            return None
        if not self.page:
            # Past the end (rows removed since): back to the first page.
            return remove_query_param(self.url, self.cursor_query_param)
        return self.encode_position(self.page[0], back=True)


class IdFilter(django_filters.Filter):
    """A database id: a whole number in range, so that nonsense is a 400, never a database error."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)
