"""Both languages of one meeting: the record in a second language is attached to the meeting, and each
commitment's quote is aligned with its span in the other record (issue 19)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from commitments.importer.align import Point, pair_score, points_align
from commitments.importer.evaluation import CorpusMissing, corpus_dir, record_body
from commitments.importer.extract import Draft
from commitments.importer.service import ImportRefused, ImportResult, _drafts_create, record_import, record_text
from commitments.models import Commitment, Desk
from summits.models import Party, Summit, SummitRecord

from .conftest import require
from .factories import SummitFactory, make_commitment
from .test_api import API, client_for

NOW = datetime(2017, 11, 20, 3, 0, tzinfo=UTC)  # ten days after the Da Nang meeting


def _corpus_body(name: str) -> str:
    try:
        directory = corpus_dir()
    except CorpusMissing as missing:
        require(False, str(missing))
        raise
    return record_body((Path(directory) / "ja" / name).read_text(encoding="utf-8"))


@pytest.fixture
def danang() -> tuple[str, str]:
    """The Japanese record of the Japan–Russia summit at Da Nang (10 Nov 2017) and its English page."""
    return (
        _corpus_body("J01_ru-summit-danang-20171110.txt"),
        _corpus_body("J01en_ru-summit-danang-20171110.txt"),
    )


@pytest.fixture
def desk(db: object) -> Desk:
    desk = Desk.objects.create(name="Russian Federation Division", time_zone="Asia/Tokyo")
    desk.parties.add(Party.objects.create(code="RUS", name="Russian Federation"))
    return desk


# --- the aligner alone (points written for the tests) ---------------------------------------------------


def test_the_same_deadline_and_parties_outweigh_a_different_kind() -> None:
    ja = Point("年内に作業部会を開催", 10, "ja", "meeting", ("JPN", "RUS"), date(2017, 12, 31))
    same = Point(
        "a working group will be held before the end of this year",
        50,
        "en",
        "intent",
        ("JPN", "RUS"),
        date(2017, 12, 31),
    )
    other = Point("they will continue to cooperate", 90, "en", "meeting", ("JPN", "RUS"), None)
    assert pair_score(ja, same) > pair_score(ja, other)


def test_alignment_keeps_the_order_and_leaves_extra_points_unaligned() -> None:
    japanese = [
        Point("来春に向けて検討を加速", 0, "ja", "intent", ("JPN", "RUS"), date(2018, 5, 31)),
        Point("年内に開催", 20, "ja", "meeting", ("JPN", "RUS"), date(2017, 12, 31)),
        Point("中国と連携していく", 40, "ja", "intent", ("JPN",), None),  # not on the English page
        Point("２０２０年に訪問", 60, "ja", "visit", ("JPN",), date(2020, 12, 31)),
    ]
    english = [
        Point("accelerate towards next spring", 0, "en", "intent", ("JPN", "RUS"), date(2018, 5, 31)),
        Point("will be held within the year", 30, "en", "intent", ("JPN", "RUS"), date(2017, 12, 31)),
        Point("will visit in 2020", 70, "en", "visit", ("JPN",), date(2020, 12, 31)),
    ]
    assert points_align(japanese, english) == {0: 0, 1: 1, 3: 2}


def test_nothing_alike_is_not_aligned() -> None:
    japanese = [Point("ロシアと協議する", 0, "ja", "meeting", ("JPN", "RUS"), date(2017, 12, 31))]
    english = [Point("the United States will visit China in 2030", 0, "en", "visit", ("USA",), date(2030, 12, 31))]
    assert points_align(japanese, english) == {}


# --- through the service ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_english_page_is_attached_to_the_japanese_meeting(desk: Desk, danang: tuple[str, str]) -> None:
    japanese, english = danang
    first = record_import(raw=japanese, by=None, now=NOW, source_url="https://www.mofa.go.jp/mofaj/x.html")
    second = record_import(raw=english, by=None, now=NOW, source_url="https://www.mofa.go.jp/x.html")
    assert second.attached
    assert not first.attached
    assert second.summit.pk == first.summit.pk
    assert Summit.objects.count() == 1
    summit = Summit.objects.get()
    assert summit.source_language == "ja"
    record = SummitRecord.objects.get(summit=summit)
    assert (record.language, record.url, record.text) == ("en", "https://www.mofa.go.jp/x.html", record_text(english))
    assert "Attached to" in second.notes[0]
    # Each of the five English points is aligned with a Japanese commitment, in the order of the text.
    aligned = [second.aligned_with.get(i) for i in range(len(second.drafts))]
    japanese_ids = [c.pk for _draft, c in first.drafts]
    assert aligned == japanese_ids[:5]
    year_end = Commitment.objects.get(pk=japanese_ids[1])
    assert "年内" in year_end.quote
    assert year_end.quote_other_language == "en"
    assert "before the end of this year" in year_end.quote_other
    assert record.text[year_end.quote_other_start :].startswith(year_end.quote_other)
    assert year_end.title_other
    assert year_end.title
    # One promise, not two: the aligned English drafts made no commitments of their own.
    assert Commitment.objects.filter(summit=summit).count() == len(first.drafts)


@pytest.mark.django_db
def test_the_japanese_record_is_attached_to_the_english_meeting_too(desk: Desk, danang: tuple[str, str]) -> None:
    japanese, english = danang
    first = record_import(raw=english, by=None, now=NOW)
    second = record_import(raw=japanese, by=None, now=NOW)
    assert second.attached
    assert second.summit.pk == first.summit.pk
    assert Summit.objects.get().source_language == "en"
    # The two Japanese points the English page lacks are new drafts of the same meeting, quoting the Japanese.
    unaligned = [c for i, (_d, c) in enumerate(second.drafts) if i not in second.aligned_with]
    assert len(unaligned) == 2
    assert all(c.summit_id == first.summit.pk for c in unaligned)
    assert all(c.quote in japanese for c in unaligned)
    assert sorted(second.aligned_with.values()) == sorted(c.pk for _d, c in first.drafts)


@pytest.mark.django_db
def test_an_attached_record_imported_again_is_refused(desk: Desk, danang: tuple[str, str]) -> None:
    japanese, english = danang
    record_import(raw=japanese, by=None, now=NOW)
    summit = record_import(raw=english, by=None, now=NOW).summit
    with pytest.raises(ImportRefused) as refused:
        record_import(raw=english, by=None, now=NOW)
    assert refused.value.existing == summit


@pytest.mark.django_db
def test_a_record_of_another_day_is_not_attached(desk: Desk, danang: tuple[str, str]) -> None:
    japanese, english = danang
    record_import(raw=japanese, by=None, now=NOW)
    other = record_import(raw=english, by=None, now=NOW, meeting_date=date(2017, 11, 11))
    assert not other.attached
    assert Summit.objects.count() == 2


@pytest.mark.django_db
def test_import_record_json_says_language_attachment_and_alignment(
    desk: Desk, danang: tuple[str, str], tmp_path: Path
) -> None:
    japanese, english = danang
    (tmp_path / "ja.txt").write_text(japanese, encoding="utf-8")
    (tmp_path / "en.txt").write_text(english, encoding="utf-8")
    out = StringIO()
    call_command("import_record", str(tmp_path / "ja.txt"), "--format", "json", stdout=out)
    first = json.loads(out.getvalue())
    assert first["language"] == "ja"
    assert first["summit"] == {"id": first["summit"]["id"], "attached": False}
    assert all(draft["aligned_with"] is None for draft in first["drafts"])
    out = StringIO()
    call_command("import_record", str(tmp_path / "en.txt"), "--format", "json", stdout=out)
    second = json.loads(out.getvalue())
    assert second["language"] == "en"
    assert second["summit"] == {"id": first["summit"]["id"], "attached": True}
    assert second["attached"] is True
    assert [d["aligned_with"] for d in second["drafts"]] == [d["id"] for d in first["drafts"][:5]]


@pytest.mark.django_db
def test_the_api_says_the_english_page_was_attached(officer: Any, rf_desk: Desk, danang: tuple[str, str]) -> None:
    japanese, english = danang
    client = client_for(officer)
    first = client.post(f"{API}/records/", {"text": japanese, "desk": rf_desk.pk}, format="json").json()
    assert (first["language"], first["attached"]) == ("ja", False)
    response = client.post(f"{API}/records/", {"text": english, "desk": rf_desk.pk}, format="json")
    assert response.status_code == 201, response.json()
    second = response.json()
    assert (second["language"], second["attached"], second["summit"]["id"]) == ("en", True, first["summit"]["id"])
    aligned = [d for d in second["drafts"] if d["aligned_with"] is not None]
    assert len(aligned) == 5
    assert all(d["quote_other_language"] == "en" and d["quote_other"] in english for d in aligned)
    assert all(d["aligned_with"] == d["id"] for d in aligned)  # kept on the Japanese commitment


def _draft(quote: str, *, prepares: list[int] | None = None, reciprocal: list[int] | None = None) -> Draft:
    return Draft(
        quote=quote, start=0, end=len(quote), source_ref="", made_by=["JPN"], speaker="", counterparty="",
        kind="visit", modality="firm", window=None, condition="", level="", title=quote[:40], paragraph=1,
        prepares=prepares or [], reciprocal=reciprocal or [],
    )  # fmt: skip


@pytest.mark.django_db
def test_drafts_from_an_attached_record_keep_their_links(desk: Desk) -> None:
    """A record in a second language may say more than the first: its new drafts keep the links the
    importer read between them (one visit prepares another, reciprocal pairs), and with the commitment
    an aligned draft stands for — as drafts of a first import do."""
    quotes = [
        "外務大臣が訪問する。",
        "総理大臣が訪問する。",
        "日本は代表団を派遣する。",
        "ロシアは代表団を受け入れる。",
    ]
    summit = SummitFactory(source_text="\n".join(quotes), source_language="ja")
    existing = make_commitment(desk=desk, summit=summit, title="Prime Minister's visit", quote=quotes[1])
    drafts = [
        _draft(quotes[0], prepares=[1]),  # a new draft preparing the aligned one
        _draft(quotes[1]),  # aligned with `existing`
        _draft(quotes[2], reciprocal=[3]),
        _draft(quotes[3], reciprocal=[2]),
    ]
    result = ImportResult(summit=summit)
    japan = Party.objects.get(code="JPN")
    _drafts_create(
        result, drafts, desk=desk, people={}, parties={"JPN": japan}, by=None, now=NOW, aligned={1: existing}
    )
    created = [commitment for _draft, commitment in result.drafts]
    assert created[1] == existing
    assert Commitment.objects.filter(summit=summit).count() == 4  # three new, one aligned
    assert list(existing.depends_on.all()) == [created[0]]
    assert list(created[2].reciprocal.all()) == [created[3]]
    assert list(created[3].reciprocal.all()) == [created[2]]
    assert all(c.status == "draft" for c in created if c != existing)
