"""Frozen compliance assessments of a summit, kept so that later ones can be compared with them."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from summits.models import Summit


class Assessment(models.Model):
    class Kind(models.TextChoices):
        INTERIM = "interim", _("Interim")
        FINAL = "final", _("Final")

    summit = models.ForeignKey(Summit, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("summit"))
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.INTERIM, verbose_name=_("kind"))
    as_of = models.DateField(help_text=_("The day the scores describe."), verbose_name=_("as of"))
    note = models.TextField(blank=True, verbose_name=_("note"))
    # {"overall": {...}, "parties": [{...}, ...]}: the compliance rows as they were, never recomputed.
    figures = models.JSONField(verbose_name=_("figures"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(verbose_name=_("created at"))

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["summit", "-as_of", "-created_at"]
        constraints = [
            # A summit's final word is said once: a second final is refused (services name the first).
            models.UniqueConstraint(
                fields=["summit"], condition=models.Q(kind="final"), name="assessment_one_final_per_summit"
            )
        ]

    def __str__(self) -> str:
        return gettext("%(kind)s assessment of %(summit)s as of %(date)s") % {
            "kind": self.get_kind_display(),
            "summit": self.summit.title,
            "date": date_format(self.as_of),
        }


class AssessmentItem(models.Model):
    """One commitment's outcome for one party that made it, as the assessment froze it."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="items", verbose_name=_("assessment")
    )
    # The commitment may be deleted later; its title and paragraph stay with the assessment.
    commitment = models.ForeignKey(
        "commitments.Commitment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commitment"),
    )
    commitment_title = models.CharField(max_length=200, verbose_name=_("commitment title"))
    source_ref = models.CharField(max_length=40, blank=True, verbose_name=_("source ref"))
    party_code = models.CharField(max_length=20, verbose_name=_("party code"))
    status = models.CharField(max_length=20, help_text=_("Its status on the as-of day."), verbose_name=_("status"))
    score = models.SmallIntegerField(
        null=True, blank=True, help_text=_("+1, 0, -1; empty: open or excluded."), verbose_name=_("score")
    )
    reasoning = models.TextField(
        blank=True, help_text=_("The note of the change that gave that status."), verbose_name=_("reasoning")
    )
    evidence_url = models.URLField(max_length=500, blank=True, verbose_name=_("evidence url"))

    class Meta:
        verbose_name = _("assessment item")
        verbose_name_plural = _("assessment items")
        ordering = ["assessment", "source_ref", "commitment_title", "party_code"]

    def __str__(self) -> str:
        return f"{self.commitment_title} — {self.party_code}: {self.status}"


def new_calendar_key() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A user's secret calendar URL: unguessable, revocable, regenerable; useless once they are inactive."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed", verbose_name=_("user")
    )
    key = models.CharField(max_length=64, unique=True, default=new_calendar_key, verbose_name=_("key"))
    created_at = models.DateTimeField(verbose_name=_("created at"))
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("revoked at"))

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"


class ComplianceSummary(models.Model):
    """The figures of one row of the compliance report (all commitments, one summit, party or desk), kept by
    the periodic refresh (reports.summaries) so that the report reads a few rows instead of grouping a million.

    It keeps sums and counts, never means, so that a row says exactly what the live computation
    (reports.compliance) would and the report divides the same way for both. Counts by status are columns,
    not a JSON object, so that one GROUP BY fills them on every database."""

    class Scope(models.TextChoices):
        ALL = "all", _("All commitments")
        SUMMIT = "summit", _("Summit")
        PARTY = "party", _("Party")
        DESK = "desk", _("Desk")

    scope = models.CharField(max_length=10, choices=Scope.choices, verbose_name=_("scope"))
    # Exactly one of these is set for a summit, party or desk row; none for the row of all commitments.
    summit = models.ForeignKey(
        Summit, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("summit")
    )
    party = models.ForeignKey(
        "summits.Party", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("party")
    )
    desk = models.ForeignKey(
        "commitments.Desk", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("desk")
    )
    score_sum = models.IntegerField(default=0, verbose_name=_("score sum"))
    assessed = models.IntegerField(default=0, verbose_name=_("assessed"))
    open = models.IntegerField(default=0, verbose_name=_("open"))
    excluded = models.IntegerField(default=0, verbose_name=_("excluded"))
    promised_dated = models.IntegerField(default=0, verbose_name=_("fulfilled with a first deadline"))
    on_time_promised = models.IntegerField(default=0, verbose_name=_("on time as promised"))
    rescheduled_dated = models.IntegerField(default=0, verbose_name=_("fulfilled with a deadline in force"))
    on_time_rescheduled = models.IntegerField(default=0, verbose_name=_("on time as rescheduled"))
    delay_sum = models.DurationField(null=True, blank=True, verbose_name=_("total delay"))
    delay_count = models.IntegerField(default=0, verbose_name=_("delays counted"))
    not_started = models.IntegerField(default=0, verbose_name=_("not started"))
    in_progress = models.IntegerField(default=0, verbose_name=_("in progress"))
    stalled = models.IntegerField(default=0, verbose_name=_("stalled"))
    fulfilled = models.IntegerField(default=0, verbose_name=_("fulfilled"))
    partially_fulfilled = models.IntegerField(default=0, verbose_name=_("partially fulfilled"))
    not_fulfilled = models.IntegerField(default=0, verbose_name=_("not fulfilled"))
    lapsed = models.IntegerField(default=0, verbose_name=_("lapsed"))
    withdrawn = models.IntegerField(default=0, verbose_name=_("withdrawn"))
    superseded = models.IntegerField(default=0, verbose_name=_("superseded"))
    computed_at = models.DateTimeField(verbose_name=_("computed at"))

    class Meta:
        verbose_name = _("compliance summary")
        verbose_name_plural = _("compliance summaries")
        indexes = [
            # The report reads the tens of party and desk rows, the one overall row, and counts the summit rows
            # for its pager, by scope: without this each is a scan of the 100k summit rows at a million.
            models.Index(fields=["scope"], name="compliancesummary_scope"),
        ]
        constraints = [
            # One row per summit, party, desk, and one for everything. The unique indexes on summit, party and
            # desk also serve the report: its page of summits is read newest first by walking Summit's
            # starts_at index and looking each summit's row up here (a nested loop, LIMIT 50, no sort).
            models.UniqueConstraint(fields=["summit"], name="compliancesummary_one_per_summit"),
            models.UniqueConstraint(fields=["party"], name="compliancesummary_one_per_party"),
            models.UniqueConstraint(fields=["desk"], name="compliancesummary_one_per_desk"),
            models.UniqueConstraint(
                fields=["scope"], condition=models.Q(scope="all"), name="compliancesummary_one_overall"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(scope="all", summit__isnull=True, party__isnull=True, desk__isnull=True)
                    | models.Q(scope="summit", summit__isnull=False, party__isnull=True, desk__isnull=True)
                    | models.Q(scope="party", summit__isnull=True, party__isnull=False, desk__isnull=True)
                    | models.Q(scope="desk", summit__isnull=True, party__isnull=True, desk__isnull=False)
                ),
                name="compliancesummary_key_matches_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.summit_id or self.party_id or self.desk_id or ''}".strip()
