"""When the database cannot write (disk full, read-only file or file system): a clear 503, nothing half-saved.

A write that fails this way is rolled back by the database itself (SQLite and PostgreSQL both leave the
file as it was before the transaction), so the only job here is to tell the person what happened and
what to do, instead of a bare "Server Error". Any other database error is still a 500 and is logged.

It is said in the person's language, chosen without asking the database (which is what failed): the one
the request was being served in, else the language cookie, Accept-Language or LANGUAGE_CODE.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# Substrings of the drivers' messages, by condition. SQLite: "database or disk is full", "attempt to
# write a readonly database", "unable to open database file" (its directory is read-only, so the
# journal cannot be made). PostgreSQL: "could not extend file … No space left on device", and
# "cannot execute … in a read-only transaction" on a standby.
FULL = ("disk is full", "no space left on device", "could not extend file")
READ_ONLY = ("readonly database", "read-only", "unable to open database file", "read-only transaction")

MESSAGES = {
    "storage_full": _(
        "Nothing was saved: the server's storage is full. Go back (your browser keeps what you typed) and "
        "try again once an administrator has freed space. (For the administrator: the database could not "
        "grow; free disk space where the database lives.)"
    ),
    "storage_read_only": _(
        "Nothing was saved: the database is read-only at the moment. Go back (your browser keeps what you "
        "typed) and try again later. (For the administrator: the database file or its folder cannot be "
        "written; check the file system's mount options and the permissions of the file and its folder.)"
    ),
}


def storage_language(request: HttpRequest) -> str:
    """The language to say it in, without a query: the request's own (LocaleMiddleware's choice, or a signed-in
    user's, already read into the session before the failure), else Django's choice from the language cookie,
    Accept-Language and LANGUAGE_CODE. Never the user's stored preference: reading it needs the database."""
    chosen = getattr(request, "LANGUAGE_CODE", None)
    return chosen or translation.get_language_from_request(request)


def storage_problem(exc: BaseException) -> str | None:
    """'storage_full', 'storage_read_only', or None for any other error."""
    if not isinstance(exc, DatabaseError):
        return None
    text = str(exc).lower()
    if any(marker in text for marker in FULL):
        return "storage_full"
    if any(marker in text for marker in READ_ONLY):
        return "storage_read_only"
    return None


class StorageErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        code = storage_problem(exception)
        if code is None:
            return None
        logger.error("Database cannot write (%s) during %s %s: %s", code, request.method, request.path, exception)
        response: HttpResponse
        with translation.override(storage_language(request)):
            message = str(MESSAGES[code])
            if request.path.startswith("/api/"):
                response = JsonResponse({"error": {"code": code, "message": message, "fields": {}}}, status=503)
            else:
                # A standalone page: the admin's own templates would query the database again.
                html = render_to_string("storage_unavailable.html", {"message": message, "back": request.path})
                response = HttpResponse(html, status=503)
            response["Content-Language"] = translation.get_language()
        response["Retry-After"] = "300"
        return response
