"""Array literals for the sweep's set-based statements: what PostgreSQL reads back is what was meant."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from django.db import connection

from common.pgarray import array_literal, column_literals

# Whatever a title, occasion or message may hold: quotes, backslashes, braces, commas, the word NULL,
# spaces at either end, an empty string, letters from outside ASCII.
AWKWARD_TEXTS = [
    'He said "within the year"',
    "C:\\path\\to\\file",
    "\\",
    '\\"',
    "{a,b}",
    "one, two",
    "NULL",
    "  padded  ",
    "",
    "Ёлка · 東京 · ﷽",
    "it's",
]
IRKUTSK_2001 = datetime(2001, 3, 25, 3, 0, tzinfo=UTC)


def test_a_literal_is_braces_around_quoted_escaped_elements() -> None:
    assert array_literal([1, 22, None]) == "{1,22,NULL}"
    assert array_literal(['a "b"', "c\\d"]) == '{"a \\"b\\"","c\\\\d"}'
    assert array_literal([]) == "{}"


def test_rows_become_one_literal_per_column() -> None:
    assert column_literals([(1, "a"), (2, None)], 2) == ["{1,2}", '{"a",NULL}']
    assert column_literals([], 3) == ["{}", "{}", "{}"]


def test_naive_datetimes_and_unknown_types_are_refused() -> None:
    with pytest.raises(ValueError, match="Aware datetimes only"):
        array_literal([datetime(2001, 3, 25, 3, 0)])
    with pytest.raises(TypeError, match="float"):
        array_literal([1.5])


@pytest.mark.django_db
def test_postgresql_reads_back_exactly_what_was_written(postgres: None) -> None:
    tokyo = timezone(timedelta(hours=9))
    moments = [IRKUTSK_2001, IRKUTSK_2001.astimezone(tokyo), IRKUTSK_2001 + timedelta(microseconds=1), None]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT %s::text[], %s::bigint[], %s::timestamptz[], %s::date[]",
            [
                array_literal(AWKWARD_TEXTS),
                array_literal([1, 2**62, None]),
                array_literal(moments),
                array_literal([date(2000, 12, 31)]),
            ],
        )
        texts, numbers, times, days = cursor.fetchone()
    assert texts == AWKWARD_TEXTS
    assert numbers == [1, 2**62, None]
    assert times == moments
    assert days == [date(2000, 12, 31)]
