"""One error shape for every API failure: {"error": {"code", "message", "fields", ...}}."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ..errors import TransitionNotAllowed, VersionConflict


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_code = "precondition_required"
    default_detail = 'Send the version you read: an If-Match header with the ETag, or a "version" field.'


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Machine-readable, e.g. transition_not_allowed, version_conflict.")
    message = serializers.CharField(help_text="What went wrong and what to do, for a person.")
    fields = serializers.DictField(  # type: ignore[assignment]  # a field named fields, for the schema only
        child=serializers.ListField(child=serializers.CharField()), help_text="Messages per input field."
    )
    allowed = serializers.ListField(child=serializers.CharField(), required=False, help_text="Allowed next statuses.")
    current_version = serializers.IntegerField(required=False, help_text="The commitment's version now.")
    existing = serializers.IntegerField(required=False, help_text="A record imported before: its meeting's id.")
    lines = serializers.ListField(
        child=serializers.DictField(), required=False, help_text="An import's refused rows: line and message."
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


def error_response(
    status_code: int, code: str, message: str, fields: dict[str, list[str]] | None = None, **extra: Any
) -> Response:
    return Response({"error": {"code": code, "message": message, "fields": fields or {}, **extra}}, status=status_code)


def _flatten(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        result: dict[str, list[str]] = {}
        for key, value in detail.items():
            if isinstance(value, dict):
                for sub, messages in _flatten(value).items():
                    result[f"{key}.{sub}"] = messages
            elif isinstance(value, list):
                result[str(key)] = [str(v) if not isinstance(v, dict) else str(_flatten(v)) for v in value]
            else:
                result[str(key)] = [str(value)]
        return result
    return {}


def _first_code(codes: Any) -> str:
    if isinstance(codes, str):
        return codes
    if isinstance(codes, dict):
        return _first_code(next(iter(codes.values()), "invalid")) if codes else "invalid"
    if isinstance(codes, list):
        return _first_code(codes[0]) if codes else "invalid"
    return "invalid"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, VersionConflict):
        return error_response(
            status.HTTP_412_PRECONDITION_FAILED, "version_conflict", str(exc), current_version=exc.current_version
        )
    if isinstance(exc, TransitionNotAllowed):
        return error_response(status.HTTP_409_CONFLICT, "transition_not_allowed", exc.messages[0], allowed=exc.allowed)
    if isinstance(exc, DjangoValidationError):
        fields = {k: [str(m) for m in v] for k, v in exc.message_dict.items()} if hasattr(exc, "error_dict") else {}
        message = " ".join(exc.messages)
        code = getattr(exc, "workflow_code", None) or getattr(exc, "code", None) or "invalid"
        return error_response(status.HTTP_400_BAD_REQUEST, code, message, fields)
    if isinstance(exc, DjangoPermissionDenied):
        return error_response(
            status.HTTP_403_FORBIDDEN, "permission_denied", str(exc) or gettext("You may not do that.")
        )
    # Django's own limits (DATA_UPLOAD_MAX_*), met while a multipart or form body is read: the API's shape,
    # not Django's HTML 400 page.
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        message = gettext("The request body is over %(limit)s bytes, the most the API reads.") % {"limit": f"{limit:,}"}
        return error_response(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, "too_large", message)
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return error_response(status.HTTP_400_BAD_REQUEST, "too_many_fields", str(exc))
    if isinstance(exc, Http404):
        return error_response(status.HTTP_404_NOT_FOUND, "not_found", gettext("Not found."))
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    fields = _flatten(exc.detail) if isinstance(exc.detail, dict) else {}
    if isinstance(exc, exceptions.ValidationError):
        message = gettext("The input is not valid: see fields.") if fields else " ".join(str(d) for d in exc.detail)
        code = _first_code(exc.get_codes())
        code = "invalid" if code in ("", None) else code
    else:
        message = str(exc.detail)
        code = _first_code(exc.get_codes())
    response.data = {"error": {"code": code, "message": message, "fields": fields}}
    return response


def lockout_response(request: Any, original_response: Any, credentials: Any) -> Any:
    """Too many failed logins: the API's error shape for /api/, a page for the admin (HTTP 429)."""
    from django.contrib import admin
    from django.shortcuts import render

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = gettext(
        "Too many failed logins for this account from this address. Try again in %(minutes)d minutes."
    ) % {"minutes": minutes}
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse({"error": {"code": "locked_out", "message": message, "fields": {}}}, status=429)
    context = {**admin.site.each_context(request), "message": message, "title": gettext("Locked out")}
    return render(request, "admin/lockout.html", context, status=429)


@csrf_exempt  # it changes nothing; a POST to a wrong address gets the API's 404, not a CSRF page
def api_not_found(request: HttpRequest, unmatched: str = "") -> JsonResponse:
    """Any /api/v1/ address that names no resource (e.g. a malformed id): the API's 404, not an HTML page."""
    message = gettext("No such address in the API: %(path)s. The resources are listed at /api/v1/docs/.") % {
        "path": request.path
    }
    return JsonResponse({"error": {"code": "not_found", "message": message, "fields": {}}}, status=404)
