"""The API list's orderings page by keyset (common.api.ByIdCursor): every row exactly once, in order, through
long runs of equal values, both ways and back again, at a fixed number of queries per page; and each ordering
and open-only filter is served by an index (PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from commitments import selectors
from commitments.api.filters import ORDERINGS
from commitments.api.views import CommitmentViewSet
from commitments.models import Commitment, Desk
from commitments.models.core import FAR_FUTURE
from commitments.workflow import OPEN_STATUSES, SCORED_STATUSES
from common.paginators import planner_rows

from .admin_helpers import login
from .factories import make_commitment

API = "/api/v1/commitments/"
RECORDED = datetime(2000, 11, 16, 3, 0, tzinfo=UTC)
NEW_YEARS_EVE = date(2000, 12, 31)
# "Now" for the open-only questions: the year after, so that the 31 December run is overdue.
FEBRUARY_2001 = datetime(2001, 2, 1, 3, 0, tzinfo=UTC)
PAGE = 7


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def _world(desk: Desk, owner: Any) -> list[Commitment]:
    """50 commitments in long runs of equal values: 16 due on 31 December, 16 with no deadline, the same
    three titles, three moments of creation and of status change, one updated_at for all; some closed, some
    waiting on a condition."""
    base = make_commitment(desk=desk, title="Alpha", owner=owner, due_by=NEW_YEARS_EVE, now=RECORDED)
    rows = []
    for n in range(49):
        clone = Commitment.objects.get(pk=base.pk)
        clone.pk = None
        clone.title = ["Alpha", "Bravo", "Charlie"][n % 3]
        clone.due_by = NEW_YEARS_EVE if n % 3 == 0 else None if n % 3 == 1 else date(2001, 1, 1) + timedelta(days=n)
        clone.created_at = RECORDED + timedelta(hours=n % 3)
        clone.status_changed_at = RECORDED + timedelta(days=n % 3)
        if n % 5 == 0:  # closed: closed_on and a closed status together, as the transition service sets them
            clone.status, clone.closed_on = "fulfilled", date(2000, 12, 1)
        if n % 7 == 0:  # waiting on a condition
            clone.condition_text, clone.condition_state = "if the talks advance", "pending"
            clone.condition_pending_since = RECORDED
        rows.append(clone)
    Commitment.objects.bulk_create(rows)
    return list(Commitment.objects.all())


def _key(commitment: Commitment, ordering: str) -> tuple[Any, ...]:
    """The order the API promises, computed in Python: the ordering's keys, then id."""
    due = commitment.due_by or FAR_FUTURE
    keys = {
        "id": (),
        "created_at": (commitment.created_at,),
        "updated_at": (commitment.updated_at,),
        "status_changed_at": (commitment.status_changed_at,),
        "due_by": (due,),
        "title": (commitment.title,),
        "urgency": (commitment.closed_on is not None, commitment.condition_pending_since is not None, due),
    }[ordering]
    return (*keys, commitment.pk)


def _walk(client: APIClient, url: str | None, link: str) -> list[list[int]]:
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        pages.append([row["id"] for row in response.json()["results"]])
        url = response.json()[link]
    return pages


@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
@pytest.mark.parametrize("ordering", list(ORDERINGS))
def test_paging_through_every_ordering_returns_every_row_once_in_order(
    officer: Any, rf_desk: Desk, ordering: str, descending: bool
) -> None:
    rows = _world(rf_desk, officer)
    expected = [c.pk for c in sorted(rows, key=lambda c: _key(c, ordering), reverse=descending)]
    client = client_for(officer)
    term = f"-{ordering}" if descending else ordering
    forward = _walk(client, f"{API}?ordering={term}&page_size={PAGE}", "next")
    assert [pk for page in forward for pk in page] == expected
    assert {len(page) for page in forward[:-1]} == {PAGE}
    assert 0 < len(forward[-1]) <= PAGE
    # And back from the last page by `previous`: the same pages, in reverse.
    last = client.get(f"{API}?ordering={term}&page_size={PAGE}")
    for _ in forward[1:]:
        last = client.get(last.json()["next"])
    backward = _walk(client, last.json()["previous"], "previous")
    assert backward == list(reversed(forward[:-1]))


