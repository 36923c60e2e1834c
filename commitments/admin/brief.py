"""The brief before a meeting: choose the counterpart (a party, or a planned meeting), read and print."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from summits.models import Party, Summit

from .. import policy
from ..models import Commitment
from ..reports.brief import BriefRefused, BriefSubject, brief_get, brief_subject


class BriefForm(forms.Form):
    """Codes and an id, as the API takes them; brief_subject checks them and says what is wrong."""

    party = forms.CharField(label=_("Counterpart"), required=False)
    meeting = forms.ModelChoiceField(
        label=_("…or a planned meeting"),
        queryset=Summit.objects.defer("source_text"),
        required=False,
        help_text=_("Its parties besides ours are the counterpart."),
    )
    home = forms.CharField(label=_("Our side"), required=False)

    def __init__(self, *args: Any, site: admin.AdminSite, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parties = [(p.code, f"{p.name} ({p.code})") for p in Party.objects.only("code", "name").order_by("name")]
        self.fields["party"].widget = forms.Select(choices=[("", "—"), *parties])
        self.fields["home"].widget = forms.Select(choices=[("", gettext("Ours (the ministry's)")), *parties])
        # Meetings are many: searched as typed, like the commitment form's summit.
        meeting = self.fields["meeting"]
        assert isinstance(meeting, forms.ModelChoiceField)
        meeting.widget = AutocompleteSelect(Commitment._meta.get_field("summit"), site, attrs={"style": "width: 24em"})
        meeting.widget.choices = meeting.choices  # what the field sets on the widget it was made with
        self.subject: BriefSubject | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        meeting = data.get("meeting")
        try:
            self.subject = brief_subject(
                party=data.get("party") or "", home=data.get("home") or "", meeting=str(meeting.pk) if meeting else ""
            )
        except BriefRefused as refused:
            for name, messages in refused.fields.items():
                for message in messages:
                    self.add_error(name, message)
        return data


def brief_view(model_admin: admin.ModelAdmin[Commitment], request: HttpRequest) -> HttpResponse:
    if not policy.can_view(request.user):
        raise PermissionDenied
    asked = any(request.GET.get(name) for name in ("party", "meeting", "home"))
    form = BriefForm(request.GET if asked else None, site=model_admin.admin_site)
    brief = brief_get(form.subject, now=timezone.now()) if asked and form.is_valid() and form.subject else None
    context: dict[str, Any] = {
        **model_admin.admin_site.each_context(request),
        "title": brief.title if brief else gettext("Brief before a meeting"),
        "opts": model_admin.model._meta,
        "form": form,
        "brief": brief,
        "api_query": request.GET.urlencode(),
    }
    return TemplateResponse(request, "admin/commitments/brief.html", context)
