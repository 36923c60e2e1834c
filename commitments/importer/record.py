"""Parsing a meeting record: its title, date, time, place, participants and numbered paragraphs.

Rules for the language of the genre (official overviews of summits, foreign ministers' meetings and
telephone talks), not for one record's wording. Everything found keeps its offsets in the text, so
that every quote proposed later is a verbatim span.
"""

from __future__ import annotations

import calendar
import contextlib
import re
from dataclasses import dataclass, field
from datetime import date, time

MONTH_NAMES = [m for m in calendar.month_name if m]
_MONTH = "(?:" + "|".join(MONTH_NAMES) + ")"
MONTH_NUMBER = {name: number for number, name in enumerate(calendar.month_name) if name}

# States by the words the genre uses for them. Codes are ISO 3166 alpha-3.
PARTY_WORDS: list[tuple[str, str, str]] = [
    ("Russian Federation", "RUS", "Russian Federation"),
    ("Russia", "RUS", "Russian Federation"),
    ("Russian", "RUS", "Russian Federation"),
    ("Soviet", "RUS", "Russian Federation"),
    ("Japan", "JPN", "Japan"),
    ("Japanese", "JPN", "Japan"),
    ("People's Republic of China", "CHN", "China"),
    ("China", "CHN", "China"),
    ("Chinese", "CHN", "China"),
    ("Republic of Korea", "KOR", "Republic of Korea"),
    ("United States", "USA", "United States of America"),
    ("U.S.", "USA", "United States of America"),
    ("Mongolia", "MNG", "Mongolia"),
]
PARTY_NAMES = {code: name for _, code, name in PARTY_WORDS}

# Places the genre names, with their country and the clock the meeting kept.
PLACES: dict[str, tuple[str, str, str]] = {
    "Brunei": ("Bandar Seri Begawan", "Brunei Darussalam", "Asia/Brunei"),
    "Bandar Seri Begawan": ("Bandar Seri Begawan", "Brunei Darussalam", "Asia/Brunei"),
    "Tokyo": ("Tokyo", "Japan", "Asia/Tokyo"),
    "Iikura House": ("Tokyo", "Japan", "Asia/Tokyo"),
    "Osaka": ("Osaka", "Japan", "Asia/Tokyo"),
    "Kyoto": ("Kyoto", "Japan", "Asia/Tokyo"),
    "Okinawa": ("Nago", "Japan", "Asia/Tokyo"),
    "Moscow": ("Moscow", "Russian Federation", "Europe/Moscow"),
    "St. Petersburg": ("Saint Petersburg", "Russian Federation", "Europe/Moscow"),
    "Irkutsk": ("Irkutsk", "Russian Federation", "Asia/Irkutsk"),
    "Vladivostok": ("Vladivostok", "Russian Federation", "Asia/Vladivostok"),
    "Santiago": ("Santiago", "Chile", "America/Santiago"),
    "Shanghai": ("Shanghai", "China", "Asia/Shanghai"),
    "Beijing": ("Beijing", "China", "Asia/Shanghai"),
    "Bangkok": ("Bangkok", "Thailand", "Asia/Bangkok"),
    "New York": ("New York", "United States of America", "America/New_York"),
    "Washington": ("Washington", "United States of America", "America/New_York"),
    "Sea Island": ("Sea Island", "United States of America", "America/New_York"),
    "Hanoi": ("Hanoi", "Viet Nam", "Asia/Ho_Chi_Minh"),
    "Busan": ("Busan", "Republic of Korea", "Asia/Seoul"),
    "Seoul": ("Seoul", "Republic of Korea", "Asia/Seoul"),
    "Sydney": ("Sydney", "Australia", "Australia/Sydney"),
    "Singapore": ("Singapore", "Singapore", "Asia/Singapore"),
    "Yokohama": ("Yokohama", "Japan", "Asia/Tokyo"),
    "Toyako": ("Toyako", "Japan", "Asia/Tokyo"),
    "Deauville": ("Deauville", "France", "Europe/Paris"),
    "Heiligendamm": ("Heiligendamm", "Germany", "Europe/Berlin"),
    "Evian": ("Evian", "France", "Europe/Paris"),
    "Genoa": ("Genoa", "Italy", "Europe/Rome"),
    "Kananaskis": ("Kananaskis", "Canada", "America/Edmonton"),
    "Gleneagles": ("Gleneagles", "United Kingdom", "Europe/London"),
}

