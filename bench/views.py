"""Floors no page can go below: for the API, the same rows straight from `.values()` as JSON, no framework,
no checks; for an admin page, the admin's frame with nothing in it.

The same rows means the same columns the API reads for each commitment (`ROW_COLUMNS`: what it shows,
plus what it needs to work out the overdue and stale flags). The relations (makers, watchers, links) are
not columns of the row, so the floor does not read them; the API does.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse

from commitments.api.serializers import ROW_COLUMNS
from commitments.models import Commitment


def minimal_list(request: HttpRequest) -> JsonResponse:
    rows = list(Commitment.objects.order_by("id").values(*ROW_COLUMNS)[:50])
    return JsonResponse({"results": rows})


def minimal_detail(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(Commitment.objects.values(*ROW_COLUMNS).get(pk=pk))


@admin.site.admin_view
def admin_frame(request: HttpRequest) -> HttpResponse:
    """Every admin page's fixed part and nothing else: the login and session, the header (the unread count, the
    sweep's warning), the navigation, the stylesheets. An admin page's figures cost what it takes beyond this."""
    return TemplateResponse(request, "admin/base_site.html", {**admin.site.each_context(request), "title": "Frame"})
