"""Meetings, parties and people: read-only in the API (staff record them in the admin)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from rest_framework import viewsets
from rest_framework.serializers import BaseSerializer

from common.api import ByIdCursor, IdFilter

from ..models import Party, Person, Summit
from .serializers import PartySerializer, PersonSerializer, SummitDetailSerializer, SummitSerializer


class PersonFilter(django_filters.FilterSet):
    party = django_filters.CharFilter(field_name="party__code", help_text="A party code.")

    class Meta:
        model = Person
        fields: list[str] = []


class SummitFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Summit.Kind.choices)
    follow_up_of = IdFilter(field_name="follow_up_of_id")

    class Meta:
        model = Summit
        fields: list[str] = []


class PartyViewSet(viewsets.ReadOnlyModelViewSet[Party]):
    queryset = Party.objects.all()
    serializer_class = PartySerializer
    pagination_class = ByIdCursor
    filterset_fields = ["code", "kind"]


class PersonViewSet(viewsets.ReadOnlyModelViewSet[Person]):
    queryset = Person.objects.select_related("party")
    serializer_class = PersonSerializer
    pagination_class = ByIdCursor
    filterset_class = PersonFilter


class SummitViewSet(viewsets.ReadOnlyModelViewSet[Summit]):
    pagination_class = ByIdCursor
    filterset_class = SummitFilter

    def get_queryset(self) -> QuerySet[Summit]:
        queryset = Summit.objects.prefetch_related("parties", "participations__person", "participations__party")
        return queryset if self.action == "retrieve" else queryset.defer("source_text")

    def get_serializer_class(self) -> type[BaseSerializer[Summit]]:
        return SummitDetailSerializer if self.action == "retrieve" else SummitSerializer
