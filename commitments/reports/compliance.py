"""Compliance scores in the style of the G7 Research Group, computed by the database.

Per commitment: fulfilled = +1, partially fulfilled = 0, not fulfilled = -1. Lapsed, withdrawn and
superseded commitments are excluded; open ones are "not yet assessable" and counted apart; drafts are
not tracked and not counted at all. A joint commitment counts once for each party that made it.

For a group (a summit, a party, a desk): the mean score; two on-time rates among the fulfilled ones —
as promised (on or before the deadline first promised, `original_due_by`) and as rescheduled (on or
before the deadline in force when it was fulfilled, after any moves); the mean delay in days against
the deadline first promised (0 when on time), so that moving a deadline never hides a delay; and the
count of commitments in each status.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import (
    Avg,
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)

from ..models import Commitment
from ..workflow import TRACKED_STATUSES, Status

SCORED = (Status.FULFILLED, Status.PARTIALLY_FULFILLED, Status.NOT_FULFILLED)
EXCLUDED = (Status.LAPSED, Status.WITHDRAWN, Status.SUPERSEDED)
GROUPS = {
    "summit": ("summit_id", "summit__title"),
    "party": ("made_by__code", "made_by__name"),
    "desk": ("desk_id", "desk__name"),
}


@dataclass
class Row:
    key: Any
    label: str
    score: float | None  # mean, None when nothing is assessable yet
    assessed: int
    open: int
    excluded: int
    on_time_as_promised_rate: float | None
    on_time_as_rescheduled_rate: float | None
    mean_delay_days: float | None  # against the deadline first promised
    by_status: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "score": self.score,
            "assessed": self.assessed,
            "open": self.open,
            "excluded": self.excluded,
            "on_time_as_promised_rate": self.on_time_as_promised_rate,
            "on_time_as_rescheduled_rate": self.on_time_as_rescheduled_rate,
            "mean_delay_days": self.mean_delay_days,
            "by_status": self.by_status,
        }


def _days(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, timedelta):
        return round(value.total_seconds() / 86400, 2)
    return round(float(value) / 86_400_000_000, 2)  # microseconds, as some backends return it


def _rate(count: int, out_of: int) -> float | None:
    return round(count / out_of, 3) if out_of else None


def compliance(by: str, commitments: QuerySet[Commitment] | None = None) -> list[Row]:
    """One row per summit, party or desk (`by`), over `commitments` (default: all tracked ones)."""
    key, label = GROUPS[by]
    base = (commitments if commitments is not None else Commitment.objects.all()).exclude(status=Status.DRAFT)
    late = ExpressionWrapper(F("closed_on") - F("original_due_by"), output_field=DurationField())
    rows = (
        base.values(key, label)
        .annotate(
            score=Avg(
                Case(
                    When(status=Status.FULFILLED, then=Value(1)),
                    When(status=Status.PARTIALLY_FULFILLED, then=Value(0)),
                    When(status=Status.NOT_FULFILLED, then=Value(-1)),
                    default=None,
                    output_field=IntegerField(),
                )
            ),
            assessed=Count("pk", filter=Q(status__in=SCORED), distinct=True),
            open=Count("pk", filter=Q(status__in=TRACKED_STATUSES), distinct=True),
            excluded=Count("pk", filter=Q(status__in=EXCLUDED), distinct=True),
            promised_dated=Count("pk", filter=Q(status=Status.FULFILLED, original_due_by__isnull=False), distinct=True),
            on_time_as_promised=Count(
                "pk",
                filter=Q(status=Status.FULFILLED, original_due_by__isnull=False, on_time_as_promised=True),
                distinct=True,
            ),
            rescheduled_dated=Count("pk", filter=Q(status=Status.FULFILLED, due_by__isnull=False), distinct=True),
            on_time_as_rescheduled=Count(
                "pk",
                filter=Q(status=Status.FULFILLED, due_by__isnull=False, on_time_as_rescheduled=True),
                distinct=True,
            ),
            delay=Avg(
                Case(
                    When(closed_on__gt=F("original_due_by"), then=late),
                    default=Value(timedelta(0)),
                    output_field=DurationField(),
                ),
                filter=Q(status=Status.FULFILLED, original_due_by__isnull=False, closed_on__isnull=False),
            ),
        )
        .order_by(label)
    )
    status_counts: dict[Any, dict[str, int]] = {}
    for group, status, count in base.values_list(key, "status").annotate(n=Count("pk", distinct=True)).order_by():
        status_counts.setdefault(group, {})[status] = count
    result = []
    for row in rows:
        result.append(
            Row(
                key=row[key],
                label=row[label] or "—",
                score=round(row["score"], 3) if row["score"] is not None else None,
                assessed=row["assessed"],
                open=row["open"],
                excluded=row["excluded"],
                on_time_as_promised_rate=_rate(row["on_time_as_promised"], row["promised_dated"]),
                on_time_as_rescheduled_rate=_rate(row["on_time_as_rescheduled"], row["rescheduled_dated"]),
                mean_delay_days=_days(row["delay"]),
                by_status=status_counts.get(row[key], {}),
            )
        )
    return result


def overall(commitments: QuerySet[Commitment] | None = None) -> Row:
    """The same figures over all the given commitments together (each commitment once)."""
    base = (commitments if commitments is not None else Commitment.objects.all()).exclude(status=Status.DRAFT)
    rows = compliance("summit", base)
    assessed = sum(r.assessed for r in rows)
    total_score = sum((r.score or 0) * r.assessed for r in rows)
    return Row(
        key=None,
        label="All",
        score=round(total_score / assessed, 3) if assessed else None,
        assessed=assessed,
        open=sum(r.open for r in rows),
        excluded=sum(r.excluded for r in rows),
        on_time_as_promised_rate=None,
        on_time_as_rescheduled_rate=None,
        mean_delay_days=None,
        by_status={s: sum(r.by_status.get(s, 0) for r in rows) for s in Status.values if s != Status.DRAFT},
    )


def assessment_freeze(*, summit: Any, kind: str, note: str, by: Any, now: Any) -> Any:
    """Keep the summit's scores as they stand today, per party and overall."""
    from django.utils import timezone as tz

    from .. import policy
    from ..models import Assessment

    if by is not None and not policy.can_edit_summits(by):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Only officers and supervisors record assessments.")
    commitments = Commitment.objects.filter(summit=summit)
    figures = {
        "overall": overall(commitments).as_dict(),
        "parties": [row.as_dict() for row in compliance("party", commitments)],
    }
    return Assessment.objects.create(
        summit=summit,
        kind=kind,
        note=note.strip(),
        as_of=tz.localdate(now),
        figures=figures,
        created_by=by,
        created_at=now,
    )


def assessment_compare(earlier: Any, later: Any) -> list[dict[str, Any]]:
    """Per party: the score then and now, and the change."""
    then = {row["label"]: row for row in earlier.figures["parties"]}
    now = {row["label"]: row for row in later.figures["parties"]}
    rows = []
    for label in sorted(set(then) | set(now)):
        before, after = then.get(label, {}).get("score"), now.get(label, {}).get("score")
        change = round(after - before, 3) if before is not None and after is not None else None
        rows.append({"party": label, "earlier": before, "later": after, "change": change})
    return rows
