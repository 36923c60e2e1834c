"""The commitment pages: the triage list, the change form and the status history.

Thin: every write calls a service, every right is the policy's. The workflow panel above the form is
panel.py, the list's filters filters.py and its actions actions.py.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.views.main import ORDER_VAR, SEARCH_VAR, ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import F, Model, QuerySet
from django.forms import BaseModelFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.paginators import EstimatedCountPaginator
from summits.models import Summit

from .. import policy, rules, search, selectors, services
from ..deadlines import deadline_reading, window_words
from ..models import Commitment, Desk, StatusChange, Update
from ..workflow import STATUS_COLOURS, label
from . import actions as list_actions
from . import conflicts
from .filters import (
    AttentionFilter,
    DeadlineFilter,
    MineFilter,
    OpenClosedFilter,
    PartyFilter,
    SummitFilter,
    UrgencyFilter,
)
from .forms import CommitmentForm
from .links import change_path_parts
from .mixins import HTTPS_URL_FIELDS, ReadOnlyAdminMixin
from .panel import WorkflowPanelAdmin

# The urgency words of the bands that ask for attention wear the flag colours the list always used.
URGENCY_FLAGS = {
    rules.Band.OVERDUE: "pb-flag pb-overdue",
    rules.Band.DUE_SOON: "pb-flag pb-soon",
    rules.Band.CONDITION: "pb-flag pb-conditional",
    rules.Band.STALE: "pb-flag pb-stale",
}


class UpdateInline(ReadOnlyAdminMixin, admin.StackedInline):
    """Adding a progress note: one empty form at the top of the edit form. Notes already written are part
    of the record and are read in the page's activity stream (selectors.commitment_activity), not here."""

    model = Update
    extra = 1
    max_num = 1
    fields = ["note", "evidence_url", "evidence_summit"]
    autocomplete_fields = ["evidence_summit"]
    can_delete = False
    verbose_name = _("new progress update")
    verbose_name_plural = _("Add a progress update")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Update]:
        # Told once, in the activity stream: the inline only adds.
        return super().get_queryset(request).none()

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        obj = args[0] if args else None
        return obj is not None and policy.can_edit_commitment(request.user, obj)


class CommitmentChangeList(ChangeList):
    """The list: its rows with their summits, desks and owners read for the page alone (commitment_page_related)."""

    def get_queryset(self, request: HttpRequest, exclude_parameters: Any = None) -> QuerySet[Commitment]:
        return selectors.commitment_page_related(super().get_queryset(request, exclude_parameters))


# Django's own words for the row's checkbox, translated by Django's own catalogue (named, not written in a gettext
# call, so that makemessages leaves them to Django rather than copying them into ours).
DJANGO_ROW_CHECKBOX_LABEL = "Select this object for an action - {}"


