"""The index behind the triage order (models.core.TRIAGE_ORDER): closed last, pending conditions after the
other open ones, then deadline, then id."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0021_follow_ups"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="commitment",
            index=models.Index(
                models.ExpressionWrapper(models.Q(("closed_on__isnull", False)), output_field=models.BooleanField()),
                models.ExpressionWrapper(
                    models.Q(("condition_pending_since__isnull", False)), output_field=models.BooleanField()
                ),
                models.F("due_by"),
                models.F("id"),
                name="commitment_triage_order",
            ),
        ),
    ]
