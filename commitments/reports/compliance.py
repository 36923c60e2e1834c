"""Compliance scores in the style of the G7 Research Group, computed by the database.

Per commitment: fulfilled = +1, partially fulfilled = 0, not fulfilled = -1. Lapsed, withdrawn and
superseded commitments are excluded; open ones are "not yet assessable" and counted apart; drafts are
not tracked and not counted at all. A joint commitment counts once for each party that made it, with
that party's own outcome (CommitmentOutcome) where one is recorded, else the commitment's status; per
summit and per desk it counts once, by its status.

For a group (a summit, a party, a desk): the mean score; two on-time rates among the fulfilled ones —
as promised (on or before the deadline first promised, `original_due_by`) and as rescheduled (on or
before the deadline in force when it was fulfilled, after any moves); the mean delay in days against
the deadline first promised (0 when on time), so that moving a deadline never hides a delay; and the
count of commitments in each status.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import (
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, pgettext

from common import compiled
from common.numbers import count_format

from .. import policy
from ..errors import WorkflowError
from ..models import Assessment, AssessmentItem, Commitment, CommitmentOutcome, StatusChange
from ..workflow import SCORED_STATUSES, TRACKED_STATUSES, Status
from ..workflow import label as status_label
from ..workflow import labels as workflow_labels

SCORED = SCORED_STATUSES
EXCLUDED = (Status.LAPSED, Status.WITHDRAWN, Status.SUPERSEDED)
# The statuses a report counts, in the workflow's order; ComplianceSummary has a column named after each.
COUNTED_STATUSES: tuple[str, ...] = tuple(s for s in Status.values if s != Status.DRAFT)
# Per scope: what a commitment is grouped by, and where the row's words come from.
GROUPS = {
    "summit": ("summit_id", "summit__title"),
    "party": ("made_by", "made_by__name"),
    "desk": ("desk_id", "desk__name"),
}
# The figures a Row is computed from, as ComplianceSummary keeps them (sums and counts, never means).
FIGURES: tuple[str, ...] = (
    "score_sum",
    "assessed",
    "open",
    "excluded",
    "promised_dated",
    "on_time_promised",
    "rescheduled_dated",
    "on_time_rescheduled",
    "delay_sum",
    "delay_count",
    *COUNTED_STATUSES,
)


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

    @property
    def status_labels(self) -> list[tuple[str, int]]:
        """`by_status` for people: each status's label and count, in the workflow's order."""
        return [(name, self.by_status[s]) for s, name in workflow_labels().items() if self.by_status.get(s)]

    @property
    def status_words(self) -> SafeString:
        """`status_labels` as the report's cell writes them: "Fulfilled: 3, Stalled: 1" (escaped labels in the
        active language's words). Written here rather than by a template loop: a blocktranslate and a separator
        per status of each of a report's hundred rows cost the page about a third of its rendering."""
        form, separator = _status_words_forms(get_language())
        cells = [
            form % {"name": conditional_escape(name), "count": count_format(count)}
            for name, count in self.status_labels
        ]
        return mark_safe(separator.join(cells))  # noqa: S308 - the words are the catalogue's, each label escaped

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

    @classmethod
    def from_figures(cls, key: Any, label: str, figures: Mapping[str, Any]) -> Row:
        """The row of a group from its FIGURES, read live (`compliance`) or from a ComplianceSummary alike:
        the one place that divides, so that the two can never round differently."""
        assessed = figures["assessed"] or 0
        delay_count = figures["delay_count"] or 0
        delay = _duration(figures["delay_sum"])
        return cls(
            key=key,
            label=label or "—",
            score=round((figures["score_sum"] or 0) / assessed, 3) if assessed else None,
            assessed=assessed,
            open=figures["open"] or 0,
            excluded=figures["excluded"] or 0,
            on_time_as_promised_rate=_rate(figures["on_time_promised"], figures["promised_dated"]),
            on_time_as_rescheduled_rate=_rate(figures["on_time_rescheduled"], figures["rescheduled_dated"]),
            mean_delay_days=_days(delay / delay_count) if delay is not None and delay_count else None,
            by_status={s: figures[s] for s in COUNTED_STATUSES if figures[s]},
        )


