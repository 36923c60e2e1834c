"""Commitments, the desks that follow them up, and the rows that record every change.

Business rules live in services/ and rules.py; the model only states what must always hold (constraints) and
what can be checked from one row alone (clean).
"""

from __future__ import annotations

import zoneinfo
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from summits.models import Party, Person, Summit
from summits.validators import validate_time_zone

from ..workflow import CLOSED_STATUSES, OPEN_STATUSES, SCORED_STATUSES, ConditionState, Status, condition_state_for

# "Closed" and "waiting on its condition", stated without a list of values: the transition service
# (services.lifecycle) sets closed_on exactly when a commitment moves to a closed status and clears it when it
# reopens; condition_clock (services.core) keeps condition_pending_since set exactly while a condition is pending.
# Parameter-free expressions are what let an expression index serve an ORDER BY on them: PostgreSQL matches the
# ORDER BY against the index's expressions, and `status IN (%s, …)` with bound values would not match reliably.
IS_CLOSED = models.ExpressionWrapper(Q(closed_on__isnull=False), output_field=models.BooleanField())
IS_PENDING = models.ExpressionWrapper(Q(condition_pending_since__isnull=False), output_field=models.BooleanField())
# The triage order of the admin list and the API's `ordering=urgency`: open before closed; those whose deadline
# runs before those waiting on a condition (its deadline is suspended); then by deadline — the overdue lead, the
# most overdue first, then the soonest due —, open-ended ones last; then id. Served by the index
# commitment_triage_order, so a page of a million rows reads the index instead of sorting the table. (The
# finer bands — stale, due within 7 days — depend on `now` and cannot be stored in an index; the dashboard
# reads each band with its own indexed query instead, selectors.urgency_band_q.)
# The deadline as a sort key: open-ended (NULL) sorts as the furthest day. Not `due_by NULLS LAST`: a keyset page
# ("after this row") is one row-value comparison only over non-NULL keys (common.api.RowCompare), and the
# indexes below hold this same expression so that the ORDER BY and the comparison are one index range.
FAR_FUTURE = date(9999, 12, 31)
DUE_SORT = Coalesce("due_by", models.Value(FAR_FUTURE), output_field=models.DateField())
TRIAGE_ORDER = [IS_CLOSED.asc(), IS_PENDING.asc(), DUE_SORT.asc(), models.F("id").asc()]


def default_desk_time_zone() -> str:
    return settings.PLEDGEBOOK_TIME_ZONE


