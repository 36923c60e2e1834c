"""Indexes for the lists at a million commitments (issue 20).

- commitment_triage_order: now over COALESCE(due_by, 9999-12-31) instead of due_by NULLS LAST (the same order),
  so that a keyset page of the API's `ordering=urgency` is one row comparison, one index range.
- commitment_due_sort_order, _created_order, _updated_order, _changed_order, _title_order: (key, id) for each
  of the API's orderings; the cursor pages from the last row's (key, id) forwards or backwards.
- commitment_open_desk_due (partial, closed_on IS NULL): the dashboard's tiles and the open-only filters
  (overdue, due soon, stale, condition) of the admin and the API.
- commitment_owner_order: the API's owner filter by id, and "mine" (the rows a user owns).
- commitment_status_order: the API's status filter by id.
- commitment_open_owner (partial, closed_on IS NULL): the dashboard's "mine", the open rows a user owns.
- commitment_open_due_sort (partial, closed_on IS NULL): open-only filters ordered by deadline.
"""

import datetime
import django.db.models.functions.comparison
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('commitments', '0026_search_trigram_indexes'),
        ('summits', '0003_verbose_names_translatable'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='commitment',
            name='commitment_triage_order',
        ),
        migrations.AddIndex(
            model_name='commitment',
            index=models.Index(models.ExpressionWrapper(models.Q(('closed_on__isnull', False)), output_field=models.BooleanField()), models.ExpressionWrapper(models.Q(('condition_pending_since__isnull', False)), output_field=models.BooleanField()), django.db.models.functions.comparison.Coalesce('due_by', models.Value(datetime.date(9999, 12, 31)), output_field=models.DateField()), models.F('id'), name='commitment_triage_order'),
        ),
        migrations.AddIndex(
            model_name='commitment',
            index=models.Index(django.db.models.functions.comparison.Coalesce('due_by', models.Value(datetime.date(9999, 12, 31)), output_field=models.DateField()), models.F('id'), name='commitment_due_sort_order'),
        ),
        migrations.AddIndex(
            model_name='commitment',
            index=models.Index(fields=['created_at', 'id'], name='commitment_created_order'),
        ),
        migrations.AddIndex(
            model_name='commitment',
            index=models.Index(fields=['updated_at', 'id'], name='commitment_updated_order'),
        ),
        migrations.AddIndex(
            model_name='commitment',
            index=models.Index(fields=['status_changed_at', 'id'], name='commitment_changed_order'),
        ),
        migrations.AddIndex(
            model_name='commitment',
            index=models.Index(fields=['title', 'id'], name='commitment_title_order'),
        ),
        migrations.AddIndex(
            model_name='commitment',
            index=models.Index(condition=models.Q(('closed_on__isnull', True)), fields=['desk', 'due_by', 'status', 'condition_state', 'last_activity_at', 'owner'], name='commitment_open_desk_due'),
        ),
        migrations.AddIndex(
            model_name='commitment',
            index=models.Index(fields=['owner', 'id'], name='commitment_owner_order'),
        ),
        migrations.AddIndex(
            model_name='commitment',
            index=models.Index(django.db.models.functions.comparison.Coalesce('due_by', models.Value(datetime.date(9999, 12, 31)), output_field=models.DateField()), models.F('id'), condition=models.Q(('closed_on__isnull', True)), name='commitment_open_due_sort'),
        ),
        migrations.AddIndex(
        model_name="commitment",
        index=models.Index(fields=["status", "id"], name="commitment_status_order"),
    ),
    migrations.AddIndex(
        model_name="commitment",
        index=models.Index(
            condition=models.Q(("closed_on__isnull", True)), fields=["owner"], name="commitment_open_owner"
        ),
    ),
]
