"""Admin pages for notifications: my notifications, my preferences, and the sweep's record."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .. import policy
from ..locale import language_remember
from ..models import Notification, NotificationKind, NotificationPreference, SweepRun
from ..notifications.create import notifications_mark_read
from ..notifications.emails import notification_headline
from ..reports.calendar import calendar_feed_issue, calendar_feed_of, calendar_feed_revoke
from .mixins import NotFoundAdminMixin, ReadOnlyAdminMixin


class UnreadFilter(admin.SimpleListFilter):
    title = "read"
    parameter_name = "unread"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("1", "Unread"), ("0", "Read")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Notification]) -> QuerySet[Notification]:
        if self.value() == "1":
            return queryset.filter(read_at__isnull=True)
        if self.value() == "0":
            return queryset.filter(read_at__isnull=False)
        return queryset


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """My notifications: only the signed-in user's own, newest first."""

    list_display = ["created_at", "kind", "message_link", "read_state"]
    # The message links to its commitment (and marks it read); there is no separate detail page.
    list_display_links = None
    list_filter = [UnreadFilter, "kind"]
    list_per_page = 50
    actions = ["mark_read"]
    change_list_template = "admin/commitments/notification/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Notification]:
        return super().get_queryset(request).filter(recipient_id=request.user.pk).select_related("commitment", "actor")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Marking one's own notifications read is the only change, through the actions below.
        return policy.can_view(request.user) and (obj is None or obj.recipient_id == request.user.pk)

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        return super().changelist_view(request, {"title": gettext("My notifications"), **(extra_context or {})})

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:pk>/open/",
                self.admin_site.admin_view(self.open_view),
                name="commitments_notification_open",
            ),
            path(
                "read-all/",
                self.admin_site.admin_view(self.read_all_view),
                name="commitments_notification_read_all",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("notification"))
    def message_link(self, obj: Notification) -> str:
        url = reverse("admin:commitments_notification_open", args=[obj.pk])
        link = format_html(
            '<a href="{}" class="{}">{}</a>', url, "" if obj.read_at is None else "pb-read", notification_headline(obj)
        )
        reason = format_html_join(
            "",
            '<br><small class="pb-reason">{}{}</small>',
            [
                (gettext("%(label)s: ") % {"label": label}, value)
                for label, value in ((gettext("Note"), obj.note), (gettext("Evidence"), obj.evidence_url))
                if value
            ],
        )
        return format_html("{}{}", link, reason)

    @admin.display(description=_("read"), boolean=True)
    def read_state(self, obj: Notification) -> bool:
        return obj.read_at is not None

    @admin.action(description=_("Mark as read"))
    def mark_read(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        count = notifications_mark_read(
            user=request.user, ids=list(queryset.values_list("pk", flat=True)), now=timezone.now()
        )
        self.message_user(
            request,
            ngettext("%(count)d notification(s) marked as read.", "%(count)d notification(s) marked as read.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    def open_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Mark one read and go to its commitment."""
        notification = get_object_or_404(Notification, pk=pk, recipient_id=request.user.pk)
        notifications_mark_read(user=request.user, ids=[notification.pk], now=timezone.now())
        return HttpResponseRedirect(reverse("admin:commitments_commitment_change", args=[notification.commitment_id]))

    def read_all_view(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST":
            count = notifications_mark_read(user=request.user, ids=None, now=timezone.now())
            self.message_user(
                request,
                ngettext(
                    "All %(count)d unread notification(s) marked as read.",
                    "All %(count)d unread notification(s) marked as read.",
                    count,
                )
                % {"count": count},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:commitments_notification_changelist"))


class PreferenceForm(forms.ModelForm):
    kinds = forms.MultipleChoiceField(
        choices=NotificationKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Kinds"),
        help_text=_("Notifications you want, in the admin and (if on) by email."),
    )

    class Meta:
        model = NotificationPreference
        fields = ["kinds", "email_enabled", "mode", "digest_hour", "time_zone", "language"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(NotFoundAdminMixin, admin.ModelAdmin):
    """Each user edits their own preferences; the list goes straight to them."""

    form = PreferenceForm
    change_form_template = "admin/commitments/notificationpreference/change_form.html"

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        feed = calendar_feed_of(request.user)
        feed_url = request.build_absolute_uri(reverse("calendar_feed", args=[feed.key])) if feed else ""
        context = {"title": gettext("My notification preferences"), "pb_feed_url": feed_url, **(extra_context or {})}
        return super().change_view(request, object_id, form_url, context)

    def get_urls(self) -> list[URLPattern]:
        return [
            path("calendar/", self.admin_site.admin_view(self.calendar_view), name="commitments_calendar_feed"),
            *super().get_urls(),
        ]

    def calendar_view(self, request: HttpRequest) -> HttpResponse:
        """POST issue: a new secret URL (the old one stops working); POST revoke: none at all."""
        if request.method == "POST" and policy.can_view(request.user):
            if request.POST.get("action") == "revoke":
                calendar_feed_revoke(user=request.user, now=timezone.now())
                self.message_user(request, gettext("Your calendar URL no longer works."), messages.SUCCESS)
            else:
                calendar_feed_issue(user=request.user, now=timezone.now())
                self.message_user(
                    request,
                    gettext("Your calendar has a new secret URL; the old one no longer works."),
                    messages.SUCCESS,
                )
        return HttpResponseRedirect(reverse("admin:commitments_notificationpreference_changelist"))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return False  # reached from the header link, not the index

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policy.can_view(request.user) and (obj is None or obj.user_id == request.user.pk)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        preference, _ = NotificationPreference.objects.get_or_create(user_id=int(request.user.pk or 0))
        return HttpResponseRedirect(reverse("admin:commitments_notificationpreference_change", args=[preference.pk]))

    def response_change(self, request: HttpRequest, obj: NotificationPreference) -> HttpResponse:
        # The new language from this response on (the session keeps it; see commitments/locale.py).
        language_remember(request, obj.language)
        self.message_user(request, gettext("Your notification preferences were saved."), messages.SUCCESS)
        if "_continue" in request.POST:
            return HttpResponseRedirect(reverse("admin:commitments_notificationpreference_change", args=[obj.pk]))
        return HttpResponseRedirect(reverse("admin:commitments_notification_changelist"))


@admin.register(SweepRun)
class SweepRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Each sweep's record: when, as of when, how long, what it did, or why it failed."""

    list_display = [
        "started_at",
        "as_of",
        "trigger",
        "duration",
        "flagged_overdue",
        "cleared",
        "notifications",
        "rewoken",
        "ownerless",
        "failed_rows",
        "outcome",
    ]
    list_filter = ["trigger", "dry_run"]
    date_hierarchy = "started_at"

    @admin.display(description=_("took"))
    def duration(self, obj: SweepRun) -> str:
        return "—" if obj.duration_ms is None else f"{obj.duration_ms} ms"

    @admin.display(description=_("outcome"))
    def outcome(self, obj: SweepRun) -> str:
        if obj.error:
            return format_html('<span class="pb-flag pb-overdue" title="{}">{}</span>', obj.error, gettext("failed"))
        return gettext("ok") if obj.finished_at else gettext("running")
