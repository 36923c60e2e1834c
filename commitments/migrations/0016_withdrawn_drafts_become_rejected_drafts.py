"""Drafts rejected before rejection discarded them were withdrawn commitments: keep each as a rejected
draft of its meeting and remove the commitment, so that it leaves lists, status changes and reports."""

from django.db import migrations


def discard_rejected(apps, schema_editor):  # type: ignore[no-untyped-def]
    Commitment = apps.get_model("commitments", "Commitment")
    StatusChange = apps.get_model("commitments", "StatusChange")
    RejectedDraft = apps.get_model("commitments", "RejectedDraft")
    rejections = StatusChange.objects.filter(from_status="draft", to_status="withdrawn")
    ids = set(rejections.values_list("commitment_id", flat=True))
    # Only those still withdrawn: one reopened since is being tracked and stays.
    for commitment in Commitment.objects.filter(pk__in=ids, status="withdrawn").select_related("desk"):
        rejection = rejections.filter(commitment_id=commitment.pk).order_by("-recorded_at").first()
        RejectedDraft.objects.create(
            summit_id=commitment.summit_id,
            draft_id=commitment.pk,
            title=commitment.title,
            quote=commitment.quote,
            quote_start=commitment.quote_start,
            source_ref=commitment.source_ref,
            made_by=" + ".join(commitment.made_by.order_by("code").values_list("code", flat=True)),
            kind=commitment.kind,
            modality=commitment.modality,
            due_phrase=commitment.due_phrase,
            due_from=commitment.due_from,
            due_by=commitment.due_by,
            condition_text=commitment.condition_text,
            desk_name=commitment.desk.name,
            rejected_by_id=rejection.by_id,
            rejected_at=rejection.recorded_at,
            reason=rejection.note,
        )
        commitment.delete()


class Migration(migrations.Migration):
    dependencies = [("commitments", "0015_rejected_draft")]

    operations = [migrations.RunPython(discard_rejected, migrations.RunPython.noop)]
