"""Admin permission methods answered by the policy module, not by Django's per-model permissions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.db import models
from django.http import HttpRequest

from . import policy

# URLs typed without a scheme are taken as https (Django 6's default, chosen now).
HTTPS_URL_FIELDS: dict[type[models.Field[Any, Any]], dict[str, Any]] = {models.URLField: {"assume_scheme": "https"}}


class PolicyAdminMixin:
    """Read for every role; write for officers and up; delete for administrators only."""

    formfield_overrides: ClassVar[Mapping[type[models.Field[Any, Any]], Mapping[str, Any]]] = HTTPS_URL_FIELDS

    def has_module_permission(self, request: HttpRequest) -> bool:
        return policy.can_view(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policy.can_view(request.user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return policy.can_edit_summits(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policy.can_edit_summits(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policy.can_delete(request.user)


class AdminOnlyWriteMixin(PolicyAdminMixin):
    """Reference data that shapes permissions (desks, users): everyone reads, administrators write."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return policy.is_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policy.is_admin(request.user)


class ReadOnlyAdminMixin(PolicyAdminMixin):
    """Records written only by services (status changes, updates once written): everyone reads."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
