"""Triage by urgency: the rule (rules.urgency), its bands as conditions, the dashboard, the list and the API order."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.html import escape
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from commitments import rules, selectors, services
from commitments.api.filters import URGENCY_DESCRIPTION
from commitments.models import Commitment, Desk
from commitments.models.core import DUE_SORT, IS_CLOSED, IS_PENDING, TRIAGE_ORDER
from summits.models import Summit

from .admin_helpers import change_url, login
from .conftest import CHRISTMAS_2000, DAY_AFTER_MEETING, EARLY_2001, MARCH_2001, NEW_YEAR_TOKYO
from .factories import SummitFactory, make_commitment

pytestmark = pytest.mark.django_db

LIST = "/admin/commitments/commitment/"
TOKYO = "Asia/Tokyo"
# The demo as a newcomer sees it years later: every dated, unconditional Brunei commitment long overdue.
YEARS_LATER = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)  # 1 June 2026, noon in Tokyo

FM_VISIT = "Send the Minister for Foreign Affairs to Russia within the year"
PROGRESS = "Substantial progress in Peace Treaty negotiations by the end of the year"
INVITATION = "President Putin invites Prime Minister Mori to Russia this year or next year"
IRKUTSK = "Prime Minister Mori visits Irkutsk within the year (if the Peace Treaty advances)"
RUSSIA_VISIT = "Prime Minister Mori visits Russia within the year if the negotiations progress"


@pytest.fixture(autouse=True)
def _english_afterwards() -> Iterator[None]:
    """A request in Japanese leaves Japanese active in this thread (LocaleMiddleware does not undo it): the
    next test's words, read without a request, must find LANGUAGE_CODE again."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def _urgency(**given: Any) -> rules.Urgency:
    values: dict[str, Any] = {
        "status": "not_started",
        "condition_state": "",
        "due_by": None,
        "last_activity_at": CHRISTMAS_2000,
        "time_zone": TOKYO,
        "now": EARLY_2001,  # 5 January 2001, noon in Tokyo
    }
    return rules.urgency(**{**values, **given})


# --- the rule ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "band", "words", "action"),
    [
        ({"due_by": date(2000, 12, 20)}, rules.Band.OVERDUE, "overdue by 16 days", "update or close"),
        ({"due_by": date(2001, 1, 4)}, rules.Band.OVERDUE, "overdue by 1 day", "update or close"),
        ({"due_by": date(2001, 1, 5)}, rules.Band.DUE_SOON, "due today", "update or close"),
        ({"due_by": date(2001, 1, 6)}, rules.Band.DUE_SOON, "due in 1 day", "update or close"),
        ({"due_by": date(2001, 1, 12)}, rules.Band.DUE_SOON, "due in 7 days", "update or close"),
        ({"due_by": date(2001, 1, 13)}, rules.Band.OPEN, "due in 8 days", "nothing due yet"),
        ({}, rules.Band.OPEN, "no deadline", "nothing due yet"),
        # A pending condition suspends the deadline, however late: someone should check the condition.
        (
            {"due_by": date(2000, 12, 31), "condition_state": "pending"},
            rules.Band.CONDITION,
            "condition pending",
            "check condition",
        ),
        # A met one does not: the deadline counts again.
        ({"due_by": date(2000, 12, 31), "condition_state": "met"}, rules.Band.OVERDUE, "overdue by 5 days", None),
        ({"last_activity_at": DAY_AFTER_MEETING, "now": MARCH_2001}, rules.Band.STALE, "no deadline", "review"),
        (
            {"last_activity_at": DAY_AFTER_MEETING, "now": MARCH_2001, "due_by": date(2001, 6, 30)},
            rules.Band.STALE,
            "due in 121 days",
            "review",
        ),
        # Overdue comes before stale; stale before the rest.
        ({"last_activity_at": DAY_AFTER_MEETING, "due_by": date(2000, 12, 31)}, rules.Band.OVERDUE, None, None),
        ({"status": "draft", "due_by": date(2000, 12, 31)}, rules.Band.DRAFT, "draft, not yet tracked", None),
        ({"status": "fulfilled", "due_by": date(2000, 12, 31)}, rules.Band.CLOSED, "closed", ""),
        ({"status": "lapsed", "condition_state": "failed"}, rules.Band.CLOSED, "closed", ""),
        # Nobody active owns it: nobody is reminded, so naming someone comes first, whatever the band.
        ({"due_by": date(2000, 12, 31), "has_active_owner": False}, rules.Band.OVERDUE, None, "assign an owner"),
    ],
)
def test_urgency_words_and_next_action_for_each_band(
    given: dict[str, Any], band: rules.Band, words: str | None, action: str | None
) -> None:
    found = _urgency(**given)
    assert found.band == band
    if words is not None:
        assert found.words == words
    if action is not None:
        assert found.action == action