@functools.cache
def _status_words_forms(language: str | None) -> tuple[str, str]:
    # As the template said them: a status and its count, and the list separator (keyed by the language only to
    # keep apart what each language says).
    return gettext("%(name)s: %(count)s"), pgettext("list separator", ", ")


def _duration(value: Any) -> timedelta | None:
    if value is None or isinstance(value, timedelta):
        return value
    return timedelta(microseconds=int(value))  # a raw sum of microseconds, as SQLite gives it


def _days(value: timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds() / 86400, 2)


def _rate(count: int | None, out_of: int | None) -> float | None:
    return round((count or 0) / out_of, 3) if out_of else None


def figures() -> dict[str, Any]:
    """The aggregates behind a Row (FIGURES), over commitments annotated with `outcome` (`_outcomes`).

    Plain COUNTs and SUMs, no DISTINCT: no grouping can count a commitment twice. Per summit and per desk
    nothing is joined (one row per commitment); per party the made_by join gives one row per commitment and
    party (the through table's (commitment, party) pair is unique) and the outcome join adds at most one
    (CommitmentOutcome's (commitment, party) pair is unique too), so each commitment counts once per party.

    A fulfilled commitment stored both on-time flags when it closed; a party that fulfilled its part of one
    closed otherwise is judged the same way, from the closing day (a closed commitment's deadline cannot move).
    The delay is summed in days past the deadline first promised (0 when on time), so moving a deadline never
    hides it."""
    late = ExpressionWrapper(F("closed_on") - F("original_due_by"), output_field=DurationField())
    fulfilled = Q(outcome=Status.FULFILLED)
    as_promised = Q(on_time_as_promised=True) | Q(on_time_as_promised__isnull=True, closed_on__lte=F("original_due_by"))
    as_rescheduled = Q(on_time_as_rescheduled=True) | Q(on_time_as_rescheduled__isnull=True, closed_on__lte=F("due_by"))
    delayed = fulfilled & Q(original_due_by__isnull=False, closed_on__isnull=False)
    return {
        "score_sum": Coalesce(
            Sum(
                Case(
                    When(outcome=Status.FULFILLED, then=Value(1)),
                    When(outcome=Status.NOT_FULFILLED, then=Value(-1)),
                    default=Value(0),
                    output_field=IntegerField(),
                )
            ),
            0,
        ),
        "assessed": Count("pk", filter=Q(outcome__in=SCORED)),
        "open": Count("pk", filter=Q(status__in=TRACKED_STATUSES)),
        "excluded": Count("pk", filter=Q(status__in=EXCLUDED)),
        "promised_dated": Count("pk", filter=fulfilled & Q(original_due_by__isnull=False)),
        "on_time_promised": Count("pk", filter=fulfilled & Q(original_due_by__isnull=False) & as_promised),
        "rescheduled_dated": Count("pk", filter=fulfilled & Q(due_by__isnull=False)),
        "on_time_rescheduled": Count("pk", filter=fulfilled & Q(due_by__isnull=False) & as_rescheduled),
        "delay_sum": Sum(
            Case(
                When(closed_on__gt=F("original_due_by"), then=late),
                default=Value(timedelta(0)),
                output_field=DurationField(),
            ),
            filter=delayed,
        ),
        "delay_count": Count("pk", filter=delayed),
        **{status: Count("pk", filter=Q(outcome=status)) for status in COUNTED_STATUSES},
    }


