"""The history page at constant queries (issue 20): its diffs come from the rows the page read."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.text import capfirst

from commitments.models import Commitment
from summits.models import Party, Summit

from .admin_helpers import login
from .test_plain_words import FM_VISIT, _cells, _history

pytestmark = pytest.mark.django_db


def _edit(commitment: Commitment, step: int, officer: Any, supervisor: Any, parties: list[Party]) -> None:
    """One change a step, cycling through a field, the makers and the watchers (each a history record)."""
    kind = step % 3
    if kind == 0:
        commitment.refresh_from_db()
        commitment.title = f"Visit, step {step}"
        commitment.save()
    elif kind == 1:
        party = parties[step % len(parties)]
        if commitment.made_by.filter(pk=party.pk).exists() and commitment.made_by.count() > 1:
            commitment.made_by.remove(party)
        else:
            commitment.made_by.add(party)
    else:
        watcher = officer if step % 2 else supervisor
        if commitment.watchers.filter(pk=watcher.pk).exists():
            commitment.watchers.remove(watcher)
        else:
            commitment.watchers.add(watcher)


def _expected(commitment: Commitment) -> list[set[str]]:
    """Per history row, newest first, the fields simple-history's own diff says changed (m2m included)."""
    records = list(commitment.history.order_by("-history_date", "-history_id"))
    names = []
    for newer, older in pairwise(records):
        delta = newer.diff_against(older)
        names.append({capfirst(str(Commitment._meta.get_field(c.field).verbose_name)) for c in delta.changes})
    return [*names, set()]


def test_the_history_page_costs_the_same_queries_for_5_and_50_records(
    client: Client, officer: Any, supervisor: Any, demo: Summit
) -> None:
    commitment = Commitment.objects.get(summit=demo, title=FM_VISIT)
    parties = list(Party.objects.order_by("code")[:3])
    login(client, officer)

    def page() -> tuple[int, list[list[str]]]:
        with CaptureQueriesContext(connection) as captured:
            html = _history(client, commitment)
        return len(captured), _cells(html)

    for step in range(5 - commitment.history.count()):
        _edit(commitment, step, officer, supervisor, parties)
    assert commitment.history.count() == 5
    page()  # warms the content-type cache (the user model's, read once a process)
    few, _ = page()
    for step in range(5, 50):
        _edit(commitment, step, officer, supervisor, parties)
    assert commitment.history.count() == 50
    many, rows = page()
    assert many == few
    # Each row's changes are the ones simple-history's own (query-per-row) diff finds, makers and watchers too.
    expected = _expected(commitment)
    assert len(rows) == 50
    for row, fields in zip(rows, expected, strict=True):
        changes = row[8]
        assert changes.count(" → ") == len(fields), (changes, fields)
        assert all(f"{field}:" in changes for field in fields), (changes, fields)
    assert {"Made by", "Watchers", "Title"} <= set().union(*expected)
    # Members by name, as the page read them in one query per many-to-many field.
    assert any(str(officer) in row[8].split("Watchers: ", 1)[-1] for row in rows if "Watchers: " in row[8])
