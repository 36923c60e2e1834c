"""CSV and JSON exchange of commitments: a status report of any list, edited in a spreadsheet, imported back.

Export and import share one set of columns: the id and version, the fields staff edit, then the status
report (status, the parties' own outcomes, overdue and stale flags, the deadline first promised, the last
update and its day), which import reads past — except the outcomes of a joint commitment the row's id
names (`JPN=fulfilled;RUS=not_fulfilled`: the outcomes recorded per party, empty when each party follows
the status), which import records through services.outcome_set when they differ.

Import updates the commitments whose id it names (through the same service and version check as the
admin: a row exported before someone else's change is refused), creates those without an id, and leaves
unchanged rows untouched. It checks every row first and reports each bad one with its line (CSV) or item
(JSON) number; only a file with no bad row is saved, in one transaction. Cells that a spreadsheet would
run as a formula (starting with = + - @ or a tab) are written with a leading apostrophe, which import
removes again, so the round trip is exact.

Export streams (export_batches, export_csv_stream, export_json_stream, export_response): rows are read as
plain values in batches and written while they are sent, so memory stays flat whatever the list's size and
the queries are fixed per batch. If the database fails part-way, the error is logged and the download is
broken off (see _logged): the client gets an incomplete file it can tell from a whole one, never a 200 page
that silently ends early.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext

from summits.models import Party, Person, Summit

from .. import selectors, services
from ..errors import VersionConflict
from ..models import Commitment, Desk, Update
from .exchange_format import COLUMNS, EDITABLE, FORMULA_START, OUTCOMES

_FORMULA_FIRST = frozenset(FORMULA_START)  # each a single character: a set lookup of a cell's first one
# Rows read and written per batch: big enough that per-batch costs (a fetch, a write) vanish, small enough
# that a batch's rows (a few KB each with their quotes) stay a few MB.
EXPORT_CHUNK = 2000

logger = logging.getLogger(__name__)


def _cell(value: Any) -> str:
    text = "" if value is None else value.isoformat() if isinstance(value, date) else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _csv_cells(row: dict[str, Any]) -> list[str]:
    """A row's cells, as _cell writes them, without a call per cell: an export writes 28 cells a row, and at a
    million rows the calls alone cost more than reading the rows. A row holds text and ids (its dates are
    written as text already), in COLUMNS order."""
    cells = [value if type(value) is str else _cell(value) for value in row.values()]
    return ["'" + cell if cell[:1] in _FORMULA_FIRST else cell for cell in cells]


def _uncell(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:2] and text[1:].startswith(FORMULA_START) else text


def export_rows(commitments: QuerySet[Commitment], now: datetime | None = None) -> list[dict[str, Any]]:
    """Every row of the export, in a list: for import's comparison with what a file says (a few rows)."""
    return [row for batch in export_batches(commitments, now or timezone.now()) for row in batch]


def export_batches(
    commitments: QuerySet[Commitment], now: datetime, *, chunk_size: int = EXPORT_CHUNK
) -> Iterator[list[dict[str, Any]]]:
    """The export's rows (in COLUMNS order), `chunk_size` at a time, read as plain values, never as models.

    The portable export (SQLite; on PostgreSQL, import's comparison of a few rows and the tests' twin of
    export_pg): memory stays flat however many rows, as the commitments' own columns are read through a
    cursor `chunk_size` at a time (a server-side cursor on PostgreSQL) and each batch is let go once written;
    each batch reads its makers, its latest updates and its outcomes by id: at most three queries a batch.
    """
    zone = timezone.get_current_timezone()  # the caller's, read now: a streamed body is written later
    columns = _export_values(commitments, now)
    postgresql = connection.vendor == "postgresql"
    # PostgreSQL's server-side cursor has to live in a transaction to stream: outside one Django declares it
    # WITH HOLD, and PostgreSQL then runs the whole query and stores its result before the first row comes
    # back. SQLite's cursor streams as it is, and a transaction there would take the write lock (IMMEDIATE
    # mode) for as long as the download lasts.
    with transaction.atomic() if postgresql else nullcontext():
        batch: list[dict[str, Any]] = []
        for values in columns.iterator(chunk_size=chunk_size):
            batch.append(values)
            if len(batch) == chunk_size:
                yield _export_finish(batch, zone)
                batch = []
        if batch:
            yield _export_finish(batch, zone)


