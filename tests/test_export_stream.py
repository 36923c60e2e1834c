"""Exports that stream (issue 20): the same bytes as the in-memory export, read in batches at fixed queries."""

from __future__ import annotations

import csv
import io
import json
import logging
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from commitments import selectors, services
from commitments.models import Commitment, Desk, Update
from commitments.reports import exchange
from commitments.reports.exchange import (
    COLUMNS,
    OUTCOMES,
    export_batches,
    export_csv,
    export_csv_stream,
    export_json,
    export_json_stream,
    outcomes_text,
)
from summits.models import Party, Person, Summit

from .admin_helpers import login
from .conftest import CHRISTMAS_2000, DAY_AFTER_MEETING, EARLY_2001
from .factories import PartyFactory, make_commitment

pytestmark = pytest.mark.django_db

LIST = "/admin/commitments/commitment/"


# --- the oracle: the export as it was built before it streamed (model objects, all rows in memory) ----------


def _rows_from_models(commitments: QuerySet[Commitment], now: datetime) -> list[dict[str, Any]]:
    queryset = selectors.commitment_flags(
        commitments.select_related("summit", "desk", "owner", "counterparty", "speaker").prefetch_related("made_by"),
        now,
    )
    statuses = list(commitments.values_list("pk", "status"))
    latest: dict[int, tuple[str, date | None]] = {}
    updates = Update.objects.filter(commitment_id__in=[pk for pk, _ in statuses]).order_by(
        "commitment_id", "created_at", "pk"
    )
    for commitment_id, note, created_at in updates.values_list("commitment_id", "note", "created_at"):
        latest[commitment_id] = (note, timezone.localdate(created_at))
    outcomes = selectors.commitment_outcomes(selectors.outcome_ids(statuses))
    rows = []
    for c in queryset.order_by("summit_id", "source_ref", "title", "pk"):
        note, day = latest.get(c.pk, ("", None))
        rows.append(
            {
                "id": c.pk,
                "version": c.version,
                "summit": c.summit_id,
                "source_ref": c.source_ref,
                "title": c.title,
                "quote": c.quote,
                "made_by": ";".join(sorted(p.code for p in c.made_by.all())),
                "counterparty": c.counterparty.code if c.counterparty else "",
                "speaker": c.speaker.full_name if c.speaker else "",
                "desk": c.desk.name,
                "owner": c.owner.get_username() if c.owner else "",
                "kind": c.kind,
                "modality": c.modality,
                "level": c.level,
                "description": c.description,
                "due_phrase": c.due_phrase,
                "due_from": c.due_from.isoformat() if c.due_from else "",
                "due_by": c.due_by.isoformat() if c.due_by else "",
                "due_precision": c.due_precision,
                "due_rule": c.due_rule,
                "condition": c.condition_text,
                "status": c.status,
                OUTCOMES: outcomes_text({code: o["status"] for code, o in outcomes.get(c.pk, {}).items()}),
                "overdue": "yes" if getattr(c, "is_overdue", False) else "",
                "stale": "yes" if getattr(c, "is_stale", False) else "",
                "original_due_by": c.original_due_by.isoformat() if c.original_due_by else "",
                "last_update": note,
                "last_update_on": day.isoformat() if day else "",
            }
        )
    return rows


def _old_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: exchange._cell(v) for k, v in row.items()})
    return out.getvalue()


def _old_json(rows: list[dict[str, Any]]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=1)


# --- a varied world: joint commitments, outcomes, updates, awkward text ------------------------------------


