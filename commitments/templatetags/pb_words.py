"""Words a template writes with the one function Python writes them with, so that a page, an email and the
list cannot drift apart: `{{ commitment|deadline_window }}` (deadlines.window_words); `{{ days|overdue_words }}`,
`{{ days|due_in_words }}` and `{{ days|due_within_words }}` (rules); `{{ code|record_language }}`
(summits.models.RECORD_LANGUAGES)."""

from __future__ import annotations

from typing import Any

from django import template

from summits.models import record_language_name

from .. import rules
from ..deadlines import window_words

register = template.Library()


@register.filter
def deadline_window(commitment: Any) -> str:
    """Anything with `due_from` and `due_by` (a commitment, a deadline move's new window) in words."""
    return window_words(commitment.due_from, commitment.due_by)


@register.filter
def overdue_words(days: int) -> str:
    return rules.overdue_words(days)


@register.filter
def due_in_words(days: int) -> str:
    return rules.due_in_words(days)


@register.filter
def due_within_words(days: int) -> str:
    return rules.due_within_words(days)


@register.filter
def record_language(code: str) -> str:
    return record_language_name(code)
