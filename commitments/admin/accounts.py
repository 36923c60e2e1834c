"""Desks, users and groups: what the policy reads, so only administrators change them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import policy, services
from ..models import Desk, DeskMembership
from .mixins import AdminOnlyWriteMixin, HistoryAdmin

User = get_user_model()


class MembershipInline(AdminOnlyWriteMixin, admin.TabularInline):
    model = DeskMembership
    extra = 0
    autocomplete_fields = ["user"]


class DeskForm(forms.ModelForm):
    class Meta:
        model = Desk
        fields = "__all__"  # noqa: DJ007 - the admin's fields

    def clean_default_owner(self) -> Any:
        owner = self.cleaned_data.get("default_owner")
        if owner is not None:
            if self.instance.pk is None:
                raise ValidationError("Save the desk with its members first, then choose one of them.")
            try:
                services.owner_check(owner, self.instance)
            except ValidationError as error:
                raise ValidationError(error.message_dict["owner"]) from None
        return owner


@admin.register(Desk)
class DeskAdmin(AdminOnlyWriteMixin, HistoryAdmin):
    form = DeskForm
    list_display = ["name", "time_zone", "default_owner", "party_codes", "member_list"]
    list_select_related = ["default_owner"]
    autocomplete_fields = ["parties", "default_owner"]
    search_fields = ["name"]
    inlines = [MembershipInline]
    object_history_template = "admin/commitments/desk/object_history.html"

    def save_model(self, request: HttpRequest, obj: Desk, form: forms.ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "time_zone" in form.changed_data:
            services.desk_reschedule(desk_id=obj.pk, now=timezone.now())

    def history_extra_context(self, object_id: str) -> dict[str, Any]:
        # Memberships are edited inline on the desk, so the desk's history shows theirs too.
        memberships = DeskMembership.history.filter(desk_id=object_id).select_related("user", "history_user")
        return {"membership_history": memberships.order_by("-history_date")[:200]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Desk]:
        return super().get_queryset(request).prefetch_related("parties", "memberships__user")

    @admin.display(description=_("parties"))
    def party_codes(self, obj: Desk) -> str:
        return ", ".join(p.code for p in obj.parties.all())

    @admin.display(description=_("members"))
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
