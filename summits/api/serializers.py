from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ..models import Participation, Party, Person, Summit


class PartySerializer(serializers.ModelSerializer):
    class Meta:
        model = Party
        fields = ["id", "code", "name", "kind"]


class PersonSerializer(serializers.ModelSerializer):
    party: Any = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Person
        fields = ["id", "full_name", "party"]


class ParticipantSerializer(serializers.ModelSerializer):
    person: Any = serializers.PrimaryKeyRelatedField(read_only=True)
    name = serializers.CharField(source="person.full_name", read_only=True)
    party: Any = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Participation
        fields = ["person", "name", "party", "role", "capacity"]


class SourceSerializer(serializers.Serializer):
    publisher = serializers.CharField(source="source_publisher")
    url = serializers.CharField(source="source_url")
    published_on = serializers.DateField(source="source_published_on", allow_null=True)


class SummitSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:summit-detail")
    parties: Any = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    participants = ParticipantSerializer(source="participations", many=True, read_only=True)
    local_start = serializers.DateTimeField(read_only=True)
    source = SourceSerializer(source="*", read_only=True)  # type: ignore[assignment]  # the field is named "source"

    class Meta:
        model = Summit
        fields = [
            "id",
            "url",
            "title",
            "kind",
            "occasion",
            "city",
            "country",
            "starts_at",
            "time_zone",
            "local_start",
            "duration_minutes",
            "planned_duration_minutes",
            "parties",
            "follow_up_of",
            "summary_points",
            "participants",
            "source",
        ]
        read_only_fields = fields


class SummitDetailSerializer(SummitSerializer):
    class Meta(SummitSerializer.Meta):
        fields = [*SummitSerializer.Meta.fields, "source_text"]
        read_only_fields = fields
