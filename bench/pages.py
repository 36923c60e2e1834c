"""Where people go, each page beside its floor: the same result by the cheapest SQL, on the same connection.

In-process (Django's test client, no network), as of the measured day (the world's present plus a day),
as a superuser unless said otherwise. Every page is timed alternately with its floor (harness.timed_pair);
the page's queries are counted. A floor is the SQL a person would write to get what the page shows: the
page's rows (`.values()` of the columns the API reads, `ROW_COLUMNS`, one query, no count, no relations),
an aggregate, the history rows. It uses whatever index the schema has, so it gets faster when the page does.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

from .harness import fetch_all, rolled_back, say, timed, timed_pair

PAGE = 50  # the admin's list_per_page and the API's page size
# A shorter API page (`page_size`), measured beside each full one: a filter that finds 17 rows at 1k and 50 at
# 1M compares pages of different lengths; pages of SHORT_PAGE rows compare like for like at every scale.
SHORT_PAGE = 10
# The admin has no page size in its URL: its short pages are measured with the list's `list_per_page` set to
# this, one row, as the tightest admin list (overdue at the busiest desk) shows at 1k.
ADMIN_SHORT_PAGE = 1
SEARCH_WORD = "visit"  # the word: no generated row has it, so a scan must read every row to say so
COMMON_WORD = "agreement"  # in about one generated title in seven: pages fill at once in any order
HISTORY_RECORDS = 200
REPORT_SUMMITS_PAGE = 50  # the first page of the per-summit table: the latest summits


def measured_day() -> Any:
    from bench.generate import WORLD_NOW

    return WORLD_NOW + timedelta(days=1)


@contextmanager
def browsing(user: Any = None) -> Iterator[tuple[Any, dict[str, str]]]:
    """A logged-in test client and the API's token header, inside the measured day (tick: time passes)."""
    import time_machine
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from bench.run import bench_user

    user = user or bench_user()
    with time_machine.travel(measured_day(), tick=True):
        client = Client()
        client.force_login(user)  # inside the travelled time, or the session would have expired
        token = Token.objects.get_or_create(user=user)[0].key
        yield client, {"HTTP_AUTHORIZATION": f"Token {token}"}


def _get(client: Any, url: str, headers: dict[str, str] | None = None) -> Callable[[], int]:
    """A page fetch that fails loudly on anything but 200 and reads a streamed body to its end.

    With `headers` (the API's token), from a client of its own without the admin's session cookie, as the
    API's clients call it: with the cookie, every API request also read the session (the reader's language
    lives there), a query no token-only client makes."""
    if headers:
        from django.test import Client

        client = Client()

    def fetch() -> int:
        response = client.get(url, **(headers or {}))
        if response.status_code != 200:
            raise SystemExit(f"[bench] {url} answered {response.status_code}")
        if getattr(response, "streaming", False):
            size = sum(len(chunk) for chunk in response.streaming_content)
        else:
            size = len(response.content)
        return size  # not a timing: see _page_vs_floor

    return fetch


