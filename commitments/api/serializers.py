"""API serializers. Output and input are kept apart: what a client reads is not what it may write."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import get_script_prefix
from django.urls import reverse as django_reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

from summits.models import Party, Person, Summit

from ..models import Commitment, DeadlineChange, Desk, Notification, StatusChange, Update
from ..rules import is_overdue, is_stale
from ..selectors import commitment_outcomes, commitment_relations, outcome_ids
from ..workflow import SCORED_STATUSES, Status

User = get_user_model()


class LookupField(serializers.SlugRelatedField):
    """A reference by code or username. Text the database cannot hold (NUL) is "no such object", not a 500."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", "\\x00"))
        return super().to_internal_value(data)


class ConditionSerializer(serializers.Serializer):
    text = serializers.CharField()
    state = serializers.ChoiceField(choices=["pending", "met", "failed"])


class OutcomeSerializer(serializers.Serializer):
    """One party's outcome of the commitment it made (with others, for a joint one)."""

    party = serializers.CharField(help_text="The party's code.")
    status = serializers.ChoiceField(
        choices=Status.choices,
        help_text="Its own recorded outcome (fulfilled, partially_fulfilled or not_fulfilled), else the "
        "commitment's status.",
    )
    recorded = serializers.BooleanField(
        help_text="True: an outcome recorded for this party; false: it follows the commitment's status."
    )
    note = serializers.CharField(allow_blank=True, help_text="Why, as the assessor wrote it (empty when not recorded).")
    recorded_by = serializers.CharField(allow_null=True, help_text="Username of who recorded it.")
    recorded_at = serializers.DateTimeField(allow_null=True)


class CommitmentSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:commitment-detail")
    made_by: Any = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    counterparty: Any = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    owner: Any = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    watchers: Any = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)
    condition = serializers.SerializerMethodField()
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)
    stale = serializers.BooleanField(source="is_stale", read_only=True)
    on_time_as_promised = serializers.BooleanField(
        read_only=True, allow_null=True, help_text="Fulfilled on or before original_due_by (null until fulfilled)."
    )
    on_time_as_rescheduled = serializers.BooleanField(
        read_only=True, allow_null=True, help_text="Fulfilled on or before the due_by in force then (after any moves)."
    )
    outcomes = serializers.SerializerMethodField(
        help_text="Each party that made it, with its outcome: for a joint commitment closed as fulfilled, "
        "partially or not fulfilled, a party's own where one is recorded (POST …/outcomes/); else the status."
    )
    depends_on: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    reciprocal: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Commitment
        fields = [
            "id",
            "url",
            "summit",
            "title",
            "description",
            "kind",
            "level",
            "modality",
            "made_by",
            "counterparty",
            "speaker",
            "desk",
            "owner",
            "watchers",
            "quote",
            "source_ref",
            "status",
            "status_changed_at",
            "due_phrase",
            "due_from",
            "due_by",
            "due_precision",
            "due_rule",
            "original_due_by",
            "condition",
            "depends_on",
            "reciprocal",
            "superseded_by",
            "overdue",
            "overdue_since",
            "stale",
            "on_time_as_promised",
            "on_time_as_rescheduled",
            "outcomes",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ConditionSerializer(allow_null=True))
    def get_condition(self, obj: Commitment) -> dict[str, str] | None:
        if not obj.condition_text:
            return None
        return {"text": obj.condition_text, "state": obj.condition_state}

    @extend_schema_field(OutcomeSerializer(many=True))
    def get_outcomes(self, obj: Commitment) -> list[dict[str, Any]]:
        recorded = commitment_outcomes(outcome_ids([(obj.pk, obj.status)])).get(obj.pk, {})
        return outcomes_shown([party.code for party in obj.made_by.all()], obj.status, recorded)


