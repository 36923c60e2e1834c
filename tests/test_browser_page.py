"""The commitment page in Chromium: the story near the top, the panel's reasons, a conflict where the eye is,
and a phone's width without sideways scrolling. Screenshots: var/screenshots/page-*.png; the desktop ones
are the README's docs/screenshots/commitment-page-after-transition.png and edit-conflict.png."""

from __future__ import annotations

from typing import Any

import pytest

from commitments import services
from commitments.models import Commitment

from .browser import DESKTOP, PHONE, SHOTS, follow, logged_in, scrolls_sideways, shot
from .conftest import DAY_AFTER_MEETING

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FM_VISIT = "Send the Minister for Foreign Affairs to Russia within the year"


def _url(live_server: Any, commitment: Commitment) -> str:
    return f"{live_server.url}/admin/commitments/commitment/{commitment.pk}/change/"


def _first_screen(page: Any, name: str) -> None:
    """What a person sees before scrolling (the full-page shot of a phone is too tall to read)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-first-screen.png"))


def _top(page: Any, selector: str) -> float:
    return float(page.locator(selector).first.bounding_box()["y"])


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_transition_just_made_heads_the_stream_near_the_top(
    browser: Any, live_server: Any, staff: dict[str, Any], viewport: dict[str, int]
) -> None:
    commitment = Commitment.objects.get(title=FM_VISIT)
    page = logged_in(browser, live_server, "officer", viewport)
    page.goto(_url(live_server, commitment))
    page.select_option("#id_to_status", "fulfilled")
    page.fill("#transition-form textarea[name=note]", "Foreign Minister Kono visited Moscow.")
    follow(page, "#transition-form input[type=submit]")
    assert "is now Fulfilled" in page.locator(".messagelist li.success").inner_text()

    entries = page.locator("#pb-stream > li")
    assert entries.count() == 2
    newest = entries.nth(0).inner_text()
    assert "Not started → Fulfilled" in newest
    assert "Foreign Minister Kono visited Moscow." in newest
    assert "officer" in newest
    assert "Recorded as Not started" in entries.nth(1).inner_text()
    assert "the system" in entries.nth(1).inner_text()
    # Above the edit form, and (on a desktop) within the first screen.
    assert _top(page, "#activity") < _top(page, "#commitment_form")
    if viewport is DESKTOP:
        assert _top(page, "#pb-stream > li") < viewport["height"]
    assert page.locator("#status-history").count() == 0
    assert not scrolls_sideways(page)
    name = "page-after-transition-desktop" if viewport is DESKTOP else "page-after-transition-phone"
    shot(page, name)
    _first_screen(page, name)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_officer_reads_that_only_a_supervisor_reopens(
    browser: Any, live_server: Any, staff: dict[str, Any], viewport: dict[str, int]
) -> None:
    commitment = Commitment.objects.get(title=FM_VISIT)
    services.commitment_transition(
        commitment_id=commitment.pk, to_status="fulfilled", by=staff["officer"], now=DAY_AFTER_MEETING, note="Done."
    )
    page = logged_in(browser, live_server, "officer", viewport)
    page.goto(_url(live_server, commitment))
    assert page.locator("#transition-form").count() == 0
    limits = page.locator("#pb-limits").inner_text()
    assert "Only a supervisor of the Russian Federation Division can reopen a closed commitment." in limits
    assert _top(page, "#pb-limits") < _top(page, "#activity")
    assert not scrolls_sideways(page)
    shot(page, f"page-officer-closed-{'desktop' if viewport is DESKTOP else 'phone'}")
    _first_screen(page, f"page-officer-closed-{'desktop' if viewport is DESKTOP else 'phone'}")

    viewer = logged_in(browser, live_server, "viewer", viewport)
    viewer.goto(_url(live_server, commitment))
    assert "You can read this commitment; only officers and supervisors of the Russian Federation Division" in (
        viewer.locator("#pb-limits").inner_text()
    )


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_conflict_shows_at_the_top_and_reapply_mine_saves(
    browser: Any, live_server: Any, staff: dict[str, Any], viewport: dict[str, int]
) -> None:
    commitment = Commitment.objects.get(title=FM_VISIT)
    url = _url(live_server, commitment)
    first = logged_in(browser, live_server, "officer", viewport)
    second = logged_in(browser, live_server, "supervisor", viewport)
    first.goto(url)
    second.goto(url)
    first.fill("#id_description", "Visit planned for early December.")
    first.fill("#id_level", "ministerial")
    follow(first, "input[name=_continue]")
    assert "was changed successfully" in first.locator(".messagelist li.success").inner_text()

    second.fill("#id_description", "Visit postponed to January.")
    follow(second, "input[name=_continue]")
    banner = second.locator("#pb-conflict")
    assert "officer changed this commitment" in banner.inner_text()
    # At the top: seen without scrolling.
    assert _top(second, "#pb-conflict") < viewport["height"] / 2
    row = second.locator("#pb-conflict-fields tbody tr")
    assert row.count() == 1
    assert row.locator("th").inner_text() == "Description"
    assert row.locator(".pb-theirs").inner_text() == "Visit planned for early December."
    assert row.locator(".pb-mine").inner_text().endswith("Visit postponed to January.")
    assert "Level" in second.locator("#pb-conflict-taken").inner_text()  # only they changed it: theirs kept
    assert second.locator("#id_description").input_value() == "Visit postponed to January."
    assert not scrolls_sideways(second)
    shot(second, "page-edit-conflict-desktop" if viewport is DESKTOP else "page-edit-conflict-phone")
    _first_screen(second, "page-edit-conflict-desktop" if viewport is DESKTOP else "page-edit-conflict-phone")

    follow(second, "#pb-conflict-fields button[name=_mine]")
    assert "saved with the values you chose" in second.locator(".messagelist li.success").inner_text()
    assert second.locator("#pb-conflict").count() == 0
    commitment.refresh_from_db()
    assert (commitment.description, commitment.level) == ("Visit postponed to January.", "ministerial")
    assert commitment.version == 3
