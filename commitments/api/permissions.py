"""API permissions: the policy module decides, exactly as in the admin."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from .. import policy


class CanView(BasePermission):
    """Any role reads; a user without one (or not staff) is refused. Writes are checked per object."""

    message = "Your account has no Pledgebook role; ask an administrator."

    def has_permission(self, request: Request, view: Any) -> bool:
        return policy.can_view(request.user)


class ReadOnly(CanView):
    def has_permission(self, request: Request, view: Any) -> bool:
        return request.method in SAFE_METHODS and super().has_permission(request, view)
