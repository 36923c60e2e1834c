"""The admin: the staff's main interface. Thin: every write calls a service, every right the policy."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Model, QuerySet
from django.forms import BaseModelFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from summits.models import Summit

from . import policy, selectors, services
from .admin_mixins import HTTPS_URL_FIELDS, AdminOnlyWriteMixin, HistoryAdmin, ReadOnlyAdminMixin
from .forms import BulkTransitionForm, ConditionForm, DeadlineMoveForm, TransitionForm
from .models import Commitment, Desk, DeskMembership, StatusChange, Update
from .paginators import EstimatedCountPaginator
from .workflow import CLOSED_STATUSES, OPEN_STATUSES, STATUS_COLOURS, Status, allowed_next, label

User = get_user_model()


# --- list filters ---------------------------------------------------------------------------------


class OpenClosedFilter(admin.SimpleListFilter):
    title = "open or closed"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("open", "Open"), ("closed", "Closed")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Commitment]) -> QuerySet[Commitment]:
        if self.value() == "open":
            return queryset.filter(status__in=OPEN_STATUSES)
        if self.value() == "closed":
            return queryset.filter(status__in=CLOSED_STATUSES)
        return queryset


class DeadlineFilter(admin.SimpleListFilter):
    title = "deadline"
    parameter_name = "deadline"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("overdue", "Overdue"),
            ("7", "Due in 7 days"),
            ("30", "Due in 30 days"),
            ("none", "No deadline"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Commitment]) -> QuerySet[Commitment]:
        now = timezone.now()
        value = self.value()
        if value == "overdue":
            return queryset.filter(selectors.overdue_q(now))
        if value in ("7", "30"):
            return queryset.filter(selectors.due_within_q(now, int(value)))
        if value == "none":
            return queryset.filter(due_by__isnull=True)
        return queryset


class AttentionFilter(admin.SimpleListFilter):
    title = "needs attention"
    parameter_name = "attention"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("stale", "Stale (no update for a long time)"), ("condition", "Condition pending")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Commitment]) -> QuerySet[Commitment]:
        if self.value() == "stale":
            return queryset.filter(selectors.stale_q(timezone.now()))
        if self.value() == "condition":
            return queryset.filter(selectors.condition_pending_q())
        return queryset


class MineFilter(admin.SimpleListFilter):
    title = "whose"
    parameter_name = "mine"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("owned", "Mine (owner)"), ("watched", "Mine (owner or watcher)")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Commitment]) -> QuerySet[Commitment]:
        if self.value() == "owned":
            return queryset.filter(owner_id=request.user.pk)
        if self.value() == "watched":
            # Exists, not a join: a commitment watched by the owner would otherwise appear twice.
            return queryset.filter(pk__in=Commitment.objects.filter(selectors.mine_q(request.user)).values("pk"))
        return queryset


class PartyFilter(admin.RelatedFieldListFilter):
    """Every party (a short list). Not "only parties in use": that is a DISTINCT over every commitment's
    makers on each page load. Every commitment has a maker, so no "none" choice."""

    include_empty_choice = False


class SummitFilter(admin.SimpleListFilter):
    """The latest meetings, and whichever one is chosen. Listing every meeting since 1990 in the sidebar
    would cost more than the page; older ones are reached from their summit page ("its commitments")."""

    title = "meeting"
    # The parameter Django's own related filter used, so links from summit pages keep working.
    parameter_name = "summit__id__exact"
    LATEST = 12

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        summits = list(
            Summit.objects.order_by("-starts_at", "-id").values_list("pk", "title", "starts_at")[: self.LATEST]
        )
        chosen = self.value()
        if chosen and chosen.isdigit() and int(chosen) not in {pk for pk, _, _ in summits}:
            summits += list(Summit.objects.filter(pk=int(chosen)).values_list("pk", "title", "starts_at"))
        return [(str(pk), f"{title} ({starts_at:%d %b %Y})") for pk, title, starts_at in summits]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Commitment]) -> QuerySet[Commitment]:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(summit_id=int(value))
        return queryset


# --- the commitment form ----------------------------------------------------------------------------


class CommitmentForm(forms.ModelForm):
    # The version the user loaded; compared (under a row lock) with the stored one when saving.
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

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
            self._check_version(cleaned.get("loaded_version"))
            self._check_dependencies(cleaned.get("depends_on"))
        return cleaned

    def _check_version(self, seen: int | None) -> None:
        # Inside the admin's transaction: the lock is held until the save commits, so a concurrent
        # save waits here and then sees the new version (PostgreSQL; SQLite serialises writers).
        current = (
            Commitment.objects.select_for_update().filter(pk=self.instance.pk).values_list("version", flat=True).first()
        )
        if seen is None or current != seen:
            conflict = services.VersionConflict(
                commitment_id=self.instance.pk,
                expected_version=seen or 0,
                current_version=current or 0,
                **services.last_change(self.instance),
            )
            raise ValidationError(str(conflict), code="conflict")

    def _check_dependencies(self, depends_on: QuerySet[Commitment] | None) -> None:
        if not depends_on:
            return
        cycle = selectors.dependency_cycle(self.instance.pk, [c.pk for c in depends_on])
        if cycle:
            raise ValidationError(
                {"depends_on": f"That would make a cycle: {' → '.join(cycle)}. A commitment cannot depend on itself."}
            )


# --- inlines ---------------------------------------------------------------------------------------


class UpdateInline(ReadOnlyAdminMixin, admin.StackedInline):
    """Progress notes: new ones are added here, existing ones are part of the record and stay as written."""

    model = Update
    extra = 0
    fields = ["note", "evidence_url", "evidence_summit", "author", "created_at"]
    readonly_fields = ["author", "created_at"]
    autocomplete_fields = ["evidence_summit"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        obj = args[0] if args else None
        return obj is not None and policy.can_edit_commitment(request.user, obj)


class MembershipInline(AdminOnlyWriteMixin, admin.TabularInline):
    model = DeskMembership
    extra = 0
    autocomplete_fields = ["user"]


# --- the commitment admin ---------------------------------------------------------------------------


@admin.register(Commitment)
class CommitmentAdmin(HistoryAdmin):
    form = CommitmentForm
    formfield_overrides = HTTPS_URL_FIELDS
    change_form_template = "admin/commitments/commitment/change_form.html"
    list_display = [
        "title",
        "summit_short",
        "made_by_codes",
        "deadline",
        "status_badge",
        "markers",
        "owner",
        "desk",
    ]
    list_display_links = ["title"]
    list_filter = [
        "status",
        OpenClosedFilter,
        DeadlineFilter,
        AttentionFilter,
        MineFilter,
        "desk",
        ("made_by", PartyFilter),
        SummitFilter,
        "kind",
    ]
    search_fields = ["title", "quote", "description"]
    # No date_hierarchy: its year and month links are a DISTINCT over the whole filtered table on
    # every page; the deadline filter answers the same questions from an index.
    list_per_page = 50
    # Dated commitments first, soonest deadline first; open-ended ones after them (index
    # commitment_list_order serves the first page without sorting the table).
    ordering = [F("due_by").asc(nulls_last=True), "id"]
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
    actions = ["assign_to_me", "bulk_transition", "export_csv", "export_json"]
    inlines = [UpdateInline]
    readonly_fields = [
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
        return [
            (None, {"fields": ["title", "kind", "modality", "level", "description", "loaded_version"]}),
            ("Source", {"fields": ["summit", "quote", "source_ref"]}),
            ("Who", {"fields": ["made_by", "speaker", "counterparty", "desk", "owner", "watchers"]}),
            ("When", {"fields": deadline}),
            ("Condition", {"fields": condition}),
            ("Links", {"fields": ["depends_on", "reciprocal", "superseded_by"], "classes": ["collapse"]}),
        ]

    # The history page diffs only fields a form edits; these columns show the workflow's own state
    # (status, version, deadline) as it was at each row.
    history_list_display = ["history_status", "history_deadline", "version"]

    @admin.display(description="status")
    def history_status(self, record: Any) -> str:
        return label(record.status)

    @admin.display(description="due by")
    def history_deadline(self, record: Any) -> str:
        return f"{record.due_by:%d %b %Y}" if record.due_by else "—"

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
        return selectors.commitment_list_flagged(timezone.now())

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "desk":
            editable = policy.editable_desk_ids(request.user)
            if editable is not None:
                kwargs["queryset"] = Desk.objects.filter(pk__in=editable)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # -- columns ------------------------------------------------------------------------------------

    @admin.display(description="summit", ordering="summit__starts_at")
    def summit_short(self, obj: Commitment) -> str:
        summit = obj.summit
        return format_html(
            '<span title="{}">{} · {}</span>',
            summit.title,
            summit.country or summit.city or summit.title[:30],
            f"{summit.local_date:%d %b %Y}",
        )

    @admin.display(description="made by")
    def made_by_codes(self, obj: Commitment) -> str:
        codes = [p.code for p in obj.made_by.all()]
        return " + ".join(codes) if codes else "—"

    @admin.display(description="deadline", ordering="due_by")
    def deadline(self, obj: Commitment) -> str:
        phrase = obj.due_phrase or "—"
        if obj.due_by is None:
            return format_html('<span class="pb-phrase">{}</span>', phrase)
        window = f"{obj.due_from:%d %b %Y} – {obj.due_by:%d %b %Y}" if obj.due_from else f"by {obj.due_by:%d %b %Y}"
        return format_html('<span class="pb-phrase">{}</span><br><small>{}</small>', phrase, window)

    @admin.display(description="status", ordering="status")
    def status_badge(self, obj: Commitment) -> str:
        return format_html(
            '<span class="pb-badge pb-status-{}" style="background:{}">{}</span>',
            obj.status,
            STATUS_COLOURS[obj.status],
            obj.get_status_display(),
        )

    @admin.display(description="flags")
    def markers(self, obj: Commitment) -> str:
        flags = []
        if getattr(obj, "is_overdue", False):
            flags.append(("pb-flag pb-overdue", "Past its deadline", "overdue"))
        if getattr(obj, "is_stale", False):
            flags.append(("pb-flag pb-stale", "No update for a long time", "stale"))
        if obj.condition_state == Commitment.ConditionState.PENDING:
            flags.append(("pb-flag pb-conditional", "Waiting on its condition", "condition pending"))
        return format_html_join(" ", '<span class="{}" title="{}">{}</span>', flags) or "—"

    @admin.display(description="due by")
    def due_by_readonly(self, obj: Commitment) -> str:
        return f"{obj.due_by:%d %b %Y}" if obj.due_by else "—"

    @admin.display(description="due from")
    def due_from_readonly(self, obj: Commitment) -> str:
        return f"{obj.due_from:%d %b %Y}" if obj.due_from else "—"

    @admin.display(description="condition state")
    def condition_state_readonly(self, obj: Commitment) -> str:
        return obj.get_condition_state_display() if obj.condition_text else "No condition"

    # -- saving: through the services ---------------------------------------------------------------

    def save_model(self, request: HttpRequest, obj: Commitment, form: forms.ModelForm, change: bool) -> None:
        now = timezone.now()
        if change:
            services.commitment_save(
                commitment=obj, expected_version=form.cleaned_data["loaded_version"], by=request.user, now=now
            )
        else:
            services.commitment_create(commitment=obj, by=request.user, now=now)

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

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        if not policy.can_delete(request.user):
            raise PermissionDenied
        super().delete_model(request, obj)

    # -- the commitment page's workflow panel -------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        own = [
            path("report/", self.admin_site.admin_view(self.report_view), name="commitments_commitment_report"),
            path(
                "import-csv/",
                self.admin_site.admin_view(self.csv_import_view),
                name="commitments_commitment_csv_import",
            ),
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
        ]
        return own + super().get_urls()

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
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
        return {
            "pb_commitment": commitment,
            "pb_status_colour": STATUS_COLOURS[commitment.status],
            "pb_overdue_days": selectors.commitment_days_overdue(commitment, now),
            "pb_stale": selectors.commitment_is_stale(commitment, now),
            "pb_can_transition": can_edit and bool(transition_form.offered),
            "pb_can_condition": can_edit and commitment.is_conditional and commitment.is_open,
            "pb_can_move_deadline": can_supervise and commitment.is_open,
            "transition_form": transition_form,
            "condition_form": condition_form,
            "deadline_form": deadline_form,
            "pb_status_changes": commitment.status_changes.select_related("by").all(),
            "pb_deadline_changes": commitment.deadline_changes.select_related("by").all(),
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
            except services.VersionConflict as conflict:
                form.add_error(None, str(conflict))
            except PermissionDenied as denied:
                form.add_error(None, str(denied) or "You may not do that.")
            except ValidationError as error:
                _add_errors(form, error)
            else:
                self.message_user(request, message, messages.SUCCESS)
                return HttpResponseRedirect(change_url)
        self.message_user(request, "Nothing was changed: see the errors below.", messages.ERROR)
        request.method = "GET"  # draw the page without processing the main form
        return self.change_view(request, str(object_id), extra_context={form_name: form})

    def csv_import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a CSV (as exported); every bad row is listed with its line, and nothing is saved."""
        from .exchange import CsvRejected, import_csv

        if not policy.can_add_commitment(request.user):
            raise PermissionDenied
        errors: list[tuple[int, str]] = []
        upload = request.FILES.get("file") if request.method == "POST" else None
        if upload is not None:
            raw = upload.read()
            try:
                report = import_csv(text=raw.decode("utf-8-sig"), by=request.user, now=timezone.now())
            except UnicodeDecodeError:
                errors = [(0, "The file is not UTF-8 text: save the spreadsheet as CSV UTF-8.")]
            except CsvRejected as rejected:
                errors = rejected.errors
            else:
                self.message_user(request, f"Imported {len(report.created)} commitment(s).", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:commitments_commitment_changelist"))
        return TemplateResponse(
            request,
            "admin/commitments/commitment/csv_import.html",
            {
                **self.admin_site.each_context(request),
                "title": "Import commitments from CSV",
                "opts": self.model._meta,
                "errors": errors,
            },
        )

    def report_view(self, request: HttpRequest) -> HttpResponse:
        from .admin_reports import report_view

        return report_view(self, request)

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
            return f"“{c}” is now {label(change.to_status)}."

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
            return f"The condition of “{c}” is {state}; the status is {updated.get_status_display()}."

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
            return f"The deadline of “{c}” moved: {change.old_due_by or 'none'} → {change.new_due_by or 'none'}."

        return self._panel_post(request, object_id, "deadline_form", form, act)

    # -- actions --------------------------------------------------------------------------------------

    @admin.action(description="Export as CSV (the columns the CSV import reads)")
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Commitment]) -> HttpResponse:
        from .exchange import export_csv

        response = HttpResponse(export_csv(queryset), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="commitments.csv"'
        return response

    @admin.action(description="Export as JSON")
    def export_json(self, request: HttpRequest, queryset: QuerySet[Commitment]) -> HttpResponse:
        from .exchange import export_json

        response = HttpResponse(export_json(queryset), content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="commitments.json"'
        return response

    @admin.action(description="Assign to me")
    def assign_to_me(self, request: HttpRequest, queryset: QuerySet[Commitment]) -> None:
        now = timezone.now()
        done, refused = 0, []
        for commitment in queryset:
            try:
                services.commitment_assign(commitment_id=commitment.pk, owner=request.user, by=request.user, now=now)
                done += 1
            except (PermissionDenied, ValidationError) as error:
                refused.append(f"“{commitment}”: {_error_text(error)}")
        if done:
            self.message_user(request, f"{done} commitment(s) assigned to you.", messages.SUCCESS)
        for line in refused:
            self.message_user(request, f"Not assigned — {line}", messages.WARNING)

    @admin.action(description="Change status (with a note)…")
    def bulk_transition(self, request: HttpRequest, queryset: QuerySet[Commitment]) -> HttpResponse | None:
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
                    refused.append(f"“{commitment}”: {_error_text(error)}")
            target = label(form.cleaned_data["to_status"])
            if done:
                self.message_user(request, f"{done} commitment(s) are now {target}.", messages.SUCCESS)
            for line in refused:
                self.message_user(request, f"Unchanged — {line}", messages.WARNING)
            return None
        return TemplateResponse(
            request,
            "admin/commitments/commitment/bulk_transition.html",
            {
                **self.admin_site.each_context(request),
                "title": "Change the status of the selected commitments",
                "opts": self.model._meta,
                "form": form,
                "commitments": commitments,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )


def _error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or "not allowed"


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            target = field if field in form.fields else None
            for item in field_errors:
                form.add_error(target, " ".join(item.messages))
    else:
        form.add_error(None, " ".join(error.messages))


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The workflow history across all commitments: read-only, written only by the service."""

    list_display = ["recorded_at", "commitment", "from_status", "to_status", "by", "occurred_on", "on_time"]
    list_filter = ["to_status", "on_time"]
    list_select_related = ["commitment", "by"]
    date_hierarchy = "recorded_at"
    search_fields = ["note", "commitment__title"]


@admin.register(Desk)
class DeskAdmin(AdminOnlyWriteMixin, HistoryAdmin):
    list_display = ["name", "time_zone", "party_codes", "member_list"]
    search_fields = ["name"]
    autocomplete_fields = ["parties"]
    inlines = [MembershipInline]
    object_history_template = "admin/commitments/desk/object_history.html"

    def history_extra_context(self, object_id: str) -> dict[str, Any]:
        # Memberships are edited inline on the desk, so the desk's history shows theirs too.
        memberships = DeskMembership.history.filter(desk_id=object_id).select_related("user", "history_user")
        return {"membership_history": memberships.order_by("-history_date")[:200]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Desk]:
        return super().get_queryset(request).prefetch_related("parties", "memberships__user")

    @admin.display(description="parties")
    def party_codes(self, obj: Desk) -> str:
        return ", ".join(p.code for p in obj.parties.all())

    @admin.display(description="members")
    def member_list(self, obj: Desk) -> str:
        return ", ".join(f"{m.user} ({m.get_role_display()})" for m in obj.memberships.all())


# Users and groups: everyone may look people up (owner and watcher autocomplete); only administrators
# change accounts, because groups and desks are what the policy reads.
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class PledgebookUserAdmin(AdminOnlyWriteMixin, HistoryAdmin, UserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Deactivate instead: transitions and history point at the user.
        return False

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if policy.is_admin(request.user):
            return super().get_fieldsets(request, obj)
        return [(None, {"fields": ["username", "first_name", "last_name", "email"]})]


@admin.register(Group)
class PledgebookGroupAdmin(AdminOnlyWriteMixin, HistoryAdmin, GroupAdmin):
    pass


from . import admin_notifications  # noqa: E402,F401  (registers the notification pages)
from .admin_dashboard import install as _install_dashboard  # noqa: E402

_install_dashboard(admin.site)
