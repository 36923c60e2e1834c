"""The compliance report page: scores per summit, party and desk, charts, and frozen assessments."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from summits.models import Summit

from .. import policy
from ..models import Assessment, Commitment
from ..reports.charts import status_bars, timeline
from ..reports.compliance import assessment_compare, assessment_freeze, compliance, overall


class FreezeForm(forms.Form):
    summit = forms.ModelChoiceField(label=_("Summit"), queryset=Summit.objects.all())
    kind = forms.ChoiceField(label=_("Kind"), choices=Assessment.Kind.choices)
    as_of = forms.DateField(
        label=_("As of"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The day the scores describe (each commitment's status then); empty: today."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 60}))


def report_view(model_admin: admin.ModelAdmin[Commitment], request: HttpRequest) -> HttpResponse:
    if not policy.can_view(request.user):
        raise PermissionDenied
    summit = (
        Summit.objects.filter(pk=request.GET.get("summit") or 0).first()
        if (request.GET.get("summit") or "").isdigit()
        else None
    )
    # Keeping an assessment is done while looking at a summit: the form starts on that one.
    form = FreezeForm(request.POST or None, initial={"summit": summit.pk} if summit else None)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = assessment_freeze(
                summit=form.cleaned_data["summit"],
                kind=form.cleaned_data["kind"],
                note=form.cleaned_data["note"],
                by=request.user,
                now=timezone.now(),
                as_of=form.cleaned_data["as_of"],
            )
        except ValidationError as refused:
            form.add_error(None, refused)
        else:
            model_admin.message_user(
                request, gettext("Kept: %(assessment)s.") % {"assessment": assessment}, messages.SUCCESS
            )
            target = reverse("admin:commitments_commitment_report") + f"?summit={assessment.summit_id}#summit"
            return HttpResponseRedirect(target)
    parties = compliance("party")
    context: dict[str, Any] = {
        **model_admin.admin_site.each_context(request),
        "title": gettext("Compliance report"),
        "opts": model_admin.model._meta,
        "overall": overall(),
        "by_summit": compliance("summit"),
        "by_party": parties,
        "by_desk": compliance("desk"),
        "bars": status_bars(parties),
        "summits": Summit.objects.only("pk", "title", "starts_at").order_by("-starts_at"),
        "summit": summit,
        "freeze_form": form,
        "can_freeze": policy.can_edit_summits(request.user),
    }
    if summit is not None:
        commitments = list(
            Commitment.objects.filter(summit=summit)
            .exclude(status="draft")
            .select_related("desk")
            .order_by("due_by", "pk")
        )
        context["timeline"] = timeline(commitments, summit.local_date, timezone.now())
        context["timeline_title"] = gettext(
            "Timeline of %(title)s: each commitment from the meeting to its deadline"
        ) % {"title": summit.title}
        assessments = list(
            Assessment.objects.filter(summit=summit).select_related("created_by").order_by("as_of", "created_at")
        )
        context["assessments"] = assessments
        if len(assessments) >= 2:
            context["comparison"] = assessment_compare(assessments[-2], assessments[-1])
            context["compared"] = (assessments[-2], assessments[-1])
    return TemplateResponse(request, "admin/commitments/report.html", context)
