"""Reading diplomatic deadline phrases into windows, relative to the meeting's date.

Table-driven: each rule is a pattern and a function from the meeting date (and the match) to a
window. The first rule whose pattern matches wins, so longer phrases come before shorter ones
("this year or next year" before "this year"). A phrase no rule knows keeps its words and gets no
date: never a guess presented as fact.

Conventions, written down because the phrases are vague:
- "early / mid / late <month>": days 1-10 / 11-20 / 21-end of that month;
- "early / mid / late <year>": January-March / April-September / October-December;
- "first half / second half of <year>": January-June / July-December;
- a month or season without a year is the next one on or after the meeting;
- seasons by their northern-hemisphere months (spring March-May, summer June-August, autumn
  September-November, winter December-February); "next spring" is the first that starts after the
  meeting; "next May" the first May after the meeting's month;
- "over the next two years", "within three months": from the meeting to as long after it;
- a dated phrase wins over an undated one in the same clause, the most specific over the vaguer
  ("from 3 to 5 June this year" is 3-5 June), and a window that ended before the meeting is a past
  event the clause mentions, not a deadline;
- "within the fiscal year" (Japan): to 31 March after the meeting, the end of Japan's fiscal year;
- "at an early date", "at the earliest possible date/occasion", "as soon as possible": no date,
  flagged urgent;
- Japanese phrasings read by the same rules: 年内 / 本年中 (the year's end), 来年 (next year), 来年前半
  (the first half), 年度内 (the fiscal year), 〇月上旬 / 中旬 / 下旬 (days 1-10 / 11-20 / 21-end), 来月,
  年明け (January after the meeting), 春 / 夏 / 秋 / 冬 with 来 / 今, dates in 西暦 or 和暦
  (令和7年3月31日), 早期に (urgent, no date), 〜の機会に / 〜を機に (an occasion);
- "on the occasion of <event>", "towards the G20 Bali summit", "the opening ceremony for the
  PyeongChang Olympic Games": a recurring meeting with public dates (occasions.py) is due on its
  last day (its first for an opening); any other event gets no date of its own (the importer may
  anchor it to a recorded meeting).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext

from .models import Commitment
from .occasions import SERIES_PATTERN, occasion_find

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}

# The first Gregorian year of each Japanese era (和暦): 平成12年 is 1989 + 12 - 1 = 2000; 元年 is its first year.
ERAS = {"明治": 1868, "大正": 1912, "昭和": 1926, "平成": 1989, "令和": 2019}
# Japanese words for the meeting's year and the next, as the English "this" and "next".
_JA_YEAR_WORDS = {"本年": "this", "今年": "this", "来年": "next"}


def era_year(era: str, number: str) -> int:
    """The Gregorian year of a 和暦 year: era_year("令和", "6") is 2024, era_year("平成", "元") is 1989."""
    return ERAS[era] + (1 if number == "元" else int(number)) - 1


def _month_number(word: str) -> int:
    return int(word) if word.isdigit() else MONTHS[word.lower()]


def _stated_year(m: re.Match[str]) -> str | None:
    """The year a phrase states, in 西暦 ("2019") or 和暦 ("平成31"), as digits; None when it states none."""
    groups = m.groupdict()
    if groups.get("era"):
        return str(era_year(groups["era"], groups["eyear"]))
    return groups.get("year")


@dataclass(frozen=True)
class Window:
    phrase: str
    rule: str
    due_from: date | None = None
    due_by: date | None = None
    precision: str = "none"
    urgent: bool = False
    occasion: str = ""  # the event named by "on the occasion of …"

    @property
    def dated(self) -> bool:
        return self.due_by is not None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _year_of_month(meeting: date, month: int, year: str | None) -> int:
    if year:
        return int(year)
    return meeting.year if month >= meeting.month else meeting.year + 1


def _year(meeting: date, word: str | None) -> int:
    """'this year' / 'next year' / '2005' / None (this year)."""
    word = _JA_YEAR_WORDS.get(word, word) if word else word
    if not word or word.lower() in ("this", "the", "the current", "this current"):
        return meeting.year
    if word.lower() == "next":
        return meeting.year + 1
    return int(word)


Build = Callable[[date, re.Match[str]], tuple[date | None, date | None, str]]

_PART = r"(?P<part>early|mid|middle of|late|the end of|the beginning of)"
_MONTH = r"(?P<month>" + "|".join(name.capitalize() for name in MONTHS) + r")"
_YEARNUM = r"(?P<year>(?:19|20)\d\d)"


def _part_of_month(meeting: date, m: re.Match[str]) -> tuple[date | None, date | None, str]:
    month = _month_number(m["month"])
    year = _year_of_month(meeting, month, _stated_year(m))
    part = m["part"].lower()
    last = _month_end(year, month).day
    days = {
        "early": (1, 10),
        "the beginning of": (1, 10),
        "mid": (11, 20),
        "middle of": (11, 20),
        "late": (21, last),
        "the end of": (21, last),
        "上旬": (1, 10),
        "初旬": (1, 10),
        "中旬": (11, 20),
        "下旬": (21, last),
        "末": (21, last),
    }[part]
    return date(year, month, days[0]), date(year, month, days[1]), "day"


def _part_of_year(meeting: date, m: re.Match[str]) -> tuple[date | None, date | None, str]:
    year = _year(meeting, m["year"] or m.groupdict().get("rel"))
    part = m["part"].lower()
    months = {
        "early": (1, 3),
        "the beginning of": (1, 3),
        "mid": (4, 9),
        "middle of": (4, 9),
        "late": (10, 12),
        "the end of": (10, 12),
    }[part]
    return date(year, months[0], 1), _month_end(year, months[1]), "quarter"


def _half(meeting: date, m: re.Match[str]) -> tuple[date | None, date | None, str]:
    year = _year(meeting, _stated_year(m) or m.groupdict().get("rel"))
    first = m["half"].lower() in ("first", "前半", "上半期")
    return (
        (date(year, 1, 1), date(year, 6, 30), "quarter") if first else (date(year, 7, 1), date(year, 12, 31), "quarter")
    )


def _month(meeting: date, m: re.Match[str]) -> tuple[date | None, date | None, str]:
    month = _month_number(m["month"])
    year = _year_of_month(meeting, month, _stated_year(m))
    return date(year, month, 1), _month_end(year, month), "month"


def _by_end_of_month(meeting: date, m: re.Match[str]) -> tuple[date | None, date | None, str]:
    month = MONTHS[m["month"].lower()]
    return None, _month_end(_year_of_month(meeting, month, m["year"]), month), "month"


def _day_range(meeting: date, m: re.Match[str]) -> tuple[date | None, date | None, str]:
    month = _month_number(m["month"])
    year = _year_of_month(meeting, month, _stated_year(m))
    return date(year, month, int(m["d1"])), date(year, month, int(m["d2"])), "day"


def _fiscal_year(meeting: date, m: re.Match[str]) -> tuple[date | None, date | None, str]:
    end_year = meeting.year + 1 if meeting.month >= 4 else meeting.year
    return None, date(end_year, 3, 31), "fiscal_year"


def _year_end(meeting: date, m: re.Match[str]) -> tuple[date | None, date | None, str]:
    word = m.groupdict().get("rel") or _stated_year(m) or m.groupdict().get("byyear")
    return None, date(_year(meeting, word), 12, 31), "year"


def _whole_year(meeting: date, m: re.Match[str]) -> tuple[date | None, date | None, str]:
    year = _year(meeting, m.groupdict().get("rel") or _stated_year(m))
    start = max(date(year, 1, 1), meeting)
    return start, date(year, 12, 31), "year"


def _next_year(meeting: date, m: re.Match[str]) -> tuple[date | None, date | None, str]:
    return date(meeting.year + 1, 1, 1), date(meeting.year + 1, 12, 31), "year"


def _this_or_next(meeting: date, m: re.Match[str]) -> tuple[date | None, date | None, str]:
    return meeting, date(meeting.year + 1, 12, 31), "year"


# Northern-hemisphere seasons by their months; winter runs into the next year.
SEASONS = {
    "spring": (3, 5),
    "summer": (6, 8),
    "autumn": (9, 11),
    "fall": (9, 11),
    "winter": (12, 2),
    "春": (3, 5),
    "夏": (6, 8),
    "秋": (9, 11),
    "冬": (12, 2),
}
# 来春 / 来年の春 is "next spring", 今夏 / 本年の夏 / この夏 "this summer".
_JA_SEASON_WORDS = {"来": "next", "来年の": "next", "今": "this", "この": "this", "本年の": "this", "今年の": "this"}


def _season(meeting: date, m: re.Match[str]) -> tuple[date | None, date | None, str]:
    """ "this summer": the summer of the meeting's year; "next spring": the first spring that starts after
    the meeting; a season alone: the one under way or the next."""
    first, last = SEASONS[m["season"].lower()]
    rel = (m["srel"] or "").strip().lower()
    rel = _JA_SEASON_WORDS.get(rel, rel)

    def window(year: int) -> tuple[date, date]:
        return date(year, first, 1), _month_end(year + 1 if first > last else year, last)

    year = meeting.year - 1 if first > last and meeting.month <= last else meeting.year
    if not rel.endswith("this"):
        while window(year)[1] < meeting:
            year += 1
        if rel.endswith("next") and window(year)[0] <= meeting:
            year += 1
    start, end = window(year)
    return start, end, "month"


def _next_month(meeting: date, m: re.Match[str]) -> tuple[date | None, date | None, str]:
    """ "next May": the first May after the meeting's month."""
    month = _month_number(m["month"])
    year = meeting.year if month > meeting.month else meeting.year + 1
    return date(year, month, 1), _month_end(year, month), "month"