def tracked(commitments: QuerySet[Commitment] | None = None) -> QuerySet[Commitment]:
    """`commitments` (default: all) without drafts, which are not tracked and count nowhere.

    Filters on multi-valued relations (made_by, watchers…) must not be applied to `commitments`: their joins
    would repeat a commitment and the counts, which take no DISTINCT, would count it twice."""
    return (commitments if commitments is not None else Commitment.objects.all()).exclude(status=Status.DRAFT)


def grouped(
    by: str, commitments: QuerySet[Commitment] | None = None, *, labelled: bool = False
) -> QuerySet[Commitment, dict[str, Any]]:
    """FIGURES per summit, party or desk (`by`), as rows of `group_key` and the figures: one GROUP BY; with
    `labelled`, the row's words too (`group_label`, and a party's `group_code`), grouped by alongside.

    Both the live report (`compliance`) and the summaries' refresh (reports.summaries, which wraps this very
    SELECT in an INSERT) read it, so that they cannot drift apart."""
    key, label = GROUPS[by]
    base = _outcomes(tracked(commitments), per_party=by == "party")
    words: dict[str, Any] = {}
    if labelled:
        words["group_label"] = F(label)
        if by == "party":
            words["group_code"] = F("made_by__code")
    rows: Any = base.values(group_key=F(key), **words).annotate(**figures()).order_by()
    return rows


def compliance(by: str, commitments: QuerySet[Commitment] | None = None) -> list[Row]:
    """One row per summit, party or desk (`by`), over `commitments` (default: all tracked ones), computed now.

    Per party, each of its commitments is judged by its outcome for that party (`_outcomes`): the score,
    the counts by status, and the on-time rates and delay among those the party fulfilled (timed by the
    commitment's closing day). One query whatever the number of rows."""
    return rows_of(_ordered(grouped(by, commitments, labelled=True)))


def _ordered(rows: Any) -> Any:  # ordered by aliases the type checker cannot see
    return rows.order_by("group_label", "group_key")


def rows_of(records: Any) -> list[Row]:
    """The Rows of `grouped(…, labelled=True)`'s records (dicts), in their order."""
    # A party is known by its code (JPN), as the API has always said; a summit and a desk by their id.
    return [Row.from_figures(row.get("group_code", row["group_key"]), row["group_label"], row) for row in records]


def _by_desk(summit_id: int) -> QuerySet[Commitment]:
    return _ordered(grouped("desk", Commitment.objects.filter(summit_id=summit_id), labelled=True))


def _by_party(summit_id: int) -> QuerySet[Commitment]:
    return _ordered(grouped("party", Commitment.objects.filter(summit_id=summit_id), labelled=True))


_SUMMIT_GROUPED = {"desk": _by_desk, "party": _by_party}


def summit_grouped(by: str, summit_id: int) -> list[dict[str, Any]]:
    """`grouped(by, <the summit's commitments>, labelled=True)`'s records in `compliance`'s order, read by
    name from a statement compiled once per process (common.compiled): Django takes longer to build and compile
    twenty filtered aggregates (about 3 ms) than the database takes to run them over a meeting's tens of
    commitments (about 1 ms, on Commitment's summit_id index), and the report of one summit, page or API, paid
    that twice a request. The figures come as the database gives them, which Row.from_figures reads as it reads
    the ORM's (a delay's sum: an interval, or SQLite's microseconds)."""
    return compiled.rows(_SUMMIT_GROUPED[by], summit_id)


def figures_summed(records: list[dict[str, Any]]) -> dict[str, Any]:
    """The FIGURES of the union of groups that share no commitment (one row per commitment and group): each
    figure is a count or a sum, so the whole's is the sum of the parts' (a delay's: NULL when every part's is)."""
    summed: dict[str, Any] = {}
    for name in FIGURES:
        values = [record[name] for record in records if record[name] is not None]
        summed[name] = sum(values[1:], values[0]) if values else (None if name == "delay_sum" else 0)
    return summed


