"""The emails: a notification or a day's digest, as plain text and HTML from one pair of templates."""

from __future__ import annotations

import functools
import re
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext, pgettext

from ..locale import user_language
from ..models import Digest, Notification
from ..selectors import commitment_days_overdue


def _link(path: str) -> str:
    return f"{settings.PLEDGEBOOK_BASE_URL}{path}"


_PK_SLOT = 999_999_999_999


@functools.cache
def _change_url_pattern(urlconf: str) -> str:
    # Reversing a URL costs about as much as rendering an email's text; an email needs the same address
    # with a different id each time, so it is reversed once with a stand-in id and filled in after.
    return reverse("admin:commitments_commitment_change", args=[_PK_SLOT], urlconf=urlconf).replace(
        str(_PK_SLOT), "{pk}"
    )


def _commitment_url(pk: int) -> str:
    return _link(_change_url_pattern(settings.ROOT_URLCONF).format(pk=pk))


@functools.cache
def _preferences_path(urlconf: str) -> str:
    return reverse("admin:commitments_notificationpreference_changelist", urlconf=urlconf)


def _item_context(notification: Notification, now: datetime) -> dict[str, Any]:
    commitment = notification.commitment
    return {
        "notification": notification,
        "headline": notification_headline(notification),
        "commitment": commitment,
        "summit": commitment.summit,
        "days_overdue": commitment_days_overdue(commitment, now),
        "commitment_url": _commitment_url(commitment.pk),
    }


def render_notification(notification: Notification, now: datetime) -> EmailMultiAlternatives:
    # In the recipient's language, whoever's request or task is sending it.
    with translation.override(user_language(notification.recipient)):
        context = {
            **_item_context(notification, now),
            "recipient": notification.recipient,
            "preferences_url": _link(_preferences_path(settings.ROOT_URLCONF)),
            "long_date": _long_date(),
        }
        subject = f"[Pledgebook] {context['headline']}"
        return _email(
            subject, "email/notification", context, notification.recipient.email, f"notification-{notification.pk}"
        )


def _long_date() -> str:
    # The meeting's date with the month in full: a format of its own per language ("31 December 2000").
    return pgettext("date format in emails", "j F Y")


def notification_headline(notification: Notification) -> str:
    """The notification's one line in the active language.

    The stored message is written once, in LANGUAGE_CODE, for everyone it concerns; another language says
    the same from the kind and the commitment's title (its words are the kind's label, already translated)."""
    if translation.get_language() == translation.to_language(settings.LANGUAGE_CODE):
        return notification.message
    return gettext("%(kind)s: “%(title)s”") % {
        "kind": notification.get_kind_display(),
        "title": notification.commitment.title,
    }


# Characters that must not reach an email header: line breaks of any kind (CR, LF, the Unicode line and
# paragraph separators, NEL, form feeds) and every other control character. A title typed or imported
# with "\r\nBcc: …" must neither inject a header nor (as Django refuses such a value with
# BadHeaderError) stop that commitment's emails for good.
_NOT_IN_HEADERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def header_safe(text: str, limit: int = 200) -> str:
    """`text` as one header line: control characters and line breaks folded to single spaces, at most `limit`."""
    return " ".join(_NOT_IN_HEADERS.sub(" ", text).split())[:limit]


def _email(subject: str, template: str, context: dict[str, Any], to: str, message_id: str) -> EmailMultiAlternatives:
    """Plain text and HTML from one pair of templates."""
    message = EmailMultiAlternatives(
        subject=header_safe(subject),
        body=render_to_string(f"{template}.txt", context),
        to=[to],
        # A stable id: a receiving server that sees the same message twice can tell.
        headers={"Message-ID": f"<{message_id}@pledgebook>"},
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


def render_digest(digest: Digest, notifications: list[Notification], now: datetime) -> EmailMultiAlternatives:
    """One email for the day's held notifications that should still go out (the caller chose them)."""
    with translation.override(user_language(digest.recipient)):
        items = [_item_context(n, now) for n in notifications]
        context = {
            "recipient": digest.recipient,
            "digest": digest,
            "items": items,
            "preferences_url": _link(_preferences_path(settings.ROOT_URLCONF)),
            "long_date": _long_date(),
        }
        subject = "[Pledgebook] " + ngettext(
            "Your digest for %(date)s: %(count)d item", "Your digest for %(date)s: %(count)d items", len(items)
        ) % {"date": date_format(digest.local_date), "count": len(items)}
        return _email(subject, "email/digest", context, digest.recipient.email, f"digest-{digest.pk}")
