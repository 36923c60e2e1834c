"""Parsing a meeting record: its title, date, time, place, participants and numbered paragraphs.

Rules for the language of the genre (official overviews of summits, foreign ministers' meetings and
telephone talks), not for one record's wording. Everything found keeps its offsets in the text, so
that every quote proposed later is a verbatim span.
"""

from __future__ import annotations

import calendar
import contextlib
import itertools
import re
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.utils.translation import gettext

from . import gazetteer

MONTH_NAMES = [m for m in calendar.month_name if m]
_MONTH = "(?:" + "|".join(MONTH_NAMES) + ")"
MONTH_NUMBER = {name: number for number, name in enumerate(calendar.month_name) if name}

# Seats of government that stand for their state in a record's opening lines ("The White House",
# "in Downing Street"): who published or hosted it. Facts, kept as data.
SEATS_OF_GOVERNMENT: list[tuple[str, str]] = [
    (r"White House|State Department|Department of State|Office of the Press Secretary", "USA"),
    (r"Downing Street|Foreign(?:, Commonwealth (?:and|&) Development)? Office|Prime Minister['’]s Office, UK", "GBR"),
    (r"Kremlin|Presidential Executive Office", "RUS"),
    (r"Ministry of Foreign Affairs of Japan|\bMOFA\b|Kantei|Iikura House", "JPN"),
    (r"Élysée|Elysee|Quai d['’]Orsay", "FRA"),
    (r"Bundeskanzleramt|Federal Chancellery", "DEU"),
    (r"Palazzo Chigi", "ITA"),
    (r"Zhongnanhai", "CHN"),
    (r"Blue House|Yongsan", "KOR"),
]

# A principal speaks for the state: the head of state or government and the foreign minister.
PRINCIPAL_TITLES = {
    "Prime Minister",
    "President",
    "Premier",
    "Chancellor",
    "Federal Chancellor",
    "Foreign Minister",
    "Minister for Foreign Affairs",
    "Minister of Foreign Affairs",
    "Minister of External Affairs",
    "External Affairs Minister",
    "Secretary of State",
    "Foreign Secretary",
    "State Councilor",
    "King",
    "Queen",
    "Emir",
    "Sultan",
    "Chairman of Government",
    "Chairman of the Government",
}
# Titles of the record's own tradition that the gazetteer's list may lack.
TITLES = sorted(
    {
        *gazetteer.TITLES,
        "Minister for Foreign Affairs",
        "Deputy Minister for Foreign Affairs",
        "Deputy Cabinet Secretary",
        "Chief Cabinet Secretary",
        "Deputy Chief of the President's Administration",
        "Chairman of Government",
        "Chairman of the Government",
        "Deputy Chairman of Government",
        "Vice-Minister for Foreign Affairs",
        "Senior Vice-Minister for Foreign Affairs",
        "Minister of Economic Development and Trade",
        "Ambassador",
        "Chairman",
        "Minister",
        "Secretary",
    },
    key=len,
    reverse=True,
)


def party_name(code: str) -> str:
    return gazetteer.party_name(code)


_WORD = r"(?!(?:Telephone|Talks|Meeting|Summit|Visit|The|In|On|Of|And|THE|OF)\b)[A-Z](?:[a-z]+|[A-Z]+\b)(?:-[A-Za-z]+)?"
_NAME = rf"(?P<name>{_WORD}(?: {_WORD}){{0,2}})"
_TITLE = "(?P<title>" + "|".join(re.escape(t) for t in TITLES) + ")"
OFFICIAL = re.compile(rf"{_TITLE} {_NAME}")


@dataclass
class Participant:
    name: str
    title: str
    party: str
    capacity: str  # principal or delegation


@dataclass
class Paragraph:
    ref: str
    start: int
    end: int
    speaker_hint: str = ""  # a name, from "remarks made by President Putin:"

    def text(self, source: str) -> str:
        return source[self.start : self.end]


