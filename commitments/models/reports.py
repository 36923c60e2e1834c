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

    def __str__(self) -> str:
        return f"{self.get_kind_display()} assessment of {self.summit.title} as of {self.as_of:%d %b %Y}"


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
