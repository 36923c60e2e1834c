"""Follow-through from a later record: what a newly imported meeting shows of earlier open commitments.

Two kinds of evidence, each a rule a desk officer can check in five seconds:

- **the meeting itself** (`basis="meeting"`): a meeting between the same parties fulfils an earlier
  commitment to hold that meeting (same level, and the same place when one was named), to visit that
  country or city (the visiting side present, at the level promised: a summit does not fulfil a
  foreign minister's visit), to receive or welcome that person, or an invitation to come. A meeting of
  the same parties elsewhere or at another level is only "progress noted"; a telephone talk fulfils
  no visit or meeting. A commitment whose condition is still pending is proposed as "condition may
  be met", never fulfilled.
- **a statement of the record** (`basis="text"`): a sentence that says something named in the earlier
  commitment was signed, held, concluded, established or launched ("the first meeting of the Joint
  Committee was held on 3 June") — fulfilled, or in progress when it was only launched or begun.

Nothing is written here: `followups_propose` returns proposals; the importer stores them for review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format

from common.stored import stored_language
from summits.models import Participation, Summit

from ..deadlines import deadline_all
from ..models import Commitment, FollowUp
from ..workflow import TRACKED_STATUSES
from . import gazetteer
from .record import Record, parties_in

# The level a commitment promises, by its words, and the kinds of meeting that meet it.
_LEVELS: list[tuple[str, set[str]]] = [
    (r"vice[- ]minist", {Summit.Kind.VICE_MINISTERIAL}),
    (
        r"foreign minist|minister for foreign affairs|foreign-ministerial|secretary of state",
        {Summit.Kind.FOREIGN_MINISTERS},
    ),
    (r"\bsummit\b|\bleaders\b|prime minister|president|chancellor|head of state", {Summit.Kind.SUMMIT}),
    (r"expert|working[- ]level|working group|consultations?", {Summit.Kind.EXPERT_LEVEL, Summit.Kind.VICE_MINISTERIAL}),
]
# Titles a visit may be promised at, and the meeting kinds at which that visitor meets.
_VISITORS: list[tuple[str, str, set[str]]] = [
    (
        r"foreign minister|minister for foreign affairs|secretary of state",
        "Foreign Minister",
        {Summit.Kind.FOREIGN_MINISTERS},
    ),
    (r"prime minister|president|chancellor|premier", "leader", {Summit.Kind.SUMMIT}),
]
# "the next meeting of the Intergovernmental Commission", "the Joint Committee": a body's own session.
_NAMED_BODY = re.compile(
    r"\b(?:[A-Z][\w-]+ ){1,6}(?:Commission|Committee|Council|Forum|Working Group|Dialogue|Conference|Consultations)\b"
)
# A promise to hold a meeting: "hold the next summit", "consultations will be held", "meet with President X";
# not "realize the conclusion of a treaty" nor "meet the energy needs".
_HOLD = re.compile(
    r"\b(?:hold|holding|be held|convene)\b"
    r"|\b(?:realize|realise|arrange|have)\b[^.;]{0,40}\b(?:summit|meeting|talks|session|round|consultations)\b"
    r"|\bmeet (?:with|again|at|in)\b",
    re.I,
)
_PROMISED_ACT = re.compile(
    r"\b(?:hold|holding|held|realize|realise|convene|meet|visit|visits|send|come to|travel to|receive|welcome"
    r"|invit\w*)\b",
    re.I,
)
_VISIT_WORDS = re.compile(r"\b(?:visit|visits|visiting|send|come to|travel to|receive|welcome|invit\w*)\b", re.I)
_DONE = re.compile(
    r"\b(?:(?:was|were|has been|have been|had been) (?P<done>signed|held|concluded|established|adopted|completed"
    r"|convened|set up|realized|realised|opened|launched|started|begun|initiated)|(?P<active>signed|concluded|adopted"
    r"|launched|started|began|commenced)\b)"
)
_STARTED = {"launched", "started", "begun", "initiated", "began", "commenced", "opened"}
_GENERIC = {
    "the",
    "and",
    "of",
    "to",
    "a",
    "an",
    "in",
    "on",
    "for",
    "with",
    "at",
    "by",
    "that",
    "this",
    "their",
    "its",
    "two",
    "both",
    "sides",
    "side",
    "leaders",
    "leader",
    "countries",
    "country",
    "ministers",
    "minister",
    "prime",
    "president",
    "foreign",
    "agreed",
    "agreement",
    "will",
    "would",
    "should",
    "cooperation",
    "relations",
    "further",
    "meeting",
    "summit",
    "visit",
    "next",
    "year",
    "continue",
    "between",
    "future",
    "also",
    "which",
    "held",
    "hold",
    "he",
    "she",
    "they",
    "it",
    "was",
    "were",
    "be",
    "been",
    "as",
    "from",
    "is",
    "are",
    "stated",
    "confirmed",
}
_STRENGTH: dict[str, int] = {
    FollowUp.Proposed.FULFILLED: 5,
    FollowUp.Proposed.CONDITION_MET: 4,
    FollowUp.Proposed.PARTIALLY_FULFILLED: 3,
    FollowUp.Proposed.IN_PROGRESS: 2,
    FollowUp.Proposed.PROGRESS: 1,
}


@dataclass
class Proposal:
    commitment: Commitment
    proposed: str
    occurred_on: date
    basis: str
    reason: str
    evidence: tuple[str, int, int] | None = None  # (quote, start, end) in the new record


def followups_propose(summit: Summit, record: Record) -> list[Proposal]:
    """Proposals for the open commitments of earlier meetings between this meeting's two parties."""
    pair = record.parties[:2]
    if len(pair) < 2 or record.meeting_date is None:
        return []
    earlier_rows = (
        Commitment.objects.filter(status__in=TRACKED_STATUSES, summit__starts_at__lt=summit.starts_at)
        .filter(summit__parties__code=pair[0])
        .filter(summit__parties__code=pair[1])
        .exclude(summit=summit)
        .select_related("summit", "counterparty", "speaker")
        .prefetch_related("made_by")
        .distinct()
        .order_by("summit__starts_at", "pk")
    )
    proposals = []
    statements = _statements(record)
    earlier = list(earlier_rows)
    # The title each speaker held at the meeting where they promised ("he would visit Japan": a President).
    # Who took part in the earlier meetings, with the title they held: "he would visit Japan" was said by a
    # President; "Prime Minister Mori will visit" names Japan's side of a joint agreement.
    people: dict[int, list[tuple[int, str, str, str]]] = {}
    for p in Participation.objects.filter(summit_id__in={c.summit_id for c in earlier}).select_related(
        "person", "party"
    ):
        words = p.person.full_name.split()
        if words:  # a participant recorded without a name places nobody
            people.setdefault(p.summit_id, []).append((p.person_id, words[-1], p.party.code, p.role))
    for commitment in earlier:
        present = people.get(commitment.summit_id, [])
        commitment.speaker_role = next((r for pid, _, _, r in present if pid == commitment.speaker_id), "")  # type: ignore[attr-defined]
        commitment.people = present  # type: ignore[attr-defined]
        found = [p for p in (_by_meeting(commitment, summit, record), _by_text(commitment, statements, record)) if p]
        if found:
            proposals.append(max(found, key=lambda p: _STRENGTH[p.proposed]))
    return proposals


