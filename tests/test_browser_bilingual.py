"""Both languages of one meeting in the browser: the review screen shows both records with the aligned spans
marked in each, and a commitment's page shows its quote beside the other language's (issue 19)."""

from __future__ import annotations

from typing import Any

import pytest

from commitments.importer.service import record_import
from commitments.models import Commitment, Desk

from .browser import DESKTOP, PHONE, SHOTS, logged_in, scrolls_sideways, shot
from .test_bilingual import NOW, danang  # noqa: F401 - the fixture, shared

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def attached(staff: dict[str, Any], danang: tuple[str, str]) -> tuple[int, int]:  # noqa: F811
    """The Da Nang meeting imported in Japanese, then its English page attached: (summit id, the 年内 commitment)."""
    japanese, english = danang
    desk = Desk.objects.get()
    first = record_import(raw=japanese, by=None, now=NOW, desk=desk)
    record_import(raw=english, by=None, now=NOW, desk=desk)
    year_end = next(c for _d, c in first.drafts if "年内" in c.quote)
    return first.summit.pk, year_end.pk


@pytest.mark.parametrize(("viewport", "label"), [(DESKTOP, "1400"), (PHONE, "400")])
def test_the_review_screen_shows_both_records_marked(
    browser: Any, live_server: Any, attached: tuple[int, int], viewport: dict[str, int], label: str
) -> None:
    summit_id, year_end = attached
    page = logged_in(browser, live_server, "officer", viewport)
    page.goto(f"{live_server.url}/admin/summits/summit/{summit_id}/review/")
    assert page.locator("#source mark").count() == 7  # the Japanese record's seven drafts
    english = page.locator("#source-en")
    assert english.count() == 1
    assert english.locator("mark").count() == 5  # the five the English page states, aligned
    assert "年内" in page.locator(f"#source #q{year_end}").inner_text()
    assert "before the end of this year" in english.locator(f"#o{year_end}").inner_text()
    # The Japanese record comes first, then the English one.
    assert page.locator("#source").bounding_box()["y"] < english.bounding_box()["y"]
    assert not scrolls_sideways(page)
    shot(page, f"bilingual-review-{label}")
    page.locator(".pb-record-pair").screenshot(path=str(SHOTS / f"bilingual-review-english-{label}.png"))


@pytest.mark.parametrize(("viewport", "label"), [(DESKTOP, "1400"), (PHONE, "400")])
def test_the_commitment_page_shows_its_quote_in_both_languages(
    browser: Any, live_server: Any, attached: tuple[int, int], viewport: dict[str, int], label: str
) -> None:
    _summit_id, year_end = attached
    commitment = Commitment.objects.get(pk=year_end)
    page = logged_in(browser, live_server, "officer", viewport)
    page.goto(f"{live_server.url}/admin/commitments/commitment/{year_end}/change/")
    sides = page.locator("#pb-quote-pair .pb-quote-side")
    assert sides.count() == 2
    assert commitment.quote in sides.nth(0).inner_text()
    assert commitment.quote_other in sides.nth(1).inner_text()
    assert commitment.title_other in sides.nth(1).inner_text()
    assert sides.nth(0).get_attribute("lang") == "ja"
    assert sides.nth(1).get_attribute("lang") == "en"
    first, second = sides.nth(0).bounding_box(), sides.nth(1).bounding_box()
    if viewport is DESKTOP:
        assert first["y"] == second["y"]  # side by side
        assert first["x"] < second["x"]
    else:
        assert first["y"] < second["y"]  # one under the other on a phone
    assert not scrolls_sideways(page)
    shot(page, f"bilingual-commitment-{label}")
    page.locator("#pb-quote-pair").screenshot(path=str(SHOTS / f"bilingual-quote-pair-{label}.png"))
