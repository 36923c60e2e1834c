"""Words a template writes with the one function Python writes them with, so that a page, an email and the
list cannot drift apart: `{{ commitment|deadline_window }}` (deadlines.window_words); `{{ days|overdue_words }}`
and `{{ days|due_in_words }}` (rules)."""

from __future__ import annotations

from typing import Any

from django import template

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
