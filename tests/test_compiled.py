"""A query compiled by Django once and run with one value changing (common/compiled.py): the same rows as the
ORM's (on SQLite, the ORM's own), its constants bound once on PostgreSQL, nothing but a whole number reaching
its SQL; and the summit a report's page reads through it."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.models import F, QuerySet
from django.test.utils import CaptureQueriesContext

from commitments.models import Commitment
from commitments.reports.charts import TimelineRow, timeline_rows
from commitments.reports.compliance import grouped
from common import compiled
from summits.models import Summit
from summits.selectors import summit_heading_get

BUILT: list[int] = []


def _titles_with_a_percent(summit_id: int) -> QuerySet[Any]:
    """A statement with a constant holding '%' (as a LIKE would), and the value among other parameters."""
    BUILT.append(summit_id)
    return (
        Commitment.objects.filter(summit_id=summit_id, title__contains="%")
        .exclude(status="draft")
        .order_by("pk")
        .values("id", "title")
    )


def _ignoring_its_value(summit_id: int) -> QuerySet[Any]:
    return Commitment.objects.filter(summit_id__gt=0).values("id")


def _by_party(summit_id: int) -> QuerySet[Any]:
    return grouped("party", Commitment.objects.filter(summit_id=summit_id), labelled=True).order_by("group_label")


@pytest.fixture
def percent_titles(demo: Summit) -> list[int]:
    first, second = Commitment.objects.filter(summit=demo).order_by("pk")[:2]
    Commitment.objects.filter(pk=first.pk).update(title="Cut tariffs by 5% within the year")
    Commitment.objects.filter(pk=second.pk).update(title="Cut tariffs by 5%% within the year")
    return [first.pk, second.pk]


def test_the_rows_are_the_orms(demo: Summit, percent_titles: list[int]) -> None:
    assert compiled.rows(_titles_with_a_percent, demo.pk) == list(_titles_with_a_percent(demo.pk))
    assert [row["id"] for row in compiled.rows(_titles_with_a_percent, demo.pk)] == percent_titles
    assert compiled.rows(_by_party, demo.pk) == list(_by_party(demo.pk))
    assert compiled.rows(_by_party, demo.pk)  # the demo's parties: the comparison above compared rows


def test_the_timeline_reads_the_same_rows_as_the_orm(demo: Summit) -> None:
    expected = (
        Commitment.objects.filter(summit=demo)
        .exclude(status="draft")
        .annotate(time_zone=F("desk__time_zone"))
        .order_by(F("due_by").asc(nulls_last=True), "pk")
        .values_list(*TimelineRow._fields)
    )
    rows = timeline_rows(demo.pk)
    assert [tuple(row) for row in rows] == list(expected)
    assert len(rows) == 14
    # Dates come back as dates on either database, as the overdue rule and the drawing read them.
    assert {type(row.due_by).__name__ for row in rows} == {"date", "NoneType"}


def test_built_once_then_only_the_value_changes(postgres: Any, demo: Summit) -> None:
    other = Summit.objects.create(title="Later", kind=demo.kind, starts_at=demo.starts_at, time_zone="Asia/Tokyo")
    compiled.statement.cache_clear()
    BUILT.clear()
    compiled.rows(_titles_with_a_percent, demo.pk)
    with CaptureQueriesContext(connection) as captured:
        assert compiled.rows(_titles_with_a_percent, other.pk) == []
    assert BUILT == [compiled.STAND_IN]  # built once, with the stand-in, never with a real id
    (query,) = captured.captured_queries
    assert f"= {other.pk}" in query["sql"].replace("=  ", "= ")
    assert str(compiled.STAND_IN) not in query["sql"]


def test_a_query_that_does_not_use_its_value_once_is_refused(postgres: Any, demo: Summit) -> None:
    with pytest.raises(ValueError, match="exactly once"):
        compiled.rows(_ignoring_its_value, demo.pk)


@pytest.mark.parametrize("value", ["1 OR 1=1", "1; DROP TABLE commitments_commitment", None, "-"])
def test_only_a_whole_number_reaches_the_sql(demo: Summit, value: Any) -> None:
    with pytest.raises((ValueError, TypeError)):
        compiled.rows(_titles_with_a_percent, value)
    assert Commitment.objects.filter(summit=demo).exists()


def test_on_postgresql_every_constant_is_bound_once(postgres: Any, demo: Summit, percent_titles: list[int]) -> None:
    sql, at = compiled.statement(_by_party)
    # No parameters left for psycopg to parse the statement for and adapt (87 of them, before): the value's
    # place is the one stand-in in it.
    assert sql.count(str(compiled.STAND_IN)) == 1
    assert sql[at:].startswith(str(compiled.STAND_IN))
    assert "'fulfilled'" in sql
    # A '%' in a constant stays itself: the statement is run with no parameters, so nothing reads it as one.
    title_sql, _ = compiled.statement(_titles_with_a_percent)
    assert "E'%\\\\%%'" in title_sql  # the LIKE pattern (anything, a '%', anything) as psycopg writes it
    assert [row["id"] for row in compiled.rows(_titles_with_a_percent, demo.pk)] == percent_titles


def test_a_reports_summit_is_read_with_its_heading_only(demo: Summit) -> None:
    summit = summit_heading_get(demo.pk)
    assert summit is not None
    assert (summit.pk, summit.title, summit.starts_at, summit.local_date) == (
        demo.pk,
        demo.title,
        demo.starts_at,
        demo.local_date,
    )
    assert summit.starts_at.tzinfo is not None  # aware, as the ORM gives it, on either database
    assert summit.get_deferred_fields() >= {"source_text", "occasion"}
    assert summit_heading_get(demo.pk + 1000) is None