def test_days_are_counted_in_the_desk_time_zone() -> None:
    # 00:30 on 1 January 2001 in Tokyo is still 31 December in Moscow.
    tokyo = _urgency(due_by=date(2000, 12, 31), now=NEW_YEAR_TOKYO)
    moscow = _urgency(due_by=date(2000, 12, 31), now=NEW_YEAR_TOKYO, time_zone="Europe/Moscow")
    assert (tokyo.band, tokyo.words, tokyo.days) == (rules.Band.OVERDUE, "overdue by 1 day", 1)
    assert (moscow.band, moscow.words, moscow.days) == (rules.Band.DUE_SOON, "due today", 0)


def test_the_bands_as_conditions_agree_with_the_rule_row_by_row(officer: Any, rf_desk: Desk, demo: Summit) -> None:
    moscow = Desk.objects.create(name="Moscow Embassy", time_zone="Europe/Moscow")
    summit = SummitFactory()
    for offset in (-20, -1, 0, 1, 7, 8, 40):
        for desk in (rf_desk, moscow):
            make_commitment(
                desk=desk, summit=summit, title=f"{desk} {offset}", due_by=date(2001, 1, 5) + timedelta(offset)
            )
    closed = make_commitment(desk=rf_desk, summit=summit, title="Closed", due_by=date(2000, 12, 1))
    services.commitment_transition(
        commitment_id=closed.pk, to_status="fulfilled", by=None, now=EARLY_2001, note="Done."
    )
    Commitment.objects.filter(title="Moscow Embassy 40").update(owner=None)
    rows = list(Commitment.objects.select_related("desk", "owner"))
    for now in (DAY_AFTER_MEETING, CHRISTMAS_2000, NEW_YEAR_TOKYO, EARLY_2001, MARCH_2001, YEARS_LATER):
        by_rule = {c.pk: selectors.commitment_urgency(c, now).band for c in rows}
        for band in rules.Band:
            by_query = set(Commitment.objects.filter(selectors.urgency_band_q(band, now)).values_list("pk", flat=True))
            assert by_query == {pk for pk, found in by_rule.items() if found == band}, (now, band)


# --- the dashboard ---------------------------------------------------------------------------------------


def _dashboard_sections(html: str) -> list[tuple[str, list[str]]]:
    """(band, [title, words, next action] of each row) of the "My commitments" sections, in page order."""
    sections = []
    for band, body in re.findall(r'id="pb-mine-(\w+)">(.*?)</ul>', html, re.S):
        rows = re.findall(
            r'<li class="pb-mine-row"><a [^>]*>([^<]*)</a>\s*<span class="pb-when[^"]*">([^<]*)</span>'
            r'(?: <span class="pb-next">next: ([^<]*)</span>)?',
            body,
        )
        sections.append((band, [f"{title} | {words} | {action}" for title, words, action in rows]))
    return sections


def test_the_dashboard_shows_my_commitments_by_urgency_most_overdue_first(
    client: Client, officer: Any, rf_desk: Desk, demo: Summit
) -> None:
    Commitment.objects.update(owner=officer)
    late = make_commitment(desk=rf_desk, title="Older promise", owner=officer, due_by=date(2000, 12, 20))
    make_commitment(desk=rf_desk, title="Soon", owner=officer, due_by=date(2001, 1, 8))
    make_commitment(desk=rf_desk, title="Someone else's", due_by=date(2000, 12, 1))
    assert late.owner == officer
    login(client, officer)
    with time_machine.travel(EARLY_2001, tick=False):
        html = client.get("/admin/").content.decode()
    sections = _dashboard_sections(html)
    assert [band for band, _ in sections] == ["overdue", "due_soon", "condition", "open"]
    overdue = sections[0][1]
    assert overdue == [
        "Older promise | overdue by 16 days | update or close",
        f"{PROGRESS} | overdue by 5 days | update or close",
        f"{FM_VISIT} | overdue by 5 days | update or close",
    ]
    assert sections[1][1] == ["Soon | due in 3 days | update or close"]
    assert all(row.endswith("| condition pending | check condition") for row in sections[2][1])
    # Ten open ones with nothing due yet: five shown, the section names how many and links to all of them.
    assert len(sections[3][1]) == 5
    assert f"{INVITATION} | due in 360 days | nothing due yet" in sections[3][1]
    assert '<span class="pb-band-count">10</span>' in html
    assert 'href="/admin/commitments/commitment/?urgency=open&amp;mine=watched"' in html
    assert "Someone else&#x27;s" not in html