def _outcomes(commitments: QuerySet[Commitment], *, per_party: bool) -> QuerySet[Commitment]:
    """`commitments` with `outcome`: per party (one row per commitment and party that made it), the party's
    own recorded outcome, else the commitment's status; otherwise the commitment's status.

    One LEFT JOIN on the outcome of the same commitment and party (the made_by join the grouping already
    makes is reused; the unique (commitment, party) index serves it), not a subquery per row. An outcome
    counts only while the commitment is closed with a scored status, so that no row left behind could
    score a commitment whose status says otherwise."""
    if not per_party:
        return commitments.annotate(outcome=F("status"))
    return commitments.annotate(
        own=FilteredRelation("outcomes", condition=Q(outcomes__party=F("made_by"))),
        outcome=Case(
            When(status__in=SCORED, then=Coalesce(F("own__status"), F("status"))),
            default=F("status"),
        ),
    )


def overall(commitments: QuerySet[Commitment] | None = None) -> Row:
    """The same figures over all the given commitments together, each commitment once by its status: one
    ungrouped aggregate (no join, no DISTINCT), computed now."""
    return Row.from_figures(None, gettext("All"), overall_figures(commitments))


def overall_figures(commitments: QuerySet[Commitment] | None = None) -> dict[str, Any]:
    return _outcomes(tracked(commitments), per_party=False).aggregate(**figures())


SCORES: dict[str, int] = {Status.FULFILLED: 1, Status.PARTIALLY_FULFILLED: 0, Status.NOT_FULFILLED: -1}


def assessment_freeze(
    *, summit: Any, kind: str, note: str, by: Any, now: datetime, as_of: date | None = None
) -> Assessment:
    """Keep a summit's scores as they stood on `as_of` (default: today in the ministry's zone): per
    commitment and party its status that day (the party's own outcome where one is recorded), score, and
    the reasoning (that outcome's note, else the change's) and evidence of the change that gave it; per
    party and overall, the means. A summit has at most one final assessment."""
    if by is not None and not policy.can_edit_summits(by):
        raise PermissionDenied("Only officers and supervisors record assessments.")
    today = timezone.localdate(now)
    day = as_of or today
    errors: dict[str, list[str]] = {}
    # Said to the person freezing (the report's form, the API): in their language, dates in its form.
    if day > today:
        errors["as_of"] = [gettext("An assessment describes a day that has come: choose today or earlier.")]
    elif day < summit.local_date:
        errors["as_of"] = [
            gettext("The meeting was on %(date)s: choose that day or later.") % {"date": date_format(summit.local_date)}
        ]
    final = Assessment.objects.filter(summit=summit, kind=Assessment.Kind.FINAL).first()
    if kind == Assessment.Kind.FINAL and final is not None:
        errors["kind"] = [
            gettext(
                "This meeting already has its final assessment, as of %(as_of)s (recorded %(recorded)s). "
                "Keep an interim one instead."
            )
            % {"as_of": date_format(final.as_of), "recorded": date_format(timezone.localtime(final.created_at))}
        ]
    if errors:
        raise WorkflowError(errors, code="invalid_assessment")
    items, once = _items_as_of(summit, day)
    with transaction.atomic():
        assessment = Assessment.objects.create(
            summit=summit,
            kind=kind,
            note=note.strip(),
            as_of=day,
            figures=_figures(items, once),
            created_by=by,
            created_at=now,
        )
        for item in items:
            item.assessment = assessment
        AssessmentItem.objects.bulk_create(items)
    return assessment


