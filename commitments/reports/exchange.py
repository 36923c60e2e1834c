"""CSV and JSON exchange of commitments: export any list, edit it in a spreadsheet, import it back.

Export and import share one set of columns. Import checks every row first and reports each bad one
with its line number; only a file with no bad row is saved, in one transaction. Cells that a
spreadsheet would run as a formula (starting with = + - @ or a tab) are written with a leading
apostrophe, which import removes again, so the round trip is exact.
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

from summits.models import Party, Person, Summit

from .. import services
from ..models import Commitment, Desk

COLUMNS = [
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
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    text = "" if value is None else value.isoformat() if isinstance(value, date) else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _uncell(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:2] and text[1:].startswith(_FORMULA_START) else text


def export_rows(commitments: QuerySet[Commitment]) -> list[dict[str, Any]]:
    rows = []
    queryset = commitments.select_related("summit", "desk", "owner", "counterparty", "speaker").prefetch_related(
        "made_by"
    )
    for c in queryset.order_by("summit_id", "source_ref", "title", "pk"):
        rows.append(
            {
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
            }
        )
    return rows


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
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, message)


class CsvRejected(Exception):
    def __init__(self, errors: list[tuple[int, str]]) -> None:
        super().__init__("; ".join(f"line {line}: {message}" for line, message in errors[:20]))
        self.errors = errors


def _date(value: str, column: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(f"{column} {value!r} is not a date (YYYY-MM-DD).") from None


def import_csv(*, text: str, by: Any, now: datetime) -> CsvImportReport:
    """Create one commitment per row, or none at all: CsvRejected lists every bad row by line."""
    if "\x00" in text:
        raise CsvRejected([(0, "This is not a CSV text file (it contains binary data).")])
    try:
        return _import_rows(text, by, now)
    except csv.Error as error:
        raise CsvRejected([(0, f"This is not valid CSV ({error}). Save the spreadsheet as CSV UTF-8.")]) from None


def _import_rows(text: str, by: Any, now: datetime) -> CsvImportReport:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise CsvRejected([(1, f"the header lacks the columns {', '.join(missing)} (export a list to see the format)")])
    rows = [
        (reader.line_num, {k: _uncell((v or "").strip()) for k, v in row.items() if k in COLUMNS}) for row in reader
    ]
    # Everything the rows refer to, in one query per kind, not one per row.
    wanted = {column: {values[column] for _, values in rows if values.get(column)} for column in COLUMNS}
    summit_ids = [int(s) for s in wanted["summit"] if s.isdigit() and len(s) < 19]
    summits = {str(s.pk): s for s in Summit.objects.filter(pk__in=summit_ids)}
    desks = {d.name: d for d in Desk.objects.filter(name__in=wanted["desk"])}
    parties = {p.code: p for p in Party.objects.all()}
    users = {u.get_username(): u for u in get_user_model().objects.filter(username__in=wanted["owner"])}
    people = {p.full_name: p for p in Person.objects.filter(full_name__in=wanted["speaker"]).order_by("-pk")}
    planned: list[tuple[int, Commitment, list[Party]]] = []
    errors: list[tuple[int, str]] = []
    for line, values in rows:
        try:
            summit = summits.get(values["summit"])
            if summit is None:
                raise ValidationError(f"there is no summit {values['summit']!r}")
            desk = desks.get(values["desk"])
            if desk is None:
                raise ValidationError(f"there is no desk named {values['desk']!r}")
            codes = [c for c in values["made_by"].split(";") if c]
            unknown = [c for c in codes if c not in parties]
            if not codes or unknown:
                raise ValidationError(
                    f"made_by must list known party codes (unknown: {', '.join(unknown) or 'none given'})"
                )
            owner = users.get(values["owner"])
            if values["owner"] and owner is None:
                raise ValidationError(f"there is no user {values['owner']!r}")
            speaker = people.get(values["speaker"])
            if values["counterparty"] and values["counterparty"] not in parties:
                raise ValidationError(f"there is no party {values['counterparty']!r}")
            commitment = Commitment(
                summit=summit,
                desk=desk,
                source_ref=values["source_ref"],
                title=values["title"],
                quote=values["quote"],
                counterparty=parties.get(values["counterparty"]),
                speaker=speaker,
                owner=owner,
                kind=values["kind"] or "other",
                modality=values["modality"] or "firm",
                level=values["level"],
                description=values["description"],
                due_phrase=values["due_phrase"],
                due_from=_date(values["due_from"], "due_from"),
                due_by=_date(values["due_by"], "due_by"),
                due_precision=values["due_precision"] or "none",
                due_rule=values["due_rule"],
                condition_text=values["condition"],
            )
            commitment.full_clean(exclude=["status_changed_at", "last_activity_at"])
            planned.append((line, commitment, [parties[c] for c in codes]))
        except ValidationError as error:
            errors.append((line, " ".join(error.messages)))
    if errors:
        raise CsvRejected(errors)
    report = CsvImportReport()
    with transaction.atomic():
        for line, commitment, made_by in planned:
            try:
                services.commitment_create(commitment=commitment, by=by, now=now, read_window=False)
            except PermissionDenied as denied:
                raise CsvRejected([(line, str(denied))]) from None
            except ValidationError as refused:  # an owner who may not own it, say: nothing is kept
                raise CsvRejected([(line, " ".join(refused.messages))]) from None
            commitment.made_by.set(made_by)
            report.created.append(commitment)
    return report
