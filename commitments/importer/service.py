"""Importing a record: validate the input, create the summit and its draft commitments, all or nothing."""

from __future__ import annotations

import html
import re
import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils.formats import date_format
from django.utils.module_loading import import_string
from django.utils.translation import get_language_info, gettext

from summits.models import Participation, Party, Person, Summit, SummitRecord, source_digest

from .. import services
from ..deadlines import Window
from ..models import Commitment, Desk, FollowUp
from ..workflow import Status
from .align import Point, points_align
from .extract import Draft
from .followups import followups_propose
from .japanese import language_of, summit_kind_ja
from .reading import drafts_extract, record_parse
from .record import Record, parties_in, party_name

MAX_BYTES = 1_000_000
_ENGLISH = re.compile(r"\b(?:the|and|of|to|in|that|was|with|on|for|is|by)\b", re.IGNORECASE)


class ImportRefused(Exception):
    """The input cannot be imported; the message says why and what to do. Nothing was created."""

    def __init__(self, message: str, existing: Summit | None = None, field: str = "") -> None:
        super().__init__(message)
        self.existing = existing
        self.field = field  # the input that would fix it ("date"), for a form to show the message beside


@dataclass
class ImportResult:
    summit: Summit
    drafts: list[tuple[Draft, Commitment]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)
    language: str = "en"  # the record's, "en" or "ja"
    # True when the record was the same meeting's record in another language, attached to an existing summit.
    attached: bool = False
    # For each entry of `drafts` (by index): the id of the other language's commitment it was aligned with.
    aligned_with: dict[int, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "summit": {"id": self.summit.pk, "attached": self.attached},
            "language": self.language,
            "attached": self.attached,
            "drafts": [
                {
                    "id": commitment.pk,
                    "aligned_with": self.aligned_with.get(index),
                    "quote": draft.quote,
                    "start": draft.start,
                    "end": draft.end,
                    "made_by": draft.made_by,
                    "speaker": draft.speaker,
                    "counterparty": draft.counterparty,
                    "kind": draft.kind,
                    "modality": draft.modality,
                    "due_phrase": draft.window.phrase if draft.window else "",
                    "due_from": draft.window.due_from.isoformat() if draft.window and draft.window.due_from else None,
                    "due_by": draft.window.due_by.isoformat() if draft.window and draft.window.due_by else None,
                    "condition": draft.condition,
                    "source_ref": draft.source_ref,
                }
                for index, (draft, commitment) in enumerate(self.drafts)
            ],
            "follow_ups": [follow_up.as_json() for follow_up in self.follow_ups],
            "notes": self.notes,
        }


