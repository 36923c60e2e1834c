"""The emails: a notification or a day's digest, as plain text and HTML from one pair of templates."""

from __future__ import annotations

import functools
import quopri
import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from email.header import Header
from email.utils import formatdate
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import RFC5322_EMAIL_LINE_LENGTH_LIMIT, sanitize_address
from django.db.models import Field, Model
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext, pgettext

from ..locale import user_language
from ..models import Digest, Notification
from ..selectors import commitment_days_overdue
from ..workflow import label


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


@functools.cache
def _labels(model: type[Model], field: str) -> dict[Any, Any]:
    # The field's choices as a dict of their (lazy) labels, built once. Django's get_FOO_display() builds
    # this dict on every call, hashing every lazy label, which translates it: 1.3 ms per call, a fifth
    # of an email's cost in a cProfile of 300 emails. The lazy labels still translate when read below.
    choice_field = model._meta.get_field(field)
    assert isinstance(choice_field, Field)  # a concrete column, never a relation
    return dict(choice_field.flatchoices)


def choice_label(instance: Model, field: str) -> str:
    """What `instance.get_<field>_display()` says, in the active language, for a string choice field."""
    value = getattr(instance, field)
    return str(_labels(type(instance), field).get(value, value))


def _item_context(notification: Notification, now: datetime) -> dict[str, Any]:
    commitment = notification.commitment
    return {
        "notification": notification,
        "headline": notification_headline(notification),
        "commitment": commitment,
        "status_label": label(commitment.status),
        "condition_label": choice_label(commitment, "condition_state") if commitment.condition_text else "",
        "summit": commitment.summit,
        "days_overdue": commitment_days_overdue(commitment, now),
        "commitment_url": _commitment_url(commitment.pk),
    }


def render_notification(notification: Notification, now: datetime) -> EmailMultiAlternatives:
    # In the recipient's language, whoever's request or task is sending it.
    with translation.override(user_language(notification.recipient)):
        return _notification_email(notification, now, _Templates("email/notification"))


@contextmanager
def notification_renderer(now: datetime) -> Iterator[Callable[[Notification], EmailMultiAlternatives]]:
    """What render_notification does, for a batch of emails: a function that renders one, in its recipient's
    language, with the templates looked up once for the batch and a language activated only when the
    recipient's differs from the previous email's (a batch is mostly one or two languages). The language
    active before the batch is active again after it."""
    templates = _Templates("email/notification")

    def render(notification: Notification) -> EmailMultiAlternatives:
        language = user_language(notification.recipient)
        if translation.get_language() != language:
            translation.activate(language)
        return _notification_email(notification, now, templates)

    # override() restores, on leaving, whatever was active on entering, whatever render() activated since.
    with translation.override(translation.get_language()):
        yield render


def _notification_email(notification: Notification, now: datetime, templates: _Templates) -> EmailMultiAlternatives:
    """The email in the active language."""
    context = {
        **_item_context(notification, now),
        "recipient": notification.recipient,
        "preferences_url": _link(_preferences_path(settings.ROOT_URLCONF)),
        "long_date": _long_date(),
    }
    subject = f"[Pledgebook] {context['headline']}"
    return _email(subject, templates, context, notification.recipient.email, f"notification-{notification.pk}")


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
        "kind": choice_label(notification, "kind"),
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


class _Templates:
    """An email's pair of templates (`name`.txt and `name`.html), looked up once for as many emails as it renders."""

    def __init__(self, name: str) -> None:
        self.text = get_template(f"{name}.txt")
        self.html = get_template(f"{name}.html")


def _email(
    subject: str, templates: _Templates, context: dict[str, Any], to: str, message_id: str
) -> EmailMultiAlternatives:
    """Plain text and HTML from one pair of templates."""
    message = EmailMultiAlternatives(
        subject=header_safe(subject),
        body=templates.text.render(context),
        to=[to],
        # A stable id: a receiving server that sees the same message twice can tell.
        headers={"Message-ID": f"<{message_id}@pledgebook>"},
    )
    message.attach_alternative(templates.html.render(context), "text/html")
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
        return _email(subject, _Templates("email/digest"), context, digest.recipient.email, f"digest-{digest.pk}")


