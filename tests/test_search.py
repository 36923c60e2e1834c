"""Search: one meaning for the admin's box and the API's `?q=`, ranked, paged, and index-served on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from commitments import search, selectors, services
from commitments.models import Commitment, Desk
from summits.models import Summit

from .admin_helpers import login
from .factories import SummitFactory, make_commitment

pytestmark = pytest.mark.django_db

LIST = "/admin/commitments/commitment/"
API = "/api/v1/commitments/"
NOTED_AT = datetime(2000, 12, 1, 3, 0, tzinfo=UTC)


def _admin_titles(client: Client, query: str) -> list[str]:
    response = client.get(LIST, {"q": query})
    assert response.status_code == 200
    return [c.title for c in response.context["cl"].result_list]


def _api_titles(client: APIClient, query: str, **params: Any) -> list[str]:
    response = client.get(API, {"q": query, **params})
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["results"]]


@pytest.fixture
def clients(officer: Any) -> tuple[Client, APIClient]:
    admin = Client()
    login(admin, officer)
    api = APIClient()
    api.force_authenticate(officer)
    return admin, api


def _summit(*quotes: str) -> Summit:
    """A meeting whose record holds `quotes` (a commitment's quote must be a verbatim span of it)."""
    return SummitFactory(source_text="\n".join(quotes))


@pytest.fixture
def cast(rf_desk: Desk, officer: Any) -> dict[str, Commitment]:
    """Commitments whose words sit in different fields; the Brunei demo's stay beside them."""
    summit = _summit(
        "Q1.",
        "Both sides will open a trade office in Vladivostok.",
        "Q3.",
        "Q4.",
        "森総理はイルクーツクを訪問する。",
        "The two leaders agreed to hold the next summit meeting in Irkutsk.",
    )
    rows = {
        "title": make_commitment(desk=rf_desk, summit=summit, title="Open the Khabarovsk consulate", quote="Q1."),
        "quote": make_commitment(
            desk=rf_desk,
            summit=summit,
            title="A trade office",
            quote="Both sides will open a trade office in Vladivostok.",
        ),
        "description": make_commitment(
            desk=rf_desk, summit=summit, title="Fisheries", quote="Q3.", description="Salmon quotas near Sakhalin."
        ),
        "note": make_commitment(desk=rf_desk, summit=summit, title="Energy talks", quote="Q4."),
        "japanese": make_commitment(
            desk=rf_desk, summit=summit, title="イルクーツクを訪問する", quote="森総理はイルクーツクを訪問する。"
        ),
        # Recorded from the English page, aligned with the Japanese record: its other-language title and quote.
        "bilingual": make_commitment(
            desk=rf_desk,
            summit=summit,
            title="Hold the next summit in Irkutsk",
            quote="The two leaders agreed to hold the next summit meeting in Irkutsk.",
            title_other="次回首脳会談の開催",
            quote_other="両首脳は、次回の首脳会談を開催することで一致した。",
        ),
    }
    for text in ("Sakhalin pipeline discussed", "Second round on the Sakhalin pipeline"):
        services.update_add(commitment_id=rows["note"].pk, note=text, by=officer, now=NOTED_AT)
    return rows


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("khabarovsk", {"title"}),  # case-insensitive
        ("VLADIVOSTOK", {"quote"}),
        ("salmon", {"description"}),
        ("pipeline", {"note"}),  # a progress note's word; two matching notes, one row
        ("sakhalin", {"description", "note"}),  # a description and a note
        ("open office", {"quote"}),  # every word, each in any field: both in the quote
        ("open sakhalin", set()),  # each word matches some row, no row holds both
        ("khabar consul", {"title"}),  # substrings, not whole words
        ("訪問 イルクーツク", {"japanese"}),  # a two-character Japanese word, beside a longer one
        ("訪問", {"japanese"}),  # or alone: its pairs of characters are indexed
        ("首脳", {"bilingual"}),  # in the other language's title and quote
        ("会談 訪問", set()),  # each in some row, no row holds both
        ("首脳会談", {"bilingual"}),  # the title in the other language
        ("首脳会談を延期", set()),  # words the record does not hold
        ("次回の首脳会談", {"bilingual"}),  # the quote in the other language
        ("イルクーツク", {"japanese"}),
        ("100%", set()),  # % and _ are letters, not wildcards
        ("ab_", set()),
    ],
)
def test_every_word_matches_a_field_or_a_note(
    clients: tuple[Client, APIClient], cast: dict[str, Commitment], query: str, expected: set[str]
) -> None:
    admin, api = clients
    wanted = sorted(cast[name].title for name in expected)
    assert sorted(_admin_titles(admin, query)) == wanted
    assert sorted(_api_titles(api, query)) == wanted