@dataclass
class Record:
    text: str
    title: str = ""
    meeting_date: date | None = None
    local_time: time | None = None
    time_zone: str = ""
    city: str = ""
    country: str = ""
    occasion: str = ""
    duration_minutes: int | None = None
    planned_minutes: int | None = None
    parties: list[str] = field(default_factory=list)
    participants: list[Participant] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    home: str = ""  # the state whose government published or hosted the record, when it says so
    language: str = "en"  # "ja" for a record read by commitments/importer/japanese.py

    def party_of_name(self, name: str) -> str:
        """The party of a participant a later sentence names by surname (any case: "KISHIDA Fumio")."""
        words = name.split()
        if not words:
            return ""
        surname = words[-1].casefold()
        for participant in self.participants:
            known = [word.casefold() for word in participant.name.split()]
            if name.casefold() in participant.name.casefold() or surname in known:
                return participant.party
        return ""


_DATE_DMY = re.compile(rf"\b(?P<day>\d{{1,2}}) (?P<month>{_MONTH}),? (?P<year>\d{{4}})\b")
_DATE_MDY = re.compile(rf"\b(?P<month>{_MONTH}) (?P<day>\d{{1,2}}), (?P<year>\d{{4}})\b")


# Page furniture around a record's title: site names, breadcrumbs' heads, release labels, photo captions.
_FURNITURE = re.compile(
    r"^(?:The White House|Office of the Press Secretary|For Immediate Release\b.*|Press [Rr]elease\b.*|Back to Index"
    r"|\(Photo.*|Photo:.*|Japanese|English|Print|Share|\[Provisional [Tt]ranslation\]|Special Briefing|date \d.*"
    r"|Rt Hon .*|Prime Minister|Minister .*|White House Shareables|Readouts?|Statements? and Releases"
    # photo captions, and a section heading such as "Japan-China Relations"
    r"|.*\(Photo\b.*|.*<br>.*|[\w .'’-]+[-–][\w .'’-]+ Relations)$"
)
_MEETING_TITLE = re.compile(
    r"\b(?:meeting|summit|talks?|call|conversation|visit|statement|readout|briefing|message|letter|consultations?"
    r"|dialogue|meets|met|speaks|spoke|receives|hosts|outcome)\b",
    re.IGNORECASE,
)


def _title(text: str) -> str:
    """The record's title: among the short blocks of lines that open it (before its first sentence), the
    first that names a meeting ("Japan-China Foreign Ministers' Meeting" rather than the section heading
    "Japan-China Relations" above it), page furniture and a breadcrumb's path left out. None when the
    record was pasted from its first sentence."""
    blocks: list[list[str]] = [[]]
    for raw in text.split("\n")[:40]:
        line = raw.strip()
        if not line:
            if blocks[-1]:
                blocks.append([])
            continue
        if len(line) > 160 or (re.search(r"[.;]\s*$", line) and not _FURNITURE.match(line)):
            break  # the first sentence of the record
        if _first_date(line) and not _MEETING_TITLE.search(line):
            if blocks[-1]:
                blocks.append([])
            continue  # a date line
        if ">" in line:  # "Home > News > … > Japan-Republic of Korea Summit Meeting"
            line = line.rsplit(">", 1)[-1].strip()
        if _FURNITURE.match(line):
            continue
        blocks[-1].append(line)
    candidates = [_unwrapped(block) for block in blocks if block]
    named = [c for c in candidates if _MEETING_TITLE.search(c)]
    return (named or candidates or [""])[0][:300]


def _head(text: str) -> str:
    """The lines above a record's first sentence: title, date, place lines."""
    head = []
    for raw in text.split("\n")[:40]:
        line = raw.strip()
        if len(line) > 160 or (re.search(r"[.;]\s*$", line) and not _FURNITURE.match(line)):
            break
        head.append(line)
    return "\n".join(head)


