"""Proposing draft commitments from a parsed record: rules for the genre's language.

A commitment is a clause with a trigger: firm ("agreed to", "will", "invited", "decided"), intent
("intention to"), readiness ("ready to"), hope ("would like to", "desire to") or obligation
("should"); negated triggers ("will not") are not commitments, nor are things done at the meeting
(no trigger: "gave him the photograph"), nor opinions ("expressed hope that …", "stated his belief").
Who commits is the clause's subject: a joint subject ("the two leaders", "both sides", "it was
agreed") binds every party; a named official binds their state; a pronoun refers to the paragraph's
speaker. Each draft's quote is a verbatim span of the record, located by its offsets.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import date

from ..deadlines import Window, deadline_all, deadline_find, deadline_pick
from . import gazetteer
from .record import OFFICIAL, TITLES, Paragraph, Record

# Verbs of the genre that report an agreement between the parties ("concurred", "shared the view").
_AGREE = r"(?:agreed|concurred|decided|confirmed|affirmed|reaffirmed|shared the (?:view|recognition)|resolved|agreeing)"
# A modal that puts the complement in the future: "that the two sides would …", "we'll", "are going to".
_FUTURE = r"(?:will|would|shall|should|'ll|(?:is|are|was|were) going to)"
# Nouns of joint action an agreement verb can take directly: "confirmed their cooperation for …".
_ACTION_NOUN = r"(?:cooperation|coordination|collaboration|consultations?|efforts|work|dialogue|support)"

# (pattern, modality, kind hint). Earlier entries win when several match a clause.
TRIGGERS: list[tuple[str, str, str]] = [
    (
        rf"\b{_AGREE} (?:to|on|in) (?:the need to )?(?!the (?:need|importance)\b)"
        rf"|\b{_AGREE} that\b[^.;]*?\b{_FUTURE}\b(?! not)|\b{_AGREE} the view to\b"
        rf"|\b(?:confirmed|affirmed|reaffirmed) (?:(?:their|its|the) )?(?:close )?{_ACTION_NOUN}\b"
        r"|\b(?i:it was (?:also )?agreed)\b|\breached an agreement on the need to\b"
        r"|\b(?i:agreement was (?:also )?reached)\b|\bdecided (?:that|to)\b(?! not)"
        r"|\b(?:committed|pledged|vowed|undertook|undertake|promised) (?:to|that)\b"
        rf"|\b(?:agreed|agreeing) (?!that\b|to\b|on\b|in\b|with\b)[^.;,]{{2,80}}?\b{_FUTURE}\b(?! not)"
        r"|\bshared (?:this|that|the same|their) (?:resolve|determination|intention|commitment)\b"
        r"|\b(?:stated|expressed|conveyed) (?:his|her|their|its) agreement with\b|\bagreed with the proposal\b",
        "agreed",
        "",
    ),
    (
        r"\b(?:directed|instructed|tasked) (?:their|its|his|her) [\w ]{2,40}? (?:to|with)\b|\bwill (?:instruct|task)\b",
        "firm",
        "",
    ),
    (
        r"\binvited(?=\s|[a-z])|\b(?:confirmed|reiterated|renewed|repeated) (?:the |his |her |their |its |\w+['’]s )?"
        r"invitation\b|\bextended (?:an|his|her|their|the) invitation\b",
        "firm",
        "invitation",
    ),
    # A request that the counterpart visit is an invitation: "repeated his request that Prime Minister X visit".
    (
        r"\brequest(?:ed)? that [^.;]{2,60}? (?:visit|come to)\b|\basked [^.;]{2,60}? to (?:visit|come to)\b",
        "firm",
        "invitation",
    ),
    # Accepting an invitation is undertaking the visit.
    (r"\baccepted (?:the|an|his|her|their|this|that) invitation\b", "firm", "visit"),
    # A visit stated as scheduled: "Prime Minister X's visit to Japan, scheduled for early next year".
    (r"\b(?:visit|trip)\b[^.;]{0,60}?\b(?:scheduled|planned) (?:for|to take place|in)\b", "firm", "visit"),
    (r"\b(?:assured|announced) that\b[^.;]*?\b(?:will|would)\b(?! not)", "firm", ""),
    (r"\bexpressed (?:his |her |their |its )?(?:commitment|determination|resolve) to\b", "firm", ""),
    (r"\bintention (?:to|that)\b|\bintends? to\b|\bintended to\b|\bplans? to\b|\bwill aim to\b", "intends", ""),
    (
        r"\bready to\b|\bprepared to\b|\b(?:readiness|willingness) to\b",
        "ready",
        "",
    ),
    (
        r"\bwould like(?:,[^,]{1,40},)? to\b|\bdesire to\b|\bwish(?:es|ed)? to\b|\bwants? to\b"
        r"|\bhop(?:es?|ed|ing) to\b"
        r"|\bhop(?:es?|ed) (?:that )?(?:we|they|he|she|[A-Z]\w+)\b[^.;]*?\b(?:can|could|will|would)\b"
        r"|\bhoped (?:for )?(?:a|an|the) [\w ]{2,40}? to be\b|\blook(?:s|ed)? forward to \w+ing\b",
        "hopes",
        "",
    ),
    (r"\b(?:suggested|proposed) (?:that |to |\w+ing\b)", "hopes", ""),
    (r"\bwould be considered\b|\bwill (?:be )?consider(?:ed)?\b|\bagreed to consider\b", "will_consider", ""),
    # Reported speech in the future: "stated that Japan would accelerate cooperation".
    (
        r"\b(?:stated|said|explained|added|indicated|replied|responded|mentioned|emphasi[sz]ed|stressed|noted|conveyed"
        r"|underscored|announced)(?: \w+){0,2}? that (?!if\b)[^.;]*?\b(?:will|would|shall)\b(?! not)(?! like\b)",
        "firm",
        "",
    ),
    (r"\bshould (?!not\b)(?!be raised)", "should", ""),
    (
        r"(?<!\bwhich )(?<!\bwho )(?<!\bthat )"  # "the agreement, which will enter into force": a fact about it
        r"\b(?:will|shall|'ll|(?:am|is|are|'re|'m) going to) (?!not\b)(?!be able\b)"
        r"(?!be (?:(?:also|then|soon|further|\w+ly) )?+"
        r"(?!\w+(?:ed|en)\b|held\b|made\b|sent\b|set up\b|built\b|done\b|given\b|shown\b|hosted\b)\w+)"
        r"(?!provide (?:a |an )?(?:good |great |important )?opportunit)",
        "firm",
        "",
    ),
]
_TRIGGERS = [(re.compile(pattern), modality, kind) for pattern, modality, kind in TRIGGERS]
_NEGATED = re.compile(r"\b(?:will|would|shall|should|could|can|did|does|do|is|are|was|were) not\b|\bnever\b|n't\b")
_OPINION = re.compile(
    r"\bexpressed (?:his |her |their )?hope that\b|\bstated (?:his |her )?belief\b"
    r"|\b(?:requested|asked|urged|called on|called upon) (?:that\b|for\b|\w+ to\b)"
)
# What a "that" complement says when it is an opinion, not an undertaking: "that it was necessary to …",
# "that all countries should …", "that an investigation must begin".
_OPINION_COMPLEMENT = re.compile(
    r"^\W*(?:it|there|this|that|all countries|the international community|everyone|an? \w+ \w+ (?:must|should))\b"
    r"|\b(?:would|will|should) be (?:important|necessary|essential|vital|crucial|desirable|significant|meaningful"
    r"|a good|an important|useful|key|the key)\b|\bhas the right\b",
    re.IGNORECASE,
)
# Intentions about the meeting itself ("he hoped to have substantial discussions", "intended to talk about").
_AT_THE_MEETING = re.compile(
    r"^\s*(?:have (?:a |substantial |frank |candid )?(?:discussions?|talks?)\b|discuss\b|talk\b)"
)
_JOINT = re.compile(
    r"(?i:\b(?:the two (?:leaders|sides|countries|ministers|foreign ministers|governments|parties|heads of state"
    r"|prime ministers|presidents|delegations|nations)|the two\b(?= \w+ed\b)"
    r"|both (?:sides|countries|leaders|ministers|foreign ministers|governments|parties|prime ministers|presidents)"
    r"|the (?:leaders|ministers|prime ministers|presidents|foreign ministers)\b"
    r"|it was (?:also )?(?:agreed|confirmed|decided|affirmed|reaffirmed)|agreement was (?:also )?reached|each other)\b)"
    r"|\b(?:Prime Minister|President|Foreign Minister|Minister for Foreign Affairs) [A-Z]\w+ and "
    r"(?:Prime Minister|President|Foreign Minister|Minister for Foreign Affairs) [A-Z]\w+"
    r"|\b(?:[Tt]he President and (?:the )?Prime Minister|[Tt]he Prime Minister and (?:the )?President)\b"
    r"|\b(?:They|they)\b(?! (?:say|said|think|thought))"
)
# A clause whose subject is a meeting or visit rather than a party: "The next meeting … will be held".
_EVENT_SUBJECT = re.compile(
    r"^\W*(?:(?:[Aa]n?|[Tt]he|[Tt]his|[Tt]wo)\s+)?(?:[\w-]+\s+){0,4}?(?:consultations?|meetings?|dialogues?|talks"
    r"|summits?|working groups?|negotiations|sessions?|visits?)\b(?:\s+(?:on|of|about|between|to)\s+[^,;]{0,80})?\s*$"
)
_PRONOUN = re.compile(r"\b(?:He|She|he|she|The Prime Minister|the Prime Minister|The President|the President)\b")
_PRONOUN_SUBJECT = re.compile(r"^\W*(?:\w+, )?(?:He|She|The Prime Minister|The President)\b")
_CONDITION = re.compile(r"\b(?:if|provided that|on condition that)\b [^,;.]+")
_PREPARES = re.compile(r"\b(?:as (?:a )?part of (?:the )?preparations? for|in preparation for) (?P<target>[^,;.]+)")
_RESPONSE = re.compile(r"\b(?:responded by|[Ii]n response|[Rr]esponding to this|[Tt]o this)\b")
_LEVEL = re.compile(r"\bat the (?P<level>[\w\- ,]+?) levels?\b")
_ABBREVIATIONS = {"Mr", "Mrs", "Ms", "Dr", "St", "Mt", "No", "Jr", "Gen", "Lt", "Co", "U.S", "e.g", "i.e", "etc"}

KIND_RULES: list[tuple[str, str]] = [
    (
        "meeting",
        r"\bhold\b[^.;]*\b(?:summit|meeting|talks|consultations|session|dialogue)\b|\bmeet\b|\bmeeting\b"
        r"|\bconsultations\b|\bdialogue\b",
    ),
    ("visit", r"\bvisit\b|\bvisits\b|\bsend\b[^.;]*\bto\b|\breceive\b|\bwelcome\b|\btrip\b"),
    ("negotiation", r"negotiat|\bpeace treaty\b"),
    ("agreement", r"\bsign\b|\bconclude\b|\bdeclaration\b|\bagreement on\b"),
]


@dataclass
class Draft:
    quote: str
    start: int
    end: int
    source_ref: str
    made_by: list[str]
    speaker: str
    counterparty: str
    kind: str
    modality: str
    window: Window | None
    condition: str
    level: str
    title: str
    paragraph: int
    prepares: list[int] = field(default_factory=list)  # indices of drafts this one prepares
    reciprocal: list[int] = field(default_factory=list)


def sentences(text: str, start: int) -> list[tuple[int, int]]:
    """Sentence spans (absolute offsets) of a paragraph starting at `start`."""
    spans = []
    begin = 0
    for match in re.finditer(r"[.!?][\"”’)]?(?=\s+[\"“(]?[A-Z0-9]|\s*$)", text):
        before = text[max(begin, match.start() - 40) : match.start()].split()  # the word before: linear time
        last_word = before[-1] if before else ""
        if last_word.rstrip(".") in _ABBREVIATIONS or re.fullmatch(r"[A-Z]", last_word):
            continue
        spans.append((start + begin, start + match.end()))
        begin = match.end()
        while begin < len(text) and text[begin].isspace():
            begin += 1
    if begin < len(text.rstrip()):  # a record cut off mid-sentence keeps its last fragment
        spans.append((start + begin, start + len(text.rstrip())))
    return spans


def _trigger(clause: str) -> tuple[re.Match[str], str, str] | None:
    """The first trigger in the table's order that `clause` contains, with its modality and kind hint —
    leaving out one inside a condition ("… if India and Brazil agreed to the proposal") when the clause
    has another before it."""
    found = [(m, modality, kind) for pattern, modality, kind in _TRIGGERS if (m := pattern.search(clause))]
    condition = re.search(r"\b(?:if|unless|provided that|once)\b", clause)
    if condition:
        outside = [item for item in found if item[0].start() < condition.start()]
        found = outside or found
    return found[0] if found else None


# Where a sentence may hold a second undertaking: ", and (also) …", "; …", ", along with confirming that …",
# an enumeration "A) … B) …", or a new subject after a comma.
_NEW_SUBJECT = (
    r"(?:the two (?:leaders|sides|countries|ministers)|both (?:sides|countries|leaders|governments)"
    r"|it was|[Aa]greement)\b"
)
_CUT = re.compile(
    rf",? and (?:also )?(?={_NEW_SUBJECT})|, (?={_NEW_SUBJECT})|;\s+(?:and\s+)?"
    r"|, and (?=(?:Prime Minister|President|Federal Chancellor|Chancellor|Foreign Minister|Secretary|Minister"
    r"|Mr\.|Ms\.)\s)"
    r"|,? and (?:also |that |then )?(?=(?:will|would|expressed|stated|confirmed|affirmed|agreed|concurred|invited"
    r"|hoped|intends|intended|extended|pledged|committed|decided|a |an |the )\b)"
    r"|, along with (?=confirming\b)|\s(?=[A-H]\) )|,? and that (?=\w)"
)


def _clauses(source: str, begin: int, end: int) -> list[tuple[int, int]]:
    """Split a sentence into clauses that each state at most one undertaking: a piece without a trigger of
    its own stays with the clause before it (or, at the start, the one after)."""
    text = source[begin:end]
    cuts = [0, *(match.end() for match in _CUT.finditer(text) if match.end() < len(text)), len(text)]
    pieces = [(a, b) for a, b in itertools.pairwise(cuts) if b > a]
    merged: list[list[int]] = []
    pending_start: int | None = None
    for a, b in pieces:
        has_trigger = _trigger(text[a:b]) is not None
        if not has_trigger:
            if merged:
                merged[-1][1] = b
            elif pending_start is None:
                pending_start = a
            continue
        merged.append([pending_start if pending_start is not None else a, b])
        pending_start = None
    if pending_start is not None:  # no trigger anywhere: one clause, which proposes nothing
        merged.append([pending_start, len(text)])
    return [(begin + a, begin + b) for a, b in merged]


def _who(region: str, record: Record, hint: str, last_named: str) -> tuple[list[str], str]:
    """(parties, speaker name) for the subject nearest the trigger at the end of `region`."""
    candidates: list[tuple[int, int, list[str], str]] = []  # (end, priority, parties, speaker)
    for joint in _JOINT.finditer(region):
        candidates.append((joint.end(), 2, list(record.parties[:2]), ""))
    if not hint:  # "We will task our ministers" in a joint statement; inside a quotation it is the speaker's
        for we in re.finditer(r"\b[Ww]e\b|\bour countries\b", region):
            before = region[: we.start()]
            if before.count("“") <= before.count("”") and before.count('"') % 2 == 0:
                candidates.append((we.end(), 2, list(record.parties[:2]), ""))
    for official in OFFICIAL.finditer(region):
        name = official["name"]
        party = record.party_of_name(name) or gazetteer.title_party(official["title"])
        if party:
            candidates.append((official.end(), 1, [party], f"{official['title']} {name}"))
    # A state as subject: "Japan will …", "the Russian side", "the UK and Italy will" (both), but not a
    # compound ("Japan-Russia relations") nor a demonym used as an adjective ("Japanese companies").
    mentions = [m for m in gazetteer.party_mentions(region) if not re.match(r"\s*[-–]", region[m.end :])]
    for index, mention in enumerate(mentions):
        if mention.demonym and not re.match(r"\s+side\b", region[mention.end :]):
            continue
        if mention.code not in record.parties and record.parties:
            continue
        parties = [mention.code]
        if index > 0 and re.fullmatch(r",?\s+and\s+(?:the\s+)?", region[mentions[index - 1].end : mention.start]):
            parties = list(dict.fromkeys([mentions[index - 1].code, mention.code]))
        candidates.append((mention.end, 0, parties, ""))
    if candidates:
        _, _, parties, speaker = max(candidates, key=lambda c: (c[0], c[1]))
        return parties, speaker
    speaker = hint or last_named
    if speaker:
        name = speaker.split()[-1]
        party = record.party_of_name(name)
        if party:
            return [party], speaker
    if speaker in TITLES:
        return _titled(record, speaker)
    titled = _BARE_TITLE.search(region) or (_BARE_TITLE.fullmatch(speaker) if speaker else None)
    if titled:
        return _titled(record, titled["title"])
    return [], ""


# A title without a name: "The Secretary looks forward to …", "the Prime Minister said: “I will …”".
_BARE_TITLE = re.compile(rf"\b(?:The|the) (?P<title>{'|'.join(re.escape(t) for t in TITLES)})\b(?! [A-Z]\w)")


def _titled(record: Record, title: str) -> tuple[list[str], str]:
    """Whose official a bare title names: the one principal who holds it, else the record's own side's
    (a readout names its own principal by title alone and gives the guest a country)."""
    holders = [p for p in record.participants if p.title == title and p.capacity == "principal"]
    own = [p for p in holders if p.party == record.home]
    for participant in own or (holders if len(holders) == 1 else []):
        return [participant.party], f"{participant.title} {participant.name}"
    return ([record.home], f"The {title}") if record.home else ([], "")


def _has_named_subject(region: str, record: Record) -> bool:
    """Whether a party or official is named after the pronoun ("He then said that … Russia is ready")."""
    after_pronoun = _PRONOUN_SUBJECT.sub("", region, count=1)
    return bool(_who(after_pronoun, record, "", "")[0])


def _kind(clause: str, hint: str) -> str:
    if hint:
        return hint
    for kind, pattern in KIND_RULES:
        if re.search(pattern, clause, re.IGNORECASE):
            return kind
    return "intent"


def _title(clause: str, trigger_end: int, made_by: list[str], speaker: str) -> str:
    predicate = clause[trigger_end:].strip(" ,.;:")
    who = speaker or " and ".join(gazetteer.party_name(code) for code in made_by) or "Someone"
    text = f"{who}: {predicate}" if predicate else who
    return (text[:157] + "…") if len(text) > 160 else text


def extract(record: Record) -> list[Draft]:
    drafts: list[Draft] = []
    source = record.text
    meeting = record.meeting_date
    lead = ""  # "The two Prime Ministers agreed to:" — said of each bullet that follows
    for index, paragraph in enumerate(record.paragraphs):
        last_named = ""
        text = paragraph.text(source)
        bullet = _BULLET_MARK.match(text)
        if lead and bullet:
            draft = _bulleted(record, paragraph, index, lead, bullet.end(), meeting)
            if draft is not None:
                drafts.append(draft)
            continue
        lead = text.rstrip() if text.rstrip().endswith(":") and _trigger(text.rstrip()[:-1] + " x") else ""
        if lead:
            continue
        for s_begin, s_end in sentences(text, paragraph.start):
            for c_begin, c_end in _clauses(source, s_begin, s_end):
                clause = source[c_begin:c_end]
                before = source[s_begin:c_begin]  # the sentence so far: a clause without a subject shares its
                draft = _draft(record, paragraph, index, clause, c_begin, last_named, meeting, before)
                if draft is not None:
                    drafts.extend(_split_each_other(draft, record))
                names = list(OFFICIAL.finditer(clause))
                if names:
                    last_named = f"{names[-1]['title']} {names[-1]['name']}"
                elif bare := _BARE_TITLE.search(clause):  # "the Prime Minister said: …" speaks on
                    last_named = bare["title"]
    _link(drafts, source)
    _inherit_deadlines(drafts)
    if meeting is not None:
        _date_occasions(drafts, record, meeting)
    return drafts


_BULLET_MARK = re.compile(r"\s*[-•*▪●◦‣]\s*")


def _bulleted(
    record: Record, paragraph: Paragraph, index: int, lead: str, mark_end: int, meeting: date | None
) -> Draft | None:
    """A bullet under a lead-in that ends in a colon: the lead-in's subject and verb, the bullet's words
    (the quote is the bullet alone, verbatim)."""
    item = paragraph.text(record.text)[mark_end:].rstrip()
    combined = lead[:-1].rstrip() + " " + item
    draft = _draft(record, paragraph, index, combined, 0, "", meeting, "")
    if draft is None or len(item) < 8:
        return None
    start = paragraph.start + mark_end
    draft.quote, draft.start, draft.end = item, start, start + len(item)
    draft.window = deadline_find(item, meeting) if meeting is not None else None
    draft.condition = ((condition := _CONDITION.search(item)) and condition.group(0).strip()) or ""
    return draft


def _date_occasions(drafts: list[Draft], record: Record, meeting: date) -> None:
    """ "On the occasion of the Foreign Minister's visit": the day that visit ends when the record dates
    it elsewhere ("Foreign Minister Kono will visit Russia from 3 to 5 June")."""
    for draft in drafts:
        window = draft.window
        if window is None or window.rule != "on_the_occasion" or window.dated:
            continue
        words = set(re.findall(r"\b[A-Z][a-z]+\b|\b(?:visit|summit|meeting|session|conference)\b", window.occasion))
        event = words & {"visit", "summit", "meeting", "session", "conference"}
        names = words - event - {"The"}
        if not event or not names:
            continue
        for paragraph in record.paragraphs:
            for begin, end in sentences(paragraph.text(record.text), paragraph.start):
                if begin <= draft.start < end:
                    continue  # the sentence that names the occasion does not date it
                sentence = record.text[begin:end]
                if not all(re.search(rf"\b{word}", sentence) for word in {*names, *event}):
                    continue
                dated = deadline_find(sentence, meeting)
                if dated is not None and dated.dated:
                    draft.window = Window(
                        window.phrase,
                        "on_the_occasion:dated in the record",
                        dated.due_from,
                        dated.due_by,
                        dated.precision,
                        window.urgent,
                        window.occasion,
                    )
                    break
            if draft.window is not window:
                break


# A clause that serves an event named just before it: "the date of the visit will be specified", "continue
# making adjustments in this regard", "preparing for President Putin's visit".
_SERVES_AN_EVENT = re.compile(
    r"\b(?:the|this|that|its) (?:upcoming |planned |forthcoming )?(?:visit|summit|trip)\b(?!['’])"
    r"|\bin this regard\b|\bits preparation\b|\bprepar(?:ing|ations?) for\b"
)
_EVENT = re.compile(r"\b(?:visit|summit|trip)\b")


def _inherit_deadlines(drafts: list[Draft]) -> None:
    """A clause with no date of its own that works towards the visit or summit the clause just before
    gave a date is due when that event is: the preparation cannot come after the visit."""
    for index, draft in enumerate(drafts[1:], start=1):
        earlier = drafts[index - 1]
        window = earlier.window
        own = draft.window
        if (own is not None and own.rule != "open_ended") or window is None or not window.dated:
            continue
        if draft.paragraph - earlier.paragraph > 1 or draft.start < earlier.end:
            continue
        if _SERVES_AN_EVENT.search(draft.quote) and _EVENT.search(earlier.quote):
            rule = f"{window.rule}:as the event it serves"
            draft.window = Window(window.phrase, rule[:60], window.due_from, window.due_by, window.precision)


def _draft(
    record: Record,
    paragraph: Paragraph,
    index: int,
    clause: str,
    offset: int,
    last_named: str,
    meeting: object,
    before: str = "",
) -> Draft | None:
    found = _trigger(clause)
    if found is None:
        return None
    match, modality, kind_hint = found
    after = clause[match.start() : match.start() + 60]
    if _NEGATED.search(after[: len(match.group(0)) + 12]) or _OPINION.search(clause[: match.end()]):
        return None
    that = re.search(r"\bthat\b", match.group(0))
    if that and _OPINION_COMPLEMENT.search(clause[match.start() + that.end() :]):
        return None
    if modality in ("hopes", "intends") and _AT_THE_MEETING.match(clause[match.end() :]):
        return None
    # The quote: the clause, without a leading paragraph marker.
    lead = re.match(r"\s*(?:\(\d+\)|\d+\.|[-•*])?\s*", clause)
    skip = lead.end() if lead else 0
    quote = clause[skip:].rstrip()
    if len(quote) < 15:
        return None
    start = offset + skip
    region = clause[: match.end()]
    if kind_hint in (
        "invitation",
        "visit",
    ):  # "his request that X visit …", "X's visit, scheduled for": who asks, who goes
        region = clause[: match.start() + len(match.group(0).split()[0])]
    if _PRONOUN_SUBJECT.search(clause[: match.start()]) and not _has_named_subject(clause[: match.start()], record):
        region = ""
    elif before and not _who(region, record, "", "")[0]:
        region = before + region  # "…, and will seek to …": the subject is the sentence's
    if _EVENT_SUBJECT.match(clause[skip : match.start()]) and not _who(region, record, "", "")[0]:
        # "A vice-ministerial consultation will shortly take place": a meeting between the parties binds both.
        made_by, speaker = list(record.parties[:2]), ""
    else:
        made_by, speaker = _who(region, record, paragraph.speaker_hint, last_named)
    if not made_by:
        return None
    # A single speaker's "both sides should …" is their side's proposal, not a joint undertaking.
    if len(made_by) > 1 and modality in ("should", "hopes") and (paragraph.speaker_hint or last_named):
        solo, who = _who("", record, paragraph.speaker_hint, last_named)
        if solo:
            made_by, speaker = solo, who
    counterparty = ""
    if len(made_by) == 1:
        others = [code for code in record.parties if code not in made_by]
        counterparty = others[0] if len(others) == 1 else ""
    # The deadline belongs to what is promised: after the trigger first, else the phrase before it nearest
    # to it ("In the ASEAN-related Summit Meetings, we would like to …"), never one of an aside before that.
    # For "stated that … would", the undertaking starts at the modal, not at the reporting verb.
    that_modal = re.search(r"\bthat\b.*\s(\S+)$", match.group(0))
    anchor = match.start() + (that_modal.start(1) if that_modal else 0)
    trigger_in_quote = max(0, anchor - skip)
    window = None
    if isinstance(meeting, date):
        window = deadline_find(quote[trigger_in_quote:], meeting)
        if window is None:
            earlier = deadline_all(quote[:trigger_in_quote], meeting)[-1:]
            if earlier:  # only a phrase that leads into the trigger: "early next year we'll have …"
                position, nearest = earlier[0]
                between = quote[position + len(nearest.phrase) : trigger_in_quote]
                if re.fullmatch(r"[\s,“”\"']*(?:(?!and\b|but\b|that\b)\w+[\s,“”\"']*){0,4}", between):
                    window = deadline_pick(earlier, meeting)
    if modality == "agreed" and re.search(r"\bwould be considered\b|\bto consider\b", quote):
        modality = "will_consider"
    condition = _CONDITION.search(quote)
    level = _LEVEL.search(quote)
    return Draft(
        quote=quote,
        start=start,
        end=start + len(quote),
        source_ref=paragraph.ref,
        made_by=made_by,
        speaker=speaker,
        counterparty=counterparty,
        kind=_kind(quote[match.end() - skip :], kind_hint),
        modality=modality,
        window=window,
        condition=condition.group(0).strip() if condition else "",
        level=level["level"].strip() + " level" if level else "",
        title=_title(clause, match.end(), made_by, speaker),
        paragraph=index,
    )


def _split_each_other(draft: Draft, record: Record) -> list[Draft]:
    """ "The two ministers would visit each other's country": one draft per party, reciprocal."""
    if "each other" not in draft.quote or len(draft.made_by) < 2:
        return [draft]
    return [
        Draft(**{**draft.__dict__, "made_by": [code], "counterparty": other, "prepares": [], "reciprocal": []})
        for code, other in ((draft.made_by[0], draft.made_by[1]), (draft.made_by[1], draft.made_by[0]))
    ]


def _link(drafts: list[Draft], source: str) -> None:
    for index, draft in enumerate(drafts):
        # The two halves of an "each other's" sentence.
        if index > 0 and (drafts[index - 1].start, drafts[index - 1].end) == (draft.start, draft.end):
            draft.reciprocal.append(index - 1)
            drafts[index - 1].reciprocal.append(index)
            continue
        if _RESPONSE.search(draft.quote[:80]) and index > 0:
            previous = drafts[index - 1]
            close = draft.paragraph - previous.paragraph <= 1
            if close and previous.made_by != draft.made_by and previous.kind in ("visit", "invitation", "meeting"):
                draft.reciprocal.append(index - 1)
                previous.reciprocal.append(index)
    for index, draft in enumerate(drafts):
        prepares = _PREPARES.search(draft.quote)
        if not prepares:
            continue
        for official in OFFICIAL.finditer(prepares["target"]):
            surname = official["name"].split()[-1]
            party = ""
            for other_index, other in enumerate(drafts):
                if other_index == index or other_index in draft.reciprocal or other.kind != "visit":
                    continue
                if surname in other.quote and (not party or party in other.made_by):
                    draft.prepares.append(other_index)
    # The partner of a preparatory visit shares the link: "send the Foreign Minister" ↔ "receive him".
    for draft in drafts:
        for partner in draft.reciprocal:
            for target in drafts[partner].prepares:
                if target not in draft.prepares and drafts[target] is not draft:
                    draft.prepares.append(target)
    for draft in drafts:
        draft.prepares = sorted(set(draft.prepares))
        draft.reciprocal = sorted(set(draft.reciprocal))