def _items_as_of(summit: Any, day: date) -> tuple[list[AssessmentItem], list[AssessmentItem]]:
    """Each tracked commitment's status on `day` (its last change that happened by then), per party: the
    party's own outcome where one is recorded for that closing, else the status. And each commitment once,
    by its status (the overall figure). Three queries whatever the summit's size.

    A party's outcome belongs to the closing it judged (reopening removes it): it counts on `day` when the
    change that gave the status that day is still the commitment's latest, i.e. the closing now in force."""
    commitments = list(
        Commitment.objects.filter(summit=summit).exclude(status=Status.DRAFT).prefetch_related("made_by")
    )
    changes: dict[int, StatusChange] = {}
    latest: dict[int, int] = {}
    rows = StatusChange.objects.filter(commitment__in=commitments).order_by("occurred_on", "recorded_at", "pk")
    for change in rows:
        latest[change.commitment_id] = max(latest.get(change.commitment_id, 0), change.pk)
        if change.occurred_on <= day:
            changes[change.commitment_id] = change  # the last one that happened by then wins
    own: dict[tuple[int, int], CommitmentOutcome] = {
        (o.commitment_id, o.party_id): o
        for o in CommitmentOutcome.objects.filter(commitment__in=[c for c in commitments if c.status in SCORED])
    }
    items, once = [], []
    for commitment in commitments:
        last = changes.get(commitment.pk)
        status = last.to_status if last else Status.NOT_STARTED
        if status == Status.DRAFT:
            continue  # not yet accepted for tracking on that day
        scored = last is not None and status in SCORES
        in_force = scored and last is not None and last.pk == latest.get(commitment.pk)
        closing_note = last.note if last is not None and scored else ""
        common = {
            "commitment": commitment,
            "commitment_title": commitment.title,
            "source_ref": commitment.source_ref,
            "evidence_url": last.evidence_url if last is not None and scored else "",
        }
        once.append(
            AssessmentItem(**common, party_code="", status=status, score=SCORES.get(status), reasoning=closing_note)
        )
        for party in commitment.made_by.all():
            recorded = own.get((commitment.pk, party.pk)) if in_force else None
            outcome = recorded.status if recorded is not None else status
            items.append(
                AssessmentItem(
                    **common,
                    party_code=party.code,
                    status=outcome,
                    score=SCORES.get(outcome),
                    reasoning=(recorded.note if recorded is not None else "") or closing_note,
                )
            )
    return items, once


def _figures(items: list[AssessmentItem], once: list[AssessmentItem]) -> dict[str, Any]:
    def summary(label: str, group: list[AssessmentItem]) -> dict[str, Any]:
        scored = [i.score for i in group if i.score is not None]
        return {
            "label": label,
            "score": round(sum(scored) / len(scored), 3) if scored else None,
            "assessed": len(scored),
            "open": sum(1 for i in group if i.status in TRACKED_STATUSES),
            "excluded": sum(1 for i in group if i.status in EXCLUDED),
        }

    parties = sorted({i.party_code for i in items})
    return {
        # Overall each commitment once, by its status; per party by that party's outcome.
        "overall": summary("All", once),
        "parties": [summary(code, [i for i in items if i.party_code == code]) for code in parties],
    }


def assessment_compare(earlier: Assessment, later: Assessment) -> dict[str, list[dict[str, Any]]]:
    """Per party, the score then and now; and commitment by commitment, what changed in between."""
    then = {row["label"]: row for row in earlier.figures["parties"]}
    now = {row["label"]: row for row in later.figures["parties"]}
    parties = []
    for label in sorted(set(then) | set(now)):
        before, after = then.get(label, {}).get("score"), now.get(label, {}).get("score")
        change = round(after - before, 3) if before is not None and after is not None else None
        parties.append({"party": label, "earlier": before, "later": after, "change": change})
    old = {(i.commitment_id, i.party_code): i for i in earlier.items.all()}
    changed = []
    for item in later.items.all():
        was = old.get((item.commitment_id, item.party_code))
        if was is None or (was.status, was.score) != (item.status, item.score):
            changed.append(
                {
                    "commitment": item.commitment_title,
                    "party": item.party_code,
                    "earlier": was.status if was else None,
                    "later": item.status,
                    "earlier_label": status_label(was.status) if was else None,
                    "later_label": status_label(item.status),
                    "reasoning": item.reasoning,
                }
            )
    return {"parties": parties, "commitments": changed}