def test_my_sections_cost_three_queries_however_many_rows_and_bands(officer: Any, rf_desk: Desk, demo: Summit) -> None:
    """The user's ids, the desks' zones, and one query that bands, counts and keeps the first few of each band
    (window functions): the same for three rows in one band as for forty over every band."""
    Commitment.objects.update(owner=officer)

    def sections() -> tuple[int, list[tuple[str, int, int]]]:
        with time_machine.travel(EARLY_2001, tick=False), CaptureQueriesContext(connection) as captured:
            found = selectors.my_commitments_by_urgency(officer, EARLY_2001, per_band=5)
        return len(captured), [(s.band.name, s.total, len(s.rows)) for s in found if s.total]

    few_queries, few = sections()
    for n in range(40):
        make_commitment(
            desk=rf_desk, title=f"Mine {n}", owner=officer, due_by=date(2000, 12, 1) + timedelta(days=n * 3)
        )
    many_queries, many = sections()
    assert few_queries == many_queries == 3
    # Every band the rows fall in is counted in full, and shows at most five of them.
    assert {band for band, _, _ in many} >= {"OVERDUE", "DUE_SOON", "OPEN"}
    assert all(shown == min(total, 5) for _, total, shown in many)
    assert sum(total for _, total, _ in many) == sum(total for _, total, _ in few) + 40
    # The totals are those of the bands' own conditions.
    now = EARLY_2001
    mine = Commitment.objects.filter(pk__in=selectors.mine_ids(officer, open_only=True))
    for band, total, _ in many:
        assert mine.filter(selectors.urgency_band_q(rules.Band[band], now)).count() == total


def test_the_demo_years_later_shows_its_three_overdue_ones_first(client: Client, officer: Any, demo: Summit) -> None:
    Commitment.objects.update(owner=officer)  # as `make run` loads it: the officer owns every one
    login(client, officer)
    with time_machine.travel(YEARS_LATER, tick=False):
        sections = _dashboard_sections(client.get("/admin/").content.decode())
    band, rows = sections[0]
    assert band == "overdue"
    assert [row.split(" | ")[0] for row in rows] == [PROGRESS, FM_VISIT, INVITATION]
    # Counts of days grouped in thousands, as every other count on the page.
    assert rows[0].split(" | ")[1] == "overdue by 9,283 days"  # 31 Dec 2000 to 1 Jun 2026
    assert rows[2].split(" | ")[1] == "overdue by 8,918 days"


def test_each_section_links_to_the_same_rows_in_the_list(client: Client, officer: Any, demo: Summit) -> None:
    Commitment.objects.update(owner=officer)
    login(client, officer)
    with time_machine.travel(EARLY_2001, tick=False):
        html = client.get("/admin/").content.decode()
        for band, rows in _dashboard_sections(html):
            listed = client.get(LIST, {"urgency": band, "mine": "watched"}).context["cl"].result_list
            assert [c.title for c in listed][: len(rows)] == [row.split(" | ")[0] for row in rows]


# --- the list ----------------------------------------------------------------------------------------------


def test_the_list_is_ordered_by_urgency_with_its_words(
    client: Client, officer: Any, rf_desk: Desk, demo: Summit
) -> None:
    make_commitment(desk=rf_desk, title="Older promise", owner=officer, due_by=date(2000, 12, 20))
    done = make_commitment(desk=rf_desk, title="Done long ago", owner=officer, due_by=date(2000, 11, 30))
    services.commitment_transition(
        commitment_id=done.pk,
        to_status="fulfilled",
        by=None,
        now=CHRISTMAS_2000,
        note="Done.",
        occurred_on=date(2000, 11, 20),
    )
    login(client, officer)
    with time_machine.travel(EARLY_2001, tick=False):
        response = client.get(LIST)
    titles = [c.title for c in response.context["cl"].result_list]
    # Open before closed; the most overdue first, then by deadline, open-ended ones after them; those waiting on
    # a condition (their deadline suspended) after the open ones whose deadline runs; closed ones last.
    assert titles[:4] == ["Older promise", PROGRESS, FM_VISIT, INVITATION]
    assert titles[-3:] == [IRKUTSK, RUSSIA_VISIT, "Done long ago"]
    assert len(titles) == 16
    html = response.content.decode()
    assert (
        '<span class="pb-flag pb-overdue">overdue by 16 days</span><br><small class="pb-next">next: update or close'
        in html
    )
    assert '<span class="pb-flag pb-conditional">condition pending</span>' in html
    assert '<span class="pb-when">closed</span>' in html
    assert ">1\xa0week ago<" in html  # Done long ago: closed at Christmas, eleven days before
    assert ">1\xa0month ago<" in html  # the demo's: recorded the day after the meeting
    for column in ("urgency", "last_update", "owner", "status_badge", "title"):
        assert f"column-{column}" in html


