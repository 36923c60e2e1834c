"""The field-by-field history pages (django-simple-history) in words a desk officer reads.

simple-history shows column names ("HISTORY_STATUS"), stored values (`not_started`, a party's id,
`None`) and diffs many-to-many fields with two queries per row. Here every column has a readable
header, every value is what the form would show (a status label, a name, a date in the one format,
"—" for nothing), a change nobody made is "the system", and a page's many-to-many members are read in
one query per field, so the page costs the same queries however long the history.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise
from typing import Any, cast

from django.contrib.admin import ModelAdmin
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy
from simple_history.models import DeletedObject
from simple_history.template_utils import ObjDiffDisplay
from simple_history.utils import get_m2m_reverse_field_name

NOTHING = "—"
NOBODY = gettext_lazy("the system")
# Long texts (a quote, a description) are shortened around what changed, as simple-history does.
SHORTEN = ObjDiffDisplay(max_length=120)


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


def value_words(field: models.Field[Any, Any] | None, value: Any) -> str:
    """One stored value as the admin shows it elsewhere: the choice's label, the object's name, the date."""
    if value is None or value == "" or value == []:
        return NOTHING
    if field is not None and field.choices and not isinstance(value, models.Model):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "DATETIME_FORMAT")
    if isinstance(value, date):
        return date_format(value, "DATE_FORMAT")
    if isinstance(value, DeletedObject):
        if value.pk is None:  # simple-history's stand-in for an empty foreign key
            return NOTHING
        return gettext("a deleted %(thing)s") % {"thing": value.model._meta.verbose_name}
    if isinstance(value, list | tuple):
        return ", ".join(sorted(str(item) for item in value)) or NOTHING
    return str(value)


def column_header(model_admin: ModelAdmin[Any], name: str) -> str:
    """A history column's header: the admin method's description, else the field's verbose name."""
    method = getattr(model_admin, name, None)
    description = getattr(method, "short_description", None)
    if description is None:
        try:
            description = model_admin.model._meta.get_field(name).verbose_name
        except FieldDoesNotExist:
            description = name.replace("_", " ")
    return capfirst(str(description))


def column_value(model_admin: ModelAdmin[Any], record: Any, name: str) -> str:
    """A history column's cell: an admin method's answer as is, a field's value in words."""
    if callable(getattr(model_admin, name, None)):
        answer = getattr(record, name, None)  # simple-history stored the method's answer on the record
        return NOTHING if answer in (None, "") else str(answer)
    try:
        field: models.Field[Any, Any] | None = _field(model_admin.model, name)
    except FieldDoesNotExist:
        field = None
    return value_words(field, getattr(record, name, None))


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    # History tracks concrete fields and many-to-many ones, never reverse relations.
    return cast("models.Field[Any, Any]", model._meta.get_field(name))


def _m2m_members(records: Sequence[Any], names: Iterable[str], model: type[models.Model]) -> dict[tuple[int, str], str]:
    """Each record's members of each many-to-many field, in words: one query per field for the whole page."""
    members: dict[tuple[int, str], list[str]] = {}
    ids = [record.history_id for record in records]
    for name in names:
        target = get_m2m_reverse_field_name(model._meta.get_field(name))
        through = getattr(records[0], name).model
        for row in through.objects.filter(history_id__in=ids).select_related(target):
            try:
                member = str(getattr(row, target))
            except models.ObjectDoesNotExist:
                member = gettext("a deleted entry")
            members.setdefault((row.history_id, name), []).append(member)
    return {key: ", ".join(sorted(value)) for key, value in members.items()}


def delta_changes(records: Sequence[Any], model: type[models.Model]) -> None:
    """Set `history_delta_changes` on each record but the page's oldest: what it changed, in words.

    `records` run newest first (simple-history's order); each is compared with the next one."""
    if len(records) < 2:
        return
    m2m = [field.name for field in getattr(records[0], "_history_m2m_fields", [])]
    members = _m2m_members(records, m2m, model)
    for newer, older in pairwise(records):
        # Foreign keys as objects: the page's query selected them already (no query per row).
        delta = newer.diff_against(older, excluded_fields=m2m, foreign_keys_are_objs=True)
        changes = []
        for change in delta.changes:
            field = _field(model, change.field)
            old, new = SHORTEN.common_shorten_repr(value_words(field, change.old), value_words(field, change.new))
            changes.append(Change(capfirst(str(field.verbose_name)), old, new))
        for name in m2m:
            old = members.get((older.history_id, name), NOTHING)
            new = members.get((newer.history_id, name), NOTHING)
            if old != new:
                changes.append(Change(capfirst(str(_field(model, name).verbose_name)), old, new))
        newer.history_delta_changes = changes
