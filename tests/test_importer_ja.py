"""Reading Japanese records: dates in 和暦 and 西暦, times, places, participants, parties, the genre's forms
of undertaking and what is not one, who is bound, conditions and deadlines, and an import through the service.

Excerpts are quoted from records published by 外務省 (Ministry of Foreign Affairs of Japan):
- 日露首脳会談, 10 Nov 2017, https://www.mofa.go.jp/mofaj/erp/rss/hoppo/page4_003435.html
- 日米首脳電話会談, 2 Feb 2018, https://www.mofa.go.jp/mofaj/na/na1/us/page4_003716.html
- 日・インドネシア首脳会談, 22 Nov 2015, https://www.mofa.go.jp/mofaj/s_sa/sea2/id/page3_001481.html
- 日英首脳会談, 11 Jun 2021, https://www.mofa.go.jp/mofaj/erp/we/gb/page1_000982.html
Sentences marked "written for the tests" are not from any record.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from commitments.deadlines import deadline_find, era_year
from commitments.importer.extract import Draft
from commitments.importer.japanese import language_of
from commitments.importer.reading import drafts_extract, record_parse
from commitments.importer.record import Record
from commitments.importer.service import record_import
from commitments.models import Commitment, Desk
from summits.models import Party, Summit

NOW = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)
MEETING = date(2017, 11, 10)

# 日露首脳会談 (MOFA, 2017), the opening and the first section.
RUSSIA_2017 = """ロシア連邦
日露首脳会談
平成29年11月10日


11月10日,ダナンAPEC首脳会談の際に,安倍総理とプーチン大統領との間の20回目となる日露首脳会談を約65分間実施しました(全体会合約50分,テタテ約15分)。
1 北方領土問題
両首脳は,北方四島における共同経済活動について,第2回現地調査で有意義な結果が得られたことを歓迎しました。双方の法的立場を害さない形で,来春に向けてプロジェクトを具体化するための検討を加速させ,プロジェクトの内容に関する作業部会及び人の移動に関する作業部会を年内に開催し,次官級協議を年明け早々にも開催することで一致しました。
テタテ会談では,平和条約締結問題について相当突っ込んだやりとりが行われました。
2 北朝鮮問題
安倍総理から,日露共通の目標である北朝鮮の非核化のためには,安保理決議の完全な履行が不可欠であることを強調し,ロシアが更に大きな役割を果たすよう働きかけました。その上で,今後も緊密に連携していくことを確認しました。
"""
# 日米首脳電話会談 (MOFA, 2018), the opening and its fourth paragraph.
USA_2018 = """アメリカ合衆国
日米首脳電話会談
平成30年2月2日
2月2日,安倍晋三内閣総理大臣は,午後10時過ぎから約1時間,ドナルド・トランプ米国大統領と電話会談を行ったところ,概要は以下のとおりです。
4 また,安倍総理から,諸般の事情が許せば,平昌オリンピックの開会式に出席したいと考えている旨を述べるとともに,\
慰安婦問題に関する我が国の考え方を説明しました。
"""
# 日・インドネシア首脳会談 (MOFA, 2015), the opening and two sentences of its first section.
INDONESIA_2015 = """インドネシア共和国
日・インドネシア首脳会談
平成27年11月22日


11月22日午前10時10分頃(現地時間)から約30分間、安倍晋三内閣総理大臣は、ASEAN関連首脳会議出席のために訪問中のマレーシア・クアラルンプールにおいて、ジョコ・ウィドド・インドネシア共和国大統領との間で会談を行ったところ、概要は以下のとおり。
1 冒頭
冒頭ジョコ大統領から、インドネシアは日本との協力を強化していく強いコミットメントを有していると述べた。
2 二国間関係
安倍総理は、また、外務・防衛閣僚協議を来月開催し、安保分野の協力を強化したい旨述べた。
"""


def _record(text: str) -> Record:
    return record_parse(text, "UTC", "JPN")


def _drafts(text: str) -> list[Draft]:
    return drafts_extract(_record(text))


def _with(body: str, day: str = "平成29年11月10日") -> str:
    """A record written for the tests: the Ministry's heading for a Japan–Russia summit, then `body`."""
    return (
        f"ロシア連邦\n日露首脳会談\n{day}\n\n安倍総理とプーチン大統領は首脳会談を行いました。\n1 二国間関係\n{body}\n"
    )


def _quotes(text: str) -> list[str]:
    return [draft.quote for draft in _drafts(text)]


# --- language and metadata -------------------------------------------------------------------------------


def test_a_japanese_record_is_told_from_an_english_one_by_its_script() -> None:
    assert language_of(RUSSIA_2017) == "ja"
    assert language_of("On 10 November the two leaders agreed to hold consultations (次官級協議).") == "en"
    assert _record(RUSSIA_2017).language == "ja"


@pytest.mark.parametrize(
    ("era", "number", "year"),
    [("平成", "12", 2000), ("平成", "元", 1989), ("令和", "元", 2019), ("令和", "6", 2024), ("昭和", "64", 1989)],
)
def test_a_japanese_era_year_is_its_gregorian_year(era: str, number: str, year: int) -> None:
    assert era_year(era, number) == year


