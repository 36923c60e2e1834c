"""The floor for the API: the same rows straight from `.values()` as JSON, no framework, no checks."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from commitments.models import Commitment

FIELDS = [
    "id", "title", "status", "due_by", "due_phrase", "due_precision", "overdue_since", "summit_id", "desk_id",
    "owner__username", "kind", "modality", "level", "source_ref", "quote", "version", "last_activity_at",
]  # fmt: skip


def minimal_list(request: HttpRequest) -> JsonResponse:
    rows = list(Commitment.objects.order_by("id").values(*FIELDS)[:50])
    return JsonResponse({"results": rows})


def minimal_detail(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(Commitment.objects.values(*FIELDS).get(pk=pk))