@admin.register(Commitment)
class CommitmentAdmin(WorkflowPanelAdmin):
    form = CommitmentForm
    formfield_overrides = HTTPS_URL_FIELDS
    change_form_template = "admin/commitments/commitment/change_form.html"
    # Triage first: what it is, its status, how urgent and what to do next, when it last moved, whose it is;
    # then the deadline as written and where it comes from. On a phone the CSS keeps the first three.
    list_display = [
        "title_link",
        "status_badge",
        "urgency",
        "last_update",
        "owner",
        "deadline",
        "summit_short",
        "made_by_codes",
        "desk",
    ]
    # The title links to the commitment itself (title_link below): Django's own row link parses and
    # resolves the page's URL again for every row to carry the filters along (~0.3 ms a row, a fifth of what
    # a row of this list costs); the same link is built here from parts read once a page.
    list_display_links = None
    list_filter = [
        "status",
        OpenClosedFilter,
        UrgencyFilter,
        DeadlineFilter,
        AttentionFilter,
        MineFilter,
        "desk",
        ("made_by", PartyFilter),
        SummitFilter,
        "kind",
    ]
    # What the search box reads (the words themselves are matched by search.commitment_search, not by the
    # admin's own OR of `icontains` over these, which no index served); naming them shows the box.
    search_fields = ["title", "title_other", "quote", "quote_other", "description", "updates__note"]
    search_help_text = _(
        "Every word must occur in the title or the quote (in either language), the description or a progress note."
    )
    # No date_hierarchy: its year and month links are a DISTINCT over the whole filtered table on
    # every page; the deadline filter answers the same questions from an index.
    list_per_page = 50
    # By urgency, as far as an index can serve it: open before closed, then by deadline — the overdue lead,
    # most overdue first, then the soonest due —, open-ended ones last (selectors.triage_order). An ORDER BY
    # on `now`-dependent bands would sort every row of a million on each page; this one reads the index
    # commitment_triage_order. The urgency column names each row's band in words.
    ordering = selectors.triage_order()
    # An exact COUNT(*) of a million rows costs more than the page itself: the total is not shown,
    # and the filtered result is counted exactly only when the planner expects it to be small.
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    autocomplete_fields = [
        "summit",
        "speaker",
        "counterparty",
        "desk",
        "owner",
        "watchers",
        "made_by",
        "depends_on",
        "reciprocal",
        "superseded_by",
    ]
    actions = [
        list_actions.assign_to_me,
        list_actions.bulk_transition,
        list_actions.export_csv,
        list_actions.export_json,
    ]
    inlines = [UpdateInline]
    readonly_fields = [
        "due_rule",  # set by the system: how the window was read, or "typed"
        "status_badge",
        "due_by_readonly",
        "due_from_readonly",
        "original_due_by",
        "condition_state_readonly",
        "overdue_since",
        "version",
        "created_at",
        "updated_at",
    ]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list[tuple[str | None, dict[str, Any]]]:
        deadline = (
            ["due_phrase", ("due_from", "due_by"), "due_precision", "due_rule"]
            if obj is None
            else [
                "due_phrase",
                ("due_from_readonly", "due_by_readonly"),
                "original_due_by",
                "due_precision",
                "due_rule",
            ]
        )
        condition = (
            ["condition_text", "condition_state"] if obj is None else ["condition_text", "condition_state_readonly"]
        )
        conflict = [] if obj is None else ["conflict_from", "conflict_mine"]  # hidden; see conflicts.py
        return [
            (
                None,
                {"fields": ["title", "kind", "modality", "level", "description", "loaded_version", *conflict]},
            ),
            (gettext("Source"), {"fields": ["summit", "quote", "source_ref"]}),
            (gettext("Who"), {"fields": ["made_by", "speaker", "counterparty", "desk", "owner", "watchers"]}),
            (gettext("When"), {"fields": deadline}),
            (gettext("Condition"), {"fields": condition}),
            (gettext("Links"), {"fields": ["depends_on", "reciprocal", "superseded_by"], "classes": ["collapse"]}),
        ]

    # The history page diffs only fields a form edits; these columns show the workflow's own state
    # (status, version, deadline) as it was at each row.
    history_list_display = ["history_status", "history_deadline", "version"]

    @admin.display(description=_("status"))
    def history_status(self, record: Any) -> str:
        return label(record.status)

    @admin.display(description=_("deadline"))
    def history_deadline(self, record: Any) -> str:
        return date_format(record.due_by) if record.due_by else "—"

    # -- permissions: the policy decides -----------------------------------------------------------

    def has_module_permission(self, request: HttpRequest) -> bool:
        return policy.can_view(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policy.can_view(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return policy.can_add_commitment(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:
            return policy.can_add_commitment(request.user)
        return policy.can_edit_commitment(request.user, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policy.can_delete(request.user)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if not policy.can_add_commitment(request.user):
            actions.pop("assign_to_me", None)
            actions.pop("bulk_transition", None)
        # Exports are reading: every role may export what it can see.
        return actions

    # -- queries ------------------------------------------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> QuerySet[Commitment]:
        # No flags annotated: a list page's are judged in Python for its fifty rows (get_changelist_instance), by
        # the same rules the annotations state; annotated, they were computed for every row the page is chosen from.
        return selectors.commitment_list()

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return CommitmentChangeList

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        # Here, not in get_search_results, which the autocomplete widgets call too (a message would wait there
        # for the next page).
        if search.too_short(request.GET.get(SEARCH_VAR, "")):
            self.message_user(request, search.TOO_SHORT, messages.WARNING)
        return super().changelist_view(request, extra_context)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Commitment], search_term: str
    ) -> tuple[QuerySet[Commitment], bool]:
        # The API's `?q=` and this box give the same rows (search.py); no join, so never a duplicate row.
        found = search.commitment_search(queryset, search_term)
        if "search_rank" in found.query.annotations and ORDER_VAR not in request.GET:
            # Titles holding every word first, then the order the list had (the changelist orders before it
            # searches; its order ends with the id, so pages do not overlap). A column the user sorts by wins.
            listed: list[Any] = list(queryset.query.order_by) or list(Commitment._meta.ordering or [])
            found = found.order_by(F("search_rank"), *listed)
        return found, False

    def get_inline_instances(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        # The updates inline only adds: nothing to show to someone who may not add one.
        return [
            inline
            for inline in super().get_inline_instances(request, obj)
            if not isinstance(inline, UpdateInline) or inline.has_add_permission(request, obj)
        ]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        form.recorded_by = request.user  # a class made for this request: who records a new commitment
        return form

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "desk":
            editable = policy.editable_desk_ids(request.user)
            if editable is not None:
                kwargs["queryset"] = Desk.objects.filter(pk__in=editable)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # -- columns ------------------------------------------------------------------------------------

    @admin.display(description=_("summit"), ordering="summit__starts_at")
    def summit_short(self, obj: Commitment) -> str:
        summit = obj.summit
        return format_html(
            '<span title="{}">{} · {}</span>',
            summit.title,
            summit.country or summit.city or summit.title[:30],
            date_format(summit.local_date),
        )

    @admin.display(description=_("made by"))
    def made_by_codes(self, obj: Commitment) -> str:
        codes = [p.code for p in obj.made_by.all()]
        return " + ".join(codes) if codes else "—"

    @admin.display(description=_("deadline"), ordering="due_by")
    def deadline(self, obj: Commitment) -> str:
        phrase = obj.due_phrase or "—"
        if obj.due_by is None:
            return format_html('<span class="pb-phrase">{}</span>', phrase)
        return format_html(
            '<span class="pb-phrase">{}</span><br><small>{}</small>', phrase, window_words(obj.due_from, obj.due_by)
        )

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj: Commitment) -> str:
        return format_html(
            '<span class="pb-badge pb-status-{}" style="background:{}">{}</span>',
            obj.status,
            STATUS_COLOURS[obj.status],
            # Not get_status_display(): Django builds the choices' dict on every call, translating each label
            # (a tenth of a millisecond a row, of a list page's ~1 ms a row).
            label(obj.status),
        )

    # The page's rows judged once, as of one moment (the list is an edge: it asks the clock), and the link to
    # each row's page built from parts read once: the change page's URL around the id, and the list's filters,
    # which the change page carries back to this list when it is saved (the admin's "preserved filters").
    def get_changelist_instance(self, request: HttpRequest) -> Any:
        changelist = super().get_changelist_instance(request)
        now = timezone.now()
        head, tail = change_path_parts()
        filters = changelist.preserved_filters  # "_changelist_filters=…", urlencoded; empty without filters
        tail += f"?{filters}" if filters else ""
        for row in changelist.result_list:
            row.pb_urgency = selectors.commitment_urgency(row, now)
            row.pb_stale = selectors.commitment_is_stale(row, now)
            row.pb_now = now
            row.pb_link = f"{head}/{row.pk}/{tail}"
        return changelist

    # The row's checkbox, as Django's own column writes it, without rendering a form widget through the template
    # engine for every row (~0.5 ms a row, the most expensive cell of the list).
    @admin.display(description=mark_safe('<input type="checkbox" id="action-toggle">'))
    def action_checkbox(self, obj: Commitment) -> str:
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(gettext(DJANGO_ROW_CHECKBOX_LABEL), str(obj)),
        )

    @admin.display(description=_("title"), ordering="title")
    def title_link(self, obj: Commitment) -> str:
        return format_html('<a href="{}">{}</a>', obj.pb_link, obj.title)  # type: ignore[attr-defined]

    @admin.display(description=_("urgency"))
    def urgency(self, obj: Commitment) -> str:
        found: rules.Urgency = obj.pb_urgency  # type: ignore[attr-defined]  # set by get_changelist_instance
        words = format_html('<span class="{}">{}</span>', URGENCY_FLAGS.get(found.band, "pb-when"), found.words)
        # Stale is a second signal: an overdue or due-soon row says so first, and this says nobody updated it.
        if obj.pb_stale and found.band != rules.Band.STALE:  # type: ignore[attr-defined]  # as pb_urgency
            stale = '{} <span class="pb-flag pb-stale" title="{}">{}</span>'
            words = format_html(stale, words, gettext("No update for a long time"), gettext("stale"))
        if not found.action:
            return words
        return format_html(
            '{}<br><small class="pb-next">{}</small>', words, gettext("next: %(action)s") % {"action": found.action}
        )

    @admin.display(description=_("last update"), ordering="last_activity_at")
    def last_update(self, obj: Commitment) -> str:
        """How long ago its last transition, progress note or deadline move was (what "stale" measures)."""
        now = obj.pb_now  # type: ignore[attr-defined]  # set for the page's rows by get_changelist_instance
        if now - obj.last_activity_at < timedelta(minutes=1):
            ago = gettext("just now")
        else:
            ago = gettext("%(ago)s ago") % {"ago": timesince(obj.last_activity_at, now, depth=1)}
        return format_html(
            '<span title="{}">{}</span>', date_format(timezone.localtime(obj.last_activity_at), "DATETIME_FORMAT"), ago
        )

    @admin.display(description=_("due by"))
    def due_by_readonly(self, obj: Commitment) -> str:
        return date_format(obj.due_by) if obj.due_by else "—"

    @admin.display(description=_("due from"))
    def due_from_readonly(self, obj: Commitment) -> str:
        return date_format(obj.due_from) if obj.due_from else "—"

    @admin.display(description=_("condition state"))
    def condition_state_readonly(self, obj: Commitment) -> str:
        return obj.get_condition_state_display() if obj.condition_text else gettext("No condition")

    # -- saving: through the services ---------------------------------------------------------------

    def save_model(self, request: HttpRequest, obj: Commitment, form: forms.ModelForm, change: bool) -> None:
        now = timezone.now()
        if change:
            services.commitment_save(
                commitment=obj, expected_version=form.cleaned_data["loaded_version"], by=request.user, now=now
            )
        else:
            services.commitment_create(commitment=obj, by=request.user, now=now)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if change and "made_by" in form.changed_data:
            # A party taken off the makers takes its own outcome with it (services.outcomes_prune).
            services.outcomes_prune(commitment=form.instance, by=request.user)

    def save_formset(self, request: HttpRequest, form: Any, formset: BaseModelFormSet, change: bool) -> None:
        if formset.model is not Update:
            super().save_formset(request, form, formset, change)
            return
        now = timezone.now()
        created = []
        for update_form in formset.extra_forms:
            if not update_form.has_changed():
                continue
            data = update_form.cleaned_data
            created.append(
                services.update_add(
                    commitment_id=form.instance.pk,
                    note=data["note"],
                    evidence_url=data.get("evidence_url", ""),
                    evidence_summit=data.get("evidence_summit"),
                    by=request.user,
                    now=now,
                )
            )
        # What the admin's change message (the LogEntry) reports about this formset.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = created, [], []

    def response_change(self, request: HttpRequest, obj: Any) -> HttpResponse:
        if conflicts.THEIRS in request.POST or conflicts.MINE in request.POST:
            # A conflict resolved from the banner: back to the page, to see the result.
            self.message_user(
                request,
                gettext("“%(commitment)s” was saved with the values you chose.") % {"commitment": obj},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        if not policy.can_delete(request.user):
            raise PermissionDenied
        super().delete_model(request, obj)

    # -- pages of the list: the compliance report, the brief and the CSV import --------------------------

    def get_urls(self) -> list[URLPattern]:
        own = [
            path("report/", self.admin_site.admin_view(self.report_view), name="commitments_commitment_report"),
            path(
                "report/assess/",
                self.admin_site.admin_view(self.assess_view),
                name="commitments_commitment_assess",
            ),
            path("brief/", self.admin_site.admin_view(self.brief_view), name="commitments_commitment_brief"),
            path(
                "import-csv/",
                self.admin_site.admin_view(self.csv_import_view),
                name="commitments_commitment_csv_import",
            ),
            path(
                "read-deadline/",
                self.admin_site.admin_view(self.read_deadline_view),
                name="commitments_commitment_read_deadline",
            ),
        ]
        return own + super().get_urls()

    def read_deadline_view(self, request: HttpRequest) -> JsonResponse:
        """How a deadline phrase reads for the chosen meeting: the form shows it as staff type."""
        if not policy.can_view(request.user):
            raise PermissionDenied
        summit_id = request.GET.get("summit", "")
        summit = (
            Summit.objects.filter(pk=int(summit_id)).only("starts_at", "time_zone").first()
            if summit_id.isdigit()
            else None
        )
        return JsonResponse(deadline_reading(request.GET.get("phrase", ""), summit.local_date if summit else None))

    def report_view(self, request: HttpRequest) -> HttpResponse:
        from .reports import report_view

        return report_view(self, request)

    def assess_view(self, request: HttpRequest) -> HttpResponse:
        from .reports import assess_view

        return assess_view(self, request)

    def brief_view(self, request: HttpRequest) -> HttpResponse:
        from .brief import brief_view

        return brief_view(self, request)

    def csv_import_view(self, request: HttpRequest) -> HttpResponse:
        return list_actions.csv_import_view(self, request)


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The workflow history across all commitments: read-only, written only by the service."""

    list_display = ["recorded_at", "commitment", "from_status", "to_status", "by", "occurred_on", "on_time"]
    list_filter = ["to_status", "on_time"]
    list_select_related = ["commitment", "by"]
    date_hierarchy = "recorded_at"
    search_fields = ["note", "commitment__title"]
