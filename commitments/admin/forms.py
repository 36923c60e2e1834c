"""Forms of the commitment page: the edit form and the workflow panel's. They only collect input; services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import policy, selectors, services
from ..models import Commitment, DeadlineChange
from ..workflow import SCORED_STATUSES, TRACKED_STATUSES, is_reopening, label
from . import conflicts


class VersionedForm(forms.Form):
    # The version the user saw when the page was drawn; a later save by someone else is a conflict.
    version = forms.IntegerField(widget=forms.HiddenInput)


class StatusChoiceField(forms.ChoiceField):
    """A choice of the statuses offered; any other value (a tampered or stale post) is refused with the
    policy's words: why not, and which statuses may be chosen now."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.refusal: Any = None  # set by the form: value -> sentence

    def validate(self, value: Any) -> None:
        if value and not self.valid_value(value) and self.refusal is not None:
            raise ValidationError(self.refusal(value), code="invalid_choice")
        super().validate(value)


class TransitionForm(VersionedForm):
    to_status = StatusChoiceField(label=_("New status"))
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        required=False,
        label=_("Note"),
        help_text=_("Required when closing (or give evidence), and the reason when reopening."),
    )
    evidence_url = forms.URLField(label=_("Evidence url"), required=False, max_length=500, assume_scheme="https")
    occurred_on = forms.DateField(
        required=False,
        label=_("Occurred on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("When it happened, if not today."),
    )

    def __init__(self, *args: Any, commitment: Commitment, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [
            (
                status,
                (
                    gettext("%(status)s (reopen)") % {"status": label(status)}
                    if is_reopening(commitment.status, status)
                    else label(status)
                ),
            )
            for status in policy.choosable_statuses(user, commitment)
        ]
        # The statuses this user may move this commitment to now; empty means no form to show.
        self.offered = choices
        field = cast(StatusChoiceField, self.fields["to_status"])
        field.choices = choices
        field.refusal = lambda value: policy.transition_refusal(user, commitment, value)
        self.initial.setdefault("version", commitment.version)


class ConditionForm(VersionedForm):
    state = forms.ChoiceField(
        label=_("Condition is now"),
        choices=[(s.value, s.label) for s in Commitment.ConditionState if s.value],
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2, "cols": 60}), required=False)


class DeadlineMoveForm(VersionedForm):
    new_due_phrase = forms.CharField(label=_("Deadline as written"), required=False, max_length=200)
    new_due_from = forms.DateField(label=_("Due from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    new_due_by = forms.DateField(label=_("Due by"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    change_class = forms.ChoiceField(label=_("Class"), choices=DeadlineChange.ChangeClass.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2, "cols": 60}))


class OutcomesForm(VersionedForm):
    """Each party's own outcome of a closed joint commitment: one choice and one note per party that made
    it. "As the commitment" leaves the party following the status (no outcome of its own)."""

    def __init__(self, *args: Any, commitment: Commitment, outcomes: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("version", commitment.version)
        same = gettext("As the commitment: %(status)s") % {"status": label(commitment.status)}
        # (party code, outcome field, note field) in the order shown; field names carry the party's id.
        self.parties: list[tuple[str, str, str]] = []
        for entry in outcomes:
            party = entry["party"]
            outcome_name, note_name = f"outcome_{party.pk}", f"note_{party.pk}"
            self.fields[outcome_name] = forms.ChoiceField(
                label=gettext("%(party)s (%(code)s)") % {"party": party.name, "code": party.code},
                choices=[("", same), *((status, label(status)) for status in SCORED_STATUSES)],
                required=False,
                initial=entry["status"] if entry["recorded"] else "",
            )
            self.fields[note_name] = forms.CharField(
                label=gettext("Why (%(code)s)") % {"code": party.code},
                required=False,
                max_length=5000,
                initial=entry["note"],
                widget=forms.Textarea(attrs={"rows": 1, "cols": 50}),
            )
            self.parties.append((party.code, outcome_name, note_name))

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        """Each party's outcome and note fields, side by side in the template."""
        return [(self[outcome], self[note]) for _, outcome, note in self.parties]

    def outcomes(self) -> list[services.PartyOutcome]:
        """The outcomes chosen (cleaned data), for services.outcome_set: parties left "as the commitment" out."""
        return [
            services.PartyOutcome(party=code, status=self.cleaned_data[outcome], note=self.cleaned_data[note])
            for code, outcome, note in self.parties
            if self.cleaned_data.get(outcome)
        ]


class BulkTransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=[])
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3, "cols": 60}), required=False)

    def __init__(self, *args: Any, statuses: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["to_status"]).choices = [(s, label(s)) for s in statuses]


