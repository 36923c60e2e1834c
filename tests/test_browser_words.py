"""Plain words in a real Chromium (issue 17): the history page and the report, on a desktop and on a phone.

Screenshots go to $PLEDGEBOOK_SCREENSHOTS (default var/screenshots) so a reviewer can look at them.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from commitments import services
from commitments.models import Commitment

from .browser import DESKTOP, PHONE, logged_in, scrolls_sideways, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FM_VISIT = "Send the Minister for Foreign Affairs to Russia within the year"


def _summit_report(browser: Any, live_server: Any, viewport: dict[str, int]) -> tuple[Any, Any]:
    """The Brunei summit and its report, opened by a supervisor at its timeline."""
    summit = Commitment.objects.get(title=FM_VISIT).summit
    page = logged_in(browser, live_server, "supervisor", viewport)
    page.goto(f"{live_server.url}/admin/commitments/commitment/report/?summit={summit.pk}#summit")
    return summit, page


@pytest.mark.parametrize(("viewport", "name"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_the_history_page_speaks_words(
    browser: Any, live_server: Any, staff: dict[str, Any], viewport: dict[str, int], name: str
) -> None:
    fm = Commitment.objects.get(title=FM_VISIT)
    services.commitment_transition(
        commitment_id=fm.pk, to_status="in_progress", by=staff["officer"], now=timezone.now(), note="Dates proposed."
    )
    page = logged_in(browser, live_server, "officer", viewport)
    page.goto(f"{live_server.url}/admin/commitments/commitment/{fm.pk}/history/")
    headers = [h.strip().lower() for h in page.locator("#change-history thead th").all_inner_texts()]
    assert headers[1:4] == ["status", "deadline", "version"]
    assert {"changed by", "reason"} <= set(headers)
    rows = page.locator("#change-history tbody tr")
    newest, oldest = rows.first.inner_text(), rows.last.inner_text()
    assert "In progress" in newest
    assert "Not started → In progress: Dates proposed." in newest
    assert "officer" in newest
    assert "the system" in oldest
    assert "None" not in page.locator("#change-history").inner_text()
    assert "31 Dec 2000" in newest
    shot(page, f"history-{name}")
    assert not scrolls_sideways(page)
    # Nor does the table scroll inside its own box: on a phone each record is a card, when and what above
    # who, then the reason and the changes; on a desktop a row of the table.
    assert not page.evaluate("(box => box.scrollWidth > box.clientWidth + 1)(document.querySelector('.pb-scroll'))")
    newest_row = rows.first
    when, who, reason = (newest_row.locator(f".pb-h-{part}").bounding_box() for part in ("when", "who", "reason"))
    if viewport is PHONE:
        assert when["y"] + when["height"] <= who["y"] + 1
        assert who["y"] + who["height"] <= reason["y"] + 1
        assert reason["width"] > PHONE["width"] * 0.8  # the reason as wide as the card, wrapped within it
        assert page.locator("#change-history thead").bounding_box()["height"] <= 1
    else:
        assert when["y"] == who["y"] == reason["y"]


@pytest.mark.parametrize(("viewport", "name"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_the_report_reads_in_words_and_fits(
    browser: Any, live_server: Any, staff: dict[str, Any], viewport: dict[str, int], name: str
) -> None:
    summit, page = _summit_report(browser, live_server, viewport)
    by_party = page.locator(".pb-report").first.inner_text()
    assert "Not started:" in by_party
    assert "not_started" not in page.locator("#content").inner_text()
    # The timeline: drawn to the windows, the years since left out in a break, today after it.
    timeline = page.locator("#timeline svg")
    assert "years ⋯" in (timeline.locator(".pb-tl-break text").text_content() or "")
    assert timeline.locator(".pb-tl-today").count() == 1
    assert page.locator("#timeline-table tbody tr").count() == 14
    assert page.locator(f"#timeline-table a:text-is('{FM_VISIT}')").count() == 1
    # The chart and timeline fit the column: scaled down, never wider than the page.
    width = page.evaluate("document.querySelector('#content').clientWidth")
    for svg in page.locator("figure.pb-chart svg").all():
        assert svg.bounding_box()["width"] <= width
    assess = page.locator("a.button", has_text="Keep an assessment of this summit")
    assert (assess.get_attribute("href") or "").endswith(f"/report/assess/?summit={summit.pk}")
    shot(page, f"compliance-report-{name}")
    assert not scrolls_sideways(page)
    # The whole report, one link away. On a phone a summit's row is its title over a grid of its figures, four
    # to a line; on a desktop, a row.
    page.locator(".breadcrumbs a", has_text="Compliance report").click()
    page.wait_for_load_state()
    assert page.locator("#by-summit").count() == 1
    assert not scrolls_sideways(page)
    row = page.locator("#by-summit .pb-report tbody tr").first
    title, *figures = (cell.bounding_box() for cell in row.locator("td").all()[:5])
    if viewport is PHONE:
        assert all(figure["y"] >= title["y"] + title["height"] - 1 for figure in figures)
        assert len({round(figure["y"]) for figure in figures}) == 1
        assert row.bounding_box()["height"] < 200
    else:
        assert len({round(box["y"]) for box in (title, *figures)}) == 1


@pytest.mark.parametrize(("viewport", "name"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_an_assessment_is_kept_from_a_summits_report(
    browser: Any, live_server: Any, staff: dict[str, Any], viewport: dict[str, int], name: str
) -> None:
    summit, page = _summit_report(browser, live_server, viewport)
    page.locator("a.button", has_text="Keep an assessment of this summit").click()
    page.wait_for_load_state()
    # The summit's own page for it: named in the title and the breadcrumbs, carried by the form.
    assert summit.title in page.locator("h1").inner_text()
    assert page.locator(".breadcrumbs a", has_text=summit.title).count() == 1
    assert page.locator("#freeze-form input[name=summit]").input_value() == str(summit.pk)
    assert page.locator("#pb-kept").inner_text() == "No assessment kept yet."
    page.select_option("#id_kind", "interim")
    page.fill("#id_note", "Before the Irkutsk meeting.")
    shot(page, f"assessment-{name}")
    assert not scrolls_sideways(page)
    page.locator("#freeze-form input[type=submit]").click()
    page.wait_for_load_state()
    # Back on the summit's report, at its assessments, with the one just kept.
    assert page.url.endswith(f"?summit={summit.pk}#assessments")
    assert "Kept: Interim assessment of" in page.locator(".messagelist li.success").inner_text()
    kept = page.locator("#assessments + table tbody tr").first.inner_text()
    assert "Interim" in kept
    assert "Before the Irkutsk meeting." in kept
    assert summit.assessments.count() == 1
