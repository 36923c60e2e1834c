"""Search: the words staff type into the admin's search box and the API's `?q=`, with one meaning for both.

A commitment matches when every word (up to MAX_WORDS, split on white space) occurs, case-insensitively and
as a plain substring, in its title or quote (in either language: a meeting recorded in English and Japanese
gives each commitment both, and staff search in the language they work in), its description, or the note of
one of its progress updates. Titles (in either language) that hold every word rank first (`search_rank` 0,
the others 1) when few rows match (RANK_AT_MOST); the caller orders by it.

The SQL, and the index that serves each part on PostgreSQL (migration 0026_search_trigram_indexes):

- `UPPER("title"::text) LIKE UPPER('%word%')` — Django's own `icontains` — for the title, quote and
  description, and the title and quote in the other language, each read by a GIN trigram index on exactly
  that expression (commitment_*_trgm; migrations 0026 and 0030);
- `id = ANY(ARRAY(SELECT commitment_id FROM commitments_update WHERE UPPER(note) LIKE …))` for the notes,
  read by update_note_trgm. ANY(ARRAY(…)) rather than `id IN (SELECT …)`: the array is computed once (an
  InitPlan) and `id = ANY($1)` is a primary-key index condition, so PostgreSQL ORs all four conditions of a
  word as one BitmapOr of index scans. An `IN (SELECT …)` inside an OR can only be a filter evaluated for
  every row — a sequential scan of the million.

Words shorter than three characters: a trigram index holds nothing for them (`%ab%` yields no trigram, and
the GIN index would be read in full). Japanese words are often two characters (訪問, 条約): a word of two
non-ASCII characters is asked as `pb_cjk_bigrams(col) @> ARRAY[UPPER('訪問')]` on PostgreSQL, read by a GIN
index of each column's pairs of non-ASCII characters (migration 0031; the same rows as the substring test,
since the function lists every such pair the text holds). Other short words (`ru`, `EU`, `米`) are asked
beside a longer word as `STRPOS(UPPER(col), UPPER('ab')) > 0` — the same substring test, which no index
claims — and checked on the rows the longer word's index brings. A search of such words alone is refused with
a message (`too_short`; no rows, no query), on both databases alike: measured at a million rows, the scan it
needs took 17 s in the API and 42 s in the admin (the rank count, the page count and the page each walk the
table).

SQLite (the embedded first-run database, thousands of rows) takes the portable path: the same `icontains`
conditions and `id IN (SELECT …)` for the notes, read by scanning. FTS5 was not used: its unicode61
tokenizer matches whole words (not "visit" inside "visits", nothing inside an unspaced Japanese sentence)
and its trigram tokenizer skips patterns under three characters, so neither would give PostgreSQL's rows.
Both databases fold case as their UPPER does: PostgreSQL for every script, SQLite for ASCII only (staff
search titles in English and Japanese, where the two agree).
"""

from __future__ import annotations

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.lookups import DataContains
from django.db import connections
from django.db.models import Case, Exists, F, Func, IntegerField, OuterRef, Q, QuerySet, TextField, Value, When
from django.db.models.functions import StrIndex, Upper
from django.db.models.lookups import GreaterThan
from django.utils.translation import gettext_lazy as _

from common.pgarray import EqualsAny

from .models import Commitment, Update

# More words add nothing a person needs and cost a condition each.
MAX_WORDS = 10
# Results are ranked when at most this many match, four pages (commitment_search says why).
RANK_AT_MOST = 200
# A trigram index can serve a word of at least this many characters.
TRIGRAM_LENGTH = 3
COMMITMENT_FIELDS = ("title", "title_other", "quote", "quote_other", "description")


TOO_SHORT = _(
    "Add a word of at least three characters (two for a Japanese word): shorter words are looked for only beside "
    "a longer one."
)


def is_pair(word: str) -> bool:
    """Whether `word` is two non-ASCII characters (a Japanese word such as 訪問), which pb_cjk_bigrams indexes."""
    return len(word) == 2 and all(not character.isascii() and not character.isspace() for character in word)


def _indexed(word: str) -> bool:
    return len(word) >= TRIGRAM_LENGTH or is_pair(word)