def outcomes_shown(codes: list[str], status: str, recorded: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """What OutcomeSerializer shows for each maker (in the order of `made_by`), from the recorded outcomes
    (selectors.commitment_outcomes): shared by the serializer and the plain-row representations."""
    shown = []
    for code in codes:
        own = recorded.get(code) if status in SCORED_STATUSES else None
        shown.append(
            {
                "party": code,
                "status": own["status"] if own else status,
                "recorded": own is not None,
                "note": own["note"] if own else "",
                "recorded_by": own["recorded_by"] if own else None,
                "recorded_at": _datetime_text(own["recorded_at"]) if own else None,
            }
        )
    return shown


def _datetime_text(value: datetime) -> str:
    """As DRF's DateTimeField shows a date-time: in the current time zone, "Z" for UTC."""
    text = value.astimezone(timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class ConditionInputSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, max_length=2000)


class CommitmentInputSerializer(serializers.Serializer):
    """The editable fields. Status, deadline dates (after creation) and condition state have their own endpoints."""

    summit = serializers.PrimaryKeyRelatedField(queryset=Summit.objects.all())
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(allow_blank=True, required=False, max_length=20000)
    kind = serializers.ChoiceField(choices=Commitment.Kind.choices, required=False)
    level = serializers.CharField(allow_blank=True, required=False, max_length=120)
    modality = serializers.ChoiceField(choices=Commitment.Modality.choices, required=False)
    made_by: Any = LookupField(slug_field="code", many=True, queryset=Party.objects.all())
    counterparty: Any = LookupField(slug_field="code", queryset=Party.objects.all(), allow_null=True, required=False)
    speaker = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all(), allow_null=True, required=False)
    desk = serializers.PrimaryKeyRelatedField(queryset=Desk.objects.all())
    owner: Any = LookupField(
        slug_field="username", queryset=User.objects.filter(is_active=True), allow_null=True, required=False
    )
    watchers: Any = LookupField(
        slug_field="username", many=True, queryset=User.objects.filter(is_active=True), required=False
    )
    quote = serializers.CharField(max_length=20000)
    source_ref = serializers.CharField(allow_blank=True, required=False, max_length=40)
    due_phrase = serializers.CharField(
        allow_blank=True,
        required=False,
        max_length=200,
        help_text="The deadline as written. Given without due_from/due_by, the window, precision and due_rule are "
        "read from it relative to the meeting's date; a phrase no rule knows keeps its words and gets no date.",
    )
    due_from = serializers.DateField(allow_null=True, required=False, help_text="Typed dates win over the phrase.")
    due_by = serializers.DateField(allow_null=True, required=False, help_text="Typed dates win over the phrase.")
    due_precision = serializers.ChoiceField(choices=Commitment.Precision.choices, required=False)
    condition = ConditionInputSerializer(allow_null=True, required=False)
    depends_on: Any = serializers.PrimaryKeyRelatedField(many=True, queryset=Commitment.objects.all(), required=False)
    reciprocal: Any = serializers.PrimaryKeyRelatedField(many=True, queryset=Commitment.objects.all(), required=False)
    superseded_by = serializers.PrimaryKeyRelatedField(
        queryset=Commitment.objects.all(), allow_null=True, required=False
    )
    version = serializers.IntegerField(required=False, min_value=1, help_text="The version you read (or If-Match).")

    def validate_made_by(self, value: list[Party]) -> list[Party]:
        if not value:
            raise serializers.ValidationError("Name at least one party that made the commitment.")
        return value


class StatusChangeSerializer(serializers.ModelSerializer):
    by: Any = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    # "" for the row that records the commitment's creation.
    from_status = serializers.ChoiceField(choices=[("", "(created)"), *Status.choices], read_only=True)
    evidence_url = serializers.CharField(read_only=True, help_text="A URL, or empty.")

    class Meta:
        model = StatusChange
        fields = [
            "id",
            "from_status",
            "to_status",
            "by",
            "recorded_at",
            "occurred_on",
            "note",
            "evidence_url",
            "on_time",
            "on_time_as_promised",
        ]
        read_only_fields = fields