def _export_values(commitments: QuerySet[Commitment], now: datetime) -> QuerySet[Commitment, dict[str, Any]]:
    """The export's query: the commitments' columns and their related names by join, in the file's order."""
    username = f"owner__{get_user_model().USERNAME_FIELD}"
    # prefetch_related(None): a caller's list queryset may prefetch makers, which plain values cannot take.
    queryset = selectors.commitment_flags(commitments.prefetch_related(None), now)
    # desk is required (an inner join); counterparty, speaker and owner are optional (left outer joins).
    return queryset.order_by("summit_id", "source_ref", "title", "pk").values(*_VALUE_COLUMNS, username)


# The commitment's own columns and the names its foreign keys are written by, as .values() reads them.
_VALUE_COLUMNS = [
    "id", "version", "summit_id", "source_ref", "title", "quote", "counterparty__code", "speaker__full_name",
    "desk__name", "kind", "modality", "level", "description", "due_phrase", "due_from", "due_by",
    "due_precision", "due_rule", "condition_text", "status", "is_overdue", "is_stale", "original_due_by",
]  # fmt: skip


def _export_finish(batch: list[dict[str, Any]], zone: tzinfo) -> list[dict[str, Any]]:
    """A batch of values as the export's rows, with their makers, outcomes and updates read for the batch."""
    ids = [values["id"] for values in batch]
    makers: dict[int, list[str]] = {}
    through = Commitment.made_by.through.objects.filter(commitment_id__in=ids)
    for commitment_id, code in through.values_list("commitment_id", "party__code"):
        makers.setdefault(commitment_id, []).append(code)
    updates = _last_updates(ids)
    outcomes = selectors.commitment_outcomes(selectors.outcome_ids([(v["id"], v["status"]) for v in batch]))
    for values in batch:
        pk = values["id"]
        values["makers"] = ";".join(sorted(makers.get(pk, [])))
        values["outcome_cell"] = outcomes_text({code: o["status"] for code, o in outcomes.get(pk, {}).items()})
        values["last_note"], values["last_at"] = updates.get(pk, ("", None))
    username = f"owner__{get_user_model().USERNAME_FIELD}"
    return [_export_row(values, username, zone) for values in batch]


def _export_row(v: dict[str, Any], username: str, zone: tzinfo) -> dict[str, Any]:
    last_at = v["last_at"]
    return {
        "id": v["id"],
        "version": v["version"],
        "summit": v["summit_id"],
        "source_ref": v["source_ref"],
        "title": v["title"],
        "quote": v["quote"],
        "made_by": v["makers"],
        "counterparty": v["counterparty__code"] or "",
        "speaker": v["speaker__full_name"] or "",
        "desk": v["desk__name"],
        "owner": v[username] or "",
        "kind": v["kind"],
        "modality": v["modality"],
        "level": v["level"],
        "description": v["description"],
        "due_phrase": v["due_phrase"],
        "due_from": v["due_from"].isoformat() if v["due_from"] else "",
        "due_by": v["due_by"].isoformat() if v["due_by"] else "",
        "due_precision": v["due_precision"],
        "due_rule": v["due_rule"],
        "condition": v["condition_text"],
        "status": v["status"],
        OUTCOMES: v["outcome_cell"],
        "overdue": "yes" if v["is_overdue"] else "",
        "stale": "yes" if v["is_stale"] else "",
        "original_due_by": v["original_due_by"].isoformat() if v["original_due_by"] else "",
        "last_update": v["last_note"] or "",
        "last_update_on": timezone.localdate(last_at, zone).isoformat() if last_at else "",
    }