def test_list_column_headers_still_sort(client: Client, officer: Any, demo: Summit) -> None:
    login(client, officer)
    cl = client.get(LIST).context["cl"]
    columns = list(cl.list_display)
    by_activity = client.get(LIST, {"o": str(columns.index("last_update"))}).context["cl"].result_list
    assert [c.last_activity_at for c in by_activity] == sorted(c.last_activity_at for c in by_activity)
    by_title = client.get(LIST, {"o": f"-{columns.index('title_link')}"}).context["cl"].result_list
    assert [c.title for c in by_title] == sorted((c.title for c in by_title), reverse=True)


def test_each_title_opens_its_commitment_and_the_way_back_keeps_the_filters(
    client: Client, officer: Any, demo: Summit
) -> None:
    login(client, officer)
    with time_machine.travel(EARLY_2001, tick=False):
        desk_id = officer.desk_memberships.get().desk_id
        html = client.get(f"{LIST}?desk__id__exact={desk_id}&urgency=overdue")
    rows = html.context["cl"].result_list
    assert rows
    page = html.content.decode()
    for row in rows:
        # The link Django's own row link would give: the change page, carrying the list's filters back to it.
        link = f"{change_url(row)}?_changelist_filters=desk__id__exact%3D{row.desk_id}%26urgency%3Doverdue"
        assert f'<a href="{link}">{escape(row.title)}</a>' in page
    # Without filters, no "?".
    plain = client.get(LIST).content.decode()
    assert f'<a href="{change_url(rows[0])}">' in plain


def test_the_urgency_filter_offers_each_band(client: Client, officer: Any, demo: Summit) -> None:
    login(client, officer)
    with time_machine.travel(EARLY_2001, tick=False):
        overdue = {c.title for c in client.get(LIST, {"urgency": "overdue"}).context["cl"].result_list}
        pending = client.get(LIST, {"urgency": "condition"}).context["cl"].result_list
    assert overdue == {PROGRESS, FM_VISIT}
    assert len(pending) == 2