def page_vs_floor(fetch: Callable[[], int], floor: Callable[[], Any], runs: int) -> dict[str, Any]:
    """A page and its floor, alternated; the page's queries and size.

    The queries are counted during each side's first timed run (after the warm-up, which may fill caches a
    running service has full), not by an extra run: at 1M a slow page (a report before issue 20: 29 s)
    would otherwise cost one more run for a number. Recording a few dozen queries costs microseconds."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sizes: list[int] = []
    counted: dict[str, int] = {}
    calls: dict[str, int] = {}

    def first_counted(name: str, function: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            calls[name] = calls.get(name, 0) + 1
            if calls[name] != 2:  # the warm-up is call 1
                return function()
            with CaptureQueriesContext(connection) as captured:
                returned = function()
            counted[name] = len(captured)
            return returned

        return run

    def page() -> None:  # returns None, so the wall time is the sample
        sizes.append(fetch())

    pair = timed_pair(first_counted("page", page), first_counted("floor", floor), runs)
    return {
        "page": pair["a"],
        "floor": pair["b"],
        "ratio": pair["ratio"],
        "queries": counted["page"],
        "floor_queries": counted["floor"],
        "bytes": sizes[-1],
    }


def _values_page(queryset: Any, size: int = PAGE) -> Callable[[], int]:
    """The floor of a list page: its rows alone, the columns the API reads, one SELECT … LIMIT 50."""
    from commitments.api.serializers import ROW_COLUMNS

    return lambda: len(list(queryset.values(*ROW_COLUMNS)[:size]))


def _rows_shown(client: Any, url: str, headers: dict[str, str] | None) -> int:
    """How many commitments a list page shows (an untimed fetch): the API's results, the admin's row boxes."""
    if headers:
        from django.test import Client

        api: Any = Client()  # the token-only client, as _get's
        return len(api.get(url, **headers).json()["results"])
    return int(client.get(url).content.decode().count('name="_selected_action"'))


def _triage() -> list[Any]:
    from commitments import selectors

    return selectors.triage_order()


# --- search ----------------------------------------------------------------------------------------


def _search_floor(word: str, order: list[Any]) -> Callable[[], int]:
    """ILIKE on each searched column, as a person writes it (a pg_trgm GIN index answers it)."""
    from django.db.models import BooleanField
    from django.db.models.expressions import RawSQL

    from commitments.models import Commitment

    pattern = f"%{word}%"
    columns = ("title", "title_other", "quote", "quote_other", "description")
    matches = RawSQL(
        " OR ".join(f'"commitments_commitment"."{column}" ILIKE %s' for column in columns),
        [pattern] * len(columns),
        output_field=BooleanField(),
    )
    return _values_page(Commitment.objects.filter(matches).order_by(*order))


def measure_search(total: int, runs: int) -> dict[str, Any]:
    result: dict[str, Any] = {"word": SEARCH_WORD, "common_word": COMMON_WORD}
    with browsing() as (client, token):
        for suffix, word in (("", SEARCH_WORD), ("_common", COMMON_WORD)):
            result[f"admin{suffix}"] = page_vs_floor(
                _get(client, f"/admin/commitments/commitment/?q={word}"), _search_floor(word, _triage()), runs
            )
            result[f"api{suffix}"] = page_vs_floor(
                _get(client, f"/api/v1/commitments/?q={word}", token), _search_floor(word, ["id"]), runs
            )
    return result


# --- dashboard -------------------------------------------------------------------------------------


def measure_dashboard(total: int, runs: int) -> dict[str, Any]:
    """The admin home, with the tiles beat keeps and with the page counting them. Floor: one aggregate over the
    tracked rows."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from commitments import selectors
    from commitments.models import Commitment

    def floor() -> Any:
        now = timezone.now()
        return Commitment.objects.filter(selectors.tracked_q()).aggregate(
            open=Count("pk"),
            overdue=Count("pk", filter=selectors.overdue_q(now)),
            due_soon=Count("pk", filter=selectors.due_within_q(now, 7)),
            stale=Count("pk", filter=selectors.stale_q(now)),
            pending=Count("pk", filter=selectors.condition_pending_q()),
            ownerless=Count("pk", filter=Q(owner__isnull=True)),
        )

    from django.core.cache import cache

    from commitments.reports.dashboard import KEY

    with browsing() as (client, _token):
        fetch = _get(client, "/admin/")

        def counted_on_the_page() -> int:
            # As when beat has not counted the tiles in two intervals (or the cache was emptied): this page
            # counts them, as every page did before they were kept.
            cache.delete(KEY)
            return fetch()

        return {
            # As a running service serves it: the tiles beat counted in the last minute (the warm-up keeps them).
            "admin": page_vs_floor(fetch, floor, runs),
            "admin_counting": page_vs_floor(counted_on_the_page, floor, runs),
        }


# --- compliance report -----------------------------------------------------------------------------


