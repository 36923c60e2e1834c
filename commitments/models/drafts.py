"""What an import proposed and a person rejected: kept with its meeting's review, never a commitment."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

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


class FollowUp(models.Model):
    """What a later meeting's record shows of an earlier open commitment, proposed at import.

    Nothing changes on the earlier commitment until a person accepts it: then an update linked to the new
    meeting is written and, for an outcome, the transition goes through the workflow service with the day
    it happened. A rejected proposal is kept, decided, and records nothing on the commitment.
    """

    class Proposed(models.TextChoices):
        FULFILLED = "fulfilled", _("Fulfilled")
        PARTIALLY_FULFILLED = "partially_fulfilled", _("Partially fulfilled")
        IN_PROGRESS = "in_progress", _("In progress")
        PROGRESS = "progress", _("Progress noted")
        CONDITION_MET = "condition_met", _("Condition may be met")

    class Basis(models.TextChoices):
        MEETING = "meeting", _("The meeting itself")
        TEXT = "text", _("A statement in the record")

    class Decision(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    summit = models.ForeignKey(Summit, on_delete=models.CASCADE, related_name="proposed_follow_ups")
    commitment = models.ForeignKey("commitments.Commitment", on_delete=models.CASCADE, related_name="follow_ups")
    proposed = models.CharField(max_length=20, choices=Proposed.choices)
    occurred_on = models.DateField(help_text="The day it happened: the meeting's, or one the record states.")
    basis = models.CharField(max_length=10, choices=Basis.choices)
    evidence_quote = models.TextField(blank=True, help_text="A verbatim span of the new record, or empty.")
    evidence_start = models.PositiveIntegerField(null=True, blank=True)
    evidence_end = models.PositiveIntegerField(null=True, blank=True)
    reason = models.TextField(help_text="Why it was proposed, in words a desk officer checks in five seconds.")
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["summit", "evidence_start", "commitment_id"]
        constraints = [
            models.UniqueConstraint(fields=["summit", "commitment"], name="one_follow_up_per_meeting_and_commitment")
        ]

    def __str__(self) -> str:
        return f"{self.get_proposed_display()}: {self.commitment_id} by {self.summit}"

    def as_json(self) -> dict[str, object]:
        evidence = (
            {"quote": self.evidence_quote, "start": self.evidence_start, "end": self.evidence_end}
            if self.evidence_quote
            else None
        )
        return {
            "id": self.pk,
            "commitment": self.commitment_id,
            "proposed": self.proposed,
            "occurred_on": self.occurred_on.isoformat(),
            "evidence": evidence,
            "basis": self.basis,
            "reason": self.reason,
            "decision": self.decision,
        }