def outcomes_text(outcomes: dict[str, str]) -> str:
    """`JPN=fulfilled;RUS=not_fulfilled`: the outcomes recorded per party, by party code."""
    return ";".join(f"{code}={status}" for code, status in sorted(outcomes.items()))


def outcomes_read(text: str) -> dict[str, str]:
    """The outcomes a cell names, by party code (outcomes_text read back), or why it cannot be read."""
    result: dict[str, str] = {}
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        code, equals, status = (piece.strip() for piece in part.partition("="))
        if not equals or not code or not status:
            raise ValidationError(
                gettext(
                    "outcomes %(text)r should read like JPN=fulfilled;RUS=not_fulfilled (a party code, =, and "
                    "fulfilled, partially_fulfilled or not_fulfilled, for each party with its own outcome)"
                )
                % {"text": text}
            )
        if code in result:
            raise ValidationError(gettext("outcomes name %(code)s twice: give each party one outcome") % {"code": code})
        result[code] = status
    return result


def _last_updates(ids: list[int]) -> dict[int, tuple[str, datetime]]:
    """Each commitment's latest progress update: its note and when it was written (one query)."""
    latest: dict[int, tuple[str, datetime]] = {}
    rows = Update.objects.filter(commitment_id__in=ids).order_by("commitment_id", "created_at", "pk")
    for commitment_id, note, created_at in rows.values_list("commitment_id", "note", "created_at"):
        latest[commitment_id] = (note, created_at)
    return latest


def export_csv(commitments: QuerySet[Commitment]) -> str:
    """The CSV export in one string (tests, small lists); export_csv_stream writes the same text in pieces."""
    return "".join(export_csv_stream(commitments))


def export_json(commitments: QuerySet[Commitment]) -> str:
    """The JSON export in one string; export_json_stream writes the same text in pieces."""
    return "".join(export_json_stream(commitments))


def export_csv_stream(
    commitments: QuerySet[Commitment],
    now: datetime | None = None,
    *,
    chunk_size: int = EXPORT_CHUNK,
    fast: bool | None = None,
) -> Iterator[str]:
    """The CSV export a batch of rows at a time: the header, then one piece per batch.

    The same text csv.DictWriter wrote from the whole list (a round-trip test holds it so). fast (PostgreSQL,
    the default there): COPY writes the text (export_pg); otherwise the portable rows are written here."""
    now = now or timezone.now()
    if connection.vendor == "postgresql" if fast is None else fast:
        from . import export_pg  # PostgreSQL only: imported on its path

        return _logged(export_pg.csv_stream(commitments, now, timezone.get_current_timezone(), chunk_size))
    return _logged(_csv_pieces(export_batches(commitments, now, chunk_size=chunk_size)))


def _csv_pieces(batches: Iterator[list[dict[str, Any]]]) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)  # sent with the first batch, or alone for an empty list
    for batch in batches:
        writer.writerows(_csv_cells(row) for row in batch)
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    if out.tell():
        yield out.getvalue()


def export_json_stream(
    commitments: QuerySet[Commitment],
    now: datetime | None = None,
    *,
    chunk_size: int = EXPORT_CHUNK,
    fast: bool | None = None,
) -> Iterator[str]:
    """The JSON export (an array of objects) a batch at a time, the very text json.dumps(rows, indent=1)
    wrote from the whole list: `[`, each object indented one space and separated by `,\\n`, then `]`.
    fast (PostgreSQL, the default there): the database writes each object (export_pg)."""
    now = now or timezone.now()
    if connection.vendor == "postgresql" if fast is None else fast:
        from . import export_pg

        return _logged(export_pg.json_stream(commitments, now, timezone.get_current_timezone(), chunk_size))
    return _logged(_json_pieces(export_batches(commitments, now, chunk_size=chunk_size)))