@pytest.fixture
def varied(officer: Any, supervisor: Any, demo: Summit, rf_desk: Desk) -> Summit:
    """The demo's 14 commitments and more: every kind of value a cell can hold."""
    Commitment.objects.filter(summit=demo).update(owner=officer)
    joint = Commitment.objects.get(summit=demo, source_ref="1.(2)")  # Japan and Russia, together
    services.commitment_transition(
        commitment_id=joint.pk, to_status="partially_fulfilled", by=None, now=CHRISTMAS_2000, note="Expert talks."
    )
    services.outcome_set(
        commitment_id=joint.pk,
        outcomes=[services.PartyOutcome("JPN", "fulfilled", "Sent."), services.PartyOutcome("RUS", "not_fulfilled")],
        by=officer,
        now=CHRISTMAS_2000,
    )
    # An outcome row left behind on a commitment no longer scored: neither export shows it.
    withdrawn = Commitment.objects.get(summit=demo, source_ref="2.(1)")
    services.commitment_transition(
        commitment_id=withdrawn.pk, to_status="withdrawn", by=None, now=CHRISTMAS_2000, note="Overtaken."
    )
    japan, russia = Party.objects.get(code="JPN"), Party.objects.get(code="RUS")
    # A lower-case code sorts after the capitals by code point (Python's sort), whatever the database's collation.
    pif = PartyFactory(code="pif", name="Pacific Islands Forum, as a lower-case code")
    speaker = Person.objects.create(full_name="Ōno Sōichirō")
    odd = make_commitment(
        desk=rf_desk,
        made_by=[russia, pif, japan],
        title='Visite à Moscou, "urgente"\nsur deux lignes',
        description="年内に訪問する。\r\nSecond line; a semicolon, and\ttab",
        due_phrase="",
        counterparty=russia,
        speaker=speaker,
        owner=supervisor,
        condition_text="If talks progress, then\nthey visit",
    )
    assert odd.due_by is None  # no deadline: empty cells, not "None"
    # A quote is checked against its meeting's record when recorded; the file's concern is only its cells.
    Commitment.objects.filter(pk=odd.pk).update(quote='=SUM(A1) — starts like a formula, with a comma, a "quote"')
    dated = make_commitment(desk=rf_desk, title="+1 more", due_phrase="within the year")
    # Two updates at the same moment: the later id is the latest. One written late in the UTC evening: its
    # day is the local (Tokyo) one.
    for note, moment in (
        ("First, with\nnewline", datetime(2000, 12, 1, 9, tzinfo=UTC)),
        ('Second, "quoted", same moment', datetime(2000, 12, 20, 23, 30, tzinfo=UTC)),
        ("Third, same moment, later id", datetime(2000, 12, 20, 23, 30, tzinfo=UTC)),
    ):
        Update.objects.create(commitment=odd, author=officer, created_at=moment, note=note)
    Update.objects.create(commitment=dated, author=None, created_at=DAY_AFTER_MEETING, note="-starts with a minus")
    # What COPY's CSV and PostgreSQL's JSON must write as csv.writer and json.dumps do: carriage returns without
    # a line feed (COPY quotes them, csv.writer with a "\n" terminator may not), at a cell's start (a formula
    # start as well) and end; a lone `\.` (COPY's end of data); backslashes; control characters JSON escapes
    # as \u00xx; a line separator it does not; a leading space; an apostrophe and a tab at the start.
    Commitment.objects.filter(pk=make_commitment(desk=rf_desk, made_by=[pif], title="Odd cells").pk).update(
        quote=" Bare\rreturn, and a comma, after a leading space",
        description="Bare\rreturn only",
        due_phrase="\rat the start",
        due_rule="at the end\r",
        level="\\.",
        source_ref="C:\\path\\to \x01\x1f\x7f \u2028 'quoted'",
        title="\tTabbed title",
    )
    return demo


EXPORT_NOW = EARLY_2001  # overdue and stale flags as of this moment


def _same_as_before(commitments: QuerySet[Commitment], fast: bool | None, chunk_size: int) -> None:
    rows = _rows_from_models(commitments, EXPORT_NOW)
    csv_text = "".join(export_csv_stream(commitments, EXPORT_NOW, chunk_size=chunk_size, fast=fast))
    json_text = "".join(export_json_stream(commitments, EXPORT_NOW, chunk_size=chunk_size, fast=fast))
    assert csv_text == _old_csv(rows)
    assert json_text == _old_json(rows)