def test_a_page_costs_the_same_queries_wherever_it_starts(officer: Any, rf_desk: Desk) -> None:
    _world(rf_desk, officer)
    client = client_for(officer)
    for ordering in ORDERINGS:
        url: str | None = f"{API}?ordering={ordering}&page_size={PAGE}"
        counts = set()
        while url:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            # A page with a fulfilled commitment on it also reads the parties' own outcomes: one query of their own
            # on SQLite, a branch of the relations' statement on PostgreSQL (selectors.commitment_relations).
            scored = any(row["status"] in SCORED_STATUSES for row in response.json()["results"])
            counts.add(len(captured) - (scored and connection.vendor != "postgresql"))
            url = response.json()["next"]
        assert len(counts) == 1, (ordering, counts)


def test_a_cursor_of_another_ordering_or_forged_is_not_found(officer: Any, rf_desk: Desk) -> None:
    _world(rf_desk, officer)
    client = client_for(officer)
    cursor = parse_qs(urlsplit(client.get(f"{API}?ordering=title&page_size={PAGE}").json()["next"]).query)["cursor"][0]
    assert client.get(f"{API}?ordering=due_by&cursor={cursor}").status_code == 404
    assert client.get(f"{API}?ordering=title&cursor=bm9uc2Vuc2U").status_code == 404
    assert client.get(f"{API}?ordering=title&cursor={cursor}").status_code == 200


# --- the dashboard and "mine": the same answers from open rows only -------------------------------------------


def test_the_dashboard_counts_read_open_rows_only_and_agree_with_counting_every_row(
    officer: Any, supervisor: Any, rf_desk: Desk
) -> None:
    rows = _world(rf_desk, officer)
    # An owner who left: "no active owner" counts those rows.
    leaver = get_user_model().objects.create_user("leaver", is_staff=True, is_active=False)
    Commitment.objects.filter(pk__in=[c.pk for c in rows[::4]]).update(owner=leaver)
    Commitment.objects.filter(pk__in=[c.pk for c in rows[1::9]]).update(owner=None)
    now = FEBRUARY_2001
    # The tiles as they were computed before: one aggregate over every row, joining the owner.
    everything = Commitment.objects.aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("pk", filter=selectors.overdue_q(now)),
        due7=Count("pk", filter=selectors.due_within_q(now, 7)),
        due30=Count("pk", filter=selectors.due_within_q(now, 30)),
        stale=Count("pk", filter=selectors.stale_q(now)),
        conditional=Count("pk", filter=selectors.condition_pending_q()),
        drafts=Count("pk", filter=Q(status="draft")),
        ownerless=Count("pk", filter=selectors.ownerless_q()),
    )
    with CaptureQueriesContext(connection) as captured:
        counts = selectors.dashboard_counts(now)
    assert counts == everything
    assert min(counts["overdue"], counts["ownerless"], counts["conditional"], counts["due30"]) > 0
    # The desks' zones, read once for the three deadline tiles, then one aggregate over open rows only.
    assert len(captured) == 2
    assert '"closed_on" IS NULL' in captured[-1]["sql"].split("FROM")[-1]
    # ... and closed_on only there, not again in each tile's FILTER: a column outside the open rows' index
    # would make PostgreSQL read every open row from the table instead of the index alone.
    assert captured[-1]["sql"].count('"closed_on"') == 1