def _figures(group: str, joins: str, where: str, order: str) -> str:
    """The report's figures for each group (or overall when group is empty) in one aggregate, counts by
    status included.

    Each commitment is counted once per group (per party: once per party that made it, with that party's
    own outcome where one is recorded): no DISTINCT needed."""
    select = f"{group}, " if group else ""
    group_by = f"GROUP BY {group}" if group else ""
    return f"""
        SELECT {select}
            avg(CASE o.outcome WHEN 'fulfilled' THEN 1 WHEN 'partially_fulfilled' THEN 0
                               WHEN 'not_fulfilled' THEN -1 END) AS score,
            count(*) FILTER (WHERE o.outcome IN ('fulfilled', 'partially_fulfilled', 'not_fulfilled')) AS assessed,
            count(*) FILTER (WHERE c.status IN ('not_started', 'in_progress', 'stalled')) AS open,
            count(*) FILTER (WHERE c.status IN ('lapsed', 'withdrawn', 'superseded')) AS excluded,
            count(*) FILTER (WHERE o.outcome = 'fulfilled' AND c.original_due_by IS NOT NULL) AS promised_dated,
            count(*) FILTER (WHERE o.outcome = 'fulfilled' AND c.original_due_by IS NOT NULL AND (c.on_time_as_promised
                OR (c.on_time_as_promised IS NULL AND c.closed_on <= c.original_due_by))) AS on_time_as_promised,
            count(*) FILTER (WHERE o.outcome = 'fulfilled' AND c.due_by IS NOT NULL) AS rescheduled_dated,
            count(*) FILTER (WHERE o.outcome = 'fulfilled' AND c.due_by IS NOT NULL AND (c.on_time_as_rescheduled
                OR (c.on_time_as_rescheduled IS NULL AND c.closed_on <= c.due_by))) AS on_time_as_rescheduled,
            avg(greatest(c.closed_on - c.original_due_by, 0)) FILTER (WHERE o.outcome = 'fulfilled'
                AND c.original_due_by IS NOT NULL AND c.closed_on IS NOT NULL) AS delay_days,
            count(*) FILTER (WHERE o.outcome = 'fulfilled') AS n_fulfilled,
            count(*) FILTER (WHERE o.outcome = 'partially_fulfilled') AS n_partially_fulfilled,
            count(*) FILTER (WHERE o.outcome = 'not_fulfilled') AS n_not_fulfilled,
            count(*) FILTER (WHERE c.status = 'not_started') AS n_not_started,
            count(*) FILTER (WHERE c.status = 'in_progress') AS n_in_progress,
            count(*) FILTER (WHERE c.status = 'stalled') AS n_stalled,
            count(*) FILTER (WHERE c.status = 'lapsed') AS n_lapsed,
            count(*) FILTER (WHERE c.status = 'withdrawn') AS n_withdrawn,
            count(*) FILTER (WHERE c.status = 'superseded') AS n_superseded
        FROM commitments_commitment c {joins}
        WHERE c.status <> 'draft' {where}
        {group_by} {order}
    """


def _report_sql(summit: int | None) -> list[tuple[str, list[Any]]]:
    """The raw SQL for the figures a report shows: overall, per party, per desk, and the first page of
    per-summit (the latest summits) — or, for one summit, that summit's overall, per-party and per-desk."""
    own = "CROSS JOIN LATERAL (SELECT c.status AS outcome) o"
    party = (
        "JOIN commitments_commitment_made_by m ON m.commitment_id = c.id"
        " JOIN summits_party p ON p.id = m.party_id"
        " LEFT JOIN commitments_commitmentoutcome co ON co.commitment_id = c.id AND co.party_id = m.party_id"
        " CROSS JOIN LATERAL (SELECT CASE WHEN c.status IN ('fulfilled', 'partially_fulfilled', 'not_fulfilled')"
        " THEN coalesce(co.status, c.status) ELSE c.status END AS outcome) o"
    )
    desk = f"JOIN commitments_desk d ON d.id = c.desk_id {own}"
    params: list[Any] = []
    where = ""
    if summit is not None:
        where, params = "AND c.summit_id = %s", [summit]
    statements = [
        (_figures("", own, where, ""), params),
        (_figures("p.code, p.name", party, where, "ORDER BY p.name"), params),
        (_figures("d.id, d.name", desk, where, "ORDER BY d.name"), params),
    ]
    if summit is None:
        latest = (
            "JOIN (SELECT id, title, starts_at FROM summits_summit ORDER BY starts_at DESC, id DESC"
            f" LIMIT {REPORT_SUMMITS_PAGE}) s ON s.id = c.summit_id {own}"
        )
        order = "ORDER BY s.starts_at DESC, s.id DESC"
        statements.append((_figures("s.id, s.title, s.starts_at", latest, "", order), []))
    else:
        statements.append(("SELECT id, title, starts_at FROM summits_summit WHERE id = %s", [summit]))
    return statements


