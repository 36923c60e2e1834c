"""Reading a Japanese record (外務省's 概要 of a summit, a foreign ministers' meeting or a telephone talk).

The same Record and Draft as the English reader, from the genre's Japanese forms. Words come from SudachiPy
with its core dictionary (installed as a wheel, nothing fetched at run time): their boundaries, base forms
and parts of speech decide where a sentence divides into clauses ("…を年内に開催し、…協議を開催することで
一致しました" is two undertakings) and whether what is confirmed is an action ("連携を確認した") or a
value ("重要性を確認した"). Deadlines go through the one rule table in commitments/deadlines.py.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import re
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.utils.translation import gettext

from ..deadlines import deadline_find, era_year
from . import gazetteer
from .extract import Draft
from .record import Paragraph, Participant, Record

_KANA_KANJI = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


def language_of(text: str) -> str:
    """ "ja" when kana and kanji outnumber Latin letters (a Japanese record quotes English names in
    parentheses, an English one may quote a Japanese word), else "en"."""
    sample = text[:5000]
    return "ja" if len(_KANA_KANJI.findall(sample)) > len(_LATIN.findall(sample)) else "en"


@dataclass(frozen=True)
class Word:
    surface: str
    base: str
    pos: tuple[str, ...]
    start: int
    end: int


@functools.cache
def _tokenizer() -> Any:
    from sudachipy import Dictionary, SplitMode

    # Mode C: the longest units ("外務大臣", "首脳会談"), as a reader of the genre sees them.
    return Dictionary(dict="core").tokenizer(mode=SplitMode.C)


def words(text: str, offset: int = 0) -> list[Word]:
    """The words of `text` with absolute offsets (`offset` is where `text` starts in the record)."""
    return [
        Word(m.surface(), m.dictionary_form(), tuple(m.part_of_speech()), offset + m.begin(), offset + m.end())
        for m in _tokenizer().tokenize(text)
    ]


# ---------------------------------------------------------------------------------------------------------
# Metadata
# ---------------------------------------------------------------------------------------------------------

_ERA = r"(?P<era>明治|大正|昭和|平成|令和)(?P<eyear>元|\d{1,2})"
_FULL_DATE = re.compile(rf"(?:{_ERA}|(?P<year>(?:19|20)\d\d))年(?P<month>\d{{1,2}})月(?P<day>\d{{1,2}})日")
_TIME = re.compile(r"(?P<half>午前|午後)?(?P<h>\d{1,2})時(?:(?P<m>\d{1,2})分|(?P<half_hour>半))?")
# Titles, longest first; the officials' own (Japan's) and those only one other government uses.
JA_TITLES = (
    "内閣総理大臣",
    "総理大臣",
    "国務院総理",
    "国家主席",
    "第一外務次官",
    "外務副大臣",
    "外務大臣",
    "外交部長官",
    "外交部長",
    "国務長官",
    "外務長官",
    "外務次官",
    "首脳特別代表",
    "副大統領",
    "大統領",
    "総理",
    "首相",
    "外相",
    "大臣",
    "国王",
)
_OWN_TITLES = {"内閣総理大臣", "総理大臣", "総理", "外務大臣", "大臣", "外務副大臣", "外務次官"}
_TITLE_PARTY = {"国務院総理": "CHN", "国家主席": "CHN", "外交部長": "CHN", "外交部長官": "KOR", "国務長官": "USA"}
_PRINCIPAL = {"内閣総理大臣", "総理大臣", "総理", "首相", "大統領", "国家主席", "国務院総理", "外務大臣", "外相"}
_PRINCIPAL |= {"外交部長官", "外交部長", "国務長官", "外務長官", "国王", "大臣"}


@functools.cache
def _official() -> re.Pattern[str]:
    """ "安倍晋三内閣総理大臣", "ボリス・ジョンソン英国首相", "趙兌烈(チョ・テヨル)韓国外交部長官": a name, a reading,
    the country whose official it is (any of the gazetteer's Japanese names) and a title."""
    countries = gazetteer.ja_names_pattern()
    return re.compile(
        r"(?P<name>(?:[ァ-ヴー]+・)*[ァ-ヴー]{2,}|[\u4e00-\u9fff々]{1,5}?)"
        rf"(?:[(（][^)）]{{1,20}}[)）])?・?(?P<qual>(?:{countries})?)(?P<title>"
        + "|".join(JA_TITLES)
        + r")(?![\u4e00-\u9fff])"
    )


_KINDS = (
    ("電話会談", "telephone"),
    ("外相会談", "foreign ministers"),
    ("外務大臣会談", "foreign ministers"),
    ("首脳会談", "summit"),
)


def _title(head: str) -> str:
    for line in head.split("\n"):
        line = re.sub(r"[(（][^)）]*[)）]\s*$", "", line.strip())
        meeting = 2 <= len(line) <= 60 and "。" not in line and re.search(r"会談|会議|サミット|会合", line)
        if meeting and not re.search(r"握手|写真|笑顔|撮影", line):  # a photo caption names the meeting too
            return line
    return ""


def _split_head(text: str) -> tuple[str, int]:
    """The lines above the first sentence (title, country, date, photo captions), and where the body starts."""
    offset = 0
    for line in text.split("\n"):
        if "。" in line:
            return text[:offset], offset
        offset += len(line) + 1
    return text, 0


def parse_japanese(text: str, default_zone: str, home_party: str = "") -> Record:
    """Read a Japanese record into the same Record the English reader makes (language "ja")."""
    record = Record(text=text, language="ja")
    head, body_start = _split_head(text)
    record.title = _title(head)
    intro_end = text.find("。", body_start)
    intro = text[body_start : intro_end + 1 if intro_end >= 0 else len(text)]
    dated = _FULL_DATE.search(text[:3000])
    if dated:
        year = era_year(dated["era"], dated["eyear"]) if dated["era"] else int(dated["year"])
        try:
            record.meeting_date = date(year, int(dated["month"]), int(dated["day"]))
        except ValueError:
            record.meeting_date = None
    # "11月10日,ダナン…", "28日(土曜日),…", "本13日,…": the meeting's own day, in the header's year.
    on_day = re.match(r"\s*(?:現地時間)?(?:本)?(?:(?P<month>\d{1,2})月)?(?P<day>\d{1,2})日", intro)
    if on_day and record.meeting_date:
        month = int(on_day["month"]) if on_day["month"] else record.meeting_date.month
        with contextlib.suppress(ValueError):
            record.meeting_date = date(record.meeting_date.year, month, int(on_day["day"]))
    clock = _TIME.search(intro)
    if clock and int(clock["h"]) < 24:
        hour = int(clock["h"]) + (12 if clock["half"] == "午後" and int(clock["h"]) < 12 else 0)
        record.local_time = time(hour, 30 if clock["half_hour"] else int(clock["m"] or 0))
    else:
        record.notes.append(gettext("The record gives no start time; the meeting is set at midnight local time."))
    # Where: "フィリピン・マニラを訪問中", "クアラルンプールにおいて", "ダナンAPEC首脳会談の際に", "英国を訪問中".
    place = re.search(
        r"(?:(?P<country>[ァ-ヴー\u4e00-\u9fff]{2,10})・)?(?P<city>[ァ-ヴー]{2,12})(?:を訪問中|において|で開催)",
        intro,
    ) or re.search(r"(?P<city>[ァ-ヴー]{2,12})(?:[A-Z0-9]+)?[^、,。]{0,12}?(?:の機会に|の際に)", intro)
    if place:
        record.city = place["city"]
        country = place.groupdict().get("country")
        codes = [m.code for m in gazetteer.ja_party_mentions(country or "")] or [
            m.code for m in gazetteer.ja_party_mentions(record.city)
        ]
        if codes:
            record.country = gazetteer.party_name(codes[0])
            record.time_zone = gazetteer.country_zone(codes[0])
        if codes and codes[0] != "JPN" and record.city == country:
            record.city = ""
    visiting = re.search(r"(?P<country>[ァ-ヴー\u4e00-\u9fff]{2,10})を訪問中", intro)
    if not record.time_zone and visiting:
        codes = [m.code for m in gazetteer.ja_party_mentions(visiting["country"])]
        if codes:
            record.country, record.time_zone = gazetteer.party_name(codes[0]), gazetteer.country_zone(codes[0])
    record.home = "JPN" if re.search(r"外務省|日本|総理|外務大臣", text[:3000]) else home_party
    if not record.time_zone:
        home_zone = gazetteer.country_zone(record.home) if record.home else ""
        record.time_zone = home_zone or default_zone
        record.notes.append(
            gettext("The record names no place with a known time zone; its times are read in %(zone)s.")
            % {"zone": record.time_zone}
        )
    occasion = re.search(r"(?P<occasion>[^、,。\s]{2,30}?)(?:の機会に|の際に|に出席するため|への出席のために)", intro)
    if occasion:
        record.occasion = occasion["occasion"].lstrip("0123456789月日,、 ")
    minutes = re.search(r"約(?:(?P<h>\d)時間)?(?:(?P<m>\d{1,3})分)?間?", intro)
    if minutes and (minutes["h"] or minutes["m"]):
        record.duration_minutes = int(minutes["h"] or 0) * 60 + int(minutes["m"] or 0)
    named = [m.code for m in gazetteer.ja_party_mentions(record.title + "\n" + head + "\n" + intro)]
    _participants(record, text[:4000], named)
    principals = [p.party for p in record.participants if p.capacity == "principal"]
    title_parties = [m.code for m in gazetteer.ja_party_mentions(record.title)]
    ordered = [*([record.home] if record.home else []), *title_parties, *principals, *named]
    record.parties = list(dict.fromkeys(ordered))[:4]
    # "日本時間午後7時50分" alone, for a meeting abroad: the time is on Japan's clock, read on the place's.
    if dated and record.local_time and record.meeting_date and record.time_zone != "Asia/Tokyo":
        stated_on_japan_clock = re.search(r"^[^(（]*日本時間", intro[: clock.start()] if clock else "")
        if stated_on_japan_clock:
            at = datetime.combine(record.meeting_date, record.local_time, zoneinfo.ZoneInfo("Asia/Tokyo"))
            record.local_time = at.astimezone(zoneinfo.ZoneInfo(record.time_zone)).time()
    _paragraphs(record)
    return record


def _participants(record: Record, text: str, named: list[str]) -> None:
    """Who took part, each with a party: the country written before the title ("ボリス・ジョンソン英国首相"),
    else a surname introduced before, else a title only one government uses, else Japan for the Ministry's
    own titles (総理, 外務大臣) and the other side for the rest (a 大統領 or 首相 in a Japanese record)."""
    others = [code for code in dict.fromkeys(named) if code != record.home]
    for found in _official().finditer(text):
        name, qualifier, title = found["name"], found["qual"], found["title"]
        if gazetteer.ja_party_mentions(name) or re.search(r"[両各同前元新]$|^[両各同前元新本]", name):
            continue
        qualified = [m.code for m in gazetteer.ja_party_mentions(qualifier)]
        party = (
            (qualified[0] if qualified else "")
            or ja_party_of(record, name)
            or _TITLE_PARTY.get(title, "")
            or (record.home if title in _OWN_TITLES else "")
            or (others[0] if others else "")
        )
        if party and not ja_party_of(record, name):
            capacity = "principal" if title in _PRINCIPAL else "delegation"
            record.participants.append(Participant(name, title, party, capacity))


def ja_party_of(record: Record, name: str) -> str:
    """The party of a participant a later sentence names by surname ("ジョンソン" for "ボリス・ジョンソン",
    "安倍" for "安倍晋三")."""
    for participant in record.participants:
        full = participant.name
        if name == full or full.split("・")[-1] == name or (len(name) >= 1 and full.startswith(name)):
            return participant.party
        if name.startswith(full):
            return participant.party
    return ""


_HEADING = re.compile(r"^\s*(?:(?P<n>\d{1,2})[ 　.．]|[(（](?P<sub>\d{1,2})[)）])")
_ITEM = re.compile(r"^\s*(?:[(（][ア-ン][)）]|[•・\-‐◦●▪]\s*|\d{1,2}\.\s*)")


def _paragraphs(record: Record) -> None:
    """Each line of the body a paragraph, referenced by the section (1, 2 …) and subsection ((1) …) it is in."""
    section = sub = ""
    offset = 0
    for raw in record.text.split("\n"):
        start = offset
        offset += len(raw) + 1
        line = raw.strip()
        if not line:
            continue
        heading = _HEADING.match(line)
        if heading and heading["n"]:
            section, sub = heading["n"], ""
        elif heading and heading["sub"]:
            sub = heading["sub"]
        ref = f"{section}.({sub})" if section and sub else f"({sub})" if sub else section
        lead = len(raw) - len(raw.lstrip())
        record.paragraphs.append(Paragraph(ref=ref, start=start + lead, end=start + len(raw)))


# ---------------------------------------------------------------------------------------------------------
# Commitments
# ---------------------------------------------------------------------------------------------------------

# The form must be the clause's predicate: "…ことで合意した航空機墓参" (a noun follows) is a past agreement named.
_PAST_OR_PRESENT = r"(?:(?:しました|した|し(?![たま])|します|する)(?![\u4e00-\u9fff])|。|$)"
# (pattern, modality, joint): the genre's forms of an undertaking, at the end of a clause. `joint` marks an
# agreement, which binds both sides unless a single side is its subject.
JA_TRIGGERS: list[tuple[str, str, bool]] = [
    (rf"(?:こと|の)(?:で|に)(?:意見が)?(?:一致|合意){_PAST_OR_PRESENT}", "agreed", True),
    (r"(?:こと|の)で意見の一致を見", "agreed", True),
    (rf"(?<!た)(?:こと|の)を(?:確認|決定|約束){_PAST_OR_PRESENT}", "agreed", True),
    (r"(?:こと|の)とな(?:りました|った|る|り)|こととし(?:ました|た)|こととする", "agreed", True),
    (rf"との(?:認識|考え)を共有{_PAST_OR_PRESENT}|との認識で一致", "agreed", True),
    (rf"(?P<noun>[\u4e00-\u9fff]{{2,}})(?:を|について(?:も)?)(?:改めて)?確認{_PAST_OR_PRESENT}", "agreed", True),
    (rf"で合意{_PAST_OR_PRESENT}", "agreed", True),
    (r"招待(?:しました|した|し|する)|招待を(?:伝達|伝え|行)", "firm", False),
    (r"コミットメントを(?:有|表明)", "firm", False),
    (
        r"(?:する|いく|行う|たい)(?:考え|方針|意向|予定)(?:で(?:ある|あり|す)|は不変|を(?:表明|示|述べ))",
        "intends",
        False,
    ),
    (r"たい(?:旨|と|との|意向)|(?:よう|しよう)との(?:発言|提案|反応)", "hopes", False),
]
_COMPILED_TRIGGERS = [(re.compile(pattern), modality, joint) for pattern, modality, joint in JA_TRIGGERS]
# What is confirmed or agreed is a value or a view, not an action: 重要性, 必要, 懸念.
_VALUE = re.compile(
    r"(?:重要性?|必要(?:性)?|不可欠|意義|懸念|支持|立場|考え方)(?:で|が|を|に|について|との|である)?[^、,。]{0,8}$"
)
# Negated: "…しないことで一致", "合意に至らなかった", "…ことはない".
_NEGATED = re.compile(r"(?:ない|ず|ません|なかった)(?:こと|旨|と|との)[^、,。]{0,4}$|至らなかった|しなかった")
# An intention about the meeting itself: "本日は…議論したい旨述べた".
_AT_THE_MEETING = re.compile(r"本日|今回の会談|この会談|今次会談では|会談では")
# Clauses that report what was done at the meeting, or an opinion: they share no undertaking of the sentence.
_MEETING_ACTS = {
    "議論",
    "意見交換",
    "説明",
    "強調",
    "述べる",
    "表明",
    "言及",
    "踏まえる",
    "要請",
    "求める",
    "働きかける",
    "歓迎",
    "評価",
    "感謝",
    "伝達",
    "発言",
    "指摘",
    "期待",
    "確信",
    "思う",
    "考える",
    "共有",
    "受ける",
    "対する",
    "ある",
    "いる",
    "おる",
    "なる",
    "できる",
    "言う",
    "続く",
    "交わす",
    # "Xを始め", "Xを含め", "Xについて", "Xとして", "引き続き": ways of introducing a topic, not actions
    "始める",
    "含める",
    "つく",
    "引き続く",
    "とする",
}
_JOINT_SUBJECT = re.compile(r"両首脳|両外相|両大臣|両者|双方|両国|両政府|日[露米英中韓豪仏独伊印加越]{1,2}(?:間)?で")
_CONDITION = re.compile(r"[^、,。]{2,40}?(?:が許せば|場合には?|場合は|ならば|であれば|次第)")
_LEAD = re.compile(r"以下の(?:点|とおり)[^。]{0,6}(?:一致|確認|合意)")
_KIND_RULES = [
    ("invitation", r"招待"),
    ("visit", r"訪問|訪日|訪米|訪韓|訪中|訪露|訪英|訪豪|相互訪問"),
    ("negotiation", r"交渉"),
    ("agreement", r"署名|締結|合意文書"),
    ("meeting", r"開催|会談|会合|協議|対話|意思疎通|議論して"),
]  # the model's kinds: anything else (連携, 協力) is a statement of intent, as in English


def _trigger(clause: str) -> tuple[re.Match[str], str, bool] | None:
    """The last undertaking form in `clause` (Japanese puts the predicate at the end), with its modality."""
    found = [(m, modality, joint) for pattern, modality, joint in _COMPILED_TRIGGERS for m in pattern.finditer(clause)]
    if not found:
        return None
    return max(found, key=lambda item: (item[0].end(), -item[0].start()))


def _clauses(source: str, begin: int, end: int) -> list[tuple[int, int]]:
    """A sentence's clauses: it divides at a comma after a verb's continuative form ("…開催し、"), a te-form,
    "上で", "ともに" or an enumerated "…こと、"; the analyser says which word stands before each comma."""
    cuts = [begin]
    tokens = words(source[begin:end], begin)
    for index, word in enumerate(tokens[1:], start=1):
        if word.surface not in ("、", ",", "，"):
            continue
        before = tokens[index - 1]
        pos = before.pos
        form = pos[5] if len(pos) > 5 else ""
        cut = (
            (pos[0] in ("動詞", "助動詞") and before.base != "ず" and not form.startswith("連体"))
            or (pos[0] == "形容詞" and not form.startswith("連体"))
            or (
                before.surface in ("て", "で", "上で", "ともに", "こと", "し")
                and (before.surface != "で" or pos[0] != "助詞" or tokens[index - 2].pos[0] in ("動詞", "助動詞"))
            )
        )
        if before.surface == "こと" or (before.surface == "で" and tokens[index - 2].surface == "上"):
            cut = True
        if cut:
            cuts.append(word.end)
    cuts.append(end)
    return [(a, b) for a, b in itertools.pairwise(cuts) if source[a:b].strip(" 、,。")]


def _shares_undertaking(source: str, begin: int, end: int) -> bool:
    """Whether a clause with no form of its own shares the sentence's ("…作業部会を年内に開催し、…ことで一致"):
    it ends in an action verb, not in what was done at the meeting, an opinion or a speaker's words."""
    text = source[begin:end]
    if re.search(r"(?:から|より)[、,]|旨|[^、,。]{0,20}を受けて|歓迎|感謝|評価|期待", text):
        return False
    tokens = [w for w in words(text, begin) if w.pos[0] not in ("補助記号", "空白")]
    if not tokens:
        return False
    if tokens[-1].surface == "こと":
        return True
    verbs = [w for w in tokens if w.pos[0] in ("動詞", "名詞")]
    last = tokens[-1]
    if last.pos[0] not in ("動詞", "助動詞") and last.surface not in ("て", "つつ"):
        return False
    if last.base == "だ" or re.search(r"として$|について$|(?:を始め|を含め)$", text.rstrip(" 、,")) or len(text) < 8:
        return False  # "…形で", "…として", "…を始め": a manner or a topic, not an action
    # The action: the last verb, or the サ変 noun before する ("開催し" is 開催).
    core = [w for w in verbs if w.base not in ("する", "させる", "いく", "行う")]
    action = core[-1].base if core else ""
    # Compound acts the analyser splits ("意見交換" is 意見 + 交換) are looked for in the words themselves.
    acts = (act for act in _MEETING_ACTS if len(act) > 1 and not re.search(r"[ぁ-ん]", act))
    if any(act in text for act in acts):
        return False
    return bool(action) and action not in _MEETING_ACTS and not _VALUE.search(text)


def _item_is_an_undertaking(text: str) -> bool:
    """A listed point (under 「以下の点で一致」) is an undertaking when it ends in こと or an action noun."""
    body = text.rstrip(" 。")
    if _VALUE.search(body[-20:]) or not body:
        return False
    tokens = [w for w in words(body) if w.pos[0] not in ("補助記号", "空白")]
    return bool(tokens) and (tokens[-1].surface == "こと" or "サ変可能" in tokens[-1].pos)


def _who(record: Record, region: str, joint: bool, speaker: str) -> tuple[list[str], str]:
    both = list(record.parties[:2])
    if _JOINT_SUBJECT.search(region):
        return both, ""
    subject = None
    for found in re.finditer(r"(?P<who>[^、,。\s]{1,30}?)は[、,]?", region):
        mentions = gazetteer.ja_party_mentions(found["who"])
        if mentions and mentions[-1].end == len(found["who"]):
            subject = ([mentions[-1].code], "")
    if subject and not joint:
        return subject
    if joint:
        return both, ""
    if speaker:
        official = _official().search(speaker)
        party = ja_party_of(record, official["name"]) if official else ""
        if not party and official:
            party = _TITLE_PARTY.get(official["title"], "") or (
                record.home if official["title"] in _OWN_TITLES else next(iter(record.parties[1:2]), "")
            )
        if party:
            return [party], speaker
    return ([record.home], "") if record.home else ([], "")


def _speaker_in(text: str) -> str:
    """The official a passage gives the floor to last: "安倍総理から、", "ターンブル首相より", "安倍総理は、"."""
    last = ""
    for found in _official().finditer(text):
        after = text[found.end() : found.end() + 3]
        if re.match(r"(?:から|より|は)", after):
            last = found.group(0)
    return last


def _kind(quote: str) -> str:
    return next((kind for kind, pattern in _KIND_RULES if re.search(pattern, quote)), "intent")


def _trimmed(source: str, begin: int, end: int) -> tuple[int, int]:
    """A clause without its leading connective, section marker and speaker ("また、安倍総理から、"), and its
    closing punctuation."""
    text = source[begin:end]
    lead = re.match(
        r"[\s　]*(?:[(（][^)）]{1,3}[)）]|[•・\-‐◦●▪]|\d{1,2}(?:\.|\s))?[\s　]*"
        r"(?:(?:また|さらに|更に|そして|その上で|これに対し|冒頭)[、,]?)?",
        text,
    )
    skip = lead.end() if lead else 0
    stripped = text.rstrip(" 、,。\n")
    return begin + skip, begin + max(skip, len(stripped))


def extract_japanese(record: Record) -> list[Draft]:
    """Draft commitments from a Japanese record."""
    drafts: list[Draft] = []
    source = record.text
    meeting = record.meeting_date
    listing = False  # the items under 「以下の点で一致」 are each agreed by both
    for index, paragraph in enumerate(record.paragraphs):
        text = paragraph.text(source)
        if listing and _ITEM.match(text):
            for s_begin, s_end in _sentences(source, paragraph.start, paragraph.end):
                if _item_is_an_undertaking(source[s_begin:s_end]):
                    begin, end = _trimmed(source, s_begin, s_end)
                    drafts.append(_draft(record, paragraph, index, begin, end, "agreed", list(record.parties[:2]), ""))
            continue
        listing = bool(_LEAD.search(text))
        speaker = ""
        for s_begin, s_end in _sentences(source, paragraph.start, paragraph.end):
            sentence = source[s_begin:s_end]
            clauses = _clauses(source, s_begin, s_end)
            found = [_trigger(source[a:b]) for a, b in clauses]
            for position, ((c_begin, c_end), trigger) in enumerate(zip(clauses, found, strict=True)):
                clause = source[c_begin:c_end]
                before = source[s_begin:c_begin]
                speaker = _speaker_in(before + clause) or speaker
                if trigger is None:
                    later = next((f for f in found[position + 1 :] if f is not None), None)
                    if later is None or not _shares_undertaking(source, c_begin, c_end):
                        continue
                    match, modality, joint = later
                    if not _acceptable(later[0].string, later[0]):
                        continue
                else:
                    match, modality, joint = trigger
                    if not _acceptable(clause, match):
                        continue
                if modality == "hopes" and _AT_THE_MEETING.search(clause):
                    continue
                made_by, who = _who(record, before + clause if trigger else sentence, joint, speaker)
                if not made_by:
                    continue
                begin, end = _trimmed(source, c_begin, c_end)
                drafts.append(_draft(record, paragraph, index, begin, end, modality, made_by, who))
    if meeting is not None:
        for draft in drafts:
            draft.window = deadline_find(draft.quote, meeting)
    return drafts


def _acceptable(clause: str, match: re.Match[str]) -> bool:
    """Whether a clause's form states an undertaking: not negated, not about a value or a view, not a
    reaffirmed stance ("韓国の支持を改めて確認"), not a past act ("得られたことを確認")."""
    before = clause[: match.start()]
    if _NEGATED.search(before + match.group(0)[:4]) or _VALUE.search(before):
        return False
    noun = match.groupdict().get("noun")
    if noun is not None:
        tokens = words(noun)
        if not tokens or "サ変可能" not in tokens[-1].pos or "改めて" in match.group(0) or _VALUE.search(noun):
            return False
    # "結果が得られたことを確認": a past tense before こと is something done, not undertaken.
    return not (re.search(r"(?:た|だ)$", before) and match.group(0).startswith(("こと", "の")))


def _sentences(source: str, begin: int, end: int) -> list[tuple[int, int]]:
    spans = []
    start = begin
    for found in re.finditer(r"。", source[begin:end]):
        spans.append((start, begin + found.end()))
        start = begin + found.end()
    if source[start:end].strip():
        spans.append((start, end))
    return spans


def _draft(
    record: Record,
    paragraph: Paragraph,
    index: int,
    begin: int,
    end: int,
    modality: str,
    made_by: list[str],
    speaker: str,
) -> Draft:
    quote = record.text[begin:end]
    others = [code for code in record.parties[:2] if code not in made_by]
    condition = _CONDITION.search(quote)
    who = speaker or "・".join(gazetteer.party_name(code) for code in made_by)
    title = f"{who}: {quote}"
    return Draft(
        quote=quote,
        start=begin,
        end=end,
        source_ref=paragraph.ref,
        made_by=made_by,
        speaker=speaker,
        counterparty=others[0] if len(made_by) == 1 and len(others) == 1 else "",
        kind=_kind(quote),
        modality=modality,
        window=None,
        condition=condition.group(0).lstrip("、, ") if condition else "",
        level="次官級" if "次官級" in quote else "",
        title=title[:157] + "…" if len(title) > 160 else title,
        paragraph=index,
    )


def summit_kind_ja(title: str, text: str) -> str:
    """The meeting's kind from a Japanese title or opening ("日米首脳電話会談" is a telephone talk)."""
    for where in (title, text[:800]):
        for word, kind in _KINDS:
            if word in where:
                return kind
    return ""