@pytest.mark.parametrize(
    "query", ["visit", "the year", "Mori Irkutsk", "peace treaty", "ru the", "e year", "pipeline", "訪問 イルクーツク"]
)
def test_the_admin_and_the_api_find_the_same_rows(
    clients: tuple[Client, APIClient], cast: dict[str, Commitment], query: str
) -> None:
    admin, api = clients
    found = _admin_titles(admin, query)
    assert sorted(found) == sorted(_api_titles(api, query, page_size=200))
    # The same as the selector on its own, so neither interface filters more than the other.
    selected = search.commitment_search(Commitment.objects.all(), query)
    assert sorted(found) == sorted(selected.values_list("title", flat=True))
    assert found  # every query here finds something: equal empty lists would prove nothing


def _scanned(*words: str) -> list[str]:
    """The titles of the commitments holding every word somewhere search looks, found in Python, row by row."""
    folded = [word.casefold() for word in words]
    return sorted(
        c.title
        for c in Commitment.objects.prefetch_related("updates")
        if all(
            any(
                word in text.casefold()
                for text in (c.title, c.quote, c.description, *(u.note for u in c.updates.all()))
            )
            for word in folded
        )
    )


def test_short_words_match_beside_a_longer_one(clients: tuple[Client, APIClient], cast: dict[str, Commitment]) -> None:
    """Under three characters no trigram index helps (search.py); beside a longer word they narrow its rows."""
    admin, api = clients
    expected = _scanned("ru", "the")
    assert len(expected) > 2
    assert expected != _scanned("the")  # the short word narrows
    assert sorted(_admin_titles(admin, "Ru the")) == expected
    assert sorted(_api_titles(api, "Ru the", page_size=200)) == expected


@pytest.mark.parametrize("query", ["ru", "EU ru", "米", "米 ru"])
def test_short_words_alone_are_refused_with_a_message(
    clients: tuple[Client, APIClient], cast: dict[str, Commitment], query: str
) -> None:
    admin, api = clients
    with CaptureQueriesContext(connection) as captured:
        response = admin.get(LIST, {"q": query})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []
    assert "at least three characters" in response.content.decode()
    assert not any("strpos" in q["sql"].lower() or "instr" in q["sql"].lower() for q in captured)  # nothing scanned
    refused = api.get(API, {"q": query})
    assert refused.status_code == 400
    assert "at least three characters" in refused.json()["error"]["fields"]["q"][0]


def test_search_words_split_drop_repeats_and_stop_at_ten() -> None:
    assert search.search_words("  Visit  visit\tIrkutsk\n") == ["Visit", "Irkutsk"]
    assert search.search_words("") == []
    assert search.search_words(" ".join(f"w{n}" for n in range(15))) == [f"w{n}" for n in range(10)]