def test_the_streamed_export_is_byte_for_byte_the_one_built_in_memory(varied: Summit) -> None:
    everything = Commitment.objects.all()
    rows = _rows_from_models(everything, EXPORT_NOW)
    by_title = {row["title"]: row for row in rows}
    odd = by_title['Visite à Moscou, "urgente"\nsur deux lignes']
    # The world holds what the comparison is meant to cover.
    assert odd["made_by"] == "JPN;RUS;pif"
    assert odd["last_update"] == "Third, same moment, later id"
    assert odd["last_update_on"] == "2000-12-21"  # Tokyo's day
    assert (odd["due_by"], odd["speaker"], odd["counterparty"]) == ("", "Ōno Sōichirō", "RUS")
    assert "JPN=fulfilled;RUS=not_fulfilled" in {row[OUTCOMES] for row in rows}
    assert {row["overdue"] for row in rows} == {"", "yes"}
    assert by_title["\tTabbed title"]["level"] == "\\."
    assert len(rows) == 17
    # Portable path, in batches that do and do not divide the rows, and in one batch.
    for chunk_size in (1, 3, 17, 2000):
        _same_as_before(everything, fast=False, chunk_size=chunk_size)
    _same_as_before(Commitment.objects.filter(title__startswith="+"), fast=False, chunk_size=2)
    _same_as_before(Commitment.objects.none(), fast=False, chunk_size=5)
    assert export_csv(Commitment.objects.none()) == ",".join(COLUMNS) + "\n"
    assert export_json(Commitment.objects.none()) == "[]"
    # The JSON stream is one valid array of the same objects.
    assert json.loads("".join(export_json_stream(everything, EXPORT_NOW, chunk_size=4, fast=False))) == json.loads(
        json.dumps(rows)
    )


def test_the_postgresql_query_gives_the_same_bytes(postgres: None, varied: Summit) -> None:
    everything = Commitment.objects.all()
    for chunk_size in (1, 3, 2000):
        _same_as_before(everything, fast=True, chunk_size=chunk_size)
    _same_as_before(Commitment.objects.filter(title__startswith="+"), fast=True, chunk_size=2)
    _same_as_before(Commitment.objects.none(), fast=True, chunk_size=5)
    # The default on PostgreSQL is the database's text, whatever the caller's time zone.
    assert export_csv(everything) == "".join(export_csv_stream(everything, chunk_size=7, fast=True))
    with timezone.override("UTC"):
        rows = _rows_from_models(everything, EXPORT_NOW)
        assert "2000-12-20" in {row["last_update_on"] for row in rows}  # the late-evening update's UTC day
        assert "".join(export_csv_stream(everything, EXPORT_NOW, fast=True)) == _old_csv(rows)
        assert "".join(export_json_stream(everything, EXPORT_NOW, fast=True)) == _old_json(rows)


def _queries(commitments: QuerySet[Commitment], chunk_size: int, fast: bool) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        if fast:  # the streams themselves: the database writes their text
            for _ in export_csv_stream(commitments, EXPORT_NOW, chunk_size=chunk_size, fast=True):
                pass
            for _ in export_json_stream(commitments, EXPORT_NOW, chunk_size=chunk_size, fast=True):
                pass
        else:
            for _ in export_batches(commitments, EXPORT_NOW, chunk_size=chunk_size):
                pass
    return [query["sql"] for query in captured]


@pytest.mark.parametrize("fast", [False, pytest.param(True, marks=pytest.mark.postgres)])
def test_an_export_costs_fixed_queries_per_batch_whatever_the_rows(
    request: pytest.FixtureRequest, varied: Summit, fast: bool
) -> None:
    if fast:
        request.getfixturevalue("postgres")
    everything = Commitment.objects.all()
    # Every row scored, so that every batch reads outcomes too (a batch with no scored row skips that query).
    everything.update(status="fulfilled")
    assert everything.count() == 17
    few = len(_queries(everything.filter(source_ref="1.(2)"), 2000, fast))
    whole = _queries(everything, 2000, fast)
    assert len(whole) == few  # one batch: 1 row or 17 rows, the same queries
    in_two = len(_queries(everything, 9, fast))
    in_nine = len(_queries(everything, 2, fast))
    per_batch = in_two - len(whole)
    # The portable path reads makers, updates and (for scored rows) outcomes per batch; on PostgreSQL each
    # export is one statement (a COPY, a cursor's SELECT: its FETCHes are not new queries).
    assert per_batch == (0 if fast else 3)
    assert in_nine == len(whole) + 8 * per_batch
    if fast:
        statements = [sql for sql in whole if "commitments_commitment" in sql]
        assert len(statements) == 2
        assert statements[0].startswith("COPY (SELECT")
        assert statements[0].endswith("TO STDOUT WITH (FORMAT csv)")
        assert "DECLARE" not in statements[0]
        assert sum("SET LOCAL jit = off" in sql for sql in whole) == 2