def _span(meeting: date, m: re.Match[str]) -> tuple[date | None, date | None, str]:
    """ "over the next two years", "within three months": from the meeting to as long after it."""
    words = {"one": 1, "a": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "ten": 10, "several": 0}
    count = int(m["n"]) if m["n"].isdigit() else words.get(m["n"].lower(), 0)
    if count == 0:
        return None, None, "none"
    if m["unit"].lower().startswith("year"):
        try:
            end = meeting.replace(year=meeting.year + count)
        except ValueError:  # 29 February
            end = date(meeting.year + count, 2, 28)
        return meeting, end, "year"
    months = meeting.month - 1 + count
    year, month = meeting.year + months // 12, months % 12 + 1
    return meeting, min(date(year, month, min(meeting.day, 28)), _month_end(year, month)), "month"


def _on_day(meeting: date, m: re.Match[str]) -> tuple[date | None, date | None, str]:
    """ "on 1 December", "by 2 April 2024": that day (the next one on or after the meeting without a year)."""
    month = _month_number(m["month"])
    day = int(m["d"])
    stated = _stated_year(m)
    upcoming = meeting.year if (month, day) >= (meeting.month, meeting.day) else meeting.year + 1
    year = int(stated) if stated else upcoming
    try:
        when = date(year, month, day)
    except ValueError:
        return None, None, "none"
    by = m.group(0).split()[0].lower() in ("by", "before", "until") or bool(m.groupdict().get("by"))
    return (None if by else when), when, "day"


