"""`{{ count|grouped }}`: a count with thousands separators in the reader's language (common/numbers.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from common.numbers import count_format

register = template.Library()


@register.filter
def grouped(value: Any) -> Any:
    """A number grouped; anything else (None, "—", a word) as it came, so `|default_if_none` can follow."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value
    return count_format(value)