def _json_pieces(batches: Iterator[list[dict[str, Any]]]) -> Iterator[str]:
    separator = "[\n"
    for batch in batches:
        pieces = []
        for row in batch:
            # Nested one level: every line of the object one space in. Strings hold no raw line break
            # (JSON escapes them), so the only ones are json.dumps's own.
            pieces.append(separator + " " + json.dumps(row, ensure_ascii=False, indent=1).replace("\n", "\n "))
            separator = ",\n"
        yield "".join(pieces)
    yield "[]" if separator == "[\n" else "\n]"


def _logged(pieces: Iterator[str]) -> Iterator[str]:
    """`pieces`, with a failure part-way logged before it propagates.

    Once the first piece is sent the status line (200) and headers are gone: an error later cannot become an
    error page. It is logged here (with how far the export got) and raised again, so that the server breaks
    the connection off instead of ending the body normally: the client sees an incomplete download (a
    chunked response without its last chunk, which browsers and curl report as failed), never a short file
    that looks whole. A JSON file cut off is not valid JSON, and import refuses it; a CSV cut off lacks rows,
    which import would leave as they are (it never deletes).
    """
    sent = 0
    try:
        for piece in pieces:
            yield piece
            sent += len(piece)
    except GeneratorExit:  # the client went away: nothing to report
        raise
    except Exception:
        logger.exception("An export failed after %d characters had been sent; the download is incomplete.", sent)
        raise


def export_response(commitments: QuerySet[Commitment], *, as_json: bool, filename: str | None) -> StreamingHttpResponse:
    """The export as a streamed download (attachment `filename`, when given): written while it is sent."""
    if as_json:
        response = StreamingHttpResponse(
            export_json_stream(commitments), content_type="application/json; charset=utf-8"
        )
    else:
        response = StreamingHttpResponse(export_csv_stream(commitments), content_type="text/csv; charset=utf-8")
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@dataclass
class CsvImportReport:
    created: list[Commitment] = field(default_factory=list)
    updated: list[Commitment] = field(default_factory=list)
    unchanged: int = 0

    def counts(self) -> dict[str, int]:
        return {"created": len(self.created), "updated": len(self.updated), "unchanged": self.unchanged}


@dataclass
class Planned:
    """A row that passed every check, waiting for the write: what it creates or changes."""

    line: int
    commitment: Commitment
    made_by: list[Party]
    loaded: int | None  # the version the row was exported at; None: a new commitment
    edited: bool  # a field staff edit differs from the commitment's (always, for a new one)
    outcomes: dict[str, str] | None  # the parties' outcomes to record; None: as they are


class CsvRejected(Exception):
    def __init__(self, errors: list[tuple[int, str]]) -> None:
        super().__init__(
            "; ".join(gettext("line %(line)s: %(message)s") % {"line": line, "message": m} for line, m in errors[:20])
        )
        self.errors = errors


def _date(value: str, column: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            gettext("%(column)s %(value)r is not a date (YYYY-MM-DD).") % {"column": column, "value": value}
        ) from None


def import_csv(*, text: str, by: Any, now: datetime) -> CsvImportReport:
    """Update, create or leave each row's commitment, or nothing at all: CsvRejected lists every bad row."""
    if "\x00" in text:
        raise CsvRejected([(0, gettext("This is not a CSV text file (it contains binary data)."))])
    if text.lstrip().startswith("["):
        return import_json(text=text, by=by, now=now)
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        missing = [c for c in EDITABLE if c not in (reader.fieldnames or [])]
        if missing:
            message = gettext("the header lacks the columns %(columns)s (export a list to see the format)") % {
                "columns": ", ".join(missing)
            }
            raise CsvRejected([(1, message)])
        rows = [
            (reader.line_num, {k: _uncell((v or "").strip()) for k, v in row.items() if k in COLUMNS}) for row in reader
        ]
    except csv.Error as error:
        raise CsvRejected(
            [(0, gettext("This is not valid CSV (%(error)s). Save the spreadsheet as CSV UTF-8.") % {"error": error})]
        ) from None
    return _import_rows(rows, by, now)


