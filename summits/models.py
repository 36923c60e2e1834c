"""Meetings and who took part in them.

A meeting is called a summit in the interface whatever its level. Its source record (the published
text) is kept verbatim on the summit because commitments quote it and are validated against it.
"""

from __future__ import annotations

import hashlib
import zoneinfo
from datetime import date, datetime, timedelta

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .validators import validate_time_zone


def source_digest(text: str) -> str:
    """A checksum of a record's words, blind to spacing and line ends: the same record pasted
    or uploaded twice is recognised."""
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()


# The languages a meeting's record can be in (Summit.source_language, SummitRecord.language), named in the
# reader's language: a record is "Japanese" on an English page and 「日本語」 on a Japanese one. The interface's
# own languages are settings.LANGUAGES, named in themselves, so anyone can find theirs.
RECORD_LANGUAGES = {"en": _("English"), "ja": _("Japanese")}


def record_language_name(code: str) -> str:
    """A record's language by name in the active language; an unknown code as it is."""
    name = RECORD_LANGUAGES.get(code)
    return str(name) if name is not None else code


class Party(models.Model):
    class Kind(models.TextChoices):
        STATE = "state", _("State")
        ORGANISATION = "organisation", _("International organisation")

    code = models.CharField(
        max_length=16,
        unique=True,
        help_text=_("ISO 3166 alpha-3 for states (JPN, RUS); a short code otherwise."),
        verbose_name=_("code"),
    )
    name = models.CharField(max_length=200, unique=True, verbose_name=_("name"))
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.STATE, verbose_name=_("kind"))

    class Meta:
        verbose_name = _("party")
        ordering = ["name"]
        verbose_name_plural = _("parties")

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """An official. Titles change over time, so the title held at a meeting is on Participation."""

    full_name = models.CharField(max_length=200, verbose_name=_("full name"))
    party = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        help_text=_("The state or organisation the person usually represents."),
        verbose_name=_("party"),
    )
    notes = models.TextField(blank=True, verbose_name=_("notes"))

    class Meta:
        verbose_name = _("person")
        ordering = ["full_name"]
        verbose_name_plural = _("people")
        constraints = [models.UniqueConstraint(fields=["full_name", "party"], name="person_unique_name_party")]

    def __str__(self) -> str:
        return self.full_name