def email_bytes(message: EmailMultiAlternatives) -> bytes:
    """The message as the bytes an SMTP server is handed (CRLF line ends), built directly for our one shape.

    Django's message() builds a tree of stdlib email objects, and flattening it folds each of its thirteen
    headers through email.header and compiles a regular expression for the random boundary of every email:
    half the sender's Python time per email besides the templates (a cProfile of the send loop). Our emails
    have one shape (a subject, one recipient, a Message-ID, a plain part and an HTML alternative), so it is
    written out here; any other shape goes through Django. The same safeguards: no line break reaches a
    header (ValueError, a permanent failure, like Django's BadHeaderError), addresses are sanitized by
    Django's own function, non-ASCII headers are RFC 2047 encoded, lines longer than RFC 5322 allows go
    quoted-printable, as Django does.
    """
    extra = {name.lower() for name in message.extra_headers}
    if (
        message.cc
        or message.bcc
        or message.reply_to
        or message.attachments
        or len(message.to) != 1
        or extra - {"message-id"}
        or [mimetype for _, mimetype in message.alternatives] != ["text/html"]
        or message.content_subtype != "plain"
        or (message.encoding or settings.DEFAULT_CHARSET).lower() != "utf-8"
    ):
        return bytes(message.message().as_bytes(linesep="\r\n"))  # type: ignore[call-arg]  # Django's SafeMIME*
    body, html = str(message.body), str(message.alternatives[0][0])
    boundary = _boundary(body, html)
    headers = [
        f'Content-Type: multipart/alternative; boundary="{boundary}"',
        "MIME-Version: 1.0",
        f"Subject: {_header_value(str(message.subject))}",
        f"From: {envelope_address(message.from_email)}",
        f"To: {envelope_address(message.to[0])}",
        f"Date: {formatdate(localtime=settings.EMAIL_USE_LOCALTIME)}",
        *(f"Message-ID: {_header_value(value)}" for value in message.extra_headers.values()),
    ]
    lines = [*headers, "", *_part("plain", body, boundary), *_part("html", html, boundary), f"--{boundary}--"]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8", errors="surrogateescape")


@functools.lru_cache(maxsize=4096)
def envelope_address(address: str) -> str:
    """Django's sanitize_address, once per address: it runs the stdlib's full address parser, which cost
    more than the rest of an email's bytes, and a batch writes to the same few people from one sender."""
    return str(sanitize_address(address, "utf-8"))


def _header_value(value: str) -> str:
    if "\n" in value or "\r" in value:
        raise ValueError(f"Header values can't contain newlines (got {value!r})")
    if value.isascii():
        return value
    return Header(value, "utf-8").encode(linesep="\r\n")


def _boundary(*bodies: str) -> str:
    # Random, and checked against the bodies (a plain substring test, not a regular expression).
    while True:
        boundary = f"=_pledgebook_{secrets.token_hex(12)}"
        if not any(boundary in body for body in bodies):
            return boundary


# Line ends as the stdlib's generator knows them (str.splitlines would also break at U+2028 and the like).
_LINE_END = re.compile(r"\r\n|\r|\n")


def _part(subtype: str, text: str, boundary: str) -> list[str]:
    lines = _LINE_END.split(text)  # a final line end stays: the CRLF before a boundary belongs to it
    if any(len(line.encode(errors="surrogateescape")) > RFC5322_EMAIL_LINE_LENGTH_LIMIT for line in lines):
        encoding = "quoted-printable"
        encoded = quopri.encodestring(text.encode("utf-8", errors="surrogateescape")).decode("ascii")
        lines = _LINE_END.split(encoded)
    else:
        encoding = "7bit" if text.isascii() else "8bit"
    return [
        f"--{boundary}",
        f'Content-Type: text/{subtype}; charset="utf-8"',
        "MIME-Version: 1.0",
        f"Content-Transfer-Encoding: {encoding}",
        "",
        *lines,
    ]
