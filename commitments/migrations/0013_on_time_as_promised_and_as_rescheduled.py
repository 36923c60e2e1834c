"""On time as promised (against the first deadline) beside on time as rescheduled (the deadline in force)."""

from django.db import migrations, models
from django.db.models import F, Q


def fill_as_promised(apps, schema_editor):  # type: ignore[no-untyped-def]
    # Fulfilled before this field existed: judged against the deadline first promised, as from now on.
    Commitment = apps.get_model("commitments", "Commitment")
    StatusChange = apps.get_model("commitments", "StatusChange")
    fulfilled = Commitment.objects.filter(status="fulfilled")
    fulfilled.filter(Q(original_due_by__isnull=True) | Q(closed_on__lte=F("original_due_by"))).update(
        on_time_as_promised=True
    )
    fulfilled.filter(closed_on__gt=F("original_due_by")).update(on_time_as_promised=False)
    changes = StatusChange.objects.filter(to_status="fulfilled")
    changes.filter(
        Q(commitment__original_due_by__isnull=True) | Q(occurred_on__lte=F("commitment__original_due_by"))
    ).update(on_time_as_promised=True)
    changes.filter(occurred_on__gt=F("commitment__original_due_by")).update(on_time_as_promised=False)


class Migration(migrations.Migration):
    dependencies = [("commitments", "0012_desk_default_owner_sweep_counts")]

    operations = [
        migrations.RenameField("commitment", "fulfilled_on_time", "on_time_as_rescheduled"),
        migrations.RenameField("historicalcommitment", "fulfilled_on_time", "on_time_as_rescheduled"),
        migrations.AddField(
            model_name="commitment",
            name="on_time_as_promised",
            field=models.BooleanField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="historicalcommitment",
            name="on_time_as_promised",
            field=models.BooleanField(editable=False, null=True),
        ),
        migrations.AlterField(
            model_name="statuschange",
            name="on_time",
            field=models.BooleanField(help_text="Fulfilled by the deadline in force then.", null=True),
        ),
        migrations.AddField(
            model_name="statuschange",
            name="on_time_as_promised",
            field=models.BooleanField(help_text="Fulfilled by the deadline first promised.", null=True),
        ),
        migrations.RunPython(fill_as_promised, migrations.RunPython.noop),
    ]