def import_json(*, text: str, by: Any, now: datetime) -> CsvImportReport:
    """The same as import_csv for the JSON export (an array of objects); errors name the item's number."""
    try:
        items = json.loads(text)
    except ValueError as error:
        raise CsvRejected([(0, gettext("This is not valid JSON (%(error)s).") % {"error": error})]) from None
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise CsvRejected([(0, gettext("The JSON must be an array of objects, as the JSON export writes it."))])
    rows = []
    for number, item in enumerate(items, start=1):
        missing = [c for c in EDITABLE if c not in item]
        if missing:
            message = gettext("item %(number)s lacks %(columns)s (export a list to see the format)") % {
                "number": number,
                "columns": ", ".join(missing),
            }
            raise CsvRejected([(number, message)])
        rows.append((number, {k: "" if v is None else str(v).strip() for k, v in item.items() if k in COLUMNS}))
    return _import_rows(rows, by, now)


def _import_rows(rows: list[tuple[int, dict[str, str]]], by: Any, now: datetime) -> CsvImportReport:
    # Everything the rows refer to, in one query per kind, not one per row.
    wanted = {column: {values[column] for _, values in rows if values.get(column)} for column in COLUMNS}
    summit_ids = [int(s) for s in wanted["summit"] if s.isdigit() and len(s) < 19]
    summits = {str(s.pk): s for s in Summit.objects.filter(pk__in=summit_ids)}
    desks = {d.name: d for d in Desk.objects.filter(name__in=wanted["desk"])}
    parties = {p.code: p for p in Party.objects.all()}
    users = {u.get_username(): u for u in get_user_model().objects.filter(username__in=wanted["owner"])}
    people = {p.full_name: p for p in Person.objects.filter(full_name__in=wanted["speaker"]).order_by("-pk")}
    ids = [int(i) for i in wanted["id"] if i.isdigit() and len(i) < 19]
    existing = {str(c.pk): c for c in Commitment.objects.filter(pk__in=ids).prefetch_related("made_by")}
    current = {row["id"]: row for row in export_rows(Commitment.objects.filter(pk__in=ids), now)} if ids else {}
    planned: list[Planned] = []
    errors: list[tuple[int, str]] = []
    unchanged = 0
    for line, values in rows:
        try:
            target = None
            given: dict[str, str] | None = None  # the row's outcomes; None: no such column
            outcomes: dict[str, str] | None = None  # those to record; None: leave them as they are
            if values.get("id"):
                target = existing.get(values["id"])
                if target is None:
                    raise ValidationError(
                        gettext(
                            "there is no commitment %(id)r (deleted, or from another installation): "
                            "empty the id to record it anew"
                        )
                        % {"id": values["id"]}
                    )
                version = values.get("version", "")
                if version != str(target.version):
                    raise ValidationError(
                        gettext(
                            "this row was exported at version %(exported)s; commitment %(pk)s is at "
                            "version %(version)s since someone changed it. Export again and redo your edit."
                        )
                        % {"exported": version or gettext("(none)"), "pk": target.pk, "version": target.version}
                    )
                exported = current[target.pk]
                if OUTCOMES in values:
                    given = outcomes_read(values[OUTCOMES])
                    outcomes = None if given == outcomes_read(exported[OUTCOMES]) else given
                edited = not all(str(exported[column] if exported[column] is not None else "") == values[column]
                                 for column in EDITABLE)  # fmt: skip
                if not edited and outcomes is None:
                    unchanged += 1
                    continue
            fields = _fields(values, summits, desks, parties, users, people)
            codes = fields.pop("made_by")
            if given and target is not None:
                # Checked here, against the row's own makers, so that every bad row is reported at once.
                services.outcomes_check(
                    status=target.status,
                    makers=codes,
                    outcomes=[services.PartyOutcome(party=code, status=status) for code, status in given.items()],
                )
            commitment = target or Commitment()
            for name, value in fields.items():
                setattr(commitment, name, value)
            commitment.full_clean(exclude=["status_changed_at", "last_activity_at"])
            planned.append(
                Planned(
                    line=line,
                    commitment=commitment,
                    made_by=[parties[c] for c in codes],
                    loaded=target.version if target else None,
                    edited=target is None or edited,
                    outcomes=outcomes,
                )
            )
        except ValidationError as error:
            errors.append((line, " ".join(error.messages)))
    if errors:
        raise CsvRejected(errors)
    report = CsvImportReport(unchanged=unchanged)
    with transaction.atomic():
        for row in planned:
            line, commitment = row.line, row.commitment
            try:
                if row.loaded is None:
                    services.commitment_create(commitment=commitment, by=by, now=now, read_window=False)
                    report.created.append(commitment)
                else:
                    if row.edited:
                        services.commitment_save(commitment=commitment, expected_version=row.loaded, by=by, now=now)
                        services.commitment_links_set(commitment=commitment, by=by, made_by=row.made_by)
                    if row.outcomes is not None:
                        # After an edit in the same row, at the version that edit made: still this file's change.
                        services.outcome_set(
                            commitment_id=commitment.pk,
                            outcomes=[
                                services.PartyOutcome(party=code, status=status)
                                for code, status in row.outcomes.items()
                            ],
                            by=by,
                            now=now,
                            expected_version=commitment.version if row.edited else row.loaded,
                        )
                    report.updated.append(commitment)
                if row.loaded is None:
                    services.commitment_links_set(commitment=commitment, by=by, made_by=row.made_by)
            except PermissionDenied as denied:
                raise CsvRejected([(line, str(denied))]) from None
            except (ValidationError, VersionConflict) as refused:  # nothing of the file is kept
                text = " ".join(refused.messages) if isinstance(refused, ValidationError) else str(refused)
                raise CsvRejected([(line, text)]) from None
    return report


