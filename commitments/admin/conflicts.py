"""Two people editing one commitment: what differs between their save and your form, field by field.

The edit form (forms.CommitmentForm) refuses a save made on a version someone else has since changed. It
then asks this module which fields differ, in words, and carries the resolution through the form itself:

- a field only they changed (yours is still what you loaded) takes their value, silently kept;
- a field you both changed differently is a conflict: "Keep theirs" puts their value in your form,
  "Reapply mine" keeps yours. Once every conflict is decided the form saves as usual, with the version
  now current — the service checks it again under the row lock, so a third save in between is one more
  conflict, never an overwrite.

What you loaded comes from the commitment's history row of that version; many-to-many links other than
makers and watchers have no such row, so for them any difference from theirs is shown as a conflict.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field, ManyToManyField, Model, QuerySet
from django.http import QueryDict

from ..models import Commitment
from .history import value_words

ALL = "__all__"  # the value of the "for every field" buttons
THEIRS, MINE = "_theirs", "_mine"  # the buttons' names (form submits: no script needed)
NOT_COMPARED = {"loaded_version", "conflict_from", "conflict_mine"}


@dataclass(frozen=True)
class FieldDifference:
    name: str
    label: str
    theirs: str
    mine: str
    conflict: bool  # both changed it (or what you loaded is unknown); else only they did


@dataclass(frozen=True)
class Conflict:
    """What the banner at the top of the page shows."""

    changed_by: str
    changed_at: Any
    conflicts: list[FieldDifference]  # still to decide
    taken: list[FieldDifference]  # only they changed these: their values are in your form


def _key(value: Any) -> Any:
    """A value as compared: rows by id, sets of rows as sets of ids, text without surrounding space."""
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, QuerySet | list | tuple | set):
        return frozenset(item.pk if isinstance(item, Model) else item for item in value)
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip()
    return value


def _words(name: str, value: Any) -> str:
    """A value as a person reads it, in the words (and the reader's date format) of the history pages."""
    try:
        field = Commitment._meta.get_field(name)
    except FieldDoesNotExist:
        field = None
    if isinstance(value, QuerySet | set | frozenset):
        value = list(value)
    return value_words(field if isinstance(field, Field) else None, value)


def _theirs(current: Commitment, name: str) -> Any:
    field = Commitment._meta.get_field(name)
    if field.many_to_many:
        return list(getattr(current, name).all())
    return getattr(current, name)


def _as_data(value: Any) -> str | list[str]:
    """Their value as a browser would post it, to put into the form shown again."""
    if isinstance(value, list):
        return [str(item.pk) for item in value]
    if isinstance(value, Model):
        return str(value.pk)
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def differences(form: forms.ModelForm, current: Commitment, base_version: int) -> list[FieldDifference]:
    """The form's fields whose cleaned value differs from the stored one (`current`, theirs) because they
    changed it: a conflict when you changed it too (or what you loaded is unknown), else changed only by
    them. Judged against the history row of `base_version`; a field only you changed is not listed."""
    loaded = current.history.filter(version=base_version).order_by("-history_date", "-history_id").first()
    result = []
    for name in form.fields:
        if name in NOT_COMPARED or name not in form.cleaned_data:
            continue
        mine, theirs = form.cleaned_data[name], _theirs(current, name)
        if _key(mine) == _key(theirs):
            continue
        before: Any = None
        known = loaded is not None
        if known:
            model_field = Commitment._meta.get_field(name)
            if isinstance(model_field, ManyToManyField):
                # simple-history keeps makers and watchers per row (a table per link); other links are not kept.
                kept = getattr(loaded, f"historical{Commitment._meta.model_name}_{name}", None)
                known = kept is not None
                if kept is not None:
                    target = f"{model_field.remote_field.model._meta.model_name}_id"
                    before = frozenset(kept.values_list(target, flat=True))
            elif isinstance(model_field, Field):
                before = _key(getattr(loaded, model_field.attname))
            else:
                known = False
        if known and _key(theirs) == before:
            continue  # only you changed it: yours stands
        conflict = not known or _key(mine) != before
        result.append(FieldDifference(name, str(form[name].label), _words(name, theirs), _words(name, mine), conflict))
    return result


def take_theirs(form: forms.ModelForm, current: Commitment, names: list[str]) -> None:
    """Put their values of `names` into the form: into cleaned_data (what a save writes) and into its data
    (what the page shows again)."""
    data = mutable_data(form)
    for name in names:
        theirs = _theirs(current, name)
        form.cleaned_data[name] = theirs
        posted = _as_data(theirs)
        if isinstance(posted, list):
            data.setlist(form.add_prefix(name), posted)
        else:
            data[form.add_prefix(name)] = posted
    form.data = data


def mutable_data(form: forms.BaseForm) -> QueryDict:
    """A copy of the form's posted data that can be changed (the form is drawn again from it)."""
    data = form.data
    if isinstance(data, QueryDict):
        return data.copy()
    copy = QueryDict(mutable=True)
    for key, value in data.items():
        copy.setlist(key, value if isinstance(value, list) else [value])
    return copy