@pytest.mark.parametrize(
    ("heading", "meeting"),
    [
        ("平成12年11月15日", date(2000, 11, 15)),
        ("令和6年11月14日", date(2024, 11, 14)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("2017年11月10日", date(2017, 11, 10)),
    ],
)
def test_the_meeting_date_is_read_in_either_calendar(heading: str, meeting: date) -> None:
    assert _record(_with("両首脳は,協議を継続していくことを確認しました。", heading)).meeting_date == meeting


def test_the_body_gives_the_meeting_day_in_the_headings_year() -> None:
    # written for the tests
    text = "日米首脳電話会談\n平成29年1月30日\n28日(土曜日),安倍総理はトランプ大統領と電話会談を行いました。\n"
    assert _record(text).meeting_date == date(2017, 1, 28)


def test_metadata_of_a_summit_abroad() -> None:
    record = _record(INDONESIA_2015)
    assert record.title == "日・インドネシア首脳会談"
    assert record.meeting_date == date(2015, 11, 22)
    assert record.local_time == time(10, 10)
    assert record.city == "クアラルンプール"
    assert record.time_zone == "Asia/Kuala_Lumpur"
    assert record.parties[:2] == ["JPN", "IDN"]
    people = {(p.name, p.title, p.party, p.capacity) for p in record.participants}
    assert ("安倍晋三", "内閣総理大臣", "JPN", "principal") in people
    assert ("ジョコ・ウィドド", "大統領", "IDN", "principal") in people


def test_an_afternoon_time_and_a_foreign_title_without_a_country() -> None:
    record = _record(USA_2018)
    assert record.local_time == time(22, 0)
    assert record.parties[:2] == ["JPN", "USA"]
    assert ("ドナルド・トランプ", "USA") in {(p.name, p.party) for p in record.participants}


def test_the_parties_of_a_compound_title() -> None:
    assert _record(RUSSIA_2017).parties[:2] == ["JPN", "RUS"]


@pytest.mark.django_db
def test_the_kind_of_meeting_from_a_japanese_title() -> None:
    from commitments.importer.service import _summit_kind

    assert _summit_kind(_record(USA_2018)) == Summit.Kind.TELEPHONE
    assert _summit_kind(_record(RUSSIA_2017)) == Summit.Kind.SUMMIT


# --- commitments ------------------------------------------------------------------------------------------


def test_one_sentence_of_agreement_is_each_undertaking_it_lists() -> None:
    drafts = _drafts(RUSSIA_2017)
    quotes = [d.quote for d in drafts]
    assert any(q.endswith("来春に向けてプロジェクトを具体化するための検討を加速させ") for q in quotes), quotes
    assert "プロジェクトの内容に関する作業部会及び人の移動に関する作業部会を年内に開催し" in quotes
    assert "次官級協議を年明け早々にも開催することで一致しました" in quotes
    assert all(d.made_by == ["JPN", "RUS"] for d in drafts)


def test_welcomes_requests_and_what_happened_at_the_meeting_are_not_commitments() -> None:
    quotes = " ".join(_quotes(RUSSIA_2017))
    assert "歓迎" not in quotes
    assert "働きかけ" not in quotes
    assert "やりとり" not in quotes
    assert "今後も緊密に連携していくことを確認しました" in quotes


@pytest.mark.parametrize(
    ("sentence", "modality"),
    [
        ("両首脳は,協議を継続していくことで一致しました。", "agreed"),
        ("両首脳は,経済分野での協力強化で合意しました。", "agreed"),
        ("両首脳は,今後も緊密に連携していくことを確認しました。", "agreed"),
        ("両首脳は,経済分野での連携を確認しました。", "agreed"),
        ("両首脳は,今後も意思疎通を続けていくこととしました。", "agreed"),
        ("両首脳は,次官級で協議することとなりました。", "agreed"),
        ("両首脳は,今後とも経済分野について議論していくとの認識を共有しました。", "agreed"),
        ("安倍総理から,プーチン大統領の訪日を招待しました。", "firm"),
        ("安倍総理から,インフラ整備に協力する考えである旨述べました。", "intends"),
        ("安倍総理から,安保分野の協力を強化したい旨述べました。", "hopes"),
    ],
)
def test_each_form_of_undertaking(sentence: str, modality: str) -> None:  # written for the tests
    drafts = _drafts(_with(sentence))
    assert [d.modality for d in drafts] == [modality], [d.quote for d in drafts]


@pytest.mark.parametrize(
    "sentence",
    [
        "両首脳は,経済協力を拡大しないことで一致しました。",  # negated
        "両首脳は,日露関係の重要性を確認しました。",  # a value, not an action
        "両首脳は,関係改善が必要との認識で一致しました。",  # a view
        "両首脳は,第2回現地調査が実施されたことを歓迎しました。",  # a welcome of what was done
        "安倍総理から,本日は協力について議論したい旨述べました。",  # the meeting itself
        "両首脳は,1月の会談で夏に実施することで合意した墓参について議論しました。",  # an agreement named
        "プーチン大統領から,韓国の支持を改めて確認しました。",  # a stance restated
    ],
)
def test_what_is_not_an_undertaking(sentence: str) -> None:  # written for the tests
    assert _quotes(_with(sentence)) == []


def test_the_speaker_binds_their_own_side() -> None:
    drafts = _drafts(INDONESIA_2015)
    by_quote = {d.quote: d for d in drafts}
    indonesia = next(d for q, d in by_quote.items() if "コミットメント" in q)
    assert indonesia.made_by == ["IDN"]
    assert indonesia.counterparty == "JPN"
    wish = next(d for q, d in by_quote.items() if "強化したい" in q)
    assert wish.made_by == ["JPN"]
    assert wish.modality == "hopes"
    meeting = next(d for q, d in by_quote.items() if "来月開催し" in q)
    assert meeting.made_by == ["JPN"]
    assert meeting.window is not None
    assert meeting.window.due_by == date(2015, 12, 31)


def test_a_foreign_leader_speaking_binds_their_state() -> None:  # written for the tests
    drafts = _drafts(_with("プーチン大統領から,来年前半に訪日したい旨述べました。"))
    assert [(d.made_by, d.counterparty) for d in drafts] == [(["RUS"], "JPN")]


def test_a_condition_is_kept_with_the_undertaking() -> None:
    drafts = _drafts(USA_2018)
    assert len(drafts) == 1
    draft = drafts[0]
    assert draft.made_by == ["JPN"]
    assert draft.modality == "hopes"
    assert draft.condition == "諸般の事情が許せば"
    assert draft.window is not None
    assert draft.window.due_by == date(2018, 2, 9)


def test_a_case_condition() -> None:  # written for the tests
    drafts = _drafts(_with("両首脳は,合意が得られた場合には,来年に署名することで一致しました。"))
    assert drafts[0].condition.endswith("場合には")


# --- deadlines, through the one rule table ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "due_by"),
    [
        ("年内に開催", date(2017, 12, 31)),
        ("本年中に開催", date(2017, 12, 31)),
        ("来年に開催", date(2018, 12, 31)),
        ("来年前半に開催", date(2018, 6, 30)),
        ("年度内に開催", date(2018, 3, 31)),
        ("12月上旬に開催", date(2017, 12, 10)),
        ("12月中旬に開催", date(2017, 12, 20)),
        ("12月下旬に開催", date(2017, 12, 31)),
        ("来春に開催", date(2018, 5, 31)),
        ("夏に開催", date(2018, 8, 31)),
        ("秋に開催", date(2017, 11, 30)),  # the autumn under way at a meeting on 10 November
        ("来月開催", date(2017, 12, 31)),
        ("年明け早々に開催", date(2018, 1, 31)),
        ("4月2日に開催", date(2018, 4, 2)),
        ("2018年5月31日までに開催", date(2018, 5, 31)),
        ("令和2年3月31日までに開催", date(2020, 3, 31)),
        # A year in 和暦 before 末 or a half: its own year, not the meeting's (review found these read as 2017).
        ("令和7年末までに開催", date(2025, 12, 31)),
        ("令和7年前半に開催", date(2025, 6, 30)),
        ("2019年末までに開催", date(2019, 12, 31)),
        ("平昌オリンピックの開会式の機会に開催", date(2018, 2, 9)),
    ],
)
def test_each_japanese_deadline_form(phrase: str, due_by: date) -> None:
    window = deadline_find(phrase, MEETING)
    assert window is not None
    assert window.due_by == due_by, window


