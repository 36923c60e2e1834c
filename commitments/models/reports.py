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