def report_summit() -> int:
    """The summit a person opens: the latest one with commitments."""
    from commitments.models import Commitment

    return int(Commitment.objects.order_by("-summit__starts_at", "-summit_id").values_list("summit_id", flat=True)[0])


def _summit_rows_sql(summit: int) -> list[tuple[str, list[Any]]]:
    """What the admin's one-summit page shows besides its figures: the timeline's rows (the columns it draws,
    with the desk's zone for the overdue rule) and the summit's assessments with who kept them."""
    return [
        (
            "SELECT c.id, c.title, c.status, c.condition_state, c.due_phrase, c.due_from, c.due_by, c.closed_on,"
            " d.time_zone FROM commitments_commitment c JOIN commitments_desk d ON d.id = c.desk_id"
            " WHERE c.summit_id = %s AND c.status <> 'draft' ORDER BY c.due_by, c.id",
            [summit],
        ),
        (
            "SELECT a.*, u.username FROM commitments_assessment a LEFT JOIN auth_user u ON u.id = a.created_by_id"
            " WHERE a.summit_id = %s ORDER BY a.as_of, a.created_at",
            [summit],
        ),
    ]


def measure_report(total: int, runs: int) -> dict[str, Any]:
    """Each page beside the raw SQL for what it shows. An admin page's floor adds the admin's empty frame
    (bench/views.admin_frame: login, header, navigation), which no admin page goes below: against the SQL
    alone, a page whose figures take 2–3 ms could not meet any ratio, as the frame alone takes several times
    that. The frame is also timed alone (`frame`), so the SQL's share stays readable."""
    summit = report_summit()
    result: dict[str, Any] = {"summit": summit}

    def floor(summit_id: int | None, frame: Callable[[], int] | None) -> Callable[[], int]:
        statements = _report_sql(summit_id)
        if summit_id is not None and frame is not None:
            statements += _summit_rows_sql(summit_id)

        def run() -> int:
            return sum(fetch_all(sql, params) for sql, params in statements) + (frame() if frame else 0)

        return run

    with browsing() as (client, token):
        admin = "/admin/commitments/commitment/report/"
        api = "/api/v1/reports/compliance/"
        frame = _get(client, "/bench/admin-frame/")
        result["frame"] = timed(frame, runs)
        for name, url, headers, summit_id in (
            ("admin_overall", admin, None, None),
            ("api_overall", api, token, None),
            ("admin_summit", f"{admin}?summit={summit}", None, summit),
            ("api_summit", f"{api}?summit={summit}", token, summit),
        ):
            say(f"  {name}")
            admin_page = headers is None
            result[name] = page_vs_floor(
                _get(client, url, headers), floor(summit_id, frame if admin_page else None), runs
            )
    return result


# --- filtered lists --------------------------------------------------------------------------------

API_ORDERINGS = ["id", "created_at", "updated_at", "status_changed_at", "due_by", "title", "urgency"]


def _busiest(column: str) -> Any:
    """The value of `column` with the most commitments (the owner, desk, summit a filter is worst for)."""
    from django.db.models import Count

    from commitments.models import Commitment

    return (
        Commitment.objects.exclude(**{f"{column}__isnull": True})
        .values(column)
        .annotate(n=Count("pk"))
        .order_by("-n", column)
        .values_list(column, flat=True)[0]
    )