# Surnames of officials who appear in the genre's records, 2000–2012, and the state they served.
KNOWN_OFFICIALS = {
    "Putin": "RUS",
    "Medvedev": "RUS",
    "Yeltsin": "RUS",
    "Ivanov": "RUS",
    "Lavrov": "RUS",
    "Kasyanov": "RUS",
    "Kasiyanov": "RUS",
    "Khristenko": "RUS",
    "Losyukov": "RUS",
    "Fradkov": "RUS",
    "Zubkov": "RUS",
    "Denisov": "RUS",
    "Prikhodjko": "RUS",
    "Prikhodko": "RUS",
    "Shuvalov": "RUS",
    "Naryshkin": "RUS",
    "Borodavkin": "RUS",
    "Mori": "JPN",
    "Koizumi": "JPN",
    "Abe": "JPN",
    "Fukuda": "JPN",
    "Aso": "JPN",
    "Hatoyama": "JPN",
    "Kan": "JPN",
    "Noda": "JPN",
    "Kono": "JPN",
    "Tanaka": "JPN",
    "Kawaguchi": "JPN",
    "Machimura": "JPN",
    "Komura": "JPN",
    "Nakasone": "JPN",
    "Okada": "JPN",
    "Maehara": "JPN",
    "Matsumoto": "JPN",
    "Gemba": "JPN",
    "Takano": "JPN",
    "Kato": "JPN",
    "Aso Taro": "JPN",
    "Yachi": "JPN",
}

# Official titles, longest first, so "Deputy Minister for Foreign Affairs" wins over "Minister".
TITLES = sorted(
    [
        "Prime Minister",
        "President",
        "Minister for Foreign Affairs",
        "Foreign Minister",
        "Deputy Minister for Foreign Affairs",
        "Deputy Cabinet Secretary",
        "Chief Cabinet Secretary",
        "Deputy Chief of the President's Administration",
        "Chairman of Government",
        "Chairman of the Government",
        "Deputy Chairman of Government",
        "Ambassador",
        "Vice-Minister for Foreign Affairs",
        "Senior Vice-Minister for Foreign Affairs",
        "Chairman",
        "Minister of Economic Development and Trade",
        "Minister",
    ],
    key=len,
    reverse=True,
)
_WORD = r"(?!(?:Telephone|Talks|Meeting|Summit|Visit|The|In|On|Of|And)\b)[A-Z][a-z]+(?:-[A-Za-z]+)?"
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

    def party_of_name(self, name: str) -> str:
        for participant in self.participants:
            if name and (name in participant.name or participant.name.split()[-1] == name.split()[-1]):
                return participant.party
        return ""


_DATE_DMY = re.compile(rf"\b(?P<day>\d{{1,2}}) (?P<month>{_MONTH}),? (?P<year>\d{{4}})\b")
_DATE_MDY = re.compile(rf"\b(?P<month>{_MONTH}) (?P<day>\d{{1,2}}), (?P<year>\d{{4}})\b")


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
    seen: dict[str, int] = {}
    for word, code, _ in PARTY_WORDS:
        match = re.search(rf"\b{re.escape(word)}\b", text)
        if match and (code not in seen or match.start() < seen[code]):
            seen[code] = match.start()
    return sorted(seen, key=lambda code: seen[code])


def _party_near(text: str) -> str:
    codes = parties_in(text)
    return codes[0] if codes else ""


