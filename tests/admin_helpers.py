"""Building admin form posts the way a browser would send them."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from commitments.models import Commitment

CHANGELIST = "admin:commitments_commitment_changelist"


def change_url(commitment: Commitment) -> str:
    return reverse("admin:commitments_commitment_change", args=[commitment.pk])


def commitment_form_data(commitment: Commitment, **overrides: Any) -> dict[str, Any]:
    """The change form as the browser submits it for `commitment`, with overrides applied."""
    data: dict[str, Any] = {
        "title": commitment.title,
        "kind": commitment.kind,
        "modality": commitment.modality,
        "level": commitment.level,
        "description": commitment.description,
        "loaded_version": commitment.version,
        "summit": commitment.summit_id,
        "quote": commitment.quote,
        "source_ref": commitment.source_ref,
        "made_by": [p.pk for p in commitment.made_by.all()],
        "speaker": commitment.speaker_id or "",
        "counterparty": commitment.counterparty_id or "",
        "desk": commitment.desk_id,
        "owner": commitment.owner_id or "",
        "watchers": [u.pk for u in commitment.watchers.all()],
        "due_phrase": commitment.due_phrase,
        "due_precision": commitment.due_precision,
        "due_rule": commitment.due_rule,
        "condition_text": commitment.condition_text,
        "depends_on": [c.pk for c in commitment.depends_on.all()],
        "reciprocal": [c.pk for c in commitment.reciprocal.all()],
        "superseded_by": commitment.superseded_by_id or "",
        "updates-TOTAL_FORMS": 0,
        "updates-INITIAL_FORMS": 0,
        "updates-MIN_NUM_FORMS": 0,
        "updates-MAX_NUM_FORMS": 1000,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client
