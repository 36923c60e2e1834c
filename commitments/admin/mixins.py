"""Admin permission methods answered by the policy module, not by Django's per-model permissions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils.translation import gettext, pgettext
from simple_history.admin import SimpleHistoryAdmin

from .. import policy
from .history import NOBODY, column_header, column_value, delta_changes

# URLs typed without a scheme are taken as https (Django 6's default, chosen now).
HTTPS_URL_FIELDS: dict[type[models.Field[Any, Any]], dict[str, Any]] = {models.URLField: {"assume_scheme": "https"}}


class NotFoundAdminMixin:
    """A URL naming no object is a 404 page, whether the id is malformed ("abc") or names nothing.

    Django's admin answers both with a redirect to the index and a "doesn't exist" message, which hides
    the mistake in a bookmark or a pasted link behind an unrelated page; and code that reads the id
    before Django does (the workflow panel, simple-history) met "abc" as a ValueError, a 500.
    """

    model: Any

    def object_or_404(self, object_id: str) -> None:
        """Raise Http404 unless `object_id` is a well-formed primary key of this model."""
        try:
            self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError:
            raise Http404(
                gettext("No %(thing)s has the id “%(id)s”.") % {"thing": self.model._meta.verbose_name, "id": object_id}
            ) from None

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        self.object_or_404(object_id)
        found = super().get_object(request, object_id, from_field)  # type: ignore[misc]
        if found is None:
            raise Http404(
                gettext("No %(thing)s has the id “%(id)s”; perhaps it was deleted.")
                % {"thing": self.model._meta.verbose_name, "id": object_id}
            )
        return found


class PolicyAdminMixin(NotFoundAdminMixin):
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


class HistoryAdmin(NotFoundAdminMixin, SimpleHistoryAdmin):
    """simple-history's admin in words (history.py), and a malformed id in a history URL is "not found".

    `/admin/…/2/change/history/` reaches history_view with "2/change", which django-simple-history
    passes straight to a query (a ValueError, so a 500).
    """

    object_history_list_template = "admin/history/object_history_list.html"

    def history_view(self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None) -> Any:
        self.object_or_404(object_id)
        context = {**(extra_context or {}), **self.history_extra_context(object_id)}
        return super().history_view(request, object_id, extra_context=context)

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: dict[str, Any] | None = None
    ) -> Any:
        # A past version is only read (SIMPLE_HISTORY_REVERT_DISABLED): simple-history would otherwise
        # validate and save a POSTed form here, outside the services and outside any transaction (the
        # form's version check locks the row: TransactionManagementError, a 500).
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        self.object_or_404(object_id)
        if not version_id.isdigit():
            raise Http404(f"No version has the id “{version_id}”.")
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)

    # simple-history's titles, in words of our own: its catalogue has no Japanese. Reverting is switched off
    # (SIMPLE_HISTORY_REVERT_DISABLED), so the pages are only ever for viewing.
    def history_view_title(self, request: HttpRequest, obj: Any) -> str:
        return gettext("View history: %(object)s") % {"object": obj}

    def history_form_view_title(self, request: HttpRequest, obj: Any) -> str:
        return pgettext("history: the title of a past version's page", "View %(object)s") % {"object": obj}

    def history_extra_context(self, object_id: str) -> dict[str, Any]:
        """More for the history page of a valid id; none by default."""
        return {}

    def set_history_delta_changes(
        self, request: HttpRequest, historical_records: Any, foreign_keys_are_objs: bool = True
    ) -> None:
        delta_changes(list(historical_records), self.model)

    def render_history_view(
        self, request: HttpRequest, template: Any, context: dict[str, Any], **kwargs: Any
    ) -> HttpResponse:
        # Headers and cells in words, worked out here so the template only lays them out. simple-history
        # renders a past version's page through here too, which has no list to put in words.
        if "history_list_display" not in context:
            return super().render_history_view(request, template, context, **kwargs)
        names = list(context["history_list_display"])
        headers = [column_header(self, name) for name in names]
        context["history_columns"] = headers
        for record in context["page_obj"]:
            # Each cell with its header: on a phone the cell is shown under its name, the table's head hidden.
            record.pb_cells = [
                (header, column_value(self, record, name)) for header, name in zip(headers, names, strict=True)
            ]
        context["nobody"] = NOBODY
        return super().render_history_view(request, template, context, **kwargs)