def _codes(commitment: Commitment) -> list[str]:
    return [party.code for party in commitment.made_by.all()]


def _meeting_country(summit: Summit) -> str:
    return gazetteer.party_code(summit.country) if summit.country else ""


def _outcome(commitment: Commitment) -> str:
    pending = commitment.condition_text and commitment.condition_state == Commitment.ConditionState.PENDING
    return FollowUp.Proposed.CONDITION_MET if pending else FollowUp.Proposed.FULFILLED


def _by_meeting(commitment: Commitment, summit: Summit, record: Record) -> Proposal | None:
    text = commitment.quote or commitment.title
    when = summit.local_date
    if summit.kind in (Summit.Kind.TELEPHONE, Summit.Kind.MESSAGE):
        return None  # a call or a letter is no meeting and no visit
    # The place promised: a city named after the promise's verb ("hold the next summit in Irkutsk"), not one
    # of an aside before it ("based on the talks in Fukuoka, consultations will be held").
    verb = _PROMISED_ACT.search(text)
    clause = text[text.rfind(",", 0, verb.start()) + 1 :] if verb else text  # the promise's own clause
    place = gazetteer.place_mentions(text[verb.start() :]) if verb else []
    city = place[0].city if place else ""
    where = summit.city or summit.country or "an unnamed place"
    # The proposal's reason is stored and read by every reviewer: in LANGUAGE_CODE, whatever language the
    # person importing reads, the meeting's kind and date included.
    with stored_language():
        here = f"{summit.get_kind_display().lower()} in {where} on {date_format(when)}"
    if _VISIT_WORDS.search(text):
        return _visit(commitment, summit, record, text, city, here)
    if commitment.kind == Commitment.Kind.MEETING or _HOLD.search(text):
        if _NAMED_BODY.search(clause):
            return None  # a session of a named commission is shown by the record saying so, not by a summit
        levels = next((kinds for pattern, kinds in _LEVELS if re.search(pattern, clause, re.I)), set())
        elsewhere = bool(city) and city != summit.city
        other_level = bool(levels) and summit.kind not in levels
        if elsewhere and other_level:
            return None  # another meeting altogether
        if elsewhere:
            return Proposal(
                commitment,
                FollowUp.Proposed.PROGRESS,
                when,
                FollowUp.Basis.MEETING,
                f"A {here}, but the meeting was promised in {city}.",
            )
        if other_level:
            return Proposal(
                commitment,
                FollowUp.Proposed.PROGRESS,
                when,
                FollowUp.Basis.MEETING,
                f"A {here}, at another level than the one promised.",
            )
        return Proposal(
            commitment,
            _outcome(commitment),
            when,
            FollowUp.Basis.MEETING,
            f"A {here} between the same parties: the meeting promised was held.",
        )
    return None


