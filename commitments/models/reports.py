"""Frozen compliance assessments of a summit, kept so that later ones can be compared with them."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models

from summits.models import Summit


class Assessment(models.Model):
    class Kind(models.TextChoices):
        INTERIM = "interim", "Interim"
        FINAL = "final", "Final"

    summit = models.ForeignKey(Summit, on_delete=models.PROTECT, related_name="assessments")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.INTERIM)
    as_of = models.DateField(help_text="The day the scores describe.")
    note = models.TextField(blank=True)
    # {"overall": {...}, "parties": [{...}, ...]}: the compliance rows as they were, never recomputed.
    figures = models.JSONField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["summit", "-as_of", "-created_at"]
        constraints = [
            # A summit's final word is said once: a second final is refused (services name the first).
            models.UniqueConstraint(
                fields=["summit"], condition=models.Q(kind="final"), name="assessment_one_final_per_summit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} assessment of {self.summit.title} as of {self.as_of:%-d %b %Y}"


class AssessmentItem(models.Model):
    """One commitment's outcome for one party that made it, as the assessment froze it."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="items")
    # The commitment may be deleted later; its title and paragraph stay with the assessment.
    commitment = models.ForeignKey(
        "commitments.Commitment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    commitment_title = models.CharField(max_length=200)
    source_ref = models.CharField(max_length=40, blank=True)
    party_code = models.CharField(max_length=20)
    status = models.CharField(max_length=20, help_text="Its status on the as-of day.")
    score = models.SmallIntegerField(null=True, blank=True, help_text="+1, 0, -1; empty: open or excluded.")
    reasoning = models.TextField(blank=True, help_text="The note of the change that gave that status.")
    evidence_url = models.URLField(max_length=500, blank=True)

    class Meta:
        ordering = ["assessment", "source_ref", "commitment_title", "party_code"]

    def __str__(self) -> str:
        return f"{self.commitment_title} — {self.party_code}: {self.status}"


def new_calendar_key() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A user's secret calendar URL: unguessable, revocable, regenerable; useless once they are inactive."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    key = models.CharField(max_length=64, unique=True, default=new_calendar_key)
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"