class Summit(models.Model):
    class Kind(models.TextChoices):
        SUMMIT = "summit", _("Summit meeting")
        FOREIGN_MINISTERS = "foreign_ministers", _("Foreign ministers' meeting")
        VICE_MINISTERIAL = "vice_ministerial", _("Vice-ministerial consultations")
        EXPERT_LEVEL = "expert_level", _("Expert-level talks")
        TELEPHONE = "telephone", _("Telephone talks")
        MESSAGE = "message", _("Message or letter")
        OTHER = "other", _("Other")

    title = models.CharField(max_length=300, verbose_name=_("title"))
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.SUMMIT, verbose_name=_("kind"))
    occasion = models.CharField(
        max_length=300, blank=True, help_text=_("For example APEC Ministerial Meeting."), verbose_name=_("occasion")
    )
    city = models.CharField(max_length=120, blank=True, verbose_name=_("city"))
    country = models.CharField(max_length=120, blank=True, verbose_name=_("country"))
    starts_at = models.DateTimeField(
        help_text=_("When the meeting started (shown in the ministry's time zone)."), verbose_name=_("starts at")
    )
    time_zone = models.CharField(
        max_length=64,
        validators=[validate_time_zone],
        help_text=_("The local IANA time zone of the meeting, for example Asia/Brunei."),
        verbose_name=_("time zone"),
    )
    duration_minutes = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("actual duration (minutes)"))
    planned_duration_minutes = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("planned duration (minutes)")
    )
    parties = models.ManyToManyField(Party, related_name="summits", blank=True, verbose_name=_("parties"))
    follow_up_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_ups",
        help_text=_("The earlier meeting this one follows up (Irkutsk follows Brunei)."),
        verbose_name=_("follow up of"),
    )
    summary_points = models.TextField(
        blank=True, help_text=_("The points of the meeting, one per line."), verbose_name=_("summary points")
    )

    # The source record, verbatim. Commitments quote spans of source_text.
    source_publisher = models.CharField(max_length=200, blank=True)
    source_url = models.URLField(max_length=500, blank=True)
    source_published_on = models.DateField(null=True, blank=True)
    source_text = models.TextField(blank=True, help_text="The full published text, kept verbatim.")
    # The primary record's language; the same meeting's record in another language is a SummitRecord.
    source_language = models.CharField(max_length=8, default="en", help_text="en or ja.")
    # Lets an import recognise a record it has seen before without comparing whole texts.
    source_sha256 = models.CharField(max_length=64, blank=True, editable=False, db_index=True)

    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    history = HistoricalRecords(excluded_fields=["source_sha256", "updated_at"])

    class Meta:
        verbose_name = _("summit")
        verbose_name_plural = _("summits")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["-starts_at"], name="summit_starts_at_desc")]

    def __str__(self) -> str:
        # The day in the reader's date format (31 Dec 2000, 2000年12月31日): the string is shown, never stored.
        return f"{self.title} ({date_format(self.local_start.date())})"

    def save(self, *args: object, **kwargs: object) -> None:
        # A derived checksum, not a business rule: it must always match the text it describes.
        self.source_sha256 = source_digest(self.source_text) if self.source_text else ""
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def local_start(self) -> datetime:
        """The start on the meeting's own clock (18:20 Brunei time)."""
        return self.starts_at.astimezone(zoneinfo.ZoneInfo(self.time_zone))

    @property
    def local_date(self) -> date:
        return self.local_start.date()

    @property
    def ends_at(self) -> datetime | None:
        if self.duration_minutes is None:
            return None
        return self.starts_at + timedelta(minutes=self.duration_minutes)


class SummitRecord(models.Model):
    """The same meeting's record in another language (the English page of a Japanese record, or the other
    way round), attached to the summit whose own source fields hold the record imported first."""

    summit = models.ForeignKey(Summit, on_delete=models.CASCADE, related_name="records")
    language = models.CharField(max_length=8, help_text="en or ja.")
    publisher = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=500, blank=True)
    published_on = models.DateField(null=True, blank=True)
    text = models.TextField(help_text="The full published text, kept verbatim.")
    # As on Summit: lets an import recognise a record it has already attached.
    sha256 = models.CharField(max_length=64, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["summit", "language"]
        constraints = [models.UniqueConstraint(fields=["summit", "language"], name="summitrecord_one_per_language")]

    def __str__(self) -> str:
        return f"{self.summit.title} ({self.language})"

    def save(self, *args: object, **kwargs: object) -> None:
        self.sha256 = source_digest(self.text)  # derived, as Summit.source_sha256
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Participation(models.Model):
    """A person at a meeting, for a party, with the title they held then."""

    class Capacity(models.TextChoices):
        PRINCIPAL = "principal", _("Principal")
        DELEGATION = "delegation", _("Delegation member")

    summit = models.ForeignKey(
        Summit, on_delete=models.CASCADE, related_name="participations", verbose_name=_("summit")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="participations", verbose_name=_("person")
    )
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="participations", verbose_name=_("party"))
    role = models.CharField(
        max_length=200, help_text=_("Title at the time, e.g. Deputy Cabinet Secretary."), verbose_name=_("role")
    )
    capacity = models.CharField(
        max_length=20, choices=Capacity.choices, default=Capacity.DELEGATION, verbose_name=_("capacity")
    )
    order = models.PositiveSmallIntegerField(default=0, verbose_name=_("order"))

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["summit", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["summit", "person"], name="participation_unique_person_per_summit")
        ]

    def __str__(self) -> str:
        return f"{self.role} {self.person} ({self.party.code})"