def list_cases(today: date) -> dict[str, tuple[str, str, Any, list[Any]]]:
    """name -> (interface, query string, the filter's Q, the floor's order): every API filter and ordering,
    and the admin's overdue, overdue + desk, urgency band and mine."""
    from django.contrib.auth import get_user_model
    from django.db.models import F, Q
    from django.utils import timezone

    from commitments import rules, selectors
    from commitments.models import Commitment
    from commitments.workflow import OPEN_STATUSES, Status

    now = timezone.now()
    owner_id = _busiest("owner_id")
    owner = get_user_model().objects.get(pk=owner_id)
    desk, summit = _busiest("desk_id"), _busiest("summit_id")
    party = "JPN"
    made_by = Commitment.made_by.through.objects.filter(party__code=party).values("commitment_id")
    watched = Commitment.watchers.through.objects.filter(user_id=owner_id).values("commitment_id")
    cases: dict[str, tuple[str, str, Any, list[Any]]] = {
        "api overdue": ("api", "overdue=true", selectors.overdue_q(now), ["id"]),
        "api open": ("api", "open=true", Q(status__in=OPEN_STATUSES), ["id"]),
        "api stale": ("api", "stale=true", selectors.stale_q(now), ["id"]),
        "api owner": ("api", f"owner={owner.get_username()}", Q(owner_id=owner_id), ["id"]),
        "api desk": ("api", f"desk={desk}", Q(desk_id=desk), ["id"]),
        "api summit": ("api", f"summit={summit}", Q(summit_id=summit), ["id"]),
        "api party": ("api", f"party={party}", Q(pk__in=made_by), ["id"]),
        "api status": ("api", f"status={Status.IN_PROGRESS}", Q(status=Status.IN_PROGRESS), ["id"]),
        "api due_before": ("api", f"due_before={today}", Q(due_by__lte=today), ["id"]),
        "api due_after": ("api", f"due_after={today}", Q(due_by__gte=today), ["id"]),
    }
    orders: dict[str, list[Any]] = {
        "id": ["id"],
        "created_at": ["created_at", "id"],
        "updated_at": ["updated_at", "id"],
        "status_changed_at": ["status_changed_at", "id"],
        "due_by": [F("due_by").asc(nulls_last=True), "id"],
        "title": ["title", "id"],
        "urgency": _triage(),
    }
    for name, order in orders.items():
        cases[f"api ordering={name}"] = ("api", f"ordering={name}", Q(), order)
        reverse = [copy.copy(o).reverse_ordering() if hasattr(o, "reverse_ordering") else f"-{o}" for o in order]
        cases[f"api ordering=-{name}"] = ("api", f"ordering=-{name}", Q(), reverse)
    overdue = selectors.overdue_q(now)
    cases.update(
        {
            "admin overdue": ("admin", "deadline=overdue", overdue, _triage()),
            "admin overdue+desk": ("admin", f"deadline=overdue&desk__id__exact={desk}", overdue & Q(desk_id=desk),
                                   _triage()),
            "admin urgency=overdue": ("admin", f"urgency={rules.Band.OVERDUE.name.lower()}",
                                      selectors.urgency_band_q(rules.Band.OVERDUE, now), _triage()),
            # Owned or watched, by a subquery rather than selectors.mine_q's join: the join can repeat a row,
            # and the DISTINCT it would need sorts every matching row before the LIMIT.
            "admin mine": ("admin", "mine=watched", Q(owner_id=owner_id) | Q(pk__in=watched), _triage()),
        }
    )  # fmt: skip
    return cases


def measure_lists(total: int, runs: int) -> dict[str, Any]:
    from django.contrib.auth import get_user_model

    from commitments.models import Commitment

    result: dict[str, Any] = {}
    with browsing() as (client, token):
        cases = list_cases(measured_day().date())
        owner = get_user_model().objects.get(pk=_busiest("owner_id"))
        for name, (interface, query, condition, order) in cases.items():
            if name == "admin mine":
                continue  # as the owner, below
            rows = Commitment.objects.filter(condition).order_by(*order)
            if interface == "admin":
                result[name] = _admin_list(client, query, rows, runs)
                continue
            url = f"/api/v1/commitments/?{query}"
            short = f"{url}&page_size={SHORT_PAGE}"
            result[name] = {
                "query": query,
                "rows": _rows_shown(client, url, token),
                **page_vs_floor(_get(client, url, token), _values_page(rows), runs),
                "short": {
                    "rows": _rows_shown(client, short, token),
                    **page_vs_floor(_get(client, short, token), _values_page(rows, SHORT_PAGE), runs),
                },
            }
    # "Mine" is the busiest owner's own view (owned or watched), as that officer sees it.
    with browsing(owner) as (client, _token):
        _interface, query, condition, order = cases["admin mine"]
        result["admin mine"] = _admin_list(client, query, Commitment.objects.filter(condition).order_by(*order), runs)
    return result


@contextmanager
def _admin_page_size(size: int) -> Iterator[None]:
    from django.contrib import admin

    from commitments.models import Commitment

    model_admin: Any = admin.site._registry[Commitment]  # the registered instance the ChangeList reads
    full = model_admin.list_per_page
    model_admin.list_per_page = size
    try:
        yield
    finally:
        model_admin.list_per_page = full