@pytest.mark.parametrize("phrase", ["早期に開催", "できる限り早期に訪日", "来年以降も継続", "今後も連携"])
def test_undated_japanese_phrases_get_no_date(phrase: str) -> None:
    window = deadline_find(phrase, MEETING)
    assert window is not None
    assert window.due_by is None
    assert window.urgent == ("早期" in phrase)


def test_a_name_is_not_a_season() -> None:
    assert deadline_find("秋葉外務次官と協議する", MEETING) is None


# --- through the service ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_importing_a_japanese_record_creates_the_meeting_and_its_drafts() -> None:
    desk = Desk.objects.create(name="Russian Federation Division", time_zone="Asia/Tokyo")
    desk.parties.add(Party.objects.create(code="RUS", name="Russian Federation"))
    result = record_import(raw=RUSSIA_2017.encode(), by=None, now=NOW)
    assert result.language == "ja"
    assert result.as_json()["language"] == "ja"
    summit = result.summit
    assert summit.title == "日露首脳会談"
    assert summit.kind == Summit.Kind.SUMMIT
    assert {p.code for p in summit.parties.all()} == {"JPN", "RUS"}
    assert summit.starts_at.date() == date(2017, 11, 10)
    drafts = Commitment.objects.filter(summit=summit)
    assert drafts.count() == len(result.drafts) == 4
    assert drafts.filter(due_by=date(2017, 12, 31), due_rule="within_the_year").exists()
    assert drafts.first() is not None
    assert drafts.first().desk == desk
    assert all(text in RUSSIA_2017 for text in drafts.values_list("quote", flat=True))