def _visit(commitment: Commitment, summit: Summit, record: Record, text: str, city: str, here: str) -> Proposal | None:
    """A visit promised: who goes where, at what level; an invitation or a welcome is the other side's visit."""
    made_by = _codes(commitment)
    others = [code for code in record.parties[:2] if code not in made_by]
    hosting = re.search(r"\b(?:invit\w*|receive|welcome)\b", text, re.I) and not re.search(r"\bvisit\b.*\binvit", text)
    visitor = others[0] if hosting and others else (made_by[0] if len(made_by) == 1 else _named_visitor(commitment))
    pair = record.parties[:2]
    host = made_by[0] if hosting and made_by else next((code for code in pair if code != visitor), "")
    if not visitor or not host:
        return None
    countries = [m.code for m in gazetteer.party_mentions(text) if not m.demonym]
    destination = next((code for code in countries if code == host), "") or host
    country = _meeting_country(summit)
    when = summit.local_date
    if (city and summit.city != city) or (not city and country != destination):
        return None  # a meeting elsewhere says nothing of this visit
    said_by = "" if hosting else getattr(commitment, "speaker_role", "")
    level = next(
        ((title, kinds) for pattern, title, kinds in _VISITORS if re.search(pattern, f"{text} {said_by}", re.I)), None
    )
    if level and summit.kind not in level[1]:
        return Proposal(
            commitment,
            FollowUp.Proposed.PROGRESS,
            when,
            FollowUp.Basis.MEETING,
            f"A {here}, but the visit was promised at another level ({level[0]}).",
        )
    who = gazetteer.party_name(visitor)
    return Proposal(
        commitment, _outcome(commitment), when, FollowUp.Basis.MEETING, f"A {here}: {who} came as promised."
    )


def _named_visitor(commitment: Commitment) -> str:
    """The party of the participant a joint commitment names as the one who goes ("… Mori will visit")."""
    text = commitment.quote or commitment.title
    verb = re.search(r"\b(?:visit|travel|come)\b", text)
    before = text[: verb.start()] if verb else text
    named = [
        (before.rfind(surname), party)
        for _, surname, party, _ in getattr(commitment, "people", [])
        if surname in before
    ]
    return max(named)[1] if named else ""


@dataclass
class _Statement:
    start: int
    end: int
    done: re.Match[str]
    sentence: str
    words: set[str]


def _statements(record: Record) -> list[_Statement]:
    """Sentences of the new record that say something was done, with their offsets and words (read once)."""
    found = []
    for match in re.finditer(r"[^.\n]+[.\n]?", record.text):
        done = _DONE.search(match.group(0))
        if done:
            sentence = match.group(0).strip()
            found.append(_Statement(match.start(), match.end(), done, sentence, _words(sentence)))
    return found


def _names(text: str) -> set[str]:
    """What a commitment names: proper names of two words or more ("Intergovernmental Commission"), and
    its distinctive words."""
    proper = {m.lower() for m in re.findall(r"\b(?:[A-Z][\w-]+ ){1,4}[A-Z][\w-]+\b", text)}
    proper -= {name.lower() for name in (gazetteer.party_name(code) for code in parties_in(text))}
    # People are not what was promised ("President Putin"): a named body or instrument is.
    return {
        name
        for name in proper
        if not re.match(
            r"(?:prime minister|president|minister|foreign|chancellor"
            r"|secretary|mr|ms|dr|premier|king|queen)\b",
            name,
        )
    }


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z][\w-]{3,}", text)} - _GENERIC


def _by_text(commitment: Commitment, statements: list[_Statement], record: Record) -> Proposal | None:
    if commitment.kind in (Commitment.Kind.VISIT, Commitment.Kind.INVITATION):
        return None  # a visit is shown by the meeting, not by something signed
    promised = commitment.quote or commitment.title
    if commitment.condition_text:  # what the condition names is not what was promised
        promised = promised.replace(commitment.condition_text, "")
    names = {n for n in _names(promised) if len(n.split()) >= 2 and not set(n.split()) <= _GENERIC}
    words = _words(promised)
    for statement in statements:
        sentence = statement.sentence
        shared_names = {n for n in names if n in sentence.lower()}
        shared_words = words & statement.words
        if not shared_names and len(shared_words) < 3:
            continue
        verb = statement.done["done"] or statement.done["active"]
        proposed = FollowUp.Proposed.IN_PROGRESS if verb in _STARTED else _outcome(commitment)
        offset = record.text.index(sentence, statement.start)
        when = _day_in(sentence, record) or record.meeting_date
        assert when is not None
        named = ", ".join(sorted(shared_names)) or ", ".join(sorted(shared_words)[:4])
        return Proposal(
            commitment,
            proposed,
            when,
            FollowUp.Basis.TEXT,
            f"The new record says it was {verb} ({named}).",
            (sentence, offset, offset + len(sentence)),
        )
    return None


def _day_in(sentence: str, record: Record) -> date | None:
    """A day the sentence states, on or before the meeting ("was held on 3 June")."""
    meeting = record.meeting_date
    if meeting is None:
        return None
    for _, window in deadline_all(sentence, meeting.replace(month=1, day=1)):
        if window.precision == "day" and window.due_by and window.due_by <= meeting:
            return window.due_by
    return None