class Desk(models.Model):
    """A ministry unit that follows commitments up, e.g. the Russian Federation Division."""

    name = models.CharField(max_length=200, unique=True, verbose_name=_("name"))
    time_zone = models.CharField(
        max_length=64,
        default=default_desk_time_zone,
        validators=[validate_time_zone],
        help_text=_("Deadlines of this desk's commitments end at midnight in this zone."),
        verbose_name=_("time zone"),
    )
    parties = models.ManyToManyField(
        Party, blank=True, related_name="desks", help_text=_("Parties this desk covers."), verbose_name=_("parties")
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="DeskMembership", related_name="desks", verbose_name=_("members")
    )
    default_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "Owns a new or accepted commitment of this desk when nobody is named and the person "
            "recording it is not an officer here. Must be an officer or supervisor of the desk."
        ),
        verbose_name=_("default owner"),
    )
    history = HistoricalRecords(m2m_fields=[parties])

    class Meta:
        verbose_name = _("desk")
        verbose_name_plural = _("desks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class DeskMembership(models.Model):
    class Role(models.TextChoices):
        OFFICER = "officer", _("Desk officer")
        SUPERVISOR = "supervisor", _("Supervisor")

    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("desk"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="desk_memberships", verbose_name=_("user")
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.OFFICER, verbose_name=_("role"))
    # Who joined or left a desk, or changed role, when and by whom (the policy reads memberships).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("desk membership")
        verbose_name_plural = _("desk memberships")
        constraints = [models.UniqueConstraint(fields=["desk", "user"], name="deskmembership_unique_user")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}, {self.desk}"


class Commitment(models.Model):
    class Kind(models.TextChoices):
        VISIT = "visit", _("Visit")
        NEGOTIATION = "negotiation", _("Negotiation")
        MEETING = "meeting", _("Meeting")
        INVITATION = "invitation", _("Invitation")
        AGREEMENT = "agreement", _("Agreement")
        INTENT = "intent", _("Statement of intent")
        OTHER = "other", _("Other")

    class Modality(models.TextChoices):
        FIRM = "firm", _("Firm (will)")
        AGREED = "agreed", _("Agreed")
        INTENDS = "intends", _("Intends")
        READY = "ready", _("Is ready to")
        HOPES = "hopes", _("Hopes / would like")
        SHOULD = "should", _("Should")
        WILL_CONSIDER = "will_consider", _("Will consider")

    class Precision(models.TextChoices):
        DAY = "day", _("Day")
        MONTH = "month", _("Month")
        QUARTER = "quarter", _("Quarter")
        YEAR = "year", _("Year")
        FISCAL_YEAR = "fiscal_year", _("Fiscal year")
        NONE = "none", _("No deadline")

    ConditionState = ConditionState  # the workflow's, under the model's name as well

    # Source
    summit = models.ForeignKey(Summit, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("summit"))
    quote = models.TextField(
        help_text=_("The exact words of the record: a verbatim span of the summit's source text."),
        verbose_name=_("quote"),
    )
    quote_start = models.PositiveIntegerField(null=True, blank=True, editable=False, verbose_name=_("quote start"))
    # The same commitment in the meeting's record in another language (see summits.SummitRecord), found by
    # commitments/importer/align.py when that record was attached: verbatim in that record's text.
    quote_other = models.TextField(blank=True, verbose_name=_("quote in the other language"))
    quote_other_start = models.PositiveIntegerField(
        null=True, blank=True, editable=False, verbose_name=_("quote in the other language, start")
    )
    quote_other_language = models.CharField(max_length=8, blank=True, verbose_name=_("language of the other quote"))
    title_other = models.CharField(max_length=200, blank=True, verbose_name=_("title in the other language"))
    source_ref = models.CharField(
        max_length=40, blank=True, verbose_name=_("paragraph"), help_text=_('Paragraph reference, e.g. "2.(2).3".')
    )

    # Who
    made_by = models.ManyToManyField(
        Party,
        related_name="commitments_made",
        help_text=_("One party, or several for a joint commitment."),
        verbose_name=_("made by"),
    )
    speaker = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="commitments", verbose_name=_("speaker")
    )
    counterparty = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments_owed",
        verbose_name=_("counterparty"),
    )
    desk = models.ForeignKey(Desk, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("desk"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_commitments",
        verbose_name=_("owner"),
    )
    watchers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="watched_commitments", verbose_name=_("watchers")
    )

    # What
    title = models.CharField(max_length=200, verbose_name=_("title"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER, verbose_name=_("kind"))
    level = models.CharField(
        max_length=120, blank=True, help_text=_('e.g. "foreign-ministerial and expert level".'), verbose_name=_("level")
    )
    modality = models.CharField(
        max_length=20, choices=Modality.choices, default=Modality.FIRM, verbose_name=_("modality")
    )

    # When: a window, because diplomatic deadlines are phrases, not dates.
    due_phrase = models.CharField(
        max_length=200,
        blank=True,
        help_text=_(
            'As written, e.g. "within the year". Give no dates and they are read from it, relative to '
            "the meeting's date; dates you type win."
        ),
        verbose_name=_("due phrase"),
    )
    due_from = models.DateField(
        null=True, blank=True, help_text=_("Earliest day of the window, if any."), verbose_name=_("due from")
    )
    due_by = models.DateField(
        null=True, blank=True, help_text=_("Last day of the window (inclusive)."), verbose_name=_("due by")
    )
    due_precision = models.CharField(
        max_length=20, choices=Precision.choices, default=Precision.NONE, verbose_name=_("due precision")
    )
    due_rule = models.CharField(
        max_length=60,
        blank=True,
        editable=False,
        help_text=_('How the window was read from the phrase ("typed": dates given by hand). Set by the system.'),
        verbose_name=_("due rule"),
    )
    original_due_by = models.DateField(null=True, blank=True, editable=False, verbose_name=_("original due by"))

    # Condition: "if specific developments are achieved ..."
    condition_text = models.TextField(blank=True, verbose_name=_("condition"))
    condition_state = models.CharField(
        max_length=10,
        choices=ConditionState.choices,
        blank=True,
        default=ConditionState.NONE,
        verbose_name=_("condition state"),
    )

    # When the condition last became pending: its "has it been met?" checks count from here (None: not pending).
    condition_pending_since = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("condition pending since")
    )

    # Links
    depends_on = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="prepares",
        help_text=_("Commitments that must happen first (the Foreign Minister's visit prepares the Prime Minister's)."),
        verbose_name=_("depends on"),
    )
    reciprocal = models.ManyToManyField(
        "self",
        symmetrical=True,
        blank=True,
        help_text=_("The other side of the same undertaking (Japan sends ↔ Russia receives)."),
        verbose_name=_("reciprocal"),
    )
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supersedes",
        verbose_name=_("superseded by"),
    )

    # Workflow state; changed only by services.commitment_transition.
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.NOT_STARTED, editable=False, verbose_name=_("status")
    )
    status_changed_at = models.DateTimeField(editable=False, verbose_name=_("status changed at"))
    # Set when it is fulfilled: on or before the deadline first promised (original_due_by), and on or
    # before the deadline in force then (after any moves). True when there was no such deadline.
    on_time_as_promised = models.BooleanField(null=True, editable=False, verbose_name=_("on time as promised"))
    on_time_as_rescheduled = models.BooleanField(null=True, editable=False, verbose_name=_("on time as rescheduled"))
    # The day the outcome happened (the closing transition's occurred_on): delays are measured from it.
    closed_on = models.DateField(null=True, blank=True, editable=False, verbose_name=_("closed on"))
    overdue_since = models.DateTimeField(null=True, blank=True, editable=False, verbose_name=_("overdue since"))
    # When the sweep must next look at this row (commitments/rules.py: next_check); None: not until it changes.
    next_check_at = models.DateTimeField(
        null=True, blank=True, editable=False, default=timezone.now, verbose_name=_("next check at")
    )
    # The last transition, update or deadline move: what "stale" is measured from.
    last_activity_at = models.DateTimeField(editable=False, verbose_name=_("last activity at"))
    # Optimistic locking: every write locks the row, compares and increments it (services.core: row_lock, row_save).
    version = models.PositiveIntegerField(default=1, editable=False, verbose_name=_("version"))

    # Set by commitment_create to the caller's `now` (condition checks count from it), not auto_now_add.
    created_at = models.DateTimeField(default=timezone.now, editable=False, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )

    history = HistoricalRecords(
        m2m_fields=[made_by, watchers],
        excluded_fields=["updated_at", "last_activity_at", "quote_start", "quote_other_start", "next_check_at"],
    )

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["due_by", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_from__isnull=True) | Q(due_by__isnull=True) | Q(due_from__lte=models.F("due_by")),
                name="commitment_window_ordered",
                violation_error_message="The window cannot start after it ends: due from is after due by.",
            ),
            models.CheckConstraint(
                condition=(Q(condition_text="") & Q(condition_state=""))
                | (~Q(condition_text="") & Q(condition_state__in=["pending", "met", "failed"])),
                name="commitment_condition_state_needs_condition",
                violation_error_message="A condition state needs a condition, and a condition needs a state.",
            ),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="commitment_status_valid"),
        ]
        indexes = [
            # Triage lists: open commitments by deadline ("due in 7 days", "overdue").
            models.Index(fields=["status", "due_by"], name="commitment_status_due_by"),
            # The "overdue" filter and the sweep read only flagged rows.
            models.Index(
                fields=["overdue_since"],
                name="commitment_overdue_since",
                condition=Q(overdue_since__isnull=False),
            ),
            # "Stale": open commitments ordered by last activity.
            models.Index(fields=["status", "last_activity_at"], name="commitment_status_activity"),
            # The sweep's only scan: "which commitments may owe something now?" (sweep._sweep).
            models.Index(
                fields=["next_check_at"], name="commitment_next_check", condition=Q(next_check_at__isnull=False)
            ),
            # The admin list's order (CommitmentAdmin.ordering): its first page without sorting the table.
            # (An ascending btree keeps NULLs last, as that ordering asks; SQLite rejects NULLS LAST here.)
            models.Index(fields=["due_by", "id"], name="commitment_list_order"),
            # The triage order (TRIAGE_ORDER: closed last, then pending conditions, then deadline, then id): the
            # admin list's default order and the API's `ordering=urgency`, read in order (forwards or backwards)
            # from the cursor's row (common.api.ByIdCursor). False sorts first.
            models.Index(IS_CLOSED, IS_PENDING, DUE_SORT, models.F("id"), name="commitment_triage_order"),
            # The API's other orderings, each (key, id) so that a keyset page is one index range whichever way:
            # `ordering=due_by` (open-ended last, as DUE_SORT says), created_at, updated_at, status_changed_at,
            # title. (id is the primary key's own order.)
            models.Index(DUE_SORT, models.F("id"), name="commitment_due_sort_order"),
            models.Index(fields=["created_at", "id"], name="commitment_created_order"),
            models.Index(fields=["updated_at", "id"], name="commitment_updated_order"),
            models.Index(fields=["status_changed_at", "id"], name="commitment_changed_order"),
            models.Index(fields=["title", "id"], name="commitment_title_order"),
            # Open commitments only (a tenth of the table at 1M), holding every column the dashboard's tiles and
            # the open-only filters read (selectors.open_q: `closed_on IS NULL`, the predicate word for word,
            # so that the planner may use it): the tiles are one index-only scan, the API's and the admin's
            # overdue / due soon / stale / condition filters a scan of this small index, not of the table.
            models.Index(
                # (Key columns, not INCLUDE: SQLite has no covering indexes, and 90k narrow rows cost little.)
                fields=["desk", "due_by", "status", "condition_state", "last_activity_at", "owner"],
                name="commitment_open_desk_due",
                condition=Q(closed_on__isnull=True),
            ),
            # The API's `owner=` filter in its default order (WHERE owner_id = x ORDER BY id: an index range, where
            # the owner's own index left the planner walking the primary key hoping to meet the owner's rows),
            # and "mine" (selectors.mine_ids: the rows a user owns; the watched ones come from the watchers
            # table's index on user_id).
            models.Index(fields=["owner", "id"], name="commitment_owner_order"),
            # The API's `status=` filter in its default order (WHERE status = x ORDER BY id: an index range; the
            # (status, due_by) index above left a rare status to a sort of all its rows).
            models.Index(fields=["status", "id"], name="commitment_status_order"),
            # "Mine" on the dashboard: the open commitments a user owns (selectors.mine_ids with open_only).
            models.Index(fields=["owner"], name="commitment_open_owner", condition=Q(closed_on__isnull=True)),
            # Open commitments by deadline: the open-only filters (overdue, stale, open) with `ordering=due_by`.
            models.Index(
                DUE_SORT, models.F("id"), name="commitment_open_due_sort", condition=Q(closed_on__isnull=True)
            ),
            # One desk's open commitments in the triage order: the admin list filtered by desk and an open-only
            # question (overdue, due soon, stale, …), e.g. `WHERE closed_on IS NULL AND … AND desk_id = 14
            # ORDER BY closed_on IS NOT NULL, condition_pending_since IS NOT NULL, COALESCE(due_by, …), id
            # LIMIT 50` reads its first fifty entries instead of joining and sorting all ~2k of the desk's
            # overdue rows. IS_CLOSED stays a key although constant here: the planner matches the ORDER BY to
            # the index's columns, not to the predicate. (Its estimates come from the statistics on
            # closed_on and status that migration 0031 creates: without them it expected ten times too few
            # rows and chose the sort.)
            models.Index(
                models.F("desk"),
                IS_CLOSED,
                IS_PENDING,
                DUE_SORT,
                models.F("id"),
                name="commitment_open_desk_triage",
                condition=Q(closed_on__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def is_conditional(self) -> bool:
        return bool(self.condition_text)

    @property
    def condition_pending(self) -> bool:
        return self.condition_state == self.ConditionState.PENDING

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        # Said to the person saving (the admin form, the API, an import's review): in their language, dates in
        # its form.
        if self.due_from and self.due_by and self.due_from > self.due_by:
            errors.setdefault("due_from", []).append(
                gettext("The window cannot start after it ends: due from %(start)s is after due by %(end)s.")
                % {"start": date_format(self.due_from), "end": date_format(self.due_by)}
            )
        if self.condition_state and not self.condition_text.strip():
            errors.setdefault("condition_state", []).append(
                gettext("A condition state needs a condition: write the condition, or clear the state.")
            )
        self.condition_state = condition_state_for(text=self.condition_text, state=self.condition_state)
        if self.summit_id is not None and self.quote:
            text = self.summit.source_text
            if not text:
                errors.setdefault("quote", []).append(
                    gettext("The summit has no source text yet: add the published record to the summit first.")
                )
            elif self.quote not in text and not self.summit.records.filter(text__contains=self.quote).exists():
                # A commitment found only in an attached record (the English page says more) quotes that one.
                errors.setdefault("quote", []).append(
                    gettext(
                        "The quote is not a verbatim span of the summit's source text. Copy the words exactly "
                        "as published (same spelling, punctuation and spacing)."
                    )
                )
        if errors:
            raise ValidationError(errors)

    def locate_quote(self) -> int | None:
        """Where the quote starts in the source text (first occurrence), or None."""
        index = self.summit.source_text.find(self.quote) if self.quote else -1
        return index if index >= 0 else None


class StatusChange(models.Model):
    """One row per transition: the commitment's workflow history and, later, a notification source."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("commitment")
    )
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True, verbose_name=_("from status"))
    to_status = models.CharField(max_length=20, choices=Status.choices, verbose_name=_("to status"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    recorded_at = models.DateTimeField(verbose_name=_("recorded at"))
    occurred_on = models.DateField(
        help_text=_("When it happened, which may be before it was recorded."), verbose_name=_("occurred on")
    )
    note = models.TextField(blank=True, verbose_name=_("note"))
    evidence_url = models.URLField(max_length=500, blank=True, verbose_name=_("evidence url"))
    on_time = models.BooleanField(
        null=True, help_text=_("Fulfilled by the deadline in force then."), verbose_name=_("on time")
    )
    on_time_as_promised = models.BooleanField(
        null=True, help_text=_("Fulfilled by the deadline first promised."), verbose_name=_("on time as promised")
    )

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["commitment", "-recorded_at"], name="statuschange_commitment_time")]

    def __str__(self) -> str:
        return f"{self.get_from_status_display() or 'created'} → {self.get_to_status_display()}"


class CommitmentOutcome(models.Model):
    """One party's own outcome of a joint commitment, where it differs from (or needs saying beside) the
    commitment's status: "the two leaders agreed …", and Japan did its part while Russia did not.

    Without a row a party's outcome is the commitment's status. Rows exist only while the commitment is
    closed as fulfilled, partially or not fulfilled, and only for parties that made it: services.outcome_set
    writes them, and reopening the commitment or taking the party off its makers removes them (their
    history keeps what they said)."""

    class Outcome(models.TextChoices):
        FULFILLED = Status.FULFILLED.value, Status.FULFILLED.label
        PARTIALLY_FULFILLED = Status.PARTIALLY_FULFILLED.value, Status.PARTIALLY_FULFILLED.label
        NOT_FULFILLED = Status.NOT_FULFILLED.value, Status.NOT_FULFILLED.label

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="outcomes", verbose_name=_("commitment")
    )
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+", verbose_name=_("party"))
    status = models.CharField(max_length=20, choices=Outcome.choices, verbose_name=_("status"))
    note = models.TextField(
        blank=True,
        help_text=_("Why this party's outcome is what it is: the assessor's reasoning."),
        verbose_name=_("note"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(verbose_name=_("recorded at"))
    # Who set, changed or removed each party's outcome, when (a reopening removes them all).
    history = HistoricalRecords()

    class Meta:
        # No default ordering: it would join the party table into every query; readers order by code.
        verbose_name = _("commitment outcome")
        verbose_name_plural = _("commitment outcomes")
        constraints = [
            models.UniqueConstraint(fields=["commitment", "party"], name="commitmentoutcome_one_per_party"),
            models.CheckConstraint(condition=Q(status__in=SCORED_STATUSES), name="commitmentoutcome_status_scored"),
        ]

    def __str__(self) -> str:
        return f"{self.commitment} — {self.party.code}: {self.get_status_display()}"


class Update(models.Model):
    """A progress note, optionally with evidence and the later meeting that carries it."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="updates", verbose_name=_("commitment")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("author")
    )
    created_at = models.DateTimeField(verbose_name=_("created at"))
    note = models.TextField(verbose_name=_("note"))
    evidence_url = models.URLField(max_length=500, blank=True, verbose_name=_("evidence url"))
    evidence_summit = models.ForeignKey(
        Summit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence_updates",
        help_text=_("A later meeting whose record shows progress on this commitment."),
        verbose_name=_("evidence summit"),
    )

    class Meta:
        verbose_name = _("update")
        verbose_name_plural = _("updates")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.note[:60]


class DeadlineChange(models.Model):
    class ChangeClass(models.TextChoices):
        RENEGOTIATED = "renegotiated", _("Renegotiated")
        POSTPONED = "postponed", _("Postponed by mutual agreement")
        CORRECTED = "corrected", _("Corrected (data entry)")

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="deadline_changes", verbose_name=_("commitment")
    )
    old_due_from = models.DateField(null=True, blank=True, verbose_name=_("old due from"))
    old_due_by = models.DateField(null=True, blank=True, verbose_name=_("old due by"))
    new_due_from = models.DateField(null=True, blank=True, verbose_name=_("new due from"))
    new_due_by = models.DateField(null=True, blank=True, verbose_name=_("new due by"))
    old_due_phrase = models.CharField(max_length=200, blank=True, verbose_name=_("old due phrase"))
    new_due_phrase = models.CharField(max_length=200, blank=True, verbose_name=_("new due phrase"))
    old_due_rule = models.CharField(max_length=60, blank=True, verbose_name=_("old due rule"))
    new_due_rule = models.CharField(
        max_length=60,
        blank=True,
        help_text=_("How the new window was read (set by the system)."),
        verbose_name=_("new due rule"),
    )
    reason = models.TextField(verbose_name=_("reason"))
    change_class = models.CharField(max_length=20, choices=ChangeClass.choices, verbose_name=_("change class"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("by")
    )
    recorded_at = models.DateTimeField(verbose_name=_("recorded at"))

    class Meta:
        verbose_name = _("deadline change")
        verbose_name_plural = _("deadline changes")
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.old_due_by} → {self.new_due_by} ({self.get_change_class_display()})"