class OutcomeInputSerializer(serializers.Serializer):
    party = serializers.CharField(max_length=20, help_text="The code of a party that made the commitment.")
    status = serializers.ChoiceField(choices=[(s, Status(s).label) for s in SCORED_STATUSES])
    note = serializers.CharField(
        allow_blank=True,
        required=False,
        max_length=5000,
        help_text="Why. Left out, the note recorded for this party stays if its outcome does not change.",
    )


class OutcomesInputSerializer(serializers.Serializer):
    outcomes = OutcomeInputSerializer(
        many=True,
        help_text="The parties' own outcomes; this set replaces the recorded one, so a party left out (or an "
        "empty list) follows the commitment's status again.",
    )
    version = serializers.IntegerField(required=False, min_value=1, help_text="The version you read (or If-Match).")


class TransitionInputSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=Status.choices)
    note = serializers.CharField(allow_blank=True, required=False, max_length=20000)
    evidence_url = serializers.URLField(allow_blank=True, required=False, max_length=500)
    occurred_on = serializers.DateField(allow_null=True, required=False)
    version = serializers.IntegerField(required=False, min_value=1)


class UpdateSerializer(serializers.ModelSerializer):
    author: Any = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Update
        fields = ["id", "author", "created_at", "note", "evidence_url", "evidence_summit"]
        read_only_fields = ["id", "author", "created_at"]
        extra_kwargs = {"note": {"max_length": 20000}}


class DeadlineInputSerializer(serializers.Serializer):
    due_by = serializers.DateField(allow_null=True)
    due_from = serializers.DateField(allow_null=True, required=False)
    due_phrase = serializers.CharField(allow_blank=True, required=False, max_length=200)
    reason = serializers.CharField(max_length=5000)
    change_class = serializers.ChoiceField(choices=DeadlineChange.ChangeClass.choices)
    version = serializers.IntegerField(required=False, min_value=1)


class ConditionStateInputSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=["pending", "met", "failed"])
    note = serializers.CharField(allow_blank=True, required=False, max_length=5000)
    version = serializers.IntegerField(required=False, min_value=1)


class DeskSerializer(serializers.ModelSerializer):
    parties: Any = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Desk
        fields = ["id", "name", "time_zone", "parties"]


class NotificationSerializer(serializers.ModelSerializer):
    actor: Any = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="Who made the change (null: a reminder)."
    )
    note = serializers.CharField(read_only=True, help_text="The note they gave with the change, or empty.")
    evidence_url = serializers.CharField(read_only=True, help_text="The evidence they gave (a URL), or empty.")

    class Meta:
        model = Notification
        fields = [
            "id",
            "commitment",
            "kind",
            "occasion",
            "message",
            "actor",
            "note",
            "evidence_url",
            "created_at",
            "read_at",
        ]
        read_only_fields = fields


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


# --- the list's representation, from plain rows --------------------------------------------------------

# Scalar columns of a commitment row and the CommitmentSerializer field that shows each.
_SCALARS = {
    "id": "id", "summit_id": "summit", "title": "title", "description": "description", "kind": "kind",
    "level": "level", "modality": "modality", "counterparty__code": "counterparty", "speaker_id": "speaker",
    "desk_id": "desk", "owner__username": "owner", "quote": "quote", "source_ref": "source_ref", "status": "status",
    "status_changed_at": "status_changed_at", "due_phrase": "due_phrase", "due_from": "due_from", "due_by": "due_by",
    "due_precision": "due_precision", "due_rule": "due_rule", "original_due_by": "original_due_by",
    "superseded_by_id": "superseded_by", "overdue_since": "overdue_since",
    "on_time_as_promised": "on_time_as_promised", "on_time_as_rescheduled": "on_time_as_rescheduled",
    "version": "version", "created_at": "created_at",
    "updated_at": "updated_at",
}  # fmt: skip
ROW_COLUMNS = [*_SCALARS, "condition_text", "condition_state", "last_activity_at", "desk__time_zone"]
# Columns whose value a plain field shows as is (a number, a string, a boolean or nothing).
_AS_IS = {"id", "summit_id", "counterparty__code", "speaker_id", "desk_id", "owner__username", "superseded_by_id",
          "on_time_as_promised", "on_time_as_rescheduled", "version"}  # fmt: skip


