"""The compliance report page: scores per summit, party and desk, charts, and frozen assessments."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
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
from ..reports.charts import TIMELINE_COLUMNS, status_bars, timeline
from ..reports.compliance import assessment_compare, assessment_freeze
from ..reports.summaries import report_get, summit_report


class KnownSummitSelect(AutocompleteSelect):
    """Django admin's autocomplete, told the summit the page has already read (`known`): when that is the one
    chosen, its option is written from it, where AutocompleteSelect would read it again (once per form)."""

    def __init__(self, *args: Any, known: Summit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.known = known

    def optgroups(self, name: str, value: Sequence[str], attr: dict[str, Any] | None = None) -> list[Any]:
        known = self.known
        chosen = [str(v) for v in value if v not in self.choices.field.empty_values]
        if known is None or chosen != [str(known.pk)]:
            return list(super().optgroups(name, value, attr))
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        label = self.choices.field.label_from_instance(known)
        options.append(self.create_option(name, known.pk, label, True, len(options)))
        return [(None, options, 0)]


def _summit_field(
    admin_site: admin.AdminSite, *, required: bool = True, known: Summit | None = None
) -> forms.ModelChoiceField[Summit]:
    """A summit chosen by typing its title: Django admin's autocomplete (SummitAdmin's search, 20 at a time),
    never a <select> of every summit. Only the chosen one is rendered, read without its source text (or not
    read at all when it is the `known` one)."""
    return forms.ModelChoiceField(
        label=_("Summit"),
        required=required,
        queryset=Summit.objects.only("pk", "title", "starts_at", "time_zone"),
        widget=KnownSummitSelect(Commitment._meta.get_field("summit"), admin_site, known=known),
    )


class SummitChoiceForm(forms.Form):
    """The summit to look at (GET ?summit=)."""

    def __init__(self, *args: Any, admin_site: admin.AdminSite, known: Summit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["summit"] = _summit_field(admin_site, required=False, known=known)


class FreezeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Assessment.Kind.choices)
    as_of = forms.DateField(
        label=_("As of"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The day the scores describe (each commitment's status then); empty: today."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 60}))

    def __init__(self, *args: Any, admin_site: admin.AdminSite, known: Summit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        summit = _summit_field(admin_site, known=known)
        if known is not None:
            # On a summit's page the assessment is of that summit: carried in the form, not chosen again (a
            # second search-as-you-type box for the summit already on screen would only invite a mistake).
            summit.widget = forms.HiddenInput()
        self.fields = {"summit": summit, **self.fields}  # first, as it always was


def _page_url(request: HttpRequest, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return f"?{query.urlencode()}#by-summit"


def report_view(model_admin: admin.ModelAdmin[Commitment], request: HttpRequest) -> HttpResponse:
    if not policy.can_view(request.user):
        raise PermissionDenied
    site = model_admin.admin_site
    now = timezone.now()
    summit = (
        Summit.objects.only("pk", "title", "starts_at", "time_zone").filter(pk=request.GET.get("summit") or 0).first()
        if (request.GET.get("summit") or "").isdigit()
        else None
    )
    # Keeping an assessment is done while looking at a summit: the form starts on that one.
    form = FreezeForm(
        request.POST or None, initial={"summit": summit.pk} if summit else None, admin_site=site, known=summit
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessment = assessment_freeze(
                summit=form.cleaned_data["summit"],
                kind=form.cleaned_data["kind"],
                note=form.cleaned_data["note"],
                by=request.user,
                now=now,
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
    chooser = SummitChoiceForm(
        initial={"summit": summit.pk} if summit else None, admin_site=site, known=summit, auto_id="pb-%s"
    )
    context: dict[str, Any] = {
        **site.each_context(request),
        "opts": model_admin.model._meta,
        "summit": summit,
        "summit_form": chooser,
        "media": chooser.media + form.media,
        "freeze_form": form,
        "can_freeze": policy.can_edit_summits(request.user),
    }
    context.update(_all_summits(request, now) if summit is None else _one_summit(summit, now))
    return TemplateResponse(request, "admin/commitments/report.html", context)


def _all_summits(request: HttpRequest, now: datetime) -> dict[str, Any]:
    """The whole report, from the kept summaries: overall, by party, one page of summits, by desk."""
    search = request.GET.get("q", "")
    report = report_get(now=now, search=search, page=request.GET.get("page") or 1)
    page = report.page
    return {
        "title": gettext("Compliance report"),
        "report": report,
        "overall": report.overall,
        "by_summit": report.by_summit,
        "by_party": report.by_party,
        "by_desk": report.by_desk,
        "bars": status_bars(report.by_party),
        "search": search,
        "page_obj": page,
        "previous_url": _page_url(request, page.previous_page_number()) if page.has_previous() else "",
        "next_url": _page_url(request, page.next_page_number()) if page.has_next() else "",
    }


def _one_summit(summit: Summit, now: datetime) -> dict[str, Any]:
    """One summit's report, computed now from its commitments only: its figures by party and desk, its
    timeline and its assessments. The whole report's tables are not drawn beside it (they are one link away):
    a page about one meeting costs what that meeting holds, whatever the size of the rest."""
    figures = summit_report(summit)
    # The columns the timeline draws and its overdue rule reads (with the desk's zone), not the whole rows with
    # their quotes and descriptions.
    commitments = list(
        Commitment.objects.filter(summit=summit)
        .exclude(status="draft")
        .select_related("desk")
        .only(*TIMELINE_COLUMNS)
        .order_by("due_by", "pk")
    )
    assessments = list(
        Assessment.objects.filter(summit=summit).select_related("created_by").order_by("as_of", "created_at")
    )
    context: dict[str, Any] = {
        "title": gettext("Compliance report: %(title)s") % {"title": summit.title},
        "summit_rows": [figures.summit],
        "by_party": figures.by_party,
        "by_desk": figures.by_desk,
        "bars": status_bars(figures.by_party),
        "timeline": timeline(commitments, summit.local_date, now),
        "timeline_title": gettext("Timeline of %(title)s: each commitment from the meeting to its deadline")
        % {"title": summit.title},
        "assessments": assessments,
    }
    if len(assessments) >= 2:
        context["comparison"] = assessment_compare(assessments[-2], assessments[-1])
        context["compared"] = (assessments[-2], assessments[-1])
    return context