def _next_month_part(meeting: date, m: re.Match[str]) -> tuple[date | None, date | None, str]:
    year, month = (meeting.year + 1, 1) if meeting.month == 12 else (meeting.year, meeting.month + 1)
    last = _month_end(year, month).day
    parts = {"early": (1, 10), "mid": (11, 20), "late": (21, last), "上旬": (1, 10), "初旬": (1, 10), "中旬": (11, 20)}
    first_day, last_day = {**parts, "下旬": (21, last), "末": (21, last)}.get((m["part"] or "").lower(), (1, last))
    return date(year, month, first_day), date(year, month, last_day), "day" if m["part"] else "month"


def _new_year(meeting: date, m: re.Match[str]) -> tuple[date | None, date | None, str]:
    """ "年明け早々" (right after the new year): the January after the meeting."""
    year = meeting.year + 1
    return date(year, 1, 1), date(year, 1, 31), "month"


def _today(meeting: date, m: re.Match[str]) -> tuple[date | None, date | None, str]:
    return meeting, meeting, "day"


def _occasion(meeting: date, m: re.Match[str]) -> tuple[date | None, date | None, str]:
    """A recurring meeting with public dates (commitments/occasions.py), its last day — or its first when
    the text names the opening; otherwise no date (the importer may anchor it to a recorded meeting)."""
    found = occasion_find(m.group(0), meeting)
    if found is None:
        return None, None, "none"
    day = found.start if re.search(r"\bopening\b|開会", m.group(0), re.IGNORECASE) else found.end
    return None, day, "day"


