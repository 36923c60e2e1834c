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

    summit = models.ForeignKey(
        Summit, on_delete=models.CASCADE, related_name="rejected_drafts", verbose_name=_("summit")
    )
    # The id the draft had (the API's and the review page's name for it); no longer a commitment's id.
    draft_id = models.PositiveBigIntegerField(unique=True, verbose_name=_("draft id"))
    title = models.CharField(max_length=200, verbose_name=_("title"))
    quote = models.TextField(verbose_name=_("quote"))
    quote_start = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("quote start"))
    source_ref = models.CharField(max_length=40, blank=True, verbose_name=_("source ref"))
    made_by = models.CharField(
        max_length=200, blank=True, help_text=_("Party codes, joined with +."), verbose_name=_("made by")
    )
    kind = models.CharField(max_length=20, blank=True, verbose_name=_("kind"))
    modality = models.CharField(max_length=20, blank=True, verbose_name=_("modality"))
    due_phrase = models.CharField(max_length=200, blank=True, verbose_name=_("due phrase"))
    due_from = models.DateField(null=True, blank=True, verbose_name=_("due from"))
    due_by = models.DateField(null=True, blank=True, verbose_name=_("due by"))
    condition_text = models.TextField(blank=True, verbose_name=_("condition text"))
    desk_name = models.CharField(max_length=200, blank=True, verbose_name=_("desk name"))
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rejected by"),
    )
    rejected_at = models.DateTimeField(verbose_name=_("rejected at"))
    reason = models.TextField(blank=True, verbose_name=_("reason"))

    class Meta:
        verbose_name = _("rejected draft")
        verbose_name_plural = _("rejected drafts")
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

    summit = models.ForeignKey(
        Summit, on_delete=models.CASCADE, related_name="proposed_follow_ups", verbose_name=_("summit")
    )
    commitment = models.ForeignKey(
        "commitments.Commitment", on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("commitment")
    )
    proposed = models.CharField(max_length=20, choices=Proposed.choices, verbose_name=_("proposed"))
    occurred_on = models.DateField(
        help_text=_("The day it happened: the meeting's, or one the record states."), verbose_name=_("occurred on")
    )
    basis = models.CharField(max_length=10, choices=Basis.choices, verbose_name=_("basis"))
    evidence_quote = models.TextField(
        blank=True, help_text=_("A verbatim span of the new record, or empty."), verbose_name=_("evidence quote")
    )
    evidence_start = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("evidence start"))
    evidence_end = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("evidence end"))
    reason = models.TextField(
        help_text=_("Why it was proposed, in words a desk officer checks in five seconds."), verbose_name=_("reason")
    )
    decision = models.CharField(
        max_length=10, choices=Decision.choices, default=Decision.PENDING, verbose_name=_("decision")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("decided at"))

    class Meta:
        verbose_name = _("follow up")
        verbose_name_plural = _("follow ups")
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
