"""Counts as people read them: 1234567 is "1,234,567", grouped the way the reader's language groups digits.

Only for quantities (how many commitments, entries, days). Ids, years and version numbers stay as they
are, so this is asked for where a count is shown rather than switched on for every number
(USE_THOUSAND_SEPARATOR would also group an id in a form field or a year in a date).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format


def count_format(value: int | float | Decimal) -> str:
    """`value` with the active language's thousands separator and decimal mark ("1,234,567", "1,234.5")."""
    return number_format(value, force_grouping=True)
