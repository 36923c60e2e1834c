"""Reads of meetings that pages run on every request."""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS
from django.db.models import QuerySet

from common import compiled

from .models import Summit

# What a report's page reads of its summit: its title, and its start and zone for its local day.
HEADING_FIELDS = ("id", "title", "starts_at", "time_zone")


def _heading(summit_id: int) -> QuerySet[Any]:
    return Summit.objects.filter(pk=summit_id).values(*HEADING_FIELDS)


def summit_heading_get(summit_id: int) -> Summit | None:
    """The summit `summit_id` with only its heading's fields loaded (the rest, its verbatim record above all,
    deferred as `.only()` defers them), or None when there is no such summit; from a statement compiled once."""
    found = compiled.rows(_heading, summit_id)
    if not found:
        return None
    return Summit.from_db(DEFAULT_DB_ALIAS, list(HEADING_FIELDS), [found[0][name] for name in HEADING_FIELDS])
