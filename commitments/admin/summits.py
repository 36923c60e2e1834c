from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import URLPattern, path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from summits.models import Participation, Party, Person, Summit

from ..models import Commitment
from ..workflow import STATUS_COLOURS
from .mixins import HistoryAdmin, PolicyAdminMixin


@admin.register(Party)
class PartyAdmin(PolicyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]


@admin.register(Person)
class PersonAdmin(PolicyAdminMixin, admin.ModelAdmin):
    list_display = ["full_name", "party"]
    list_filter = ["party"]
    list_select_related = ["party"]
    search_fields = ["full_name"]
    autocomplete_fields = ["party"]


class ParticipationInline(PolicyAdminMixin, admin.TabularInline):
    model = Participation
    extra = 0
    autocomplete_fields = ["person", "party"]
    fields = ["order", "person", "party", "role", "capacity"]


class CommitmentInline(PolicyAdminMixin, admin.TabularInline):
    """The summit's commitments, read-only here: each is edited on its own page."""

    model = Commitment
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    fields = ["source_ref", "title", "status_badge", "due_phrase", "due_by"]
    readonly_fields = ["source_ref", "title", "status_badge", "due_phrase", "due_by"]
    verbose_name_plural = _("commitments stated at this meeting")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Commitment]:
        return super().get_queryset(request).select_related("desk").order_by("source_ref", "id")

    @admin.display(description=_("status"))
    def status_badge(self, obj: Commitment) -> str:
        return format_html(
            '<span class="pb-badge" style="background:{}">{}</span>',
            STATUS_COLOURS[obj.status],
            obj.get_status_display(),
        )


class SummitForm(forms.ModelForm):
    source_url = forms.URLField(required=False, max_length=500, assume_scheme="https")

    class Meta:
        model = Summit
        # The admin picks the fields from its fieldsets; every model field is a candidate.
        fields = "__all__"  # noqa: DJ007

    def clean_source_text(self) -> str:
        text: str = self.cleaned_data["source_text"]
        if self.instance.pk:
            missing = [
                ref or title
                for ref, title, quote in self.instance.commitments.values_list("source_ref", "title", "quote")
                if quote not in text
            ]
            if missing:
                raise forms.ValidationError(
                    "The new text no longer contains the quotes of these commitments: %(list)s. "
                    "Keep their words verbatim, or fix the commitments first.",
                    params={"list": "; ".join(missing)},
                )
        return text


@admin.register(Summit)
class SummitAdmin(PolicyAdminMixin, HistoryAdmin):
    form = SummitForm
    list_display = ["title", "kind", "local_start_display", "place", "party_codes", "commitment_count"]
    list_filter = ["kind", "parties"]
    search_fields = ["title", "occasion", "city", "country"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["parties", "follow_up_of"]
    inlines = [ParticipationInline, CommitmentInline]
    readonly_fields = ["local_start_display", "source_text_readable", "source_sha256"]
    fieldsets = [
        (None, {"fields": ["title", "kind", "occasion", ("city", "country"), "parties", "follow_up_of"]}),
        (
            "When",
            {
                "fields": [
                    ("starts_at", "time_zone"),
                    "local_start_display",
                    ("duration_minutes", "planned_duration_minutes"),
                ]
            },
        ),
        ("Points of the meeting", {"fields": ["summary_points"]}),
        (
            "Source record",
            {"fields": [("source_publisher", "source_published_on"), "source_url", "source_text_readable"]},
        ),
        ("Edit the source text", {"classes": ["collapse"], "fields": ["source_text", "source_sha256"]}),
    ]

    change_list_template = "admin/summits/summit/change_list.html"

    def get_urls(self) -> list[URLPattern]:
        from .importer import import_view, review_view

        return [
            path("import/", self.admin_site.admin_view(lambda r: import_view(self, r)), name="summits_summit_import"),
            path(
                "<int:object_id>/review/",
                self.admin_site.admin_view(lambda r, object_id: review_view(self, r, object_id)),
                name="summits_summit_review",
            ),
            *super().get_urls(),
        ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Summit]:
        from django.db.models import Count

        if getattr(request.resolver_match, "url_name", None) == "autocomplete":
            # The autocomplete (the compliance report's summit choice) shows str(summit) only: no count of
            # commitments grouped over the whole table, no parties, no source text, 20 rows a page.
            return super().get_queryset(request).only("pk", "title", "starts_at", "time_zone")
        return (
            super()
            .get_queryset(request)
            .defer("source_text")
            .prefetch_related("parties")
            .annotate(_commitments=Count("commitments", distinct=True))
        )

    @admin.display(description=_("local start"), ordering="starts_at")
    def local_start_display(self, obj: Summit) -> str:
        if not obj.pk:
            return "—"
        # In the meeting's own zone (an aware value is formatted as it is, not in the admin's zone).
        return f"{date_format(obj.local_start, 'DATETIME_FORMAT')} ({obj.time_zone})"

    @admin.display(description=_("place"))
    def place(self, obj: Summit) -> str:
        return ", ".join(p for p in [obj.city, obj.country] if p)

    @admin.display(description=_("parties"))
    def party_codes(self, obj: Summit) -> str:
        return " · ".join(p.code for p in obj.parties.all())

    @admin.display(description=_("commitments"), ordering="_commitments")
    def commitment_count(self, obj: Summit) -> str:
        url = reverse("admin:commitments_commitment_changelist") + f"?summit__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, getattr(obj, "_commitments", 0))

    @admin.display(description=_("source text"))
    def source_text_readable(self, obj: Summit) -> str:
        if not obj.source_text:
            return "—"
        paragraphs = [p for p in obj.source_text.split("\n") if p.strip()]
        return format_html(
            '<div class="pb-source">{}</div>',
            format_html_join("", "<p>{}</p>", ((p,) for p in paragraphs)),
        )