def parse(text: str, default_zone: str) -> Record:
    record = Record(text=text)
    lines = text.split("\n")
    head_lines: list[str] = []
    for line in lines:
        if _first_date(line) or (head_lines and not line.strip()):
            break
        if line.strip():
            head_lines.append(line.strip())
    # A title is a few short lines before the date; a record pasted from its first sentence has none.
    if head_lines and all(len(line) <= 160 and not re.search(r"[.;:]\s*$", line) for line in head_lines):
        record.title = " ".join(head_lines)[:300]

    dated = _first_date(text[:2000])
    record.meeting_date = dated[0] if dated else None
    # "On November 21 (local time), …": the meeting's own day when the header gives the publication's.
    on_day = re.search(rf"\bOn (?P<month>{_MONTH}) (?P<day>\d{{1,2}})\b", text[:3000])
    if on_day and record.meeting_date:
        with contextlib.suppress(ValueError):
            record.meeting_date = date(record.meeting_date.year, MONTH_NUMBER[on_day["month"]], int(on_day["day"]))

    clock = re.search(r"\b(?P<h>[0-2]?\d):(?P<m>[0-5]\d)\b(?:\s*\((?P<where>[^)]*?)(?:local )?time\))?", text[:3000])
    if clock and int(clock["h"]) < 24:
        record.local_time = time(int(clock["h"]), int(clock["m"]))

    body_start = dated[1] if dated else 0
    first_section = re.search(r"^\s*(?:1\.|\(1\))\s", text[body_start:], re.MULTILINE)
    intro = text[: body_start + first_section.start()] if first_section else text[:3000]
    first_place_at = len(text)
    for place, (city, country, zone) in PLACES.items():
        match = re.search(rf"\b{re.escape(place)}\b", intro)
        if match and (not record.city or match.start() < first_place_at):
            record.city, record.country, record.time_zone = city, country, zone
            first_place_at = match.start()
    if not record.time_zone:
        record.time_zone = default_zone
        record.notes.append(f"No place with a known time zone was found; the meeting is set in {default_zone}.")
    if record.local_time is None:
        record.notes.append("The record gives no start time; the meeting is set at midnight local time.")

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

    record.parties = parties_in(record.title + "\n" + intro)[:4]
    _participants(record)
    _paragraphs(record)
    return record


def _participants(record: Record) -> None:
    text = record.text[:5000]
    accompanied = re.search(r"accompanied by (?P<list>[^.]+)\.", text)
    if accompanied:
        # "A and B from Japan, and C and D from the Russian Federation"
        for group in re.split(r",\s*and\s+|;\s*", accompanied["list"]):
            party = _party_near(group.split(" from ")[-1]) if " from " in group else _party_near(group)
            for official in OFFICIAL.finditer(group):
                who = party or KNOWN_OFFICIALS.get(official["name"].split()[-1], "")
                record.participants.append(Participant(official["name"], official["title"], who, "delegation"))
    seen = {p.name for p in record.participants}
    for official in OFFICIAL.finditer(text):
        name = official["name"]
        if any(name in known or known.endswith(name.split()[-1]) for known in seen):
            continue
        before = text[max(0, official.start() - 12) : official.start()]
        after = text[official.end() : official.end() + 30]
        qualifier = re.match(r"\s+(?:of|from) (?:the )?(?P<where>[A-Z][\w ]+)", after)
        party = (
            (_party_near(qualifier["where"]) if qualifier else "")
            or KNOWN_OFFICIALS.get(name.split()[-1], "")
            or _party_near(before.split()[-1] if before.split() else "")
            or _default_party(record, official["title"])
        )
        if not party:
            continue
        principal = official["title"] in (
            "Prime Minister",
            "President",
            "Minister for Foreign Affairs",
            "Foreign Minister",
        )
        record.participants.append(
            Participant(name, official["title"], party, "principal" if principal else "delegation")
        )
        seen.add(name)


def _default_party(record: Record, title: str) -> str:
    """The genre's records are Japan's: an unqualified minister is Japan's, a President or a Chairman of
    Government the other side's."""
    others = [code for code in record.parties if code != "JPN"]
    if ("President" in title or "Chairman" in title) and others:
        return others[0]
    if "JPN" in record.parties:
        return "JPN"
    return ""


_SECTION = re.compile(r"^(?P<n>\d{1,2})\.\s+(?P<rest>\S.*)$")
_SUB = re.compile(r"^\((?P<n>\d{1,2})\)\s*(?P<rest>.*)$")
_ITEM = re.compile(r"^(?P<n>\d{1,2})\.\s+(?P<rest>\S.*)$")
_BULLET = re.compile(r"^[-•*]\s*(?P<rest>\S.*)$")


def _paragraphs(record: Record) -> None:
    """Number paragraphs as the record does: 1. → "1", (2) → "1.(2)", an item in it → "1.(2).3"."""
    section = sub = ""
    item = 0
    offset = 0
    hint = ""
    for raw in record.text.split("\n"):
        start = offset
        offset += len(raw) + 1
        line = raw.strip()
        if not line:
            continue
        lead = len(raw) - len(raw.lstrip())
        begin = start + lead
        section_match = _SECTION.match(line)
        sub_match = _SUB.match(line)
        bullet_match = _BULLET.match(line)
        if section_match and not (sub and (lead > 0 or len(line) > 80)):
            section, sub, item, hint = section_match["n"], "", 0, ""
            if len(line) <= 80:
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