def record_text(raw: bytes | str) -> str:
    """The plain text of an upload or a paste, or ImportRefused saying what is wrong with it."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_BYTES:
            raise ImportRefused(
                gettext("The file is %(size)s bytes; records over %(limit)s bytes are not accepted.")
                % {"size": f"{len(raw):,}", "limit": f"{MAX_BYTES:,}"}
            )
        if b"\x00" in raw:
            raise ImportRefused(
                gettext("This is not a text file (it contains binary data). Upload the record as .txt or .html.")
            )
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportRefused(
                gettext("The file is not UTF-8 text. Save it as UTF-8 (or paste the text) and try again.")
            ) from None
    else:
        text = raw
    if "\x00" in text:
        raise ImportRefused(
            gettext("This is not a text record (it contains binary data). Paste or upload the record's text.")
        )
    if len(text.encode(errors="replace")) > MAX_BYTES:
        raise ImportRefused(
            gettext("The text is over %(limit)s bytes; records that long are not accepted.")
            % {"limit": f"{MAX_BYTES:,}"}
        )
    if re.search(r"<(?:html|body|p|div|br|script)\b", text, re.IGNORECASE):
        text = _html_to_text(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ImportRefused(gettext("The record is empty: paste the published text or choose a file that has it."))
    if language_of(text) == "ja":  # read by commitments/importer/japanese.py
        return text
    letters = re.findall(r"[A-Za-z]", text)
    # A short readout has few function words; a long text with almost none is not English prose.
    function_words = len(_ENGLISH.findall(text))
    if len(letters) < 0.5 * len(re.findall(r"\w", text)) or function_words < min(5, 2 + len(text.split()) // 20):
        raise ImportRefused(
            gettext(
                "This does not look like an English- or Japanese-language record. The importer reads the records "
                "foreign ministries publish in English or Japanese; paste one of those."
            )
        )
    return text


def _html_to_text(markup: str) -> str:
    markup = re.sub(r"(?is)<(script|style|noscript|template)\b.*?</\1\s*>", "", markup)
    markup = re.sub(r"(?i)<br\s*/?>|</(?:p|div|li|h\d|tr)>", "\n", markup)
    markup = re.sub(r"(?s)<[^>]+>", "", markup)
    text = html.unescape(markup)
    return re.sub(r"\n[ \t]*\n+", "\n\n", text).strip()


def _default_desk(record: Record) -> Desk | None:
    foreign = [code for code in record.parties if code != "JPN"]
    desk = Desk.objects.filter(parties__code__in=foreign).order_by("name").first() if foreign else None
    return desk or Desk.objects.order_by("name").first()


def record_import(
    *,
    raw: bytes | str,
    by: Any,
    now: datetime,
    source_url: str = "",
    publisher: str = "",
    published_on: date | None = None,
    desk: Desk | None = None,
    meeting_date: date | None = None,
) -> ImportResult:
    """Create the summit and its draft commitments from a record, in one transaction. A `meeting_date`
    given by the person importing wins over one read from the text (some pages print it only around
    the text, or without its year)."""
    text = record_text(raw)
    digest = source_digest(text)
    existing = Summit.objects.filter(source_sha256=digest).first() or (
        Summit.objects.filter(source_url=source_url).first() if source_url else None
    )
    if existing is None:
        attached_record = SummitRecord.objects.select_related("summit").filter(sha256=digest).first() or (
            SummitRecord.objects.select_related("summit").filter(url=source_url).first() if source_url else None
        )
        existing = attached_record.summit if attached_record is not None else None
    if existing is not None:
        raise ImportRefused(
            gettext("This record was imported before, as “%(title)s” (summit %(id)s).")
            % {"title": existing.title, "id": existing.pk},
            existing,
        )
    record = record_parse(text, settings.PLEDGEBOOK_TIME_ZONE, settings.PLEDGEBOOK_HOME_PARTY)
    if meeting_date is not None:
        if record.meeting_date is not None and record.meeting_date != meeting_date:
            record.notes.append(
                gettext("The record reads %(read)s; the date given, %(given)s, was used.")
                % {"read": date_format(record.meeting_date), "given": date_format(meeting_date)}
            )
        record.meeting_date = meeting_date
    if record.meeting_date is None:
        raise ImportRefused(
            gettext(
                "The record does not say on what day the meeting took place (some pages print the date only "
                "around the text, or without its year). Give the meeting's date and import again."
            ),
            field="date",
        )
    if not looks_like_a_meeting(record):
        raise ImportRefused(
            gettext(
                "This does not read as a record of a meeting: it names no state and no meeting, talk, call, "
                "visit or message. Paste the published overview of a meeting."
            )
        )
    drafts = drafts_extract(record, import_string(settings.PLEDGEBOOK_EXTRACTOR))
    if not drafts:
        record.notes.append(
            gettext(
                "No commitments were found in this record (nothing promised, agreed, intended or invited): the "
                "meeting is recorded with nothing to review. Add a commitment by hand if one was missed."
            )
        )
    desk = desk or _default_desk(record)
    if desk is None:
        raise ImportRefused(
            gettext("There is no desk to follow these commitments up yet: an administrator must create one first.")
        )

    counterpart = summit_counterpart(record)
    if counterpart is not None:
        return record_attach(
            summit=counterpart,
            record=record,
            drafts=drafts,
            text=text,
            by=by,
            now=now,
            desk=desk,
            source_url=source_url,
            publisher=publisher,
            published_on=published_on,
        )

    with transaction.atomic():
        parties = {
            code: Party.objects.get_or_create(code=code, defaults={"name": party_name(code)})[0]
            for code in {
                *record.parties,
                *(c for d in drafts for c in d.made_by),
                *(d.counterparty for d in drafts if d.counterparty),
            }
        }
        zone = zoneinfo.ZoneInfo(record.time_zone)
        kind = _summit_kind(record)
        summit = Summit.objects.create(
            title=summit_title(record, kind),
            kind=kind,
            occasion=record.occasion,
            city=record.city,
            country=record.country,
            starts_at=datetime.combine(record.meeting_date, record.local_time or time(0), zone),
            time_zone=record.time_zone,
            duration_minutes=record.duration_minutes,
            planned_duration_minutes=record.planned_minutes,
            source_publisher=publisher[:200],
            source_url=source_url[:500],
            source_published_on=published_on,
            source_text=text,
            source_language=record.language,
        )
        summit.parties.set([parties[code] for code in record.parties if code in parties])
        people: dict[str, Person] = {}
        for order, participant in enumerate(p for p in record.participants if p.party in parties):
            person, _ = Person.objects.get_or_create(full_name=participant.name, party=parties[participant.party])
            people[participant.name] = person
            Participation.objects.get_or_create(
                summit=summit,
                person=person,
                defaults={
                    "party": parties[participant.party],
                    "role": participant.title,
                    "capacity": participant.capacity,
                    "order": order,
                },
            )
        result = ImportResult(summit=summit, notes=list(record.notes), language=record.language)
        _drafts_create(result, drafts, desk=desk, people=people, parties=parties, by=by, now=now)
        # What this meeting shows of earlier promises between the same parties, for a person to decide.
        result.follow_ups = FollowUp.objects.bulk_create(
            FollowUp(
                summit=summit,
                commitment=proposal.commitment,
                proposed=proposal.proposed,
                occurred_on=proposal.occurred_on,
                basis=proposal.basis,
                reason=proposal.reason,
                evidence_quote=proposal.evidence[0] if proposal.evidence else "",
                evidence_start=proposal.evidence[1] if proposal.evidence else None,
                evidence_end=proposal.evidence[2] if proposal.evidence else None,
            )
            for proposal in followups_propose(summit, record)
        )
    return result


def summit_counterpart(record: Record) -> Summit | None:
    """The meeting this record is the other-language record of: held the same day between the same two
    parties, with its record in another language and none yet in this one."""
    if record.meeting_date is None or len(record.parties) < 2:
        return None
    wanted = set(record.parties[:2])
    day = datetime.combine(record.meeting_date, time(12), zoneinfo.ZoneInfo(record.time_zone))
    # A day either side: the stored start is in UTC and the meeting's local day is compared below.
    candidates = (
        Summit.objects.filter(starts_at__range=(day - timedelta(days=2), day + timedelta(days=2)))
        .exclude(source_language=record.language)
        .exclude(records__language=record.language)
        .prefetch_related("parties")
        .defer("source_text")
        .order_by("starts_at", "pk")
    )
    for summit in candidates:
        if summit.local_date == record.meeting_date and wanted <= {party.code for party in summit.parties.all()}:
            return summit
    return None


def _point(commitment: Commitment, language: str) -> Point:
    return Point(
        quote=commitment.quote,
        start=commitment.quote_start if commitment.quote_start is not None else 0,
        language=language,
        kind=commitment.kind,
        made_by=tuple(party.code for party in commitment.made_by.all()),
        due_by=commitment.due_by,
    )


def record_attach(
    *,
    summit: Summit,
    record: Record,
    drafts: list[Draft],
    text: str,
    by: Any,
    now: datetime,
    desk: Desk,
    source_url: str,
    publisher: str,
    published_on: date | None,
) -> ImportResult:
    """Keep `record` as `summit`'s record in another language: each draft aligned with one of the summit's
    commitments adds its quote and title in that language to that commitment (one promise, not two);
    a draft with no counterpart (the other page says more) becomes a new draft of the same summit."""
    with transaction.atomic():
        SummitRecord.objects.create(
            summit=summit,
            language=record.language,
            publisher=publisher[:200],
            url=source_url[:500],
            published_on=published_on,
            text=text,
        )
        # Only commitments quoted in the summit's own record: one that came from an earlier attached record
        # is already in that record's language.
        existing = [
            c
            for c in summit.commitments.prefetch_related("made_by").order_by("quote_start", "pk")
            if c.quote_start is not None and not c.quote_other
        ]
        matches = points_align(
            [_point(c, summit.source_language) for c in existing],
            [
                Point(
                    d.quote, d.start, record.language, d.kind, tuple(d.made_by), d.window.due_by if d.window else None
                )
                for d in drafts
            ],
        )
        counterpart_of = {draft_index: existing[index] for index, draft_index in matches.items()}
        result = ImportResult(summit=summit, notes=list(record.notes), language=record.language, attached=True)
        parties = {
            code: Party.objects.get_or_create(code=code, defaults={"name": party_name(code)})[0]
            for code in {*(c for d in drafts for c in d.made_by), *(d.counterparty for d in drafts if d.counterparty)}
        }
        aligned: dict[int, Commitment] = {}
        for index, other in counterpart_of.items():
            draft = drafts[index]
            aligned[index] = services.commitment_align(
                commitment_id=other.pk,
                quote=draft.quote,
                start=draft.start,
                language=record.language,
                title=draft.title,
                by=by,
                now=now,
            )
            result.aligned_with[index] = other.pk
        # The meeting's people as its own import recorded them, so that a new draft names its speaker too.
        people = {
            participation.person.full_name: participation.person
            for participation in summit.participations.select_related("person")
        }
        _drafts_create(result, drafts, desk=desk, people=people, parties=parties, by=by, now=now, aligned=aligned)
        result.notes.insert(
            0,
            gettext(
                "Attached to “%(title)s” (summit %(id)s) as its %(language)s record: %(aligned)s of %(drafts)s "
                "draft(s) aligned with its commitments; no second meeting was created."
            )
            % {
                "title": summit.title,
                "id": summit.pk,
                "language": get_language_info(record.language)["name_translated"],
                "aligned": len(matches),
                "drafts": len(drafts),
            },
        )
    return result


def _drafts_create(
    result: ImportResult,
    drafts: list[Draft],
    *,
    desk: Desk,
    people: dict[str, Person],
    parties: dict[str, Party],
    by: Any,
    now: datetime,
    aligned: dict[int, Commitment] | None = None,
) -> None:
    """Each draft as a draft commitment of `result.summit`, in the drafts' order (a draft's links name
    others by index), then the links between them: one that prepares another, reciprocal pairs. A draft
    in `aligned` is already a commitment (the same promise in the meeting's record in another language)
    and is linked, not created; a link between two aligned ones was made when they were imported."""
    summit = result.summit
    aligned = aligned or {}
    for index, draft in enumerate(drafts):
        if index in aligned:
            result.drafts.append((draft, aligned[index]))
            continue
        if draft.window and draft.window.rule == "on_the_occasion":
            draft.window = _anchored(draft.window, summit)
        speaker = next(
            (person for name, person in people.items() if draft.speaker and name.split()[-1] in draft.speaker), None
        )
        commitment = _draft_commitment(draft, summit, desk, speaker, parties)
        services.commitment_create(commitment=commitment, by=by, now=now, status=Status.DRAFT, read_window=False)
        commitment.made_by.set([parties[code] for code in draft.made_by])
        result.drafts.append((draft, commitment))
    for index, (draft, commitment) in enumerate(result.drafts):
        for target in draft.prepares:
            if index not in aligned or target not in aligned:
                result.drafts[target][1].depends_on.add(commitment)
        for partner in draft.reciprocal:
            if index not in aligned or partner not in aligned:
                commitment.reciprocal.add(result.drafts[partner][1])


def _draft_commitment(
    draft: Draft, summit: Summit, desk: Desk, speaker: Person | None, parties: dict[str, Party]
) -> Commitment:
    return Commitment(
        summit=summit,
        quote=draft.quote,
        source_ref=draft.source_ref,
        title=draft.title[:200],
        kind=draft.kind,
        level=draft.level[:120],
        modality=draft.modality,
        desk=desk,
        speaker=speaker,
        counterparty=parties.get(draft.counterparty),
        condition_text=draft.condition,
        due_phrase=(draft.window.phrase if draft.window else "")[:200],
        due_from=draft.window.due_from if draft.window else None,
        due_by=draft.window.due_by if draft.window else None,
        due_precision=draft.window.precision if draft.window else "none",
        due_rule=(draft.window.rule if draft.window else "")[:60],
        description="Proposed by the importer; review before tracking."
        + (" Urgent: the record asks for it at the earliest date." if draft.window and draft.window.urgent else ""),
    )


_MEETING_WORDS = re.compile(
    r"\b(?:met|meet|meeting|summit|talks?|call(?:ed)?|spoke|telephone|visit(?:ed|ing)?|message|letter|conference"
    r"|consultations?|dialogue|readout|discussed|agreed)\b",
    re.IGNORECASE,
)


def looks_like_a_meeting(record: Record) -> bool:
    """A record names a party, or a meeting of some kind: a page of anything else is refused."""
    if record.language == "ja":
        return len(record.parties) > 1 or bool(re.search(r"会談|会議|会合|電話|訪問", record.text))
    return bool(parties_in(record.text[:5000])) or len(_MEETING_WORDS.findall(record.text)) >= 2


# The kind of meeting, from the words of its title, else of the record's opening lines. Order matters:
# a telephone talk between foreign ministers is a telephone talk.
_KIND_WORDS: list[tuple[str, str]] = [
    (Summit.Kind.TELEPHONE, r"telephone|phone call|\bcall with\b|\bspoke (?:by phone |today )?with\b|\bcall\b"),
    (Summit.Kind.MESSAGE, r"\bmessage\b|\bletter\b"),
    (Summit.Kind.VICE_MINISTERIAL, r"vice[- ]minister"),
    (Summit.Kind.FOREIGN_MINISTERS, r"foreign minister|secretary of state|foreign secretary|ministers['’] meeting"),
    (Summit.Kind.SUMMIT, r"\bsummit\b|\bleaders\b|prime minister|president"),
    (Summit.Kind.EXPERT_LEVEL, r"\bexpert|consultation"),
]
# In the body, only what says what the meeting was: "held a telephone talk", "sent a message", "the Foreign
# Ministers' Meeting" — not "the leaders call for", "handed over a letter" in passing, or a minister present.
_KIND_IN_TEXT: list[tuple[str, str]] = [
    (Summit.Kind.TELEPHONE, r"telephone|phone call|\bcall with\b|\bspoke (?:by (?:tele)?phone |today )?(?:with|to)\b"),
    (Summit.Kind.MESSAGE, r"\bsent (?:a|the) (?:message|letter)\b|\b(?:message|letter) (?:from|of) (?:the )?[A-Z]"),
    (Summit.Kind.VICE_MINISTERIAL, r"vice[- ]ministerial"),
    (Summit.Kind.SUMMIT, r"\bsummit\b|\bleaders['’] meeting\b"),
    (
        Summit.Kind.FOREIGN_MINISTERS,
        r"foreign ministers['’]? meeting|(?:foreign minister|minister for foreign affairs|"
        r"secretary of state|foreign secretary)[^.]{0,120}\b(?:met|held a meeting|held talks)\b",
    ),
    (Summit.Kind.SUMMIT, r"(?:prime minister|president|chancellor)[^.]{0,120}\b(?:met|held a meeting|held talks)\b"),
    (Summit.Kind.EXPERT_LEVEL, r"\bexpert|\bconsultations\b"),
]


def _summit_kind(record: Record) -> str:
    if record.language == "ja":
        ja_kinds = {
            "telephone": Summit.Kind.TELEPHONE,
            "foreign ministers": Summit.Kind.FOREIGN_MINISTERS,
            "summit": Summit.Kind.SUMMIT,
        }
        return ja_kinds.get(summit_kind_ja(record.title, record.text), Summit.Kind.OTHER)
    for text, table in ((record.title, _KIND_WORDS), (record.text[:800], _KIND_IN_TEXT)):
        for kind, pattern in table:
            if re.search(pattern, text, re.IGNORECASE):
                return kind
    return Summit.Kind.OTHER


def summit_title(record: Record, kind: str) -> str:
    """The record's own title, or one made of its parties and kind when it was pasted without one."""
    if record.title:
        return record.title
    names = "–".join(party_name(code) for code in record.parties[:2])
    label = "meeting" if kind == Summit.Kind.OTHER else str(Summit.Kind(kind).label).lower()
    return f"{names} {label}" if names else label.capitalize()


def _anchored(window: Window, summit: Summit) -> Window:
    """ "On the occasion of the APEC Leaders' Meeting to be held in Shanghai": if that meeting is
    recorded, its day is the deadline; otherwise the phrase stays, without a date."""
    event = window.occasion
    tokens = re.findall(r"\(([A-Z]{2,})\)", event) + re.findall(r"held in ([A-Z][a-z]+)", event)
    if not tokens:
        tokens = [w for w in re.findall(r"\b[A-Z][A-Za-z0-9]{2,}\b", event) if w not in ("The", "Meeting", "Summit")][
            :2
        ]
    if not tokens:
        return window
    candidates = Summit.objects.filter(starts_at__gt=summit.starts_at).exclude(pk=summit.pk).order_by("starts_at")
    for token in tokens:
        candidates = candidates.filter(
            models.Q(title__icontains=token) | models.Q(occasion__icontains=token) | models.Q(city__icontains=token)
        )
    anchor = candidates.first()
    if anchor is None:
        return window
    day = anchor.local_date
    return Window(window.phrase, f"on_the_occasion:summit {anchor.pk}", None, day, "day", window.urgent, event)
