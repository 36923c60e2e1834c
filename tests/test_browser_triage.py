"""Triage in Chromium: the dashboard by urgency and the list that triages, at 1400 px and on a 400 px phone.

Screenshots go to $PLEDGEBOOK_SCREENSHOTS (default var/screenshots): triage-dashboard-{desktop,phone}.png,
triage-list-{desktop,phone}.png, dashboard-recent-{en,ja}-{1400,400}.png.
"""

from __future__ import annotations

from typing import Any

import pytest

from commitments import services
from commitments.models import Commitment, NotificationPreference

from .browser import DESKTOP, PHONE, follow, logged_in, scrolls_sideways, shot
from .conftest import DAY_AFTER_MEETING

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Today (the real clock: the browser's server is not frozen) every dated, unconditional Brunei commitment
# is years overdue: the two due by 31 December 2000 and the invitation due by 31 December 2001.
PROGRESS = "Substantial progress in Peace Treaty negotiations by the end of the year"
FM_VISIT = "Send the Minister for Foreign Affairs to Russia within the year"
INVITATION = "President Putin invites Prime Minister Mori to Russia this year or next year"


def _own_everything(staff: dict[str, Any]) -> None:
    """As `make run` loads the demo: the officer owns every commitment."""
    for pk in Commitment.objects.values_list("pk", flat=True):
        services.commitment_assign(commitment_id=pk, owner=staff["officer"], by=None, now=DAY_AFTER_MEETING)


@pytest.mark.parametrize(("viewport", "name"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_the_dashboard_shows_my_overdue_ones_first(
    browser: Any, live_server: Any, staff: dict[str, Any], viewport: dict[str, int], name: str
) -> None:
    _own_everything(staff)
    page = logged_in(browser, live_server, "officer", viewport)
    sections = page.locator(".pb-band")
    assert sections.first.get_attribute("id") == "pb-mine-overdue"
    assert sections.first.locator(".pb-band-count").inner_text() == "3"
    rows = sections.first.locator(".pb-mine-row")
    titles = [rows.nth(n).locator("a").inner_text() for n in range(rows.count())]
    assert titles == [PROGRESS, FM_VISIT, INVITATION]  # the most overdue first
    words = rows.first.locator(".pb-when").inner_text()
    assert words.startswith("overdue by ")
    assert words.endswith(" days")
    assert int(words.split()[2].replace(",", "")) > 9000  # grouped in thousands: "9,466"
    assert rows.first.locator(".pb-next").inner_text() == "next: update or close"
    # The late ones are above everything else of mine, and on a phone the first is on the first screen.
    box = rows.first.bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= viewport["height"] * (2 if name == "phone" else 1)
    assert not scrolls_sideways(page)
    shot(page, f"triage-dashboard-{name}")
    if name == "desktop":
        shot(page, "dashboard")  # the README's picture

    follow(page, "#pb-mine-overdue .pb-band-link")
    listed = page.locator("#result_list tbody tr")
    assert listed.count() == 3
    assert listed.first.locator(".field-title_link").inner_text() == PROGRESS


@pytest.mark.parametrize(("viewport", "name"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_the_list_triages_on_any_screen(
    browser: Any, live_server: Any, staff: dict[str, Any], viewport: dict[str, int], name: str
) -> None:
    _own_everything(staff)
    page = logged_in(browser, live_server, "officer", viewport)
    page.goto(f"{live_server.url}/admin/commitments/commitment/")
    rows = page.locator("#result_list tbody tr")
    first = rows.first
    # By urgency: the most overdue first, with its words and next action.
    assert first.locator(".field-title_link").inner_text() == PROGRESS
    urgency = first.locator(".field-urgency")
    assert urgency.locator(".pb-overdue").inner_text().startswith("overdue by ")
    assert "next: update or close" in urgency.inner_text()
    # Title, status badge and urgency are on screen, in full, without scrolling sideways.
    for cell in (".field-title_link", ".field-status_badge .pb-badge", ".field-urgency .pb-overdue"):
        box = first.locator(cell).bounding_box()
        assert box is not None, cell
        assert box["width"] > 0, cell
        assert box["x"] >= 0, cell
        assert box["x"] + box["width"] <= viewport["width"], cell
    assert not scrolls_sideways(page)
    # Nor is any column cut off inside the list's own scrolling box.
    assert page.evaluate("(r => r.scrollWidth <= r.clientWidth + 1)(document.querySelector('#changelist .results'))")
    # The filters do not push the table off the first screen.
    table = page.locator("#result_list").bounding_box()
    assert table is not None
    assert table["y"] < viewport["height"]
    if name == "phone":
        assert not first.locator(".field-summit_short").is_visible()
        assert not first.locator(".field-desk").is_visible()
    else:
        assert first.locator(".field-last_update").inner_text().endswith(" ago")
        assert first.locator(".field-owner").inner_text() == "officer"
    shot(page, f"triage-list-{name}")

    follow(page, "#changelist-filter a:text-is('Overdue')")
    assert page.locator("#result_list tbody tr").count() == 3
    assert page.locator(".field-urgency .pb-overdue").count() == 3
    assert not scrolls_sideways(page)
    shot(page, f"triage-list-overdue-{name}")
    if name == "desktop":
        shot(page, "commitment-list-overdue")  # the README's picture


@pytest.mark.parametrize("language", ["en", "ja"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_recent_status_changes_read_whole_on_any_screen(
    browser: Any, live_server: Any, staff: dict[str, Any], viewport: dict[str, int], language: str
) -> None:
    """The dashboard's latest status changes: at 1400 px a table that stays inside its column; at 400 px a card
    per change (when and by whom, then the commitment, then the change) with nothing cut off at the screen's
    edge or scrolled out of sight inside the table's box, as the four columns were."""
    fm_visit = Commitment.objects.get(title=FM_VISIT)
    services.commitment_transition(
        commitment_id=fm_visit.pk, to_status="in_progress", by=staff["supervisor"], now=DAY_AFTER_MEETING
    )
    NotificationPreference.objects.update_or_create(user=staff["officer"], defaults={"language": language})
    page = logged_in(browser, live_server, "officer", viewport)
    table = page.locator("#pb-recent")
    column = table.locator("xpath=ancestor::div[contains(@class, 'module')]").bounding_box()
    assert column is not None
    row = table.locator("tbody tr").first
    boxes = {}
    for cell in (".pb-r-when", ".pb-r-title a", ".pb-r-change", ".pb-r-who"):
        box = row.locator(cell).bounding_box()
        assert box is not None, cell
        assert box["width"] > 0, cell
        assert column["x"] <= box["x"], cell
        assert box["x"] + box["width"] <= column["x"] + column["width"] + 1, cell
        boxes[cell] = box
    assert page.evaluate("(t => t.scrollWidth <= t.clientWidth + 1)(document.querySelector('#pb-recent'))")
    assert not scrolls_sideways(page)
    change = "Not started → In progress" if language == "en" else "未着手 → 進行中"
    assert " ".join(row.locator(".pb-r-change").inner_text().split()) == change
    assert row.locator(".pb-r-who").inner_text() == "supervisor"
    if viewport is PHONE:
        # A card: who beside when, the commitment under them, the change under it.
        assert abs(boxes[".pb-r-who"]["y"] - boxes[".pb-r-when"]["y"]) < 4
        assert boxes[".pb-r-title a"]["y"] > boxes[".pb-r-when"]["y"]
        assert boxes[".pb-r-change"]["y"] > boxes[".pb-r-title a"]["y"]
        head = table.locator("thead").bounding_box()
        assert head is not None
        assert head["height"] <= 1  # kept for screen readers only
    else:
        assert table.locator("thead th").all_text_contents() == (
            ["When", "Commitment", "Status", "By"] if language == "en" else ["日時", "約束", "状況", "実施者"]
        )
    shot(page, f"dashboard-recent-{language}-{viewport['width']}")