def _unwrapped(block: list[str]) -> str:
    """A title wrapped over several lines is one ("… Meeting of the / Japanese-Russian Joint Committee …");
    lines that each stand alone (a title and its caption) are not: the first is the title."""
    title = block[0]
    for line in block[1:]:
        if re.search(r"\b(?:[a-z]+|and [A-Z]\w*)$", title) or line[:1].islower():
            title = f"{title} {line}"
        else:
            break
    return title


def _first_date(text: str) -> tuple[date, int] | None:
    found = []
    for pattern in (_DATE_DMY, _DATE_MDY):
        match = pattern.search(text)
        if match:
            try:
                found.append((date(int(match["year"]), MONTH_NUMBER[match["month"]], int(match["day"])), match.start()))
            except ValueError:
                continue
    return min(found, key=lambda item: item[1]) if found else None


def parties_in(text: str) -> list[str]:
    """Party codes named in `text`, in order of first mention."""
    return list(dict.fromkeys(mention.code for mention in gazetteer.party_mentions(text)))


def _party_near(text: str) -> str:
    codes = parties_in(text)
    return codes[0] if codes else ""


def _seat(text: str) -> str:
    found = [(m.start(), code) for pattern, code in SEATS_OF_GOVERNMENT if (m := re.search(pattern, text))]
    return min(found)[1] if found else ""


