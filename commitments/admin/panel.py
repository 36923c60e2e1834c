"""The workflow panel above a commitment's form: change the status, the condition or the deadline, and
record each party's own outcome of a closed joint commitment.

Each panel form posts to its own address and calls one service; a refusal draws the commitment's page
again with the input and the reason, nothing saved.
"""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext

from .. import errors, policy, selectors, services
from ..deadlines import window_words
from ..models import Commitment
from ..workflow import SCORED_STATUSES, STATUS_COLOURS, label
from .forms import ConditionForm, DeadlineMoveForm, OutcomesForm, TransitionForm
from .mixins import HistoryAdmin


class WorkflowPanelAdmin(HistoryAdmin):
    """The base of CommitmentAdmin: the panel's context on the change page and the views its forms post to."""

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<int:object_id>/transition/",
                self.admin_site.admin_view(self.transition_view),
                name="commitments_commitment_transition",
            ),
            path(
                "<int:object_id>/condition/",
                self.admin_site.admin_view(self.condition_view),
                name="commitments_commitment_condition",
            ),
            path(
                "<int:object_id>/deadline/",
                self.admin_site.admin_view(self.deadline_view),
                name="commitments_commitment_deadline",
            ),
            path(
                "<int:object_id>/outcomes/",
                self.admin_site.admin_view(self.outcomes_view),
                name="commitments_commitment_outcomes",
            ),
        ]
        return own + super().get_urls()

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        self.object_or_404(object_id)
        context = dict(extra_context or {})
        commitment = Commitment.objects.select_related("desk", "summit").filter(pk=object_id).first()
        if commitment is not None and policy.can_view(request.user):
            context.update(self._panel_context(request, commitment, context))
        return super().change_view(request, object_id, form_url, context)

    def _panel_context(self, request: HttpRequest, commitment: Commitment, given: dict[str, Any]) -> dict[str, Any]:
        user = request.user
        now = timezone.now()
        can_edit = policy.can_edit_commitment(user, commitment)
        can_supervise = policy.can_supervise(user, commitment)
        transition_form = given.get("transition_form") or TransitionForm(commitment=commitment, user=user)
        condition_form = given.get("condition_form") or ConditionForm(initial={"version": commitment.version})
        deadline_form = given.get("deadline_form") or DeadlineMoveForm(
            initial={
                "version": commitment.version,
                "new_due_phrase": commitment.due_phrase,
                "new_due_from": commitment.due_from,
                "new_due_by": commitment.due_by,
            }
        )
        # A joint commitment closed as fulfilled, partially or not fulfilled: each party's outcome beside
        # the status, and (for its desk) the form to record them.
        joint_closed = commitment.status in SCORED_STATUSES and commitment.made_by.count() > 1
        outcomes = selectors.party_outcomes(commitment) if joint_closed else []
        for entry in outcomes:
            entry["colour"] = STATUS_COLOURS[entry["status"]]
            entry["label"] = label(entry["status"])
        outcomes_form = given.get("outcomes_form") or (
            OutcomesForm(commitment=commitment, outcomes=outcomes) if joint_closed and can_edit else None
        )
        return {
            "pb_commitment": commitment,
            "pb_outcomes": outcomes,
            "pb_can_record_outcomes": outcomes_form is not None,
            "outcomes_form": outcomes_form,
            "pb_status_colour": STATUS_COLOURS[commitment.status],
            "pb_overdue_days": selectors.commitment_days_overdue(commitment, now),
            "pb_stale": selectors.commitment_is_stale(commitment, now),
            "pb_can_transition": can_edit and bool(transition_form.offered),
            "pb_can_condition": can_edit and commitment.is_conditional and commitment.is_open,
            "pb_can_move_deadline": can_supervise and commitment.is_open,
            "transition_form": transition_form,
            "condition_form": condition_form,
            "deadline_form": deadline_form,
            # Why the panel offers this user less than the workflow allows (policy.panel_limits).
            "pb_limits": policy.panel_limits(user, commitment),
            # The story, told once: status changes, updates, deadline moves, conditions, outcomes, follow-ups.
            "pb_activity": selectors.commitment_activity(commitment),
            "pb_prepares": commitment.prepares.all(),
        }

    def _panel_post(
        self, request: HttpRequest, object_id: int, form_name: str, form: forms.Form, act: Any
    ) -> HttpResponse:
        """Run a panel form's service; on any refusal show the page again with the input kept."""
        commitment = get_object_or_404(Commitment.objects.select_related("desk"), pk=object_id)
        change_url = reverse("admin:commitments_commitment_change", args=[object_id])
        if request.method != "POST":
            return HttpResponseRedirect(change_url)
        if not policy.can_edit_commitment(request.user, commitment):
            raise PermissionDenied
        if form.is_valid():
            try:
                message = act(commitment, form.cleaned_data, timezone.now())
            except errors.VersionConflict as conflict:
                form.add_error(None, str(conflict))
            except PermissionDenied as denied:
                form.add_error(None, str(denied) or gettext("You may not do that."))
            except ValidationError as error:
                _add_errors(form, error)
            else:
                self.message_user(request, message, messages.SUCCESS)
                return HttpResponseRedirect(change_url)
        # At the top, where the eye is, the reasons themselves: a refused form may not even be drawn
        # below (a tampered post for a status this user may not choose).
        reasons = " ".join(
            (
                gettext("%(field)s: %(message)s") % {"field": form[name].label, "message": message}
                if name in form.fields
                else str(message)
            )
            for name, field_errors in form.errors.items()
            for message in field_errors
        )
        self.message_user(request, f"{gettext('Nothing was changed.')} {reasons}".strip(), messages.ERROR)
        # The page is drawn as for a GET of the same address: the admin must not take this POST for
        # its own form. A copy, so the request that came in stays as it came.
        page = copy.copy(request)
        page.method = "GET"
        return self.change_view(page, str(object_id), extra_context={form_name: form})

    def transition_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        commitment = get_object_or_404(Commitment.objects.select_related("desk"), pk=object_id)
        form = TransitionForm(request.POST or None, commitment=commitment, user=request.user)

        def act(c: Commitment, data: dict[str, Any], now: Any) -> str:
            change = services.commitment_transition(
                commitment_id=c.pk,
                to_status=data["to_status"],
                by=request.user,
                now=now,
                note=data["note"],
                evidence_url=data["evidence_url"],
                occurred_on=data["occurred_on"],
                expected_version=data["version"],
            )
            return gettext("“%(commitment)s” is now %(status)s.") % {"commitment": c, "status": label(change.to_status)}

        return self._panel_post(request, object_id, "transition_form", form, act)

    def condition_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        form = ConditionForm(request.POST or None)

        def act(c: Commitment, data: dict[str, Any], now: Any) -> str:
            updated = services.condition_set_state(
                commitment_id=c.pk,
                state=data["state"],
                by=request.user,
                now=now,
                note=data["note"],
                expected_version=data["version"],
            )
            state = updated.get_condition_state_display().lower()
            return gettext("The condition of “%(commitment)s” is %(state)s; the status is %(status)s.") % {
                "commitment": c,
                "state": state,
                "status": updated.get_status_display(),
            }

        return self._panel_post(request, object_id, "condition_form", form, act)

    def deadline_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        form = DeadlineMoveForm(request.POST or None)

        def act(c: Commitment, data: dict[str, Any], now: Any) -> str:
            change = services.deadline_move(
                commitment_id=c.pk,
                new_due_by=data["new_due_by"],
                new_due_from=data["new_due_from"],
                new_due_phrase=data["new_due_phrase"],
                reason=data["reason"],
                change_class=data["change_class"],
                by=request.user,
                now=now,
                expected_version=data["version"],
            )
            return gettext("The deadline of “%(commitment)s” moved: %(old)s → %(new)s.") % {
                "commitment": c,
                "old": window_words(change.old_due_from, change.old_due_by),
                "new": window_words(change.new_due_from, change.new_due_by),
            }

        return self._panel_post(request, object_id, "deadline_form", form, act)

    def outcomes_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        commitment = get_object_or_404(Commitment.objects.select_related("desk"), pk=object_id)
        form = OutcomesForm(request.POST or None, commitment=commitment, outcomes=selectors.party_outcomes(commitment))

        def act(c: Commitment, data: dict[str, Any], now: Any) -> str:
            recorded = services.outcome_set(
                commitment_id=c.pk,
                outcomes=form.outcomes(),
                by=request.user,
                now=now,
                expected_version=data["version"],
            )
            if not recorded:
                return gettext("Each party of “%(commitment)s” follows its status: %(status)s.") % {
                    "commitment": c,
                    "status": label(c.status),
                }
            each = pgettext("list separator", ", ").join(f"{o.party.code} {label(o.status)}" for o in recorded)
            return gettext("Outcomes of “%(commitment)s”: %(outcomes)s.") % {"commitment": c, "outcomes": each}

        return self._panel_post(request, object_id, "outcomes_form", form, act)


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            target = field if field in form.fields else None
            for item in field_errors:
                form.add_error(target, " ".join(item.messages))
    else:
        form.add_error(None, " ".join(error.messages))