class CommitmentForm(forms.ModelForm):
    # The version the user loaded; compared (under a row lock) with the stored one when saving.
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # While a conflict is being resolved: the version the user first loaded (what "yours" is judged
    # against) and the fields they chose to reapply. See conflicts.py.
    conflict_from = forms.IntegerField(widget=forms.HiddenInput, required=False)
    conflict_mine = forms.CharField(widget=forms.HiddenInput, required=False)
    # What the banner at the top of the page shows after a refused save (None otherwise).
    conflict: conflicts.Conflict | None = None
    # The person filling the form in (CommitmentAdmin.get_form sets it): owns a new commitment that
    # names nobody, when they may.
    recorded_by: Any = None

    class Meta:
        model = Commitment
        # The admin picks the fields from its fieldsets; every model field is a candidate.
        fields = "__all__"  # noqa: DJ007
        widgets = {
            "quote": forms.Textarea(attrs={"rows": 4, "cols": 90}),
            "description": forms.Textarea(attrs={"rows": 3, "cols": 90}),
            "condition_text": forms.Textarea(attrs={"rows": 2, "cols": 90}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.instance.pk:
            self._check_version(cleaned.get("loaded_version"), cleaned.get("conflict_from"))
            self._check_dependencies(cleaned.get("depends_on"))
        self._check_people(cleaned.get("desk"), cleaned.get("owner"), cleaned.get("watchers"))
        self._check_reciprocal(cleaned.get("reciprocal"))
        return cleaned

    def _check_reciprocal(self, reciprocal: QuerySet[Commitment] | None) -> None:
        """A link that would change another desk's commitment, refused on the field before anything is saved."""
        if reciprocal is None or "reciprocal" not in self.fields:
            return
        try:
            services.reciprocal_check(commitment=self.instance, reciprocal=list(reciprocal), by=self.recorded_by)
        except ValidationError as error:
            self.add_error(None, error)

    def _save_m2m(self) -> None:
        """The relations as ModelForm saves them, but the reciprocal links through the service, which writes
        the other commitment's side, checks it may and bumps its version (services.commitment_links_set)."""
        reciprocal = self.cleaned_data.pop("reciprocal", None) if "reciprocal" in self.fields else None
        try:
            super()._save_m2m()  # type: ignore[misc]
        finally:
            if reciprocal is not None:
                self.cleaned_data["reciprocal"] = reciprocal
        if reciprocal is not None:
            services.commitment_links_set(
                commitment=self.instance, by=self.recorded_by, now=timezone.now(), reciprocal=list(reciprocal)
            )

    def _check_people(self, desk: Any, owner: Any, watchers: Any) -> None:
        """The services' own rules for owners and watchers, as field errors before anything is saved."""
        try:
            if watchers:
                services.watchers_check(list(watchers))
            if desk is None:
                return
            if owner is not None:
                services.owner_check(owner, desk)
            elif self.instance.status in TRACKED_STATUSES and (
                self.instance.owner_id is not None  # an edit that would remove the owner
                if self.instance.pk
                else services.owner_candidate(desk, self.recorded_by) is None  # nobody to choose
            ):
                raise services.owner_required(desk)
        except ValidationError as error:
            self.add_error(None, error)

    def _check_version(self, seen: int | None, first_seen: int | None) -> None:
        """Refuse a save on a version someone else has changed since; while the user resolves such a
        conflict (first_seen set), apply their choice and refuse again until every field is decided."""
        # Inside the admin's transaction: the lock is held until the save commits, so a concurrent
        # save waits here and then sees the new version (PostgreSQL; SQLite serialises writers).
        current = (
            Commitment.objects.select_for_update().filter(pk=self.instance.pk).values_list("version", flat=True).first()
        )
        if seen is None or current is None:
            raise ValidationError(_("Reload the page: the version you opened is not known."), code="conflict")
        if current == seen and first_seen is None:
            return
        base = first_seen or seen
        found = conflicts.differences(self, self.instance, base)
        # Only they changed it: their value, into the form (a save must not put back what you loaded).
        taken = [d for d in found if not d.conflict]
        conflicts.take_theirs(self, self.instance, [d.name for d in taken])
        open_ = [d for d in found if d.conflict]
        # Fields reapplied on an earlier round; a newer save by someone else asks again about every field.
        mine = {n for n in self.cleaned_data.get("conflict_mine", "").split(",") if n} if current == seen else set()
        if current == seen:  # a choice made in the banner, on the version now current
            keep, reapply = self.data.get(conflicts.THEIRS, ""), self.data.get(conflicts.MINE, "")
            chosen_theirs = [d.name for d in open_ if keep in (d.name, conflicts.ALL)]
            conflicts.take_theirs(self, self.instance, chosen_theirs)
            mine |= {d.name for d in open_ if reapply in (d.name, conflicts.ALL)}
            open_ = [d for d in open_ if d.name not in chosen_theirs and d.name not in mine]
            if not open_:
                return  # every field decided: saved as usual, with the current version
        data = conflicts.mutable_data(self)
        data[self.add_prefix("loaded_version")] = str(current)
        data[self.add_prefix("conflict_from")] = str(base)
        data[self.add_prefix("conflict_mine")] = ",".join(sorted(mine))
        self.data = data
        last = selectors.last_change(self.instance)
        self.conflict = conflicts.Conflict(last["changed_by"], last["changed_at"], open_, taken)
        at = last["changed_at"]
        who = last["changed_by"]
        changed = (
            gettext("This commitment was changed by %(who)s at %(when)s after you opened it.")
            % {"who": who, "when": date_format(at, "DATETIME_FORMAT")}  # as the page writes dates
            if at
            else gettext("This commitment was changed by %(who)s after you opened it.") % {"who": who}
        )
        then = (
            gettext("Keep their value or reapply yours for each field listed at the top of the page.")
            if open_
            else gettext("Save again to apply it to their version.")
        )
        raise ValidationError(
            f"{changed} {gettext('Nothing of yours was saved: your input is still in the form.')} {then}",
            code="conflict",
        )

    def _check_dependencies(self, depends_on: QuerySet[Commitment] | None) -> None:
        if not depends_on:
            return
        cycle = selectors.dependency_cycle(self.instance.pk, [c.pk for c in depends_on])
        if cycle:
            raise ValidationError(
                {
                    "depends_on": gettext("That would make a cycle: %(cycle)s. A commitment cannot depend on itself.")
                    % {"cycle": " → ".join(cycle)}
                }
            )