def test_exports_are_streamed_from_the_admin_and_the_api(client: Client, officer: Any, varied: Summit) -> None:
    login(client, officer)
    listed = selectors.commitment_list()
    ids = list(listed.order_by("pk").values_list("pk", flat=True))
    chosen = ids[:3]
    cases = [
        ({"action": "export_csv", "_selected_action": chosen}, listed.filter(pk__in=chosen), "text/csv"),
        ({"action": "export_csv", "_selected_action": chosen[:1], "select_across": "1"}, listed, "text/csv"),
        ({"action": "export_json", "_selected_action": chosen}, listed.filter(pk__in=chosen), "application/json"),
        ({"action": "export_json", "_selected_action": chosen[:1], "select_across": "1"}, listed, "application/json"),
    ]
    for data, expected, content_type in cases:
        response = client.post(LIST, data)
        assert isinstance(response, StreamingHttpResponse)
        assert response.streaming
        assert response["Content-Type"].startswith(content_type)
        assert response["Content-Disposition"].startswith("attachment; filename=")
        body = response.getvalue().decode()
        assert body == (export_json(expected) if content_type == "application/json" else export_csv(expected))
    assert len(json.loads(client.post(LIST, cases[3][0]).getvalue())) == len(ids)

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=officer).key}")
    as_csv = api.get("/api/v1/commitments/export/?party=RUS")
    assert isinstance(as_csv, StreamingHttpResponse)
    assert as_csv["Content-Type"] == "text/csv; charset=utf-8"
    assert as_csv.getvalue().decode() == export_csv(Commitment.objects.filter(made_by__code="RUS"))
    as_json = api.get("/api/v1/commitments/export/?as=json")
    assert isinstance(as_json, StreamingHttpResponse)
    assert as_json["Content-Type"] == "application/json; charset=utf-8"
    assert len(json.loads(as_json.getvalue())) == Commitment.objects.count()


@pytest.mark.parametrize("fast", [False, pytest.param(True, marks=pytest.mark.postgres)])
def test_a_failure_mid_stream_is_logged_and_breaks_the_download(
    request: pytest.FixtureRequest,
    varied: Summit,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    fast: bool,
) -> None:
    if fast:
        request.getfixturevalue("postgres")
        from commitments.reports import export_pg

        # The database's text for a batch of rows: the third batch fails, as a dropped connection would.
        real_text, batches = export_pg._csv_text, []

        def failing_text(rows: list[Any]) -> str:
            batches.append(len(rows))
            if len(batches) == 3:
                raise RuntimeError("the disk went away")
            return real_text(rows)

        monkeypatch.setattr(export_pg, "_csv_text", failing_text)
    else:
        real = exchange._export_row
        written: list[int] = []

        def failing(values: dict[str, Any], username: str, zone: Any) -> dict[str, Any]:
            if len(written) == 5:
                raise RuntimeError("the disk went away")
            written.append(values["id"])
            return real(values, username, zone)

        monkeypatch.setattr(exchange, "_export_row", failing)
    pieces = export_csv_stream(Commitment.objects.all(), EXPORT_NOW, chunk_size=2, fast=fast)
    sent = [next(pieces), next(pieces)]  # two whole batches went out: header and four rows
    assert "".join(sent).count("\n") >= 5
    with caplog.at_level(logging.ERROR, logger="commitments.reports.exchange"), pytest.raises(RuntimeError):
        list(pieces)  # raised on, so the server cuts the connection rather than ending the body as if whole
    (record,) = [r for r in caplog.records if "export failed" in r.getMessage()]
    assert f"after {len(''.join(sent))} characters" in record.getMessage()
    if fast:  # the COPY was broken off, and the connection serves the next query
        assert Commitment.objects.count() == 17
