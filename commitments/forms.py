"""Forms of the commitment page's workflow panel. They only collect input; services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from . import policy
from .models import Commitment, DeadlineChange
from .workflow import allowed_next, is_reopening, label


class VersionedForm(forms.Form):
    # The version the user saw when the page was drawn; a later save by someone else is a conflict.
    version = forms.IntegerField(widget=forms.HiddenInput)


class TransitionForm(VersionedForm):
    to_status = forms.ChoiceField(label="New status")
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        required=False,
        help_text="Required when closing (or give evidence), and the reason when reopening.",
    )
    evidence_url = forms.URLField(required=False, max_length=500, assume_scheme="https")
    occurred_on = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="When it happened, if not today.",
    )

    def __init__(self, *args: Any, commitment: Commitment, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [
            (status, label(status) + (" (reopen)" if is_reopening(commitment.status, status) else ""))
            for status in allowed_next(commitment.status, conditional=commitment.is_conditional)
            if policy.can_transition(user, commitment, status)
        ]
        # The statuses this user may move this commitment to now; empty means no form to show.
        self.offered = choices
        cast(forms.ChoiceField, self.fields["to_status"]).choices = choices
        self.initial.setdefault("version", commitment.version)


class ConditionForm(VersionedForm):
    state = forms.ChoiceField(
        label="Condition is now",
        choices=[(s.value, s.label) for s in Commitment.ConditionState if s.value],
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2, "cols": 60}), required=False)


class DeadlineMoveForm(VersionedForm):
    new_due_phrase = forms.CharField(label="Deadline as written", required=False, max_length=200)
    new_due_from = forms.DateField(label="Due from", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    new_due_by = forms.DateField(label="Due by", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    change_class = forms.ChoiceField(label="Class", choices=DeadlineChange.ChangeClass.choices)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2, "cols": 60}))


class BulkTransitionForm(forms.Form):
    to_status = forms.ChoiceField(label="New status", choices=[])
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "cols": 60}), required=False)

    def __init__(self, *args: Any, statuses: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["to_status"]).choices = [(s, label(s)) for s in statuses]