_AS_SHOWN, _DATE_TIME = "as shown", "date-time"


@cache
def _formats() -> tuple[tuple[str, str, Callable[[Any], Any] | str], ...]:
    """(column, field name, how to show a value that is not None) for each scalar column, worked out once
    from the serializer's own fields: strings and choices as they are, dates in ISO 8601, date-times as
    DRF shows them, anything else through the field itself."""
    fields = CommitmentSerializer().fields
    plan: list[tuple[str, str, Callable[[Any], Any] | str]] = []
    for column, name in _SCALARS.items():
        field = fields[name]
        if column in _AS_IS or isinstance(field, (serializers.CharField, serializers.ChoiceField)):
            plan.append((column, name, _AS_SHOWN))
        elif isinstance(field, serializers.DateTimeField):
            plan.append((column, name, _DATE_TIME))
        elif (
            isinstance(field, serializers.DateField) and getattr(field, "format", api_settings.DATE_FORMAT) == ISO_8601
        ):
            plan.append((column, name, date.isoformat))
        else:
            plan.append((column, name, field.to_representation))
    return tuple(plan)


@cache
def _detail_path_prefix(urlconf: str, script_prefix: str) -> str:
    path = django_reverse("api:commitment-detail", kwargs={"pk": 0}, urlconf=urlconf)
    return path[: path.rindex("/0/") + 1]


def _detail_url_prefix(request: Any) -> str:
    """The commitment detail URL without its id, absolute as DRF's hyperlinks are (reversed once)."""
    path = _detail_path_prefix(settings.ROOT_URLCONF, get_script_prefix())
    return request.build_absolute_uri(path) if request is not None else path


def commitment_representations(rows: list[dict[str, Any]], request: Any, now: datetime) -> list[dict[str, Any]]:
    """What CommitmentSerializer shows, for rows from `.values(*ROW_COLUMNS)`: the same keys, values and
    formats (each value goes through the serializer's own field), without a model instance per row.

    Every response that shows a commitment uses it (list, detail, and the answers to writes): building
    model instances with their related managers costs several times the query.
    `test_api.py::test_the_list_shows_what_the_serializer_shows` holds the two equal.
    """
    relations, recorded = commitment_relations(
        [row["id"] for row in rows], outcome_ids([(row["id"], row["status"]) for row in rows])
    )
    formats = _formats()
    zone = timezone.get_current_timezone()
    url_prefix = _detail_url_prefix(request)
    result = []
    for row in rows:
        pk = row["id"]
        shown: dict[str, Any] = {}
        for column, name, show in formats:
            value = row[column]
            if value is None or show is _AS_SHOWN:
                shown[name] = value
            elif show is _DATE_TIME:
                # As DRF's DateTimeField shows it: in the current time zone, "Z" for UTC.
                text = value.astimezone(zone).isoformat()
                shown[name] = text[:-6] + "Z" if text.endswith("+00:00") else text
            else:
                shown[name] = show(value)  # type: ignore[operator]
        shown["url"] = f"{url_prefix}{pk}/"
        for name in ("made_by", "watchers", "depends_on", "reciprocal"):
            shown[name] = relations[name].get(pk, [])
        condition = {"text": row["condition_text"], "state": row["condition_state"]} if row["condition_text"] else None
        shown["condition"] = condition
        shown["outcomes"] = outcomes_shown(shown["made_by"], row["status"], recorded.get(pk, {}))
        # The flags by the selectors' row rules (the same as the SQL the detail view annotates).
        shown["overdue"] = is_overdue(
            status=row["status"],
            condition_state=row["condition_state"],
            due_by=row["due_by"],
            time_zone=row["desk__time_zone"],
            now=now,
        )
        shown["stale"] = is_stale(status=row["status"], last_activity_at=row["last_activity_at"], now=now)
        result.append({name: shown[name] for name in CommitmentSerializer.Meta.fields})
    return result