def parse(text: str, default_zone: str, home_party: str = "") -> Record:
    """Read a record. `home_party` is the state of the ministry importing it: a record that neither says
    who published it nor names a state in its title speaks of that state's officials unqualified."""
    record = Record(text=text)
    record.title = _title(text)

    dated = _first_date(text[:2000])
    record.meeting_date = dated[0] if dated else None
    # "On November 21 (local time), …": the meeting's own day when the header gives the publication's.
    on_day = re.search(rf"\bOn (?P<month>{_MONTH}) (?P<day>\d{{1,2}})\b", text[:3000])
    if on_day and record.meeting_date:
        with contextlib.suppress(ValueError):
            record.meeting_date = date(record.meeting_date.year, MONTH_NUMBER[on_day["month"]], int(on_day["day"]))

    clock = re.search(
        # "18:20", "4:15 p.m.", "10.30 a.m."; a dot only before a.m./p.m. ("1.25 billion yen" is no time)
        r"\b(?P<h>[0-2]?\d)(?::(?P<m>[0-5]\d)\b|\.(?P<m2>[0-5]\d)(?=\s*[ap]\.?m))\s*(?P<half>[ap]\.?m\.?(?![a-z]))?",
        text[:3000],
        re.IGNORECASE,
    )
    if clock and int(clock["h"]) < 24:
        hour = int(clock["h"])
        half = (clock["half"] or "").lower()
        if half.startswith("p") and hour < 12:
            hour += 12
        elif half.startswith("a") and hour == 12:
            hour = 0
        record.local_time = time(hour, int(clock["m"] or clock["m2"]))

    body_start = dated[1] if dated else 0
    first_section = re.search(r"^\s*(?:1\.|\(1\))\s", text[body_start:], re.MULTILINE)
    intro = text[: body_start + first_section.start()] if first_section else text[:3000]
    # The meeting's place: the first city the opening names (GeoNames), else a country it was held "in" —
    # read in the lines above the record's first sentence and the first paragraph that says the meeting
    # took place, not in a city the talks were about.
    head = _head(text)
    setting = next(
        (
            line[:600]
            for line in text[len(head) :].split("\n")
            if re.search(
                r"\b(?:met|meets|held|hosted|hosts|received|receives|visit(?:ed|ing)?|spoke|talks?|call"
                r"|meeting|took place)\b",
                line,
            )
        ),
        "",
    )
    where = head + "\n" + setting
    parties_here = set(parties_in(text[:5000]))
    mentioned = gazetteer.place_mentions(where)
    # A city of another country than any the record names is a namesake ("Cornwall", Ontario).
    places = [place for place in mentioned if place.country_code in parties_here]
    # "(Brunei local time)", "(Japan time)": the clock the record's time is on.
    clock_place = re.search(r"\((?:at )?(?:around )?(?P<where>[A-Z][^()]{1,40}?) (?:local )?time\)", text[:3000])
    clock_zone = ""
    if clock_place:
        stated = gazetteer.party_mentions(clock_place["where"])
        clock_zone = gazetteer.country_zone(stated[0].code) if stated else ""
        if stated and not places:
            record.country, record.time_zone = gazetteer.party_name(stated[0].code), clock_zone
    if places:
        record.city, record.country, record.time_zone = places[0].city, places[0].country, places[0].zone
    elif not record.time_zone:
        for mention in gazetteer.party_mentions(where):
            held_in = r"\b(?:visiting|(?:held|took place|met|meeting|talks|summit) (?:in|at))\s+(?:the\s+)?$"
            if not mention.demonym and re.search(held_in, where[: mention.start]):
                record.country, record.time_zone = (
                    gazetteer.party_name(mention.code),
                    gazetteer.country_zone(mention.code),
                )
                break
    if record.local_time is None:
        record.notes.append(gettext("The record gives no start time; the meeting is set at midnight local time."))

    occasion = re.search(
        r"on the occasion of the (?P<occasion>[A-Z][^,.()]*?(?:Meeting|Summit|Conference|Forum|Visit))",
        intro[body_start:] if body_start < len(intro) else intro,
    ) or re.search(
        r"on the occasion of the (?P<occasion>[A-Z][^,.()]*?(?:Meeting|Summit|Conference|Forum))", intro, re.I
    )
    if occasion:
        record.occasion = occasion["occasion"].strip()
    duration = re.search(r"\bfor (?P<n>\d{1,3}) minutes\b", text[:3000])
    if duration:
        record.duration_minutes = int(duration["n"])
    planned = re.search(
        r"\b(?P<n>\d{1,3}) minutes (?:that|which) (?:was|had been) (?:initially |originally )?(?:planned|scheduled)",
        text[:3000],
    )
    if planned:
        record.planned_minutes = int(planned["n"])

    record.home = _seat(text[:600])
    if clock_zone and record.time_zone and clock_zone != record.time_zone and record.local_time and record.meeting_date:
        # A time on another clock than the place's ("2:55 p.m. (Japan time)" in Singapore) is read on the place's.
        stated_at = datetime.combine(record.meeting_date, record.local_time, zoneinfo.ZoneInfo(clock_zone))
        record.local_time = stated_at.astimezone(zoneinfo.ZoneInfo(record.time_zone)).time()
    named = parties_in(record.title + "\n" + intro)
    _participants(record, named, home_party)
    if not record.time_zone:  # a telephone talk, or a place no table knows: the clock of the record's side
        home_zone = gazetteer.country_zone(record.home) if record.home else ""
        record.time_zone = home_zone or default_zone
        zone = {"zone": record.time_zone, "party": gazetteer.party_name(record.home) if home_zone else ""}
        record.notes.append(
            gettext(
                "The record names no place with a known time zone; its times are read in %(zone)s, "
                "the clock of %(party)s."
            )
            % zone
            if home_zone
            else gettext("The record names no place with a known time zone; its times are read in %(zone)s.") % zone
        )
    # The parties: the states of the principals who met, then the record's own, then those it names first.
    principals = [p.party for p in record.participants if p.capacity == "principal"]
    ordered = [*principals, *([record.home] if record.home else []), *named]
    if record.home in principals:  # the record's own side first, as its title would say
        ordered.insert(0, record.home)
    record.parties = list(dict.fromkeys(ordered))[:4]
    _paragraphs(record)
    return record