def test_titles_holding_every_word_come_first(clients: tuple[Client, APIClient], rf_desk: Desk, demo: Summit) -> None:
    admin, api = clients
    # Ids rise in this order: without ranking, both the API (by id) and the admin (by deadline, then id) would
    # list the quote-only match first.
    summit = _summit("Open a consulate in Nakhodka.", "Both sides agreed.")
    in_quote = make_commitment(
        desk=rf_desk, summit=summit, title="A trade office", quote="Open a consulate in Nakhodka."
    )
    in_title = make_commitment(desk=rf_desk, summit=summit, title="Nakhodka consulate", quote="Both sides agreed.")
    assert _admin_titles(admin, "nakhodka") == [in_title.title, in_quote.title]
    assert _api_titles(api, "nakhodka") == [in_title.title, in_quote.title]
    # An ordering the user asks for wins over the ranking.
    assert _api_titles(api, "nakhodka", ordering="id") == [in_quote.title, in_title.title]
    title_column = 1  # list_display's first column, sorted descending: "A trade office" last
    response = admin.get(LIST, {"q": "nakhodka", "o": f"-{title_column}"})
    assert [c.title for c in response.context["cl"].result_list] == [in_title.title, in_quote.title]


def test_many_matches_keep_the_list_order_unranked(
    clients: tuple[Client, APIClient], rf_desk: Desk, demo: Summit, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past RANK_AT_MOST matches a ranking would sort them all: the list keeps its own, index-served order."""
    admin, api = clients
    summit = _summit("Open a consulate in Nakhodka.", "Both sides agreed.")
    in_quote = make_commitment(
        desk=rf_desk, summit=summit, title="A trade office", quote="Open a consulate in Nakhodka."
    )
    in_title = make_commitment(desk=rf_desk, summit=summit, title="Nakhodka consulate", quote="Both sides agreed.")
    monkeypatch.setattr(search, "RANK_AT_MOST", 1)
    assert _api_titles(api, "nakhodka") == [in_quote.title, in_title.title]  # by id
    listed = _admin_titles(admin, "nakhodka")
    expected_order = Commitment.objects.filter(pk__in=[in_quote.pk, in_title.pk]).order_by(*selectors.triage_order())
    assert listed == [c.title for c in expected_order]
    assert "search_rank" not in search.commitment_search(Commitment.objects.all(), "nakhodka").query.annotations
    monkeypatch.setattr(search, "RANK_AT_MOST", 2)
    assert _api_titles(api, "nakhodka") == [in_title.title, in_quote.title]


def test_api_search_pages_follow_on_without_overlap(clients: tuple[Client, APIClient], rf_desk: Desk) -> None:
    _, api = clients
    summit = _summit(*(f"A consulate, number {n}." for n in range(7)))
    for n in range(7):
        title = f"Consulate {n}" if n % 2 else f"Office {n}"
        make_commitment(desk=rf_desk, summit=summit, title=title, quote=f"A consulate, number {n}.")
    seen: list[str] = []
    url: str | None = f"{API}?q=consulate&page_size=2"
    while url:
        body = api.get(url).json()
        seen += [row["title"] for row in body["results"]]
        url = body["next"]
    # Title hits (odd numbers) first, each group by id; every row once.
    assert seen == ["Consulate 1", "Consulate 3", "Consulate 5", "Office 0", "Office 2", "Office 4", "Office 6"]


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_a_searched_page_costs_the_same_queries_for_3_and_150_matches(
    clients: tuple[Client, APIClient], rf_desk: Desk, officer: Any
) -> None:
    admin, api = clients
    summit = _summit("Number one.")

    def add(count: int) -> None:
        for n in range(count):
            made = make_commitment(desk=rf_desk, summit=summit, title=f"Consulate {n}", quote="Number one.")
            services.update_add(commitment_id=made.pk, note="Consulate staffed", by=officer, now=NOTED_AT)

    add(3)
    urls = [(admin, f"{LIST}?q=consulate"), (api, f"{API}?q=consulate"), (api, f"{API}?q=consulate+staffed")]
    small = [_count(client, url) for client, url in urls]
    add(147)
    assert [_count(client, url) for client, url in urls] == small


def _plan_with_indexes_preferred(queryset: Any) -> str:
    """The plan with sequential scans priced out: an index the query's expressions match is then used (one
    whose expression differs never is, whatever the settings)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
        cursor.execute("SET LOCAL enable_seqscan = on")
    return str(plan)


def _indexes(kind: str) -> list[str]:
    """The migrations' index of that kind on every searched column and on the notes."""
    return [*(f"commitment_{field}_{kind}" for field in search.COMMITMENT_FIELDS), f"update_note_{kind}"]