def _none(meeting: date, m: re.Match[str]) -> tuple[date | None, date | None, str]:
    return None, None, "none"


_REL = r"(?P<rel>this|next|the current)"

# (rule name, pattern, build, urgent). Order matters: the first match wins.
RULES: list[tuple[str, str, Build, bool]] = [
    ("this_or_next_year", r"this year or (?:the )?next(?: year)?", _this_or_next, False),
    (
        "fiscal_year",
        r"(?:within|by the end of|during) (?:the|this) (?:current )?(?:Japanese )?fiscal year",
        _fiscal_year,
        False,
    ),
    (
        "on_day",
        rf"(?:on|by|before|until|from) (?:the )?(?P<d>\d{{1,2}})(?:st|nd|rd|th)? {_MONTH}(?:,? {_YEARNUM})?",
        _on_day,
        False,
    ),
    (
        "on_day",
        rf"(?:on|by|before|until|from) {_MONTH} (?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:,? {_YEARNUM})?",
        _on_day,
        False,
    ),
    ("next_month_part", r"(?P<part>early|mid|late) next month|(?P<whole>next month)", _next_month_part, False),
    ("day_range", rf"from (?P<d1>\d{{1,2}}) to (?P<d2>\d{{1,2}}) {_MONTH}(?: {_YEARNUM})?", _day_range, False),
    ("part_of_month", rf"{_PART} {_MONTH}(?:,? {_YEARNUM})?", _part_of_month, False),
    (
        "half_of_year",
        rf"(?:in )?the (?P<half>first|second) half of (?:(?P<rel>this|next) year|{_YEARNUM})",
        _half,
        False,
    ),
    ("part_of_year", rf"{_PART} (?:(?:of |in )?{_YEARNUM}|(?P<rel>this|next) year)", _part_of_year, False),
    ("end_of_month", rf"(?:by|before) the end of {_MONTH}(?: {_YEARNUM})?", _by_end_of_month, False),
    (
        "end_of_year",
        rf"by the end of (?:the|this|(?P<rel>next)) year|by the end of {_YEARNUM}|by year-end"
        r"|by (?P<byyear>(?:19|20)\d\d)\b",
        _year_end,
        False,
    ),
    (
        "within_the_year",
        r"within (?:the|this) year|within the current year|before the end of (?:the|this) year",
        _year_end,
        False,
    ),
    ("in_month", rf"in {_MONTH}(?: {_YEARNUM})?", _month, False),
    ("next_year", r"next year", _next_year, False),
    ("current_year", rf"in the current year|this year|during {_REL} year|throughout the year", _whole_year, False),
    ("in_year", rf"(?:in|(?:make |during |in )?the year) {_YEARNUM}", _whole_year, False),
    (
        "season",
        r"(?P<srel>(?:towards? )?(?:this|next|the next|the coming)\s)?(?P<season>spring|summer|autumn|winter)\b",
        _season,
        False,
    ),
    ("next_month", rf"next {_MONTH}", _next_month, False),
    ("span", r"(?:over|within|in) the (?:next|coming) (?P<n>\d+|\w+) (?P<unit>years?|months?)", _span, False),
    ("today", r"today(?!['’]s)|later (?:today|this day)", _today, False),
    (
        "urgent",
        r"at an early date|at the earliest possible (?:date|occasion|time|opportunity)|as soon as possible"
        r"|at the earliest opportunity",
        _none,
        True,
    ),
    ("on_the_occasion", r"on the (?:occasion|margins|sidelines) of (?P<occasion>[^,.;]+)", _occasion, False),
    (
        "occasion",
        r"(?:at|in|for|during|towards?|attend|before|ahead of) "
        rf"(?:the opening ceremony (?:for|of) )?(?:the )?(?:(?-i:[A-Z])[\w'’.-]*\s+){{0,3}}(?:{SERIES_PATTERN})"
        r"(?:\s+(?-i:[A-Z])[\w'’-]*){0,4}(?:\s+(?:summits?|meetings?|Games))?",
        _occasion,
        False,
    ),
    ("open_ended", r"in the future|continue to|continue(?=\s+(?:their|its|his|her)\b)|from now on", _none, False),
]

