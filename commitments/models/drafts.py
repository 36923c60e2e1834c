"""What an import proposed and a person rejected: kept with its meeting's review, never a commitment."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from summits.models import Summit


class RejectedDraft(models.Model):
    """A draft commitment rejected at review, as it stood then, with who rejected it, when and why.

    The draft itself is deleted: it leaves the commitment list, the dashboard, the status changes and
    every report. This row is all that remains, shown on the meeting's review page.
    """

    summit = models.ForeignKey(Summit, on_delete=models.CASCADE, related_name="rejected_drafts")
    # The id the draft had (the API's and the review page's name for it); no longer a commitment's id.
    draft_id = models.PositiveBigIntegerField(unique=True)
    title = models.CharField(max_length=200)
    quote = models.TextField()
    quote_start = models.PositiveIntegerField(null=True, blank=True)
    source_ref = models.CharField(max_length=40, blank=True)
    made_by = models.CharField(max_length=200, blank=True, help_text="Party codes, joined with +.")
    kind = models.CharField(max_length=20, blank=True)
    modality = models.CharField(max_length=20, blank=True)
    due_phrase = models.CharField(max_length=200, blank=True)
    due_from = models.DateField(null=True, blank=True)
    due_by = models.DateField(null=True, blank=True)
    condition_text = models.TextField(blank=True)
    desk_name = models.CharField(max_length=200, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rejected_at = models.DateTimeField()
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["summit", "quote_start", "draft_id"]

    def __str__(self) -> str:
        return f"Rejected draft: {self.title}"