@pytest.mark.parametrize(("language", "due_soon"), [("en-gb", "Due within 7 days"), ("ja", "7日以内に期限")])
def test_the_dashboards_sections_and_the_urgency_filter_name_each_band_alike(
    client: Client, officer: Any, demo: Summit, language: str, due_soon: str
) -> None:
    """One table of band names (rules.BAND_LABELS): a section's heading is the filter its link opens."""
    Commitment.objects.update(owner=officer)
    login(client, officer)
    with time_machine.travel(EARLY_2001, tick=False):
        html = client.get("/admin/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        changelist = client.get(LIST, HTTP_ACCEPT_LANGUAGE=language).context["cl"]
    headings = dict(re.findall(r'id="pb-mine-(\w+)">\s*<h3 class="pb-band-head"><span>([^<]*)</span>', html))
    urgency = next(spec for spec in changelist.filter_specs if getattr(spec, "parameter_name", "") == "urgency")
    offered = {value: str(words) for value, words in urgency.lookup_choices}
    assert set(headings) >= {"overdue", "condition"}  # the demo in January 2001: overdue ones, pending conditions
    assert all(offered[band] == heading for band, heading in headings.items())
    assert offered["due_soon"] == due_soon
    assert list(offered) == ["overdue", "due_soon", "condition", "stale", "open"]


def test_the_triage_order_is_the_index_order_and_its_flags_follow_the_services(officer: Any, rf_desk: Desk) -> None:
    # The ORDER BY and the index state the same expressions, so the database can read the index in order.
    index = next(i for i in Commitment._meta.indexes if i.name == "commitment_triage_order")
    assert [str(e) for e in index.expressions] == [str(IS_CLOSED), str(IS_PENDING), str(DUE_SORT), "F(id)"]
    assert [str(term.expression) for term in TRIAGE_ORDER] == [str(e) for e in index.expressions]
    assert [term.descending for term in TRIAGE_ORDER] == [False, False, False, False]
    # What the expression relies on: closed_on is set exactly while a status is closed.
    item = make_commitment(desk=rf_desk, title="Kept and reopened")
    assert item.closed_on is None
    services.commitment_transition(commitment_id=item.pk, to_status="fulfilled", by=None, now=EARLY_2001, note="Done.")
    assert Commitment.objects.filter(IS_CLOSED.expression, pk=item.pk).exists()
    services.commitment_transition(
        commitment_id=item.pk, to_status="in_progress", by=None, now=EARLY_2001, note="Not yet."
    )
    assert not Commitment.objects.filter(IS_CLOSED.expression, pk=item.pk).exists()
    # And condition_pending_since exactly while a condition is pending.
    visit = make_commitment(desk=rf_desk, title="Visit, if", condition_text="if the talks advance")
    assert Commitment.objects.filter(IS_PENDING.expression, pk=visit.pk).exists()
    services.condition_set_state(commitment_id=visit.pk, state="met", by=None, now=EARLY_2001)
    assert not Commitment.objects.filter(IS_PENDING.expression, pk=visit.pk).exists()


# --- the API -------------------------------------------------------------------------------------------------


def _api_titles(client: Any, query: str) -> list[str]:
    titles: list[str] = []
    url: str | None = f"/api/v1/commitments/?{query}"
    while url:
        page = client.get(url)
        assert page.status_code == 200, page.content
        titles += [row["title"] for row in page.json()["results"]]
        url = page.json()["next"]
    return titles


def test_api_ordering_by_urgency_is_the_list_order(client: Client, officer: Any, rf_desk: Desk, demo: Summit) -> None:
    make_commitment(desk=rf_desk, title="Older promise", owner=officer, due_by=date(2000, 12, 20))
    done = make_commitment(desk=rf_desk, title="Done long ago", owner=officer, due_by=date(2000, 11, 30))
    services.commitment_transition(
        commitment_id=done.pk, to_status="fulfilled", by=None, now=CHRISTMAS_2000, note="Done."
    )
    login(client, officer)
    with time_machine.travel(EARLY_2001, tick=False):
        listed = [c.title for c in client.get(LIST).context["cl"].result_list]
        api = client_for(officer)
        # Page by page (three at a time): the cursor's key is unique, so nothing repeats or goes missing.
        urgent = _api_titles(api, "ordering=urgency&page_size=3")
        reverse = _api_titles(api, "ordering=-urgency&page_size=3")
    assert urgent == listed
    assert urgent[0] == "Older promise"
    assert urgent[-1] == "Done long ago"
    assert reverse == list(reversed(listed))


def test_the_openapi_schema_describes_ordering_by_urgency(client: Client) -> None:
    schema = client.get("/api/v1/schema/").content.decode()
    assert "urgency" in schema
    assert URGENCY_DESCRIPTION.split(":")[0] in schema
    assert "open before closed" in schema


# --- query counts ------------------------------------------------------------------------------------------


def _count(client: Client, url: str) -> int:
    cache.clear()  # the dashboard's tiles counted by the page itself, as on a first visit (not kept by beat)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _spread(desk: Desk, owner: Any, summit: Summit, count: int) -> None:
    """`count` commitments of `owner` across every band (overdue, due soon, condition, stale, the rest)."""
    for n in range(count):
        kind = n % 5
        make_commitment(
            desk=desk,
            summit=summit,
            title=f"Spread {n}",
            owner=owner,
            due_by=[date(2000, 12, 1), date(2001, 3, 4), date(2000, 12, 31), None, date(2001, 6, 1)][kind],
            condition_text="if the talks advance" if kind == 2 else "",
            now=DAY_AFTER_MEETING if kind == 3 else CHRISTMAS_2000,
        )


def test_dashboard_and_list_queries_do_not_grow_with_rows(client: Client, officer: Any, rf_desk: Desk) -> None:
    login(client, officer)
    summit = SummitFactory()
    Commitment.objects.all().delete()
    pages = ["/admin/", LIST, LIST + "?urgency=overdue", LIST + "?urgency=open&mine=watched"]
    with time_machine.travel(MARCH_2001, tick=False):
        _spread(rf_desk, officer, summit, 5)
        small = [_count(client, page) for page in pages]
        _spread(rf_desk, officer, summit, 120)
        large = [_count(client, page) for page in pages]
    assert small == large
