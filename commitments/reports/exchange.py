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
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from summits.models import Party, Person, Summit

from .. import selectors, services
from ..errors import VersionConflict
from ..models import Commitment, Desk, Update

# What import reads: the fields staff edit (and, for an update, the id and the version it was exported at).
EDITABLE = [
    "summit",
    "source_ref",
    "title",
    "quote",
    "made_by",
    "counterparty",
    "speaker",
    "desk",
    "owner",
    "kind",
    "modality",
    "level",
    "description",
    "due_phrase",
    "due_from",
    "due_by",
    "due_precision",
    "due_rule",
    "condition",
]
# The status report: exported for reading, passed over by import (but see OUTCOMES).
REPORTED = ["status", "overdue", "stale", "original_due_by", "last_update", "last_update_on"]
# The parties' own outcomes of a joint commitment, beside its status. Import reads them for a row with an id
# (a new row starts not started: like its status, they are read past), and a file without the column (an
# export older than it) leaves them as they are.
OUTCOMES = "outcomes"
COLUMNS = ["id", "version", *EDITABLE, REPORTED[0], OUTCOMES, *REPORTED[1:]]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    text = "" if value is None else value.isoformat() if isinstance(value, date) else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _uncell(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:2] and text[1:].startswith(_FORMULA_START) else text


def export_rows(commitments: QuerySet[Commitment], now: datetime | None = None) -> list[dict[str, Any]]:
    now = now or timezone.now()
    queryset = selectors.commitment_flags(
        commitments.select_related("summit", "desk", "owner", "counterparty", "speaker").prefetch_related("made_by"),
        now,
    )
    statuses = list(commitments.values_list("pk", "status"))
    ids = [pk for pk, _ in statuses]
    last_updates = _last_updates(ids)
    outcomes = selectors.commitment_outcomes(selectors.outcome_ids(statuses))
    rows = []
    for c in queryset.order_by("summit_id", "source_ref", "title", "pk"):
        note, day = last_updates.get(c.pk, ("", None))
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


def _last_updates(ids: list[int]) -> dict[int, tuple[str, date | None]]:
    """Each commitment's latest progress update: its note and the day it was written (one query)."""
    latest: dict[int, tuple[str, date | None]] = {}
    rows = Update.objects.filter(commitment_id__in=ids).order_by("commitment_id", "created_at", "pk")
    for commitment_id, note, created_at in rows.values_list("commitment_id", "note", "created_at"):
        latest[commitment_id] = (note, timezone.localdate(created_at))
    return latest


def export_csv(commitments: QuerySet[Commitment]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in export_rows(commitments):
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return out.getvalue()


def export_json(commitments: QuerySet[Commitment]) -> str:
    return json.dumps(export_rows(commitments), ensure_ascii=False, indent=1)


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