def test_mine_is_the_union_of_owned_and_watched(officer: Any, supervisor: Any, rf_desk: Desk) -> None:
    rows = _world(rf_desk, supervisor)
    Commitment.objects.filter(pk__in=[c.pk for c in rows[::3]]).update(owner=officer)
    for commitment in rows[1::4]:
        commitment.watchers.add(officer)
    joined = set(Commitment.objects.filter(selectors.mine_q(officer)).values_list("pk", flat=True))
    assert set(Commitment.objects.filter(pk__in=selectors.mine_ids(officer)).values_list("pk", flat=True)) == joined
    open_mine = set(
        Commitment.objects.filter(selectors.open_q(), pk__in=selectors.mine_ids(officer, open_only=True)).values_list(
            "pk", flat=True
        )
    )
    assert open_mine == {pk for pk in joined if Commitment.objects.get(pk=pk).closed_on is None}
    assert open_mine
    assert open_mine != joined
    # The list's "mine" filter: the same rows, as a condition on the commitment's own columns.
    owned_or_watched = set(
        Commitment.objects.filter(selectors.owned_or_watched_q(officer)).values_list("pk", flat=True)
    )
    assert owned_or_watched == joined


def test_the_lists_mine_filter_is_one_bitmap_of_the_owners_index_and_the_watched_ids(
    postgres: None, officer: Any, supervisor: Any, rf_desk: Desk
) -> None:
    """Not a filter on every row (the capped count walked 560k index entries at a million for `IN (…)` inside
    the OR), nor a primary-key lookup per id (`id IN (a union)`: 30 ms for an officer's 7,000 rows)."""
    rows = _world(rf_desk, supervisor)
    Commitment.objects.filter(pk__in=[c.pk for c in rows[::3]]).update(owner=officer)
    rows[1].watchers.add(officer)
    queryset = Commitment.objects.filter(selectors.owned_or_watched_q(officer)).values("pk")
    sql, params = queryset.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "BitmapOr" in plan, plan
    assert "commitments_commitment_pkey" in plan, plan
    assert "SubPlan" not in plan, plan


# --- PostgreSQL: each ordering and open-only filter is an index scan, no sort ----------------------------------


def _plan(sql: str, params: Any, *, index_only: bool = False) -> str:
    # In a transaction of its own: SET LOCAL outside one is ignored (with a warning), and a test that had to
    # VACUUM runs in autocommit — its plan was then left to the planner's choice on a tiny table.
    with transaction.atomic(), connection.cursor() as cursor:
        # A test table is tiny: a sequential scan would always win. Forbid it, so the plan says whether an
        # index CAN serve the ORDER BY and the cursor's comparison (no Sort node, the expected index).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        if index_only:  # a bitmap scan reads the table's pages whatever the index holds
            cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


INDEX_OF = {
    "id": "commitments_commitment_pkey",
    "created_at": "commitment_created_order",
    "updated_at": "commitment_updated_order",
    "status_changed_at": "commitment_changed_order",
    "due_by": "commitment_due_sort_order",
    "title": "commitment_title_order",
    "urgency": "commitment_triage_order",
}


@pytest.mark.parametrize("ordering", list(ORDERINGS))
def test_each_ordering_pages_by_an_index_range(postgres: None, officer: Any, rf_desk: Desk, ordering: str) -> None:
    _world(rf_desk, officer)
    client = client_for(officer)
    for term in (ordering, f"-{ordering}"):
        first = client.get(f"{API}?ordering={term}&page_size={PAGE}").json()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(first["next"]).status_code == 200
        page_sql = next(q["sql"] for q in captured if '"commitments_commitment"."title"' in q["sql"])
        plan = _plan(page_sql, None)
        assert INDEX_OF[ordering] in plan, plan
        assert "Sort" not in plan, plan
        # The cursor's row comparison is the index range's start, not a filter after it.
        assert "Index Cond" in plan, plan


