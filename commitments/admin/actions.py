"""The commitment list's actions (assign, change status, export) and the CSV import page that reads exports back."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .. import policy, services
from ..models import Commitment
from ..reports.exchange import CsvRejected, export_response, import_csv
from ..workflow import Status, allowed_next, label
from .forms import BulkTransitionForm


def csv_import_view(model_admin: Any, request: HttpRequest) -> HttpResponse:
    """Upload a CSV (as exported); every bad row is listed with its line, and nothing is saved."""
    if not policy.can_add_commitment(request.user):
        raise PermissionDenied
    errors: list[tuple[int, str]] = []
    upload = request.FILES.get("file") if request.method == "POST" else None
    if upload is not None:
        raw = upload.read()
        try:
            report = import_csv(text=raw.decode("utf-8-sig"), by=request.user, now=timezone.now())
        except UnicodeDecodeError:
            errors = [(0, gettext("The file is not UTF-8 text: save the spreadsheet as CSV UTF-8."))]
        except CsvRejected as rejected:
            errors = rejected.errors
        else:
            count = len(report.created)
            imported = ngettext("Imported %(count)d commitment(s).", "Imported %(count)d commitment(s).", count)
            model_admin.message_user(request, imported % {"count": count}, messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:commitments_commitment_changelist"))
    return TemplateResponse(
        request,
        "admin/commitments/commitment/csv_import.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": gettext("Import commitments from CSV"),
            "opts": model_admin.model._meta,
            "errors": errors,
        },
    )


@admin.action(description=_("Export as CSV (the columns the CSV import reads)"))
def export_csv(model_admin: Any, request: HttpRequest, queryset: QuerySet[Commitment]) -> StreamingHttpResponse:
    # A selection or "select all N" alike: the queryset is read while the file is sent, never held whole.
    return export_response(queryset, as_json=False, filename="commitments.csv")


@admin.action(description=_("Export as JSON"))
def export_json(model_admin: Any, request: HttpRequest, queryset: QuerySet[Commitment]) -> StreamingHttpResponse:
    return export_response(queryset, as_json=True, filename="commitments.json")


@admin.action(description=_("Assign to me"))
def assign_to_me(model_admin: Any, request: HttpRequest, queryset: QuerySet[Commitment]) -> None:
    now = timezone.now()
    done, refused = 0, []
    for commitment in queryset:
        try:
            services.commitment_assign(commitment_id=commitment.pk, owner=request.user, by=request.user, now=now)
            done += 1
        except (PermissionDenied, ValidationError) as error:
            refused.append(
                gettext("“%(commitment)s”: %(reason)s") % {"commitment": commitment, "reason": _error_text(error)}
            )
    if done:
        assigned = ngettext(
            "%(count)d commitment(s) assigned to you.", "%(count)d commitment(s) assigned to you.", done
        )
        model_admin.message_user(request, assigned % {"count": done}, messages.SUCCESS)
    for line in refused:
        model_admin.message_user(request, gettext("Not assigned — %(reason)s") % {"reason": line}, messages.WARNING)


@admin.action(description=_("Change status (with a note)…"))
def bulk_transition(model_admin: Any, request: HttpRequest, queryset: QuerySet[Commitment]) -> HttpResponse | None:
    commitments = list(queryset.select_related("desk"))
    # Offer the statuses reachable from at least one selected commitment; each is checked again.
    statuses = sorted(
        {s for c in commitments for s in allowed_next(c.status, conditional=c.is_conditional)},
        key=Status.values.index,
    )
    form = BulkTransitionForm(request.POST if "apply" in request.POST else None, statuses=statuses)
    if form.is_valid():
        now = timezone.now()
        done, refused = 0, []
        for commitment in commitments:
            try:
                services.commitment_transition(
                    commitment_id=commitment.pk,
                    to_status=form.cleaned_data["to_status"],
                    by=request.user,
                    now=now,
                    note=form.cleaned_data["note"],
                )
                done += 1
            except (PermissionDenied, ValidationError) as error:
                refused.append(
                    gettext("“%(commitment)s”: %(reason)s") % {"commitment": commitment, "reason": _error_text(error)}
                )
        target = label(form.cleaned_data["to_status"])
        if done:
            changed = ngettext(
                "%(count)d commitment(s) are now %(status)s.", "%(count)d commitment(s) are now %(status)s.", done
            )
            model_admin.message_user(request, changed % {"count": done, "status": target}, messages.SUCCESS)
        for line in refused:
            model_admin.message_user(request, gettext("Unchanged — %(reason)s") % {"reason": line}, messages.WARNING)
        return None
    return TemplateResponse(
        request,
        "admin/commitments/commitment/bulk_transition.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": gettext("Change the status of the selected commitments"),
            "opts": model_admin.model._meta,
            "form": form,
            "commitments": commitments,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        },
    )


def _error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or gettext("not allowed")
