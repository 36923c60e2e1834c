"""Dates and counts in text that is stored once and read by everyone: a notification's message, a note or
reason a service writes. Such text is written in LANGUAGE_CODE whoever's request or job writes it (an
officer reading Japanese, a worker with no language at all), so that every reader sees the same line; its
dates and counts take LANGUAGE_CODE's forms too ("31 Dec 2000", "9,466"), from the formats modules rather
than the C library's strftime, whose day without a leading zero exists only on glibc and whose month names
follow the process's locale. A page or an email writes dates in its reader's language with Django's
date_format instead.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import date

from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format

from .numbers import count_format


def stored_language() -> AbstractContextManager[None]:
    """Write stored text inside this: LANGUAGE_CODE is active, whoever's request or job writes it."""
    return translation.override(settings.LANGUAGE_CODE)


def stored_date(value: date) -> str:
    """`value` as LANGUAGE_CODE writes a date ("31 Dec 2000"), whatever language is active."""
    with stored_language():
        return date_format(value)


def stored_count(value: int) -> str:
    """A count grouped as LANGUAGE_CODE groups digits ("9,466"), whatever language is active."""
    with stored_language():
        return count_format(value)