def test_the_migration_indexes_exactly_the_searched_expressions_on_postgresql(postgres: None, cast: Any) -> None:
    """Seen by the planner: with sequential scans priced out, each field's condition is a trigram index scan
    (were the index's expression not the query's, no setting could make the planner use it); the notes are
    read through their own index and joined by primary key, never as a per-row subquery."""
    queryset = search.commitment_search(Commitment.objects.all(), "Sakhalin").order_by()
    plan = _plan_with_indexes_preferred(queryset)
    for index in _indexes("trgm"):
        assert index in plan, plan
    assert "BitmapOr" in plan, plan
    assert "SubPlan" not in plan, plan


def test_short_words_leave_the_trigram_indexes_alone_on_postgresql(postgres: None, cast: Any) -> None:
    queryset = search.commitment_search(Commitment.objects.all(), "ru sakhalin").order_by()
    plan = _plan_with_indexes_preferred(queryset)
    assert "strpos" in plan, plan  # the short word is a check on the rows...
    assert not [line for line in plan.splitlines() if "Index Cond" in line and "strpos" in line], (
        plan
    )  # ...not a lookup
    assert "commitment_title_trgm" in plan, plan  # the longer word's lookup brings them
    assert sorted(queryset.values_list("title", flat=True)) == _scanned("ru", "sakhalin")


def test_japanese_words_are_indexed_on_postgresql(postgres: None, cast: dict[str, Commitment]) -> None:
    """pg_trgm keeps only the characters the database's LC_CTYPE calls letters: under C.UTF-8 (and any UTF-8
    locale) kana and kanji are, so a Japanese word of three characters or more is an index lookup."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT show_trgm(UPPER('イルクーツク'))")
        (trigrams,) = cursor.fetchone()
    assert trigrams, "this database's LC_CTYPE does not class kana as letters: Japanese words are scanned"
    queryset = search.commitment_search(Commitment.objects.all(), "イルクーツク").order_by()
    plan = _plan_with_indexes_preferred(queryset)
    assert "commitment_title_trgm" in plan, plan
    assert list(queryset.values_list("pk", flat=True)) == [cast["japanese"].pk]


def test_a_two_character_japanese_word_alone_is_an_index_lookup_on_postgresql(
    postgres: None, cast: dict[str, Commitment], officer: Any
) -> None:
    """Each searched column's pairs of non-ASCII characters are indexed (migration 0031): 訪問 alone is one
    BitmapOr of index scans, the notes' included, not a scan of every row."""
    services.update_add(commitment_id=cast["note"].pk, note="外相の訪問を調整中", by=officer, now=NOTED_AT)
    queryset = search.commitment_search(Commitment.objects.all(), "訪問").order_by()
    plan = _plan_with_indexes_preferred(queryset)
    for index in _indexes("bigram"):
        assert index in plan, plan
    assert "BitmapOr" in plan, plan
    assert sorted(queryset.values_list("pk", flat=True)) == sorted([cast["japanese"].pk, cast["note"].pk])


def test_the_pairs_function_lists_every_non_ascii_pair_and_nothing_of_english(postgres: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pb_cjk_bigrams(%s), pb_cjk_bigrams(%s), pb_cjk_bigrams(%s)",
            ["森総理は訪問する。Mori ｅｕ", "The two leaders agreed", "訪　問"],
        )
        japanese, english, spaced = cursor.fetchone()
    # Every pair of neighbouring non-ASCII characters, upper-cased (full-width letters too), once each.
    assert set(japanese) == {"森総", "総理", "理は", "は訪", "訪問", "問す", "する", "る。", "ＥＵ"}
    assert len(japanese) == len(set(japanese))
    assert english == []
    assert spaced == []  # an ideographic space parts two words, as white space does
    # The Python side asks for exactly what the function indexes.
    assert [search.is_pair(word) for word in ("訪問", "ＥＵ", "EU", "訪", "訪問す", "é!")] == [
        True,
        True,
        False,
        False,
        False,
        False,
    ]
