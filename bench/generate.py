"""Realistic data at scale, written with PostgreSQL's COPY: desks, staff, meetings since 1990, commitments.

The shape follows what a ministry accumulates. Meetings grow denser towards the present; each carries
about ten commitments; deadlines are read the way the importer reads them ("within the year" is the
commonest phrase, so 31 December is the busiest due date, then fiscal years, months, exact days, or
none). Old commitments are almost all closed; recent ones mostly open; a few conditional ones wait.

`generate(total)` grows the data set to `total` commitments (adding to what is there, so 10k → 100k
→ 1M reuses the earlier rows). Open rows are due for the sweep's next look, as new rows are.
Deterministic for a given size.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import Group
from django.db import connection

from commitments import policy

# "Now" for the generated world: the last day of 2026, in the afternoon everywhere that matters.
WORLD_NOW = datetime(2026, 12, 31, 6, 0, tzinfo=UTC)
FIRST_MEETING = date(1990, 1, 8)
PER_MEETING = 10
DESKS = [
    ("Russian Federation Division", "Asia/Tokyo"),
    ("China and Mongolia Division", "Asia/Tokyo"),
    ("Korea Division", "Asia/Tokyo"),
    ("Southeast Asia Division I", "Asia/Tokyo"),
    ("Southeast Asia Division II", "Asia/Tokyo"),
    ("Oceania Division", "Asia/Tokyo"),
    ("North America Division", "Asia/Tokyo"),
    ("Central and South America Division", "Asia/Tokyo"),
    ("Western Europe Division", "Asia/Tokyo"),
    ("Central and Eastern Europe Division", "Asia/Tokyo"),
    ("Middle East Division", "Asia/Tokyo"),
    ("Africa Division", "Asia/Tokyo"),
    ("United Nations Policy Division", "Asia/Tokyo"),
    ("Economic Partnership Division", "Asia/Tokyo"),
    ("Climate Change Division", "Asia/Tokyo"),
    ("Embassy in Moscow", "Europe/Moscow"),
    ("Embassy in Washington", "America/New_York"),
    ("Mission to the European Union", "Europe/Brussels"),
    ("Embassy in London", "Europe/London"),
    ("Mission to the United Nations, Geneva", "Europe/Zurich"),
    ("Embassy in Singapore", "Asia/Singapore"),
    ("Consulate-General in Los Angeles", "America/Los_Angeles"),
    ("Embassy in Canberra", "Australia/Sydney"),
    ("Embassy in Brasília", "America/Sao_Paulo"),
]
PARTIES = [
    ("JPN", "Japan"), ("RUS", "Russian Federation"), ("CHN", "China"), ("KOR", "Republic of Korea"),
    ("USA", "United States"), ("GBR", "United Kingdom"), ("FRA", "France"), ("DEU", "Germany"),
    ("ITA", "Italy"), ("CAN", "Canada"), ("AUS", "Australia"), ("IND", "India"), ("IDN", "Indonesia"),
    ("VNM", "Viet Nam"), ("THA", "Thailand"), ("PHL", "Philippines"), ("MYS", "Malaysia"),
    ("SGP", "Singapore"), ("BRN", "Brunei Darussalam"), ("MNG", "Mongolia"), ("BRA", "Brazil"),
    ("MEX", "Mexico"), ("ZAF", "South Africa"), ("EGY", "Egypt"), ("TUR", "Türkiye"), ("SAU", "Saudi Arabia"),
    ("ARE", "United Arab Emirates"), ("NZL", "New Zealand"), ("POL", "Poland"), ("UKR", "Ukraine"),
]  # fmt: skip
KINDS = ["visit", "negotiation", "meeting", "invitation", "agreement", "intent", "other"]
MODALITIES = ["firm", "agreed", "intends", "hopes", "will_consider"]
MEETING_KINDS = ["summit", "foreign_ministers", "expert_talks", "other"]
VERBS = [
    ("send the Minister for Foreign Affairs to", "visit"),
    ("hold expert-level consultations with", "negotiation"),
    ("conclude an investment agreement with", "agreement"),
    ("invite the Prime Minister of", "invitation"),
    ("resume the foreign ministerial dialogue with", "meeting"),
    ("open an air service to", "other"),
    ("consider a joint economic project with", "intent"),
]
PHRASES = {
    "year": ("within the year", "fixed-year"),
    "fiscal_year": ("within the fiscal year", "fiscal-year-japan"),
    "month": ("by the end of {month}", "end-of-month"),
    "day": ("by {day}", "exact-day"),
    "none": ("in the future", "no-deadline"),
}
OPEN = ["not_started", "in_progress", "in_progress", "stalled", "draft"]
CLOSED = ["fulfilled"] * 11 + ["partially_fulfilled"] * 3 + ["not_fulfilled"] * 3 + ["withdrawn", "superseded"]


def _progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def _copy(table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    raw = connection.connection
    with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        return int(cursor.fetchone()[0])


def _next_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")
        return int(cursor.fetchone()[0])


def _reset_sequence(table: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")


def _staff() -> tuple[dict[int, list[int]], dict[int, list[int]], list[int]]:
    """Desks, their officers and supervisors, and the parties (created once)."""
    if _count("commitments_desk") == 0:
        _progress("creating desks, staff and parties")
        groups = {g.name: g.pk for g in Group.objects.filter(name__in=policy.ROLE_GROUPS)}
        _copy("summits_party", ["code", "name", "kind"], [(c, n, "state") for c, n in PARTIES])
        _copy("commitments_desk", ["name", "time_zone"], DESKS)
        desks = list(connection.cursor().execute("SELECT id FROM commitments_desk ORDER BY id").fetchall())
        users, memberships, in_groups = [], [], []
        user_id = _next_id("auth_user")
        for (desk_id,) in desks:
            for role, count in (("officer", 6), ("supervisor", 2)):
                for n in range(count):
                    username = f"{role}-{desk_id}-{n}"
                    users.append(
                        (user_id, "!", False, username, "", "", f"{username}@ministry.invalid", True, True, WORLD_NOW)
                    )
                    memberships.append((role, desk_id, user_id))
                    group = policy.GROUP_OFFICER if role == "officer" else policy.GROUP_SUPERVISOR
                    in_groups.append((user_id, groups[group]))
                    user_id += 1
        columns = ["id", "password", "is_superuser", "username", "first_name", "last_name", "email"]
        _copy("auth_user", [*columns, "is_staff", "is_active", "date_joined"], users)
        _copy("commitments_deskmembership", ["role", "desk_id", "user_id"], memberships)
        _copy("auth_user_groups", ["user_id", "group_id"], in_groups)
        for table in ("auth_user",):
            _reset_sequence(table)
    with connection.cursor() as cursor:
        cursor.execute("SELECT desk_id, user_id, role FROM commitments_deskmembership ORDER BY id")
        officers: dict[int, list[int]] = {}
        supervisors: dict[int, list[int]] = {}
        for desk_id, user_id, role in cursor.fetchall():
            (officers if role == "officer" else supervisors).setdefault(desk_id, []).append(user_id)
        cursor.execute("SELECT id FROM summits_party ORDER BY id")
        parties = [row[0] for row in cursor.fetchall()]
    return officers, supervisors, parties


def _meeting_day(rng: random.Random) -> date:
    # Denser towards the present: the square root of a uniform number leans to its upper end.
    span = (WORLD_NOW.date() - timedelta(days=10) - FIRST_MEETING).days
    return FIRST_MEETING + timedelta(days=int(span * rng.random() ** 0.5))


def _deadline(rng: random.Random, meeting: date) -> tuple[str, date | None, str, str]:
    roll = rng.random()
    if roll < 0.35:
        year = meeting.year if meeting.month < 10 else meeting.year + 1
        precision, due = "year", date(year, 12, 31)
    elif roll < 0.45:
        year = meeting.year + (1 if meeting.month > 3 else 0)
        precision, due = "fiscal_year", date(year, 3, 31)
    elif roll < 0.65:
        months = rng.randint(1, 12)
        first = date(meeting.year + (meeting.month - 1 + months) // 12, (meeting.month - 1 + months) % 12 + 1, 1)
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        precision, due = "month", following - timedelta(days=1)
    elif roll < 0.80:
        precision, due = "day", meeting + timedelta(days=rng.randint(14, 400))
    else:
        precision, due = "none", None
    phrase, rule = PHRASES[precision]
    if due is not None:
        phrase = phrase.format(month=f"{due:%B %Y}", day=f"{due:%d %B %Y}")
    return precision, due, phrase, rule


def _status(rng: random.Random, due: date | None, meeting: date) -> str:
    reference = due or (meeting + timedelta(days=365))
    age = (WORLD_NOW.date() - reference).days
    chance_open = 0.03 if age > 730 else (0.25 if age > 180 else 0.7)
    return rng.choice(OPEN) if rng.random() < chance_open else rng.choice(CLOSED)


def generate(total: int) -> int:
    """Grow the data set to `total` commitments; returns how many were added."""
    officers, supervisors, parties = _staff()
    have = _count("commitments_commitment")
    if have >= total:
        _progress(f"{have:,} commitments already there")
        return 0
    rng = random.Random(total)
    desk_ids = sorted(officers)
    meetings = (total - have) // PER_MEETING
    summit_id = _next_id("summits_summit")
    commitment_id = _next_id("commitments_commitment")
    started = time.monotonic()
    batch = 10_000  # meetings per COPY round
    done = 0
    while done < meetings:
        n = min(batch, meetings - done)
        summits, summit_parties, commitments, made_by, watchers = [], [], [], [], []
        for _ in range(n):
            day = _meeting_day(rng)
            starts = datetime(day.year, day.month, day.day, rng.randint(1, 10), 0, tzinfo=UTC)
            ours, theirs = parties[0], rng.choice(parties[1:])
            desk = rng.choice(desk_ids)
            lines = []
            for k in range(PER_MEETING):
                verb, kind = VERBS[(summit_id + k) % len(VERBS)]
                precision, due, phrase, rule = _deadline(rng, day)
                quote = f"The Prime Minister will {verb} the partner {phrase}."
                lines.append(f"{k + 1}. {quote}")
                status = _status(rng, due, day)
                closed = status not in OPEN
                conditional = rng.random() < 0.03
                condition_state = "" if not conditional else ("pending" if not closed else "met")
                owner = rng.choice(officers[desk])
                changed = min(WORLD_NOW, starts + timedelta(days=rng.randint(1, 400)))
                activity = changed if closed else min(WORLD_NOW, starts + timedelta(days=rng.randint(1, 2000)))
                commitments.append(
                    (
                        commitment_id, quote, f"{k + 1}", f"{verb.capitalize()} the partner {phrase}"[:200], "",
                        kind, "", rng.choice(MODALITIES), phrase, None, due, precision, rule, due,
                        "if the talks advance" if conditional else "", condition_state, status, changed,
                        # Deadlines are never moved here: on time as promised is on time as rescheduled.
                        (None if status != "fulfilled" or due is None else changed.date() <= due),
                        (None if status != "fulfilled" or due is None else changed.date() <= due),
                        None, activity, 1, starts + timedelta(days=1), changed, None, None, owner, None, summit_id,
                        None, desk, changed.date() if closed else None,
                        None if closed else starts + timedelta(days=1), "", "", "",
                    )
                )  # fmt: skip
                made_by.append((commitment_id, ours))
                if rng.random() < 0.2:
                    made_by.append((commitment_id, theirs))
                if rng.random() < 0.5:
                    watchers.append((commitment_id, rng.choice(supervisors[desk])))
                commitment_id += 1
            text = "\n".join([f"Meeting between the leaders on {day:%d %B %Y}.", *lines])
            summits.append(
                (
                    summit_id, f"Summit Meeting {summit_id}", rng.choice(MEETING_KINDS), "", "Tokyo", "Japan", starts,
                    "Asia/Tokyo", 55, 30, "", "Ministry of Foreign Affairs", "", day, text, f"{summit_id:064x}",
                    WORLD_NOW, WORLD_NOW, None, "en",
                )
            )  # fmt: skip
            summit_parties += [(summit_id, ours), (summit_id, theirs)]
            summit_id += 1
        _copy(
            "summits_summit",
            ["id", "title", "kind", "occasion", "city", "country", "starts_at", "time_zone", "duration_minutes",
             "planned_duration_minutes", "summary_points", "source_publisher", "source_url", "source_published_on",
             "source_text", "source_sha256", "created_at", "updated_at", "follow_up_of_id", "source_language"],
            summits,
        )  # fmt: skip
        _copy("summits_summit_parties", ["summit_id", "party_id"], summit_parties)
        _copy(
            "commitments_commitment",
            ["id", "quote", "source_ref", "title", "description", "kind", "level", "modality", "due_phrase",
             "due_from", "due_by", "due_precision", "due_rule", "original_due_by", "condition_text",
             "condition_state", "status", "status_changed_at", "on_time_as_promised", "on_time_as_rescheduled",
             "overdue_since",
             "last_activity_at", "version", "created_at", "updated_at", "counterparty_id", "created_by_id",
             "owner_id", "speaker_id", "summit_id", "superseded_by_id", "desk_id", "closed_on", "next_check_at",
             "quote_other", "quote_other_language", "title_other"],
            commitments,
        )  # fmt: skip
        _copy("commitments_commitment_made_by", ["commitment_id", "party_id"], made_by)
        _copy("commitments_commitment_watchers", ["commitment_id", "user_id"], watchers)
        done += n
        rate = done * PER_MEETING / max(time.monotonic() - started, 1e-9)
        _progress(f"  {have + done * PER_MEETING:,} / {total:,} commitments ({rate:,.0f} a second)")
    for table in ("summits_summit", "commitments_commitment"):
        _reset_sequence(table)
    _progress(f"{done * PER_MEETING:,} commitments added in {time.monotonic() - started:.0f}s")
    return done * PER_MEETING
