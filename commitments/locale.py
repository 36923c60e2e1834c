"""Each user's interface language: their choice in Preferences, else the browser's, else LANGUAGE_CODE.

The choice is read from the database once, at login (and again when Preferences is saved), and kept in the
session: a page then costs no query for it, so every page's asserted query count stays what it was.
LocaleMiddleware has already activated the browser's language; this middleware only overrides it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.utils import translation

# The session key of the user's chosen language ("" or absent: follow the browser).
SESSION_KEY = "pledgebook_language"


def supported(code: str) -> str:
    """`code` if the interface speaks it, else "" (follow the browser)."""
    return code if code in dict(settings.LANGUAGES) else ""


def language_remember(request: HttpRequest, code: str) -> None:
    """Keep the user's choice for the rest of the session and use it for this request's response."""
    code = supported(code)
    request.session[SESSION_KEY] = code
    if code:
        translation.activate(code)
        request.LANGUAGE_CODE = code


def language_on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """user_logged_in: read the user's stored choice once, into the session."""
    if request is None or not hasattr(request, "session"):
        return
    from .models import NotificationPreference

    code = NotificationPreference.objects.filter(user_id=user.pk).values_list("language", flat=True).first()
    language_remember(request, code or "")


def user_language(user: Any) -> str:
    """The language to write to `user` in when no request is at hand (emails): their choice, else LANGUAGE_CODE.

    Reads the preference the caller may have fetched already (select_related) to avoid a query per email."""
    try:
        preference = user.notification_preference
    except ObjectDoesNotExist:  # no preference row yet: the default
        return settings.LANGUAGE_CODE
    return supported(preference.language) or settings.LANGUAGE_CODE


class UserLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            code = supported(request.session.get(SESSION_KEY, "")) if hasattr(request, "session") else ""
            if code and request.user.is_authenticated:
                translation.activate(code)
                request.LANGUAGE_CODE = code
        except DatabaseError:
            # The session or the user cannot be read (a full disk, a read-only database): the page keeps
            # the browser's language, and the view meets the same error where StorageErrorMiddleware turns
            # it into a 503 that says what happened. Raised here, it would be a bare 500.
            pass
        return self.get_response(request)
