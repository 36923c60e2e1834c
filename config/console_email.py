"""Email printed to the console as a person reads it: decoded headers, the plain-text part, no MIME.

Django's console backend prints the raw MIME message: a subject with any non-ASCII character (every
reminder has a “ or an en dash) comes out as =?utf-8?q?…?=, and bodies as quoted-printable. On
`make run` that console is where a newcomer reads the reminders, so this one prints what the recipient
would see. It is chosen for `EMAIL_URL=console://` (the default); other backends are unchanged.
"""

from __future__ import annotations

from email.header import decode_header, make_header

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend

RULE = "─" * 72


def readable(message: EmailMessage) -> str:
    """One email as text: From, To, Subject (decoded), the plain-text body, and what else it carries."""
    mime = message.message()
    lines = [RULE]
    for name in ("From", "To", "Cc", "Reply-To", "Date", "Subject"):
        value = mime.get(name)
        if value:
            lines.append(f"{name}: {make_header(decode_header(str(value)))}")
    lines += ["", message.body.rstrip()]
    extras = [f"{mimetype} version" for _, mimetype in getattr(message, "alternatives", [])]
    extras += [
        f"attachment {attachment[0] if isinstance(attachment, tuple) else attachment.get_filename()}"
        for attachment in message.attachments
    ]
    if extras:
        lines += ["", f"(also: {', '.join(extras)})"]
    lines.append(RULE)
    return "\n".join(lines) + "\n"


class EmailBackend(DjangoConsoleBackend):
    """The console backend, printing each email with `readable`."""

    def write_message(self, message: EmailMessage | EmailMultiAlternatives) -> None:
        self.stream.write(readable(message))