def _fields(
    values: dict[str, str],
    summits: dict[str, Summit],
    desks: dict[str, Desk],
    parties: dict[str, Party],
    users: dict[str, Any],
    people: dict[str, Person],
) -> dict[str, Any]:
    """A row's editable values as model field values (and the party codes under made_by), or why not."""
    summit = summits.get(values["summit"])
    if summit is None:
        raise ValidationError(gettext("there is no summit %(summit)r") % {"summit": values["summit"]})
    desk = desks.get(values["desk"])
    if desk is None:
        raise ValidationError(gettext("there is no desk named %(desk)r") % {"desk": values["desk"]})
    codes = [c for c in values["made_by"].split(";") if c]
    unknown = [c for c in codes if c not in parties]
    if not codes or unknown:
        raise ValidationError(
            gettext("made_by must list known party codes (unknown: %(unknown)s)")
            % {"unknown": ", ".join(unknown) or gettext("none given")}
        )
    owner = users.get(values["owner"])
    if values["owner"] and owner is None:
        raise ValidationError(gettext("there is no user %(owner)r") % {"owner": values["owner"]})
    if values["counterparty"] and values["counterparty"] not in parties:
        raise ValidationError(gettext("there is no party %(party)r") % {"party": values["counterparty"]})
    return {
        "made_by": codes,
        "summit": summit,
        "desk": desk,
        "source_ref": values["source_ref"],
        "title": values["title"],
        "quote": values["quote"],
        "counterparty": parties.get(values["counterparty"]),
        "speaker": people.get(values["speaker"]),
        "owner": owner,
        "kind": values["kind"] or "other",
        "modality": values["modality"] or "firm",
        "level": values["level"],
        "description": values["description"],
        "due_phrase": values["due_phrase"],
        "due_from": _date(values["due_from"], "due_from"),
        "due_by": _date(values["due_by"], "due_by"),
        "due_precision": values["due_precision"] or "none",
        "due_rule": values["due_rule"],
        "condition_text": values["condition"],
    }
