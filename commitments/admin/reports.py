"""The compliance report page: scores per summit, party and desk, charts, and frozen assessments."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from summits.models import Summit
from summits.selectors import summit_heading_get

from .. import policy
from ..models import Assessment, Commitment
from ..reports.charts import status_bars, status_bars_svg, timeline, timeline_rows, timeline_svg
from ..reports.compliance import assessment_compare, assessment_freeze
from ..reports.summaries import report_get, summit_report
from .links import change_path_parts


def _summit_field(admin_site: admin.AdminSite, *, required: bool = True) -> forms.ModelChoiceField[Summit]:
    """A summit chosen by typing its title: Django admin's autocomplete (SummitAdmin's search, 20 at a time),
    never a <select> of every summit. Only the chosen one is rendered, read without its source text."""
    return forms.ModelChoiceField(
        label=_("Summit"),
        required=required,
        queryset=Summit.objects.only("pk", "title", "starts_at", "time_zone"),
        widget=AutocompleteSelect(Commitment._meta.get_field("summit"), admin_site),
    )


class SummitChoiceForm(forms.Form):
    """The summit to look at (GET ?summit=), on the whole report."""

    def __init__(self, *args: Any, admin_site: admin.AdminSite, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["summit"] = _summit_field(admin_site, required=False)


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
        summit = _summit_field(admin_site)
        if known is not None:
            # Come from a summit's report, the assessment is of that summit: carried in the form, not chosen
            # again (a search-as-you-type box for the summit named in the title would only invite a mistake).
            summit.widget = forms.HiddenInput()
        self.fields = {"summit": summit, **self.fields}  # first, as it always was


def _summit_asked(request: HttpRequest) -> Summit | None:
    """The summit named by ?summit=<id>, read without its source text; None when none (or no such one) is."""
    asked = request.GET.get("summit") or ""
    return summit_heading_get(int(asked)) if asked.isdigit() else None


def _page_url(request: HttpRequest, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return f"?{query.urlencode()}#by-summit"


def report_view(model_admin: admin.ModelAdmin[Commitment], request: HttpRequest) -> HttpResponse:
    """The whole report, or one summit's (?summit=<id>). It only reads: an assessment is kept on its own page
    (assess_view), one link away, so the report carries no form a reader does not use."""
    if not policy.can_view(request.user):
        raise PermissionDenied
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    site = model_admin.admin_site
    now = timezone.now()
    summit = _summit_asked(request)
    context: dict[str, Any] = {
        **site.each_context(request),
        "opts": model_admin.model._meta,
        "summit": summit,
        "can_freeze": policy.can_edit_summits(request.user),
    }
    context.update(_all_summits(request, now, site) if summit is None else _one_summit(summit, now))
    return TemplateResponse(request, "admin/commitments/report.html", context)


def assess_view(model_admin: admin.ModelAdmin[Commitment], request: HttpRequest) -> HttpResponse:
    """Keep an assessment: a summit's scores as they stood on a day (assessment_freeze). Reached from the report
    (?summit=<id>: that summit, carried in the form; without it, chosen by typing its title); once kept, the
    summit's report, where the new assessment is listed and compared with the one before."""
    if not policy.can_edit_summits(request.user):
        raise PermissionDenied
    site = model_admin.admin_site
    summit = _summit_asked(request)
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
                now=timezone.now(),
                as_of=form.cleaned_data["as_of"],
            )
        except ValidationError as refused:
            form.add_error(None, refused)
        else:
            model_admin.message_user(
                request, gettext("Kept: %(assessment)s.") % {"assessment": assessment}, messages.SUCCESS
            )
            target = reverse("admin:commitments_commitment_report") + f"?summit={assessment.summit_id}#assessments"
            return HttpResponseRedirect(target)
    title = (
        gettext("Keep an assessment of %(title)s") % {"title": summit.title}
        if summit
        else gettext("Keep an assessment")
    )
    context: dict[str, Any] = {
        **site.each_context(request),
        "opts": model_admin.model._meta,
        "title": title,
        "summit": summit,
        "form": form,
        "media": form.media,
        # What was kept of this summit already (a second final one would be refused): kind and day.
        "kept": list(Assessment.objects.filter(summit=summit).only("kind", "as_of").order_by("as_of", "created_at"))
        if summit
        else [],
    }
    return TemplateResponse(request, "admin/commitments/assess.html", context)


def _all_summits(request: HttpRequest, now: datetime, site: admin.AdminSite) -> dict[str, Any]:
    """The whole report, from the kept summaries: overall, by party, one page of summits, by desk; and a box to
    choose a summit by typing its title."""
    search = request.GET.get("q", "")
    chooser = SummitChoiceForm(admin_site=site, auto_id="pb-%s")
    report = report_get(now=now, search=search, page=request.GET.get("page") or 1)
    page = report.page
    return {
        "title": gettext("Compliance report"),
        "report": report,
        "overall": report.overall,
        "by_summit": report.by_summit,
        "by_party": report.by_party,
        "by_desk": report.by_desk,
        "bars_svg": status_bars_svg(status_bars(report.by_party)),
        "search": search,
        "page_obj": page,
        "previous_url": _page_url(request, page.previous_page_number()) if page.has_previous() else "",
        "next_url": _page_url(request, page.next_page_number()) if page.has_next() else "",
        "summit_form": chooser,
        "media": chooser.media,
    }


def _one_summit(summit: Summit, now: datetime) -> dict[str, Any]:
    """One summit's report, computed now from its commitments only: its figures by party and desk, its
    timeline and its assessments. The whole report's tables are not drawn beside it (they are one link away):
    a page about one meeting costs what that meeting holds, whatever the size of the rest."""
    figures = summit_report(summit)
    drawn = timeline(timeline_rows(summit.pk), summit.local_date, now)
    assessments = list(
        Assessment.objects.filter(summit=summit).select_related("created_by").order_by("as_of", "created_at")
    )
    context: dict[str, Any] = {
        "title": gettext("Compliance report: %(title)s") % {"title": summit.title},
        "summit_rows": [figures.summit],
        "by_party": figures.by_party,
        "by_desk": figures.by_desk,
        "bars_svg": status_bars_svg(status_bars(figures.by_party)),
        "timeline": drawn,
        "change_path": change_path_parts(),
        "timeline_svg": timeline_svg(
            drawn,
            gettext("Timeline of %(title)s: each commitment from the meeting to its deadline")
            % {"title": summit.title},
        ),
        "assessments": assessments,
    }
    if len(assessments) >= 2:
        context["comparison"] = assessment_compare(assessments[-2], assessments[-1])
        context["compared"] = (assessments[-2], assessments[-1])
    return context