_HONORIFIC = r"(?:(?:Mr|Mrs|Ms|Dr|H\.E|Rt\.? Hon|the Rt Hon|General|Sir|Dame)\.?\s+)*"
# "Mr. Shinzo Abe, Prime Minister of Japan", "H.E. Mr. PHAM Minh Chinh, Prime Minister of the Socialist Republic
# of Viet Nam", "the Rt Hon Theresa May MP, Prime Minister of the United Kingdom …"
_NAME_THEN_TITLE = re.compile(
    rf"{_HONORIFIC}{_NAME}(?: MP)?,\s+(?:the\s+)?{_TITLE}(?: and [A-Z][\w ]{{2,60}}?)? of (?:the )?(?P<of>[^,.;()]+)"
)
# "Prime Minister of India Narendra Modi"
_TITLE_OF_THEN_NAME = re.compile(
    rf"{_TITLE}(?: and [A-Z][\w ]{{2,60}}?)? of (?:the )?(?P<of>[A-Z][^,.;()]*?),? {_HONORIFIC}{_NAME}\b"
)


def _principal(title: str) -> str:
    return "principal" if title in PRINCIPAL_TITLES else "delegation"


def _participants(record: Record, named: list[str], home_party: str) -> None:
    """Who took part, each with the party whose title they held: from how the record introduces them
    ("<name>, Prime Minister of India", "Japanese Foreign Minister <name>", "President <name> of …"),
    else by a surname introduced before, else by a title only one government uses, else the record's
    own side (an unqualified official in a ministry's record is its own)."""
    text = record.text[:5000]

    def add(name: str, title: str, party: str, capacity: str) -> None:
        if party and not record.party_of_name(name):
            record.participants.append(Participant(name, title, party, capacity))

    accompanied = re.search(r"accompanied by (?P<list>[^.]+)\.", text)
    if accompanied:
        # "A and B from Japan, and C and D from the Russian Federation"
        for group in re.split(r",\s*and\s+|;\s*", accompanied["list"]):
            party = _party_near(group.split(" from ")[-1]) if " from " in group else ""
            for official in OFFICIAL.finditer(group):
                add(official["name"], official["title"], party, "delegation")
    for introduced in _NAME_THEN_TITLE.finditer(text):
        party = gazetteer.title_party(f"{introduced['title']} of {introduced['of']}")
        add(introduced["name"], introduced["title"], party, _principal(introduced["title"]))
    for introduced in _TITLE_OF_THEN_NAME.finditer(text):
        party = gazetteer.title_party(f"{introduced['title']} of {introduced['of']}")
        add(introduced["name"], introduced["title"], party, _principal(introduced["title"]))
    mentions = gazetteer.party_mentions(text)
    unqualified = []
    for official in OFFICIAL.finditer(text):
        name, title = official["name"], official["title"]
        if record.party_of_name(name):
            continue
        after = text[official.end() : official.end() + 80]
        qualifier = re.match(r"\s+(?:of|from) (?:the )?(?P<where>[A-Z][^,.;()]*)", after)
        before = next((m.code for m in mentions if 0 <= official.start() - m.end <= 1), "")  # "Japanese Prime …"
        party = (_party_near(qualifier["where"]) if qualifier else "") or before or gazetteer.title_party(title)
        if party:
            add(name, title, party, _principal(title))
        else:
            unqualified.append(official)
    # A readout gives its guest a country and its own principal none ("The Prime Minister spoke with
    # President <name> of Mexico"): the record's side is one the qualified introductions are not.
    if not record.home:
        guests = {p.party for p in record.participants if p.capacity == "principal"}
        # Named most, counting thrice a state paired with the guest ("the UK and France", "India-Japan").
        everywhere = gazetteer.party_mentions(record.text)
        counts = Counter(m.code for m in everywhere if m.code not in guests)
        for first, second in itertools.pairwise(everywhere):
            if re.fullmatch(r"\s*(?:[-–]|and|and the|,)\s*", record.text[first.end : second.start]):
                for this, that in ((first, second), (second, first)):
                    if that.code in guests and this.code not in guests:
                        counts[this.code] += 3
        title_parties = parties_in(record.title)
        record.home = (
            next((code for code in title_parties if code not in guests), "")
            or (title_parties[0] if title_parties and len(guests) > 1 else "")
            or (counts.most_common(1)[0][0] if counts else "")
            or home_party
        )
    for official in unqualified:
        add(
            official["name"],
            official["title"],
            _default_party(record, official["title"], named),
            _principal(official["title"]),
        )


