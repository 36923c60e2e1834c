"""factory_boy factories for the few objects tests build beyond the demo data."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import factory
from django.contrib.auth import get_user_model

from commitments import services
from commitments.models import Commitment, Desk
from summits.models import Party, Summit

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@ministry.invalid")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance: Any, create: bool, results: Any = None) -> None:
        if create:
            instance.save()


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"P{n:03d}")
    name = factory.LazyAttribute(lambda p: f"Party {p.code}")


SOURCE_TEXT = (
    "The two ministers agreed to meet again next year.\n"
    "The Minister stated his intention to visit the capital within the year.\n"
    "Both sides will continue consultations at the expert level."
)


class SummitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Summit

    title = factory.Sequence(lambda n: f"Foreign Ministers' Meeting {n}")
    kind = Summit.Kind.FOREIGN_MINISTERS
    starts_at = datetime(2000, 11, 15, 1, 0, tzinfo=UTC)
    time_zone = "Asia/Tokyo"
    source_text = SOURCE_TEXT


def make_commitment(
    *,
    desk: Desk,
    summit: Summit | None = None,
    now: datetime = datetime(2000, 11, 16, tzinfo=UTC),
    made_by: list[Party] | None = None,
    **fields: Any,
) -> Commitment:
    """A commitment recorded through the service, as staff would create it."""
    summit = summit or SummitFactory()
    fields.setdefault("title", "Visit the capital")
    fields.setdefault("quote", "The Minister stated his intention to visit the capital within the year.")
    commitment = Commitment(summit=summit, desk=desk, **fields)
    services.commitment_create(commitment=commitment, by=None, now=now)
    commitment.made_by.set(made_by or [PartyFactory(code="JPN", name="Japan")])
    return commitment