def too_short(text: str) -> bool:
    """Whether `text` has words, none of which an index can serve (these are not searched)."""
    words = search_words(text)
    return bool(words) and not any(_indexed(word) for word in words)


def search_words(text: str) -> list[str]:
    """The words of `text` that a search asks for: split on white space, repeats dropped, at most MAX_WORDS."""
    words: list[str] = []
    for word in text.split():
        if word.casefold() not in (w.casefold() for w in words):
            words.append(word)
    return words[:MAX_WORDS]


class _Pairs(Func):
    """pb_cjk_bigrams(column): the column's pairs of non-ASCII characters, upper-cased (migration 0031)."""

    function = "pb_cjk_bigrams"
    output_field = ArrayField(TextField())


def _contains(field: str, word: str, postgresql: bool) -> Q:
    if postgresql and is_pair(word):
        pair = Func(Upper(Value(word)), template="ARRAY[%(expressions)s]", output_field=ArrayField(TextField()))
        return Q(DataContains(_Pairs(F(field)), pair))
    if postgresql and len(word) < TRIGRAM_LENGTH:
        # No trigram in the word: a test no index claims, so that the planner does not read a GIN index whole.
        return Q(GreaterThan(StrIndex(Upper(field), Upper(Value(word))), 0))
    return Q(**{f"{field}__icontains": word})


def _word_q(word: str, postgresql: bool) -> Q:
    """Commitments with `word` in a field of their own or in one of their progress notes."""
    condition = Q()
    for field in COMMITMENT_FIELDS:
        condition |= _contains(field, word, postgresql)
    # order_by(): the notes' own order (newest first) would only add a sort to the subquery.
    notes = Update.objects.filter(_contains("note", word, postgresql)).order_by().values("commitment_id")
    if postgresql and not _indexed(word):
        # Per row, through the notes' commitment index: the array below would read every note for a short
        # word (387 ms for 200,000 notes), whereas a longer word has already narrowed the rows to check.
        return condition | Q(
            Exists(Update.objects.filter(_contains("note", word, postgresql), commitment=OuterRef("pk")))
        )
    if postgresql:
        return condition | Q(EqualsAny(F("pk"), ArraySubquery(notes)))
    return condition | Q(pk__in=notes)


def commitment_search(queryset: QuerySet[Commitment], text: str) -> QuerySet[Commitment]:
    """`queryset` narrowed to the commitments matching every word of `text`. No words: `queryset` unchanged;
    only short words (too_short): no rows.

    Ranked — annotated with `search_rank`, 0 when the title (in either language) holds every word, else 1 —
    when at most RANK_AT_MOST rows match, which one more query finds out (a LIMIT-ed count: the same cost at
    any size).
    Not ordered: the admin puts `search_rank` before its triage order, the API before the id (its cursor).

    Why not always: a ranking sorts every matching row before the first page can be read. A word in a
    seventh of a million titles ("investment") took 4 s ranked; unranked, the list's own order index finds
    the first fifty matches in 14 ms. A person reading such a list narrows it by another word or a filter;
    the ranking helps where the matches are few enough to read.

    Why 200 and not more: deciding costs a count until RANK_AT_MOST + 1 matches are found, and for a common
    word that is a scan testing every searched column of each row it passes — at a million rows, 13 ms to
    find 1,001 matches of "agreement" (one title in seven), 3 ms to find 201; four pages of fifty are as
    many as a person reads through before adding a word."""
    words = search_words(text)
    if not words:
        return queryset
    if too_short(text):
        return queryset.none()  # the interfaces say why (TOO_SHORT)
    postgresql = connections[queryset.db].vendor == "postgresql"
    matches = Q()
    in_title = Q()
    for word in words:
        matches &= _word_q(word, postgresql)
        in_title &= _contains("title", word, postgresql) | _contains("title_other", word, postgresql)
    found = queryset.filter(matches)
    if found.order_by().values("pk")[: RANK_AT_MOST + 1].count() > RANK_AT_MOST:
        return found
    return found.annotate(
        search_rank=Case(When(in_title, then=Value(0)), default=Value(1), output_field=IntegerField())
    )