# A year stated in 西暦 (2019年) or 和暦 (平成31年, 令和元年).
_JA_YEAR = r"(?:(?P<year>(?:19|20)\d\d)|(?P<era>明治|大正|昭和|平成|令和)(?P<eyear>元|\d{1,2}))年"
_JA_PART = r"(?P<part>上旬|初旬|中旬|下旬|末)"
# The same readings for Japanese phrasings. Japanese writes no spaces, so these are matched without the word
# boundary the English ones need (a digit must not come just before a number, though).
RULES_JA: list[tuple[str, str, Build, bool]] = [
    ("this_or_next_year", r"(?:本年|今年)(?:中)?(?:又は|または|か)来年", _this_or_next, False),
    ("fiscal_year", r"(?:本|今)?年度(?:内|中|末まで)", _fiscal_year, False),
    (
        "day_range",
        rf"(?:{_JA_YEAR})?(?P<month>\d{{1,2}})月(?P<d1>\d{{1,2}})日?(?:から|～|〜|-|－)(?P<d2>\d{{1,2}})日",
        _day_range,
        False,
    ),
    ("on_day", rf"(?:{_JA_YEAR})?(?P<month>\d{{1,2}})月(?P<d>\d{{1,2}})日(?P<by>まで)?", _on_day, False),
    ("next_month_part", r"来月(?P<part>上旬|初旬|中旬|下旬|末)?", _next_month_part, False),
    ("part_of_month", rf"(?:{_JA_YEAR})?(?P<month>\d{{1,2}})月{_JA_PART}", _part_of_month, False),
    (
        "half_of_year",
        rf"(?:(?P<rel>本年|今年|来年)|{_JA_YEAR})の?(?P<half>前半|後半|上半期|下半期)",
        _half,
        False,
    ),
    ("end_of_year", rf"(?:(?P<rel>本年|今年|来年)|{_JA_YEAR})末", _year_end, False),
    ("within_the_year", r"年内|(?:本|今)年(?:中|内)|年末まで", _year_end, False),
    ("new_year", r"年明け(?:早々|後)?", _new_year, False),
    ("in_month", rf"(?:{_JA_YEAR})?(?P<month>\d{{1,2}})月(?=に|中|まで|頃|ごろ|を目)", _month, False),
    ("open_ended", r"来年以降|今後(?:とも|も)?|引き続き|将来", _none, False),
    ("next_year", r"来年(?!度)|明年", _next_year, False),
    ("current_year", r"(?P<rel>本年|今年)(?![\d度])", _whole_year, False),
    (
        "season",
        r"(?P<srel>来年の|本年の|今年の|来|今|この)?(?P<season>春|夏|秋|冬)(?=に|まで|頃|ごろ|中|の間|以降|を目|、|,|。)",
        _season,
        False,
    ),
    ("today", r"本日中|今日中", _today, False),
    ("urgent", r"(?:できる限り|可能な限り|できるだけ)?(?:早期|早急|速やか)に?|一日も早く", _none, True),
    (
        "on_the_occasion",
        r"(?P<occasion>[^、,。\s]{2,30}?)(?:の機会に|の際に|を機に|に際して?|の開会式|の閉会式)",
        _occasion,
        False,
    ),
]
_COMPILED = [
    *((name, re.compile(rf"\b(?:{pattern})", re.IGNORECASE), build, urgent) for name, pattern, build, urgent in RULES),
    *((name, re.compile(rf"(?<!\d)(?:{pattern})"), build, urgent) for name, pattern, build, urgent in RULES_JA),
]


# How specific a window is, finest first: the phrase a reader relies on when a clause has several.
_SPECIFICITY = {"day": 0, "month": 1, "quarter": 2, "fiscal_year": 3, "year": 4, "none": 5}


def deadline_all(text: str, meeting: date) -> list[tuple[int, Window]]:
    """Every deadline phrase in `text` with its position, read; where two overlap, the longer (then the
    earlier rule) wins, so "this year or next year" is one phrase, not two."""
    found: list[tuple[int, int, int, re.Match[str], Build, bool, str]] = []
    for order, (name, pattern, build, urgent) in enumerate(_COMPILED):
        for match in pattern.finditer(text):
            found.append((match.start(), match.end(), order, match, build, urgent, name))
    found.sort(key=lambda item: (-(item[1] - item[0]), item[2]))
    kept: list[tuple[int, int, int, re.Match[str], Build, bool, str]] = []
    for item in found:
        if all(item[1] <= other[0] or other[1] <= item[0] for other in kept):
            kept.append(item)
    windows = []
    for start, _end, _order, match, build, urgent, name in sorted(kept, key=lambda item: item[0]):
        due_from, due_by, precision = build(meeting, match)
        occasion = (match.groupdict().get("occasion") or "").strip()
        if build is _occasion and due_by is not None:
            resolved = occasion_find(match.group(0), meeting)
            name = f"{name}:{resolved.label}" if resolved else name  # the rule says which meeting it read
        windows.append((start, Window(match.group(0).strip(), name, due_from, due_by, precision, urgent, occasion)))
    return windows