def _admin_list(client: Any, query: str, rows: Any, runs: int) -> dict[str, Any]:
    """An admin list page (50 rows) and the same list paged by ADMIN_SHORT_PAGE rows, each beside its floor."""
    url = f"/admin/commitments/commitment/?{query}"
    entry = {"query": query, "rows": _rows_shown(client, url, None),
             **page_vs_floor(_get(client, url), _values_page(rows), runs)}  # fmt: skip
    with _admin_page_size(ADMIN_SHORT_PAGE):
        entry["short"] = {
            "rows": _rows_shown(client, url, None),
            **page_vs_floor(_get(client, url), _values_page(rows, ADMIN_SHORT_PAGE), runs),
        }
    return entry


# --- the admin list (unfiltered and overdue), kept from the first benchmark ---------------------------


def measure_admin(total: int, runs: int) -> dict[str, Any]:
    from django.utils import timezone

    from commitments import selectors
    from commitments.models import Commitment

    result: dict[str, Any] = {}
    with browsing() as (client, _token):
        for name, query, condition in (
            ("unfiltered", "", None),
            ("overdue", "?deadline=overdue", "overdue"),
        ):
            rows = Commitment.objects.all()
            if condition:
                rows = rows.filter(selectors.overdue_q(timezone.now()))
            floor = _values_page(rows.order_by(*_triage()))
            result[name] = page_vs_floor(_get(client, f"/admin/commitments/commitment/{query}"), floor, runs)
    return result


# --- history -----------------------------------------------------------------------------------------


def _history_commitment() -> int:
    from commitments.models import Commitment

    return int(Commitment.objects.order_by("id").values_list("pk", flat=True)[Commitment.objects.count() // 2])


def history_records(pk: int, count: int) -> None:
    """`count` historical records for one commitment: its title, status and deadline changing in turn,
    a day apart (the generated world writes none; the measure rolls them back)."""
    from django.db import connection

    from commitments.models import Commitment
    from commitments.workflow import Status

    commitment = Commitment.objects.get(pk=pk)
    started = measured_day() - timedelta(days=count + 1)
    versions = []
    statuses = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.STALLED]
    for i in range(count):
        version = copy.copy(commitment)
        version.version = i + 1
        if i % 3 == 0:
            version.title = f"{commitment.title} (v{i})"[:200]
        elif i % 3 == 1:
            version.status = statuses[i % len(statuses)]
        else:
            version.due_by = (commitment.due_by or measured_day().date()) + timedelta(days=i)
        version._history_date = started + timedelta(days=i)  # type: ignore[attr-defined]  # simple-history reads it
        versions.append(version)
    Commitment.history.bulk_history_create(versions, batch_size=500)
    # Each record's makers, as a save records them (bulk_history_create writes no many-to-many history).
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO commitments_historicalcommitment_made_by (id, history_id, commitment_id, party_id)"
            " SELECT m.id, h.history_id, m.commitment_id, m.party_id FROM commitments_historicalcommitment h"
            " JOIN commitments_commitment_made_by m ON m.commitment_id = h.id"
            " WHERE h.id = %s AND NOT EXISTS (SELECT 1 FROM commitments_historicalcommitment_made_by x"
            " WHERE x.history_id = h.history_id)",
            [pk],
        )


def measure_history(total: int, runs: int) -> dict[str, Any]:
    from django.db.models import Q

    from commitments.models import Commitment

    pk = _history_commitment()
    historical = Commitment.history.model
    table = historical._meta.db_table

    def floor() -> int:
        # Every historical record of the commitment, newest first (the page's order), with who made it.
        return fetch_all(
            f"SELECT h.*, u.username FROM {table} h LEFT JOIN auth_user u ON u.id = h.history_user_id"
            " WHERE h.id = %s ORDER BY h.history_date DESC, h.history_id DESC",
            [pk],
        )

    result: dict[str, Any] = {"commitment": pk, "records": HISTORY_RECORDS}
    with rolled_back():
        history_records(pk, HISTORY_RECORDS)
        result["records"] = historical.objects.filter(Q(id=pk)).count()
        with browsing() as (client, _token):
            result["admin"] = page_vs_floor(_get(client, f"/admin/commitments/commitment/{pk}/history/"), floor, runs)
    return result
