"""Reads: the questions staff ask of commitments (overdue, due soon, stale, mine), set-based.

"Overdue" is judged per desk: a deadline ends at midnight at the end of the `due_by` day in the
desk's own time zone. Desks are few and their zones fewer, so each question becomes one OR-ed
condition per distinct zone — an indexable range on `due_by` — not a per-row computation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import BooleanField, Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy

from common.pgarray import EqualsAny, array_literal
from summits.models import Party, Summit

from . import rules
from .deadlines import window_words
from .models import Commitment, CommitmentOutcome, Desk
from .models.core import TRIAGE_ORDER
from .rules import local_today
from .workflow import CLOSED_STATUSES, OPEN_STATUSES, SCORED_STATUSES, TRACKED_STATUSES, label


def desk_time_zones() -> list[str]:
    return sorted(desks_by_time_zone())


def desks_by_time_zone() -> dict[str, list[int]]:
    """Each time zone some desk uses, with the ids of its desks (one query over the few desks)."""
    zones: dict[str, list[int]] = {}
    for pk, zone in Desk.objects.order_by("pk").values_list("pk", "time_zone"):
        zones.setdefault(zone, []).append(pk)
    return zones


def _per_zone(now: datetime, build: Any, zones: dict[str, list[int]] | None = None) -> Q:
    # `desk_id IN (…)`, not a join on the desk's time_zone: a condition on the commitment's own columns, which
    # the open rows' index (commitment_open_desk_due: desk, due_by, …) answers without reading the desks.
    # One arm per local DATE, not per zone: at any moment the zones share one or two "todays", so the
    # condition the database evaluates for each open row has two arms, not ten (most of the dashboard's time
    # at a million was spent evaluating the ORs).
    # `zones` (desks_by_time_zone()) when the caller builds several conditions at once: the desks read once.
    desks_by_day: dict[Any, list[int]] = {}
    for zone, desk_ids in (desks_by_time_zone() if zones is None else zones).items():
        desks_by_day.setdefault(local_today(zone, now), []).extend(desk_ids)
    condition = Q(pk__in=[])
    for today, desk_ids in sorted(desks_by_day.items()):
        condition |= Q(desk_id__in=sorted(desk_ids)) & build(today)
    return condition


def open_q() -> Q:
    """Open: `closed_on IS NULL` — the predicate of the partial indexes over open rows, stated identically so
    that PostgreSQL can prove a query's rows are in them (a tenth of the table at a million commitments).
    The transition service sets closed_on exactly when a commitment closes and clears it when it reopens
    (test_triage: the flags follow the services), so this is `status IN OPEN_STATUSES`."""
    return Q(closed_on__isnull=True)


def tracked_q() -> Q:
    # open_q() as well as the statuses: it adds nothing to the answer, and lets the open rows' indexes serve
    # every question asked of tracked commitments (overdue, due soon, stale, conditions, urgency bands).
    return open_q() & Q(status__in=TRACKED_STATUSES)


def _tracked(open_known: bool) -> Q:
    """tracked_q(), or only its statuses when the query already says `WHERE closed_on IS NULL` (open_known):
    repeated inside an aggregate's FILTER, closed_on — a column outside the open rows' index — would force
    the planner to read every open row from the table (a bitmap heap scan, 4.4k buffers at a million) instead
    of the index alone (commitment_open_desk_due, an index-only scan: 0.7k buffers, half the time)."""
    return Q(status__in=TRACKED_STATUSES) if open_known else tracked_q()


def unconditional_or_met_q() -> Q:
    # A pending condition suspends the deadline; a failed one lapses the commitment (closed).
    return Q(condition_state__in=["", Commitment.ConditionState.MET])


# Each question below takes `open_known` (see _tracked) for a query that already keeps to open rows, and
# `zones` (desks_by_time_zone()) for one that asks several questions at once and has read the desks.


def overdue_q(now: datetime, *, open_known: bool = False, zones: dict[str, list[int]] | None = None) -> Q:
    """Open, tracked, not waiting on a condition, and past the end of its due_by day locally."""
    return _tracked(open_known) & unconditional_or_met_q() & _per_zone(now, lambda today: Q(due_by__lt=today), zones)


def due_within_q(now: datetime, days: int, *, open_known: bool = False, zones: dict[str, list[int]] | None = None) -> Q:
    """Open and due between today and `days` days from today (inclusive), locally per desk."""
    return _tracked(open_known) & _per_zone(
        now, lambda today: Q(due_by__gte=today, due_by__lte=today + timedelta(days=days)), zones
    )


def stale_q(now: datetime, *, open_known: bool = False) -> Q:
    return _tracked(open_known) & Q(last_activity_at__lt=now - timedelta(days=settings.PLEDGEBOOK_STALE_DAYS))


def condition_pending_q(*, open_known: bool = False) -> Q:
    return _tracked(open_known) & Q(condition_state=Commitment.ConditionState.PENDING)


def ownerless_q() -> Q:
    """Tracked, and nobody active owns it: no owner, or one deactivated since (nobody is reminded)."""
    return tracked_q() & (Q(owner__isnull=True) | Q(owner__is_active=False))


def mine_q(user: Any) -> Q:
    return Q(owner=user) | Q(watchers=user)


def owned_or_watched_q(user: Any) -> Q:
    """The commitments `user` owns or watches, as a condition on the commitment's own columns: `owner_id = …
    OR id = ANY(the ids they watch)` — no join, so never a row twice. For a list sorted by urgency: PostgreSQL
    answers it with a BitmapOr of the owner's index and the primary key, reading each heap page of the user's
    rows once (at a million, the busiest officer's 7,000 rows: ~8k buffers, 10 ms), where `id IN (a union)`
    (mine_ids) looked each id up through the primary key's index (29k buffers, 30 ms)."""
    watched = Commitment.watchers.through.objects.filter(user_id=user.pk).values("commitment_id")
    if connection.vendor == "postgresql":
        # `= ANY(ARRAY(…))`, not `IN (…)`: inside an OR, an IN (subquery) is a filter on every row (the list's
        # capped count walked 560k index entries for it); the array is one index condition of a BitmapOr.
        return Q(owner_id=user.pk) | Q(EqualsAny(F("pk"), ArraySubquery(watched)))
    return Q(owner_id=user.pk) | Q(pk__in=watched)


def mine_ids(user: Any, *, open_only: bool = False) -> QuerySet[Any]:
    """The ids of the commitments `user` owns or watches (only the open ones owned, with `open_only`), as a
    subquery: a UNION of those owned (the owner's index; commitment_open_owner for the open ones) and those
    watched (the watchers table's index on user_id). The OR of mine_q needs a join and walked the list's
    whole index removing other users' rows; a union of two index scans reads only the user's rows.
    IN (…), not a join, also keeps a commitment its owner watches from counting twice."""
    owned = Commitment.objects.filter(owner_id=user.pk)
    if open_only:
        owned = owned.filter(open_q())
    watched = Commitment.watchers.through.objects.filter(user_id=user.pk).values_list("commitment_id", flat=True)
    return owned.order_by().values_list("pk", flat=True).union(watched.order_by())


def commitment_is_overdue(commitment: Commitment, now: datetime) -> bool:
    """The same rule as overdue_q, for one loaded row (its desk must be loaded)."""
    return rules.is_overdue(
        status=commitment.status,
        condition_state=commitment.condition_state,
        due_by=commitment.due_by,
        time_zone=commitment.desk.time_zone,
        now=now,
    )


def commitment_days_overdue(commitment: Commitment, now: datetime) -> int:
    if not commitment_is_overdue(commitment, now) or commitment.due_by is None:
        return 0
    return (local_today(commitment.desk.time_zone, now) - commitment.due_by).days


def commitment_is_stale(commitment: Commitment, now: datetime) -> bool:
    return rules.is_stale(status=commitment.status, last_activity_at=commitment.last_activity_at, now=now)


def commitment_relations(
    ids: list[int], outcomes_of: list[int] | None = None
) -> tuple[dict[str, dict[int, list[Any]]], dict[int, dict[str, dict[str, Any]]]]:
    """For each commitment id: its makers' codes, watchers' usernames, and the ids it depends on and is
    reciprocal with — one query for a page of any size (the API's rows) — and the parties' own recorded
    outcomes of `outcomes_of` (outcome_ids of the page; commitment_outcomes' shape), read by the same statement
    on PostgreSQL (one round trip and no ORM query to build: a tenth of an API list request), by a query of
    their own on SQLite, whose text dates the ORM's converters read."""
    result: dict[str, dict[int, list[Any]]] = {"made_by": {}, "watchers": {}, "depends_on": {}, "reciprocal": {}}
    outcomes: dict[int, dict[str, dict[str, Any]]] = {}
    if not ids:
        return result, outcomes
    made_by = Commitment.made_by.through._meta.db_table
    watchers = Commitment.watchers.through._meta.db_table
    depends_on = Commitment.depends_on.through._meta.db_table
    reciprocal = Commitment.reciprocal.through._meta.db_table
    party, user = Party._meta.db_table, get_user_model()._meta.db_table
    postgresql = connection.vendor == "postgresql"
    params: list[Any]
    if postgresql:
        # One array parameter per branch, not one parameter per id: binding 200 values cost more than
        # the query itself.
        marks, params = "SELECT unnest(%s::bigint[])", [array_literal(ids)] * 4
    else:
        marks, params = ", ".join(["%s"] * len(ids)), [*ids, *ids, *ids, *ids]
    # Ordered as the serializer orders them: makers by party name, watchers by username, links by id.
    # (Table names come from the models; the ids are parameters. One column type for every branch; the last
    # three columns are an outcome's note, who recorded it and when.)
    none = "NULL, NULL, CAST(NULL AS TIMESTAMP WITH TIME ZONE)" if postgresql else "NULL, NULL, NULL"
    sql = (
        f"SELECT 'made_by', m.commitment_id, p.code, p.name, p.id, {none} FROM {made_by} m "  # noqa: S608
        f"JOIN {party} p ON p.id = m.party_id WHERE m.commitment_id IN ({marks}) "
        f"UNION ALL SELECT 'watchers', w.commitment_id, u.username, u.username, 0, {none} FROM {watchers} w "
        f"JOIN {user} u ON u.id = w.user_id WHERE w.commitment_id IN ({marks}) "
        f"UNION ALL SELECT 'depends_on', d.from_commitment_id, CAST(d.to_commitment_id AS VARCHAR(20)), '', "
        f"d.to_commitment_id, {none} "
        f"FROM {depends_on} d WHERE d.from_commitment_id IN ({marks}) "
        f"UNION ALL SELECT 'reciprocal', r.from_commitment_id, CAST(r.to_commitment_id AS VARCHAR(20)), '', "
        f"r.to_commitment_id, {none} "
        f"FROM {reciprocal} r WHERE r.from_commitment_id IN ({marks}) "
    )
    if postgresql and outcomes_of:
        outcome = CommitmentOutcome._meta.db_table
        sql += (
            f"UNION ALL SELECT 'outcomes', o.commitment_id, p.code, o.status, 0, o.note, u.username, o.recorded_at "  # noqa: S608
            f"FROM {outcome} o JOIN {party} p ON p.id = o.party_id LEFT JOIN {user} u ON u.id = o.recorded_by_id "
            "WHERE o.commitment_id IN (SELECT unnest(%s::bigint[])) "
        )
        params.append(array_literal(outcomes_of))
    sql += "ORDER BY 1, 2, 4, 5"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for name, pk, value, label, _, note, username, recorded_at in cursor.fetchall():
            if name == "outcomes":
                outcomes.setdefault(pk, {})[value] = _outcome(label, note, username, recorded_at)
            else:
                result[name].setdefault(pk, []).append(int(value) if name in ("depends_on", "reciprocal") else value)
    if not postgresql and outcomes_of:
        outcomes = commitment_outcomes(outcomes_of)
    return result, outcomes


def commitment_outcomes(ids: list[int]) -> dict[int, dict[str, dict[str, Any]]]:
    """The parties' own recorded outcomes of the given commitments: {commitment id: {party code: {"status",
    "note", "recorded_by" (username or None), "recorded_at"}}}. One query; a party without an entry follows
    its commitment's status. Pass only the ids that can have some (closed as fulfilled, partially or not
    fulfilled: `outcome_ids`); with none, no query at all."""
    result: dict[int, dict[str, dict[str, Any]]] = {}
    if not ids:
        return result
    rows = CommitmentOutcome.objects.filter(commitment_id__in=ids).values_list(
        "commitment_id", "party__code", "status", "note", "recorded_by__username", "recorded_at", named=True
    )
    for row in rows:
        result.setdefault(row.commitment_id, {})[row.party__code] = _outcome(
            row.status, row.note, row.recorded_by__username, row.recorded_at
        )
    return result


def _outcome(status: str, note: str, recorded_by: str | None, recorded_at: datetime) -> dict[str, Any]:
    return {"status": status, "note": note, "recorded_by": recorded_by, "recorded_at": recorded_at}


def outcome_ids(rows: list[tuple[int, str]]) -> list[int]:
    """Of (id, status) pairs, the ids whose commitment may have per-party outcomes (a scored closing)."""
    return [pk for pk, status in rows if status in SCORED_STATUSES]


def party_outcomes(commitment: Commitment) -> list[dict[str, Any]]:
    """Each party that made `commitment`, by code, with its outcome: its own where one is recorded
    (`recorded` True, with the note, who and when), else the commitment's status. For one loaded commitment
    (the admin's page): two queries."""
    recorded = commitment_outcomes(outcome_ids([(commitment.pk, commitment.status)])).get(commitment.pk, {})
    result = []
    for party in commitment.made_by.order_by("code"):
        own = recorded.get(party.code)
        result.append(
            {
                "party": party,
                "status": own["status"] if own else commitment.status,
                "recorded": own is not None,
                "note": own["note"] if own else "",
                "recorded_by": own["recorded_by"] if own else None,
                "recorded_at": own["recorded_at"] if own else None,
            }
        )
    return result


# --- urgency: the bands of rules.urgency, as set-based conditions ----------------------------------------


def due_soon_q(now: datetime, *, zones: dict[str, list[int]] | None = None) -> Q:
    """Due today or within rules.DUE_SOON_DAYS, not waiting on a condition (a pending condition suspends the
    deadline, as the reminders treat it): the due-soon band of rules.urgency."""
    return due_within_q(now, rules.DUE_SOON_DAYS, zones=zones) & unconditional_or_met_q()


def urgency_band_qs(now: datetime) -> dict[rules.Band, Q]:
    """Each band of rules.urgency at `now` as a condition (tests hold the two equal, row by row).

    Each band but the last two is an indexable condition (a range on due_by per desk zone, a status, a
    condition state, last activity), so the dashboard reads each with its own small query. Built together,
    so that the desks' time zones are read once for all of them."""
    zones = desks_by_time_zone()
    overdue, soon = overdue_q(now, zones=zones), due_soon_q(now, zones=zones)
    pending, stale = condition_pending_q(), stale_q(now)
    return {
        rules.Band.OVERDUE: overdue,
        rules.Band.DUE_SOON: soon,
        rules.Band.CONDITION: pending,
        rules.Band.STALE: stale & ~overdue & ~soon & ~pending,
        rules.Band.OPEN: tracked_q() & ~overdue & ~soon & ~pending & ~stale,
        rules.Band.DRAFT: Q(status__in=OPEN_STATUSES - TRACKED_STATUSES),
        rules.Band.CLOSED: Q(status__in=CLOSED_STATUSES),
    }


def urgency_band_q(band: rules.Band, now: datetime) -> Q:
    """The commitments in one band of rules.urgency at `now`."""
    return urgency_band_qs(now)[band]


def commitment_urgency(commitment: Commitment, now: datetime) -> rules.Urgency:
    """rules.urgency for one loaded row (its desk and owner must be loaded: select_related)."""
    owner = commitment.owner
    return rules.urgency(
        status=commitment.status,
        condition_state=commitment.condition_state,
        due_by=commitment.due_by,
        last_activity_at=commitment.last_activity_at,
        time_zone=commitment.desk.time_zone,
        now=now,
        has_active_owner=owner is not None and owner.is_active,
    )


def triage_order() -> list[Any]:
    """The order of the admin's triage list and the API's `ordering=urgency` (models.core.TRIAGE_ORDER: open
    first, those waiting on a condition after the others, then by deadline — the overdue lead, most overdue
    first —, open-ended last; an index serves it)."""
    return list(TRIAGE_ORDER)


class UrgencySection(NamedTuple):
    band: rules.Band
    total: int  # in this band; `rows` holds the first few
    rows: list[tuple[Commitment, rules.Urgency]]


def my_commitments_by_urgency(user: Any, now: datetime, per_band: int = 5) -> list[UrgencySection]:
    """The tracked commitments `user` owns or watches, one section per band of rules.urgency, most urgent
    band first: how many there are and the first `per_band` of them, most overdue (or soonest due) first.

    Three queries whatever the numbers: the user's open ids (mine_ids: a union of two index scans, a few
    hundred ids, not the million), the desks' zones, and ONE query over those ids that names each row's band
    (a CASE over the bands' conditions, which exclude one another), numbers the rows within their band in the
    triage order and counts them (window functions), and keeps the first `per_band` of each, with their desk
    and owner. It used to be a count and then a query per band, each reading every id again and joining the
    users table in a nested loop (at a million, for the busiest owner: 7 queries, ~170 ms; now ~20 ms).
    Portable: SQLite has window functions too, and Django filters on them by wrapping the query."""
    bands = [rules.Band.OVERDUE, rules.Band.DUE_SOON, rules.Band.CONDITION, rules.Band.STALE, rules.Band.OPEN]
    # The ids first, then the query over that fixed list: with the union as a subquery the planner guessed one
    # row and, at a million, chose nested loops that took over a second for one band; over a list of ids it
    # reads them by primary key.
    ids = list(mine_ids(user, open_only=True))
    conditions = urgency_band_qs(now)
    band_of = Case(
        *[When(conditions[band], then=Value(number)) for number, band in enumerate(bands)],
        default=None,
        output_field=IntegerField(),
    )
    rows = (
        Commitment.objects.filter(open_q(), pk__in=ids)
        .annotate(pb_band=band_of)
        .filter(pb_band__isnull=False)  # drafts: no band on the dashboard
        .annotate(
            pb_rank=Window(RowNumber(), partition_by=[F("pb_band")], order_by=triage_order()),
            pb_total=Window(Count("pk"), partition_by=[F("pb_band")]),
        )
        .filter(pb_rank__lte=per_band)
        .select_related("desk", "owner")
        .order_by("pb_band", "pb_rank")
    )
    totals = dict.fromkeys(range(len(bands)), 0)
    shown: dict[int, list[tuple[Commitment, rules.Urgency]]] = {number: [] for number in totals}
    for commitment in rows if ids else []:
        totals[commitment.pb_band] = commitment.pb_total  # type: ignore[attr-defined]
        shown[commitment.pb_band].append((commitment, commitment_urgency(commitment, now)))  # type: ignore[attr-defined]
    return [UrgencySection(band, totals[number], shown[number]) for number, band in enumerate(bands)]


def dashboard_counts(now: datetime) -> dict[str, int]:
    """The dashboard's tiles: open, overdue, due in 7 and in 30 days, stale, condition pending, drafts, and
    without an active owner — one aggregate over the OPEN commitments only, since every tile counts open ones.

    `WHERE closed_on IS NULL` is the predicate of the partial index commitment_open_desk_due, which holds every
    column the FILTERs read (desk, due_by, status, condition state, last activity, owner), and the FILTERs do
    not repeat closed_on (open_known): on PostgreSQL an index-only scan of the ~9 % of rows that are open
    (at a million: 90k index entries, ~0.7k buffers, no heap fetch once vacuumed) instead of reading each
    open row from the table. The owner's is_active comes from a subquery of the few inactive users (hashed
    once), not a join; COUNT(status) (never NULL), not COUNT(id), so that no column outside the index is read.
    The desks' zones are read once for the three deadline tiles. Two queries; portable: the same on SQLite."""
    zones = desks_by_time_zone()
    inactive = get_user_model().objects.filter(is_active=False).values("pk")
    tracked = _tracked(open_known=True)
    return Commitment.objects.filter(open_q()).aggregate(
        open=Count("status", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("status", filter=overdue_q(now, open_known=True, zones=zones)),
        due7=Count("status", filter=due_within_q(now, 7, open_known=True, zones=zones)),
        due30=Count("status", filter=due_within_q(now, 30, open_known=True, zones=zones)),
        stale=Count("status", filter=stale_q(now, open_known=True)),
        conditional=Count("status", filter=condition_pending_q(open_known=True)),
        drafts=Count("status", filter=Q(status="draft")),
        ownerless=Count("status", filter=tracked & (Q(owner__isnull=True) | Q(owner_id__in=inactive))),
    )


def commitment_list() -> QuerySet[Commitment]:
    """Commitments with what a list row shows, in a fixed number of queries whatever the page size."""
    return Commitment.objects.select_related("summit", "desk", "owner").prefetch_related("made_by")


def commitment_page_related(queryset: QuerySet[Commitment]) -> QuerySet[Commitment]:
    """`queryset` (a list page's) with the summit, desk and owner read for the page's rows once the page is
    chosen (one query each, by id), not joined: a join is made for every row the page is chosen from. An
    officer's own commitments at a million are ~7,000 rows sorted to show fifty; joined to their summits and
    desks, that sort took 60 ms of the page, the same rows alone ~10 ms. The summit without its record's text
    (tens of kilobytes each). For one object (a change page), the joins of commitment_list cost less."""
    return queryset.select_related(None).prefetch_related(
        Prefetch("summit", queryset=Summit.objects.defer("source_text")), "desk", "owner"
    )


def commitment_flags(queryset: QuerySet[Commitment], now: datetime) -> QuerySet[Commitment]:
    """`queryset` with `is_overdue` and `is_stale` computed by the database as of `now`."""
    # CASE WHEN, not the bare condition: a comparison with a NULL due_by is NULL, not false.
    return queryset.annotate(
        is_overdue=Case(When(overdue_q(now), then=Value(True)), default=Value(False), output_field=BooleanField()),
        is_stale=Case(When(stale_q(now), then=Value(True)), default=Value(False), output_field=BooleanField()),
    )


def dependency_cycle(commitment_id: int, depends_on_ids: list[int]) -> list[str]:
    """The titles along a dependency cycle that `depends_on_ids` would close, or [] if none.

    Walks the existing depends-on edges from the proposed prerequisites, one query per level, and
    reports a path back to `commitment_id` (including depending on itself).
    """
    through = Commitment.depends_on.through
    parent: dict[int, int | None] = dict.fromkeys(depends_on_ids)
    frontier = set(depends_on_ids)
    found: int | None = commitment_id if commitment_id in frontier else None
    while frontier and found is None:
        edges = through.objects.filter(from_commitment_id__in=frontier).values_list(
            "from_commitment_id", "to_commitment_id"
        )
        frontier = set()
        for source, target in edges:
            if target in parent:
                continue
            parent[target] = source
            if target == commitment_id:
                found = target
                break
            frontier.add(target)
    if found is None:
        return []
    chain: list[int] = []
    node = parent.get(commitment_id)
    while node is not None:
        chain.append(node)
        node = parent.get(node)
    path_ids = [commitment_id, *reversed(chain), commitment_id]
    titles = dict(Commitment.objects.filter(pk__in=path_ids).values_list("pk", "title"))
    return [titles[pk] for pk in path_ids]


def display_name(user: Any) -> str:
    if user is None:
        return "the system"
    return user.get_full_name() or user.get_username()


def last_change(commitment: Commitment) -> dict[str, Any]:
    """Who made the latest recorded change, and when (in the ministry's time zone)."""
    last = commitment.history.select_related("history_user").order_by("-history_date").first()
    return {
        "changed_by": display_name(last.history_user) if last else "someone",
        "changed_at": timezone.localtime(last.history_date) if last else None,
    }


def import_drafts(summit_id: int) -> QuerySet[Commitment]:
    """The commitments of a meeting that its import proposed as drafts (decided or not), in record order."""
    return (
        Commitment.objects.filter(
            summit_id=summit_id, status_changes__from_status="", status_changes__to_status="draft"
        )
        .select_related("owner")
        .prefetch_related("made_by")
        .order_by("quote_start", "pk")
    )


# --- a commitment's story, told once --------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityEntry:
    """One thing that happened to a commitment, in words: who, when, what, and the note and evidence given.

    `at` is an aware datetime (the template shows it in the user's zone); `who` is a display name or
    "the system"; `kind` is one of status, update, deadline, condition, outcome, follow_up (a CSS hook and
    what tests filter on)."""

    at: datetime
    kind: str
    who: str
    what: str
    note: str = ""
    evidence_url: str = ""
    # A later meeting whose record is the evidence (the page links to it).
    evidence_summit_id: int | None = None
    evidence_summit_title: str = ""


# Same moment (one service call writes several rows): the order in which they read best, newest first.
_SAME_MOMENT_ORDER = {"status": 0, "condition": 1, "outcome": 2, "deadline": 3, "follow_up": 4, "update": 5}


def _day(value: Any) -> str:
    # The page's date form in the reader's language ("31 Dec 2000", 「2000年12月31日」).
    return date_format(value) if value else ""


def _who(user: Any) -> str:
    # Read in the reader's language; display_name's "the system" stays English for what is stored.
    return gettext("the system") if user is None else display_name(user)


def commitment_activity(commitment: Commitment) -> list[ActivityEntry]:
    """Everything that happened to `commitment`, newest first: status changes, progress updates, deadline
    moves, condition changes, each party's outcome, accepted follow-ups. Six queries whatever the number
    of entries (one per source, with the people and meetings joined in).

    A follow-up accepted from a later record writes an update with the same note at the same moment: the
    follow-up's entry stands for both. A condition that failed lapsed the commitment: the status change
    to Lapsed says so, so the condition's own row is not repeated."""
    from .models import DeadlineChange, FollowUp, StatusChange, Update

    entries: list[ActivityEntry] = []
    for change in StatusChange.objects.filter(commitment=commitment).select_related("by"):
        what = (
            f"{change.get_from_status_display()} → {change.get_to_status_display()}"
            if change.from_status
            else gettext("Recorded as %(status)s") % {"status": change.get_to_status_display()}
        )
        if change.on_time is True:
            what += gettext(" (on time)")
        elif change.on_time is False:
            what += gettext(" (late)")
        if change.occurred_on != timezone.localtime(change.recorded_at).date():
            what += gettext(", happened on %(date)s") % {"date": _day(change.occurred_on)}
        entries.append(
            ActivityEntry(change.recorded_at, "status", _who(change.by), what, change.note, change.evidence_url)
        )

    accepted = list(
        FollowUp.objects.filter(commitment=commitment, decision=FollowUp.Decision.ACCEPTED).select_related(
            "summit", "decided_by"
        )
    )
    written_by_follow_ups = {(f.summit_id, f.decided_at) for f in accepted}
    for follow_up in accepted:
        summit = follow_up.summit
        entries.append(
            ActivityEntry(
                follow_up.decided_at or follow_up.summit.starts_at,
                "follow_up",
                _who(follow_up.decided_by),
                gettext(
                    "Follow-up accepted: %(status)s, from the record of “%(title)s” (%(meeting)s), happened on %(date)s"
                )
                % {
                    "status": follow_up.get_proposed_display(),
                    "title": summit.title,
                    "meeting": _day(summit.local_date),
                    "date": _day(follow_up.occurred_on),
                },
                follow_up.reason + (f" — “{follow_up.evidence_quote}”" if follow_up.evidence_quote else ""),
                evidence_summit_id=summit.pk,
                evidence_summit_title=summit.title,
            )
        )

    for update in Update.objects.filter(commitment=commitment).select_related("author", "evidence_summit"):
        if (update.evidence_summit_id, update.created_at) in written_by_follow_ups:
            continue
        evidence = update.evidence_summit
        entries.append(
            ActivityEntry(
                update.created_at,
                "update",
                _who(update.author),
                gettext("Progress update"),
                update.note,
                update.evidence_url,
                evidence_summit_id=evidence.pk if evidence else None,
                evidence_summit_title=evidence.title if evidence else "",
            )
        )

    for move in DeadlineChange.objects.filter(commitment=commitment).select_related("by"):
        old = window_words(move.old_due_from, move.old_due_by)
        new = window_words(move.new_due_from, move.new_due_by)
        phrase = (
            gettext(" (“%(phrase)s”)") % {"phrase": move.new_due_phrase}
            if move.new_due_phrase != move.old_due_phrase
            else ""
        )
        entries.append(
            ActivityEntry(
                move.recorded_at,
                "deadline",
                _who(move.by),
                gettext("Deadline moved: %(old)s → %(new)s%(phrase)s, %(class)s")
                % {"old": old, "new": new, "phrase": phrase, "class": move.get_change_class_display().lower()},
                move.reason,
            )
        )

    entries.extend(_condition_entries(commitment))
    entries.extend(_outcome_entries(commitment))
    entries.sort(key=lambda e: (e.at, -_SAME_MOMENT_ORDER[e.kind]), reverse=True)
    return entries


_CONDITION_WORDS = {
    Commitment.ConditionState.PENDING: gettext_lazy("Condition pending"),
    Commitment.ConditionState.MET: gettext_lazy("Condition met"),
    Commitment.ConditionState.FAILED: gettext_lazy("Condition failed"),
}


def _condition_entries(commitment: Commitment) -> list[ActivityEntry]:
    """Condition changes, read from the commitment's history (one query): each row whose condition state
    differs from the row before. The note given is the history's change reason after its "Condition x: "."""
    rows = (
        commitment.history.select_related("history_user")
        .order_by("history_date", "history_id")
        .only("history_date", "condition_state", "history_change_reason", "history_user")
    )
    entries: list[ActivityEntry] = []
    previous: str | None = None
    for row in rows:
        state = row.condition_state
        if previous is not None and state != previous and state != Commitment.ConditionState.FAILED:
            if not state:
                what = gettext("Condition removed")
            elif not previous:
                what = gettext("Condition added: pending")
            elif state == Commitment.ConditionState.PENDING:
                what = gettext("Condition pending again")
            else:
                what = str(_CONDITION_WORDS[state])
            reason = row.history_change_reason or ""
            prefix = f"Condition {state}: "
            note = reason[len(prefix) :] if reason.startswith(prefix) else ""
            entries.append(ActivityEntry(row.history_date, "condition", _who(row.history_user), what, note))
        previous = state
    return entries


def _outcome_entries(commitment: Commitment) -> list[ActivityEntry]:
    """Each party's own outcome recorded, changed or removed, from the outcomes' history (one query)."""
    rows = (
        CommitmentOutcome.history.filter(commitment_id=commitment.pk)
        .select_related("history_user", "party")
        .order_by("history_date", "history_id")
    )
    entries: list[ActivityEntry] = []
    for row in rows:
        if row.history_type == "-":
            what = gettext("%(code)s: own outcome removed, it follows the status again") % {"code": row.party.code}
            note = ""
        else:
            what = gettext("%(code)s: own outcome %(status)s") % {"code": row.party.code, "status": label(row.status)}
            note = row.note
        entries.append(ActivityEntry(row.history_date, "outcome", _who(row.history_user), what, note))
    return entries