# Transactional: VACUUM cannot run inside the test's transaction, and without the visibility map it sets an
# index-only scan costs the same as reading the table, so the plan would not show which the index allows.
@pytest.mark.django_db(transaction=True)
def test_the_dashboard_tiles_read_an_index_of_open_rows_only(postgres: None, officer: Any, rf_desk: Desk) -> None:
    _world(rf_desk, officer)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) commitments_commitment")
    with CaptureQueriesContext(connection) as captured:
        selectors.dashboard_counts(FEBRUARY_2001)
    # A partial index's predicate (closed_on IS NULL) is implied by the query's: the planner may read it alone.
    plan = _plan(captured[-1]["sql"], None, index_only=True)
    # The index holds every column the tiles read: no row is fetched from the table (at a million, 0.7k
    # buffers instead of 4.4k, half the time).
    assert "Index Only Scan using commitment_open_desk_due on commitments_commitment" in plan, plan
    assert "Seq Scan on commitments_commitment" not in plan, plan


def test_one_desks_overdue_in_the_admin_reads_that_desks_open_rows_in_order(
    postgres: None, client: Client, officer: Any, rf_desk: Desk
) -> None:
    _world(rf_desk, officer)
    login(client, officer)
    with time_machine.travel(FEBRUARY_2001, tick=False), CaptureQueriesContext(connection) as captured:
        response = client.get(f"/admin/commitments/commitment/?deadline=overdue&desk__id__exact={rf_desk.pk}")
    assert response.status_code == 200
    assert response.context["cl"].result_list
    page_sql = next(q["sql"] for q in captured if q["sql"].startswith('SELECT "commitments_commitment"."id", '))
    plan = _plan(page_sql, None)
    # The desk's range of the open rows' index, already in the list's order: the first fifty entries, not a
    # join and sort of all the desk's overdue rows (at a million, ~2k of them: 50-75 ms, now 1.5 ms).
    assert "Index Scan using commitment_open_desk_triage on commitments_commitment" in plan, plan
    assert "Sort" not in plan, plan


def test_the_planner_knows_that_open_rows_are_the_tracked_ones(postgres: None, officer: Any, rf_desk: Desk) -> None:
    # Nine closed rows in ten, as at a million. Taken as independent, `closed_on IS NULL` (a tenth) and the
    # tracked statuses (a tenth) would multiply to a hundredth: 2 rows expected of 20, and the plans chosen
    # for ~200 rows where there are 2,000 (one desk's overdue sorted instead of read in order). The extended
    # statistics of migration 0031 know the two go together.
    base = make_commitment(desk=rf_desk, title="Alpha", owner=officer, due_by=NEW_YEARS_EVE, now=RECORDED)
    clones = []
    for n in range(199):
        clone = Commitment.objects.get(pk=base.pk)
        clone.pk = None
        if n % 10:
            clone.status, clone.closed_on = "fulfilled", date(2000, 12, 1) + timedelta(days=n % 20)
        clones.append(clone)
    Commitment.objects.bulk_create(clones)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE commitments_commitment")
    tracked = Commitment.objects.filter(selectors.tracked_q())
    actual = tracked.count()
    assert actual >= 20  # (and any the database held before: the statuses' mix stays about the same)
    estimate = planner_rows(tracked)
    assert estimate is not None
    assert actual / 2 <= estimate <= actual * 2, (estimate, actual)


def test_the_list_view_annotates_every_sort_key(officer: Any) -> None:
    # ORDERINGS names only fields and the annotations the view adds: a typo would be a 500 at runtime.
    annotations = set(CommitmentViewSet().get_queryset().query.annotations)
    fields = {f.name for f in Commitment._meta.get_fields()}
    assert {key for keys in ORDERINGS.values() for key in keys} <= annotations | fields


def test_filters_on_the_rows_own_columns_add_no_distinct(officer: Any, rf_desk: Desk) -> None:
    # DISTINCT would make the database sort every matching row before the page (no index order).
    _world(rf_desk, officer)
    client = client_for(officer)
    for query in ("status=fulfilled&status=not_started", "open=true", "overdue=true", "owner=me", "ordering=urgency"):
        with CaptureQueriesContext(connection) as captured:
            rows = client.get(f"{API}?{query}").json()["results"]
        assert rows, query
        assert not any("DISTINCT" in q["sql"] for q in captured), query