def deadline_pick(windows: list[tuple[int, Window]], meeting: date) -> Window | None:
    """The phrase that sets the deadline: a dated window over an undated one (\"continue … by the end of
    the year\" is due at the year's end), the most specific of the dated ("from 3 to 5 June this year" is
    the 5th of June), then the first. A window that ended before the meeting is a past event the clause
    mentions ("the talks in Fukuoka in December 2008"), not a deadline."""
    current = [(position, w) for position, w in windows if w.due_by is None or w.due_by >= meeting]
    if not current:
        return None
    dated = [(position, w) for position, w in current if w.dated]
    if dated:
        return min(dated, key=lambda item: (_SPECIFICITY.get(item[1].precision, 9), item[0]))[1]
    undated_rank = {"urgent": 0, "on_the_occasion": 1}
    return min(current, key=lambda item: (undated_rank.get(item[1].rule, 2), item[0]))[1]


def deadline_find(text: str, meeting: date) -> Window | None:
    """The deadline `text` states, if any (see deadline_pick for which phrase wins)."""
    return deadline_pick(deadline_all(text, meeting), meeting)


def deadline_read(phrase: str, meeting: date) -> Window:
    """Read a whole phrase; an unknown one keeps its words and no date."""
    found = deadline_find(phrase, meeting)
    if found is None:
        return Window(phrase.strip(), "unknown")
    return found


def window_words(due_from: date | None, due_by: date | None, *, date_text: Callable[[date], str] = date_format) -> str:
    """A deadline window in words, in the active language, as every page, email and reading writes it:
    "15 Nov 2000 – 31 Dec 2001", "by 31 Dec 2000", "from 15 Nov 2000" or "no deadline" (Japanese:
    「2000年11月15日～2001年12月31日」, 「2000年12月31日まで」). Dates in the language's own format
    (config/formats), so no month name or day form depends on the platform's C library. `date_text`: the
    formatter, for a page that writes the same dates many times (a memo of date_format)."""
    if due_from is not None and due_by is not None:
        return gettext("%(start)s – %(end)s") % {"start": date_text(due_from), "end": date_text(due_by)}
    if due_by is not None:
        return gettext("by %(end)s") % {"end": date_text(due_by)}
    if due_from is not None:
        return gettext("from %(start)s") % {"start": date_text(due_from)}
    return gettext("no deadline")


def deadline_reading(phrase: str, meeting: date | None) -> dict[str, str | None]:
    """How `phrase` reads for a meeting on `meeting`, in words a person checks at a glance (the admin form),
    in the active language."""
    phrase = phrase.strip()
    if not phrase:
        return {"rule": "", "due_from": None, "due_by": None, "text": ""}
    if meeting is None:
        text = gettext("Choose the meeting to see how this reads.")
        return {"rule": "", "due_from": None, "due_by": None, "text": text}
    window = deadline_read(phrase, meeting)
    if window.due_by is None and window.due_from is None:
        if window.rule == "unknown":
            text = gettext("No rule knows this phrase: it is kept as written, with no date.")
        else:
            text = gettext("Reads as no date, marked urgent.") if window.urgent else gettext("Reads as no date.")
    else:
        # The precision by the model's own label ("fiscal year", 「年度」), not the stored value.
        precision = str(dict(Commitment.Precision.choices).get(window.precision, window.precision)).lower()
        text = gettext("Reads as %(window)s (%(precision)s).") % {
            "window": window_words(window.due_from, window.due_by),
            "precision": precision,
        }
    return {
        "rule": window.rule,
        "due_from": window.due_from.isoformat() if window.due_from else None,
        "due_by": window.due_by.isoformat() if window.due_by else None,
        "text": text,
    }