# Heads of state who are monarchs: there, an unqualified "President" is the other side's.
_MONARCHIES = {"JPN", "GBR", "AUS", "CAN", "NZL", "THA", "ESP", "NLD", "BEL", "SWE", "NOR", "DNK", "MYS", "BRN"}


def _default_party(record: Record, title: str, named: list[str]) -> str:
    """An official the record does not qualify is its own side's (the ministry writes of its own minister
    by title and name only) — except a President or a Chairman of Government in a record of a state
    that has none, who is the other side's."""
    home = record.home or (named[0] if named else "")
    others = [code for code in named if code != home]
    if ("President" in title or "Chairman" in title) and home in _MONARCHIES and others:
        return others[0]
    return home


_SECTION = re.compile(r"^(?P<n>\d{1,2})\.\s+(?P<rest>\S.*)$")
_SUB = re.compile(r"^\((?P<n>\d{1,2})\)\s*(?P<rest>.*)$")
_ITEM = re.compile(r"^(?P<n>\d{1,2})\.\s+(?P<rest>\S.*)$")
_BULLET = re.compile(r"^[-•*]\s*(?P<rest>\S.*)$")
# A transcript's speaker: "THE PRESIDENT: …", "PRIME MINISTER OBUCHI: …", "Q …".
_SPEAKER_LINE = re.compile(r"^(?P<who>[A-Z][A-Z.'’ -]{1,60}?|Q):\s")


def _paragraphs(record: Record) -> None:
    """Number paragraphs as the record does: 1. → "1", (2) → "1.(2)", an item in it → "1.(2).3"."""
    section = sub = ""
    item = 0
    offset = 0
    hint = ""
    transcript = False
    for raw in record.text.split("\n"):
        start = offset
        offset += len(raw) + 1
        line = raw.strip()
        if not line:
            continue
        lead = len(raw) - len(raw.lstrip())
        begin = start + lead
        speaker_line = _SPEAKER_LINE.match(line)
        if speaker_line:  # it speaks until the next speaker; a question commits no one
            who = speaker_line["who"].strip()
            hint = "" if who == "Q" else who.title().replace("'S", "'s")
            transcript = who != "Q"
        section_match = _SECTION.match(line)
        sub_match = _SUB.match(line)
        bullet_match = _BULLET.match(line)
        if section_match and not (sub and (lead > 0 or len(line) > 80)):
            section, sub, item = section_match["n"], "", 0
            hint = hint if transcript else ""
            if len(line) <= 80 and not re.search(r"[.!?][\"”’)]?$", line):  # a heading, not a short paragraph
                continue
            ref = section
        elif sub_match:
            sub, item = sub_match["n"], 0
            ref = f"{section}.({sub})" if section else f"({sub})"
            speaker = re.search(
                r"(?:remarks|statements) (?:made )?by (?P<who>[^:]+):\s*$|^(?P<who2>.+?)'s response was as follows",
                sub_match["rest"],
            )
            hint = (speaker["who"] or speaker["who2"] or "").strip() if speaker else ""
        elif section_match or bullet_match:  # an item inside a subsection
            item += 1
            ref = f"{section}.({sub}).{item}" if sub else f"{section}.{item}" if section else str(item)
        else:
            ref = f"{section}.({sub})" if sub else section
        record.paragraphs.append(Paragraph(ref=ref, start=begin, end=start + len(raw), speaker_hint=hint))
