"""Errors that help, in Chromium: a mistyped address, a forbidden page and the preferences' save-and-continue."""

from __future__ import annotations

from typing import Any

import pytest

from commitments.models import Commitment

from .browser import DESKTOP, PHONE, logged_in, scrolls_sideways, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("viewport", "width"), [(DESKTOP, "1400"), (PHONE, "400")])
def test_a_mistyped_commitment_address_is_a_page_that_says_so(
    browser: Any, live_server: Any, staff: dict[str, Any], viewport: dict[str, int], width: str
) -> None:
    page = logged_in(browser, live_server, "officer", viewport)
    response = page.goto(f"{live_server.url}/admin/commitments/commitment/abc/change/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Nothing here"
    assert "No commitment has the id “abc”." in page.locator("main").inner_text()
    assert not scrolls_sideways(page)
    shot(page, f"not-found-{width}")
    with page.expect_navigation():
        page.click("text=Go to the dashboard")
    assert page.url == f"{live_server.url}/admin/"


def test_a_viewer_asking_to_delete_meets_a_page_that_says_what_to_ask(
    browser: Any, live_server: Any, staff: dict[str, Any]
) -> None:
    commitment = Commitment.objects.order_by("pk").first()
    assert commitment is not None
    page = logged_in(browser, live_server, "viewer", PHONE)
    response = page.goto(f"{live_server.url}/admin/commitments/commitment/{commitment.pk}/delete/")
    assert response.status == 403
    assert page.locator("h1").inner_text() == "You may not do this"
    assert "ask an administrator" in page.locator("main").inner_text()
    assert not scrolls_sideways(page)
    shot(page, "forbidden-400")


def test_save_and_continue_editing_keeps_the_preferences_open(
    browser: Any, live_server: Any, staff: dict[str, Any]
) -> None:
    page = logged_in(browser, live_server, "officer")
    with page.expect_navigation():
        page.click("text=Preferences")
    preferences = page.url
    page.select_option("#id_mode", "digest")
    with page.expect_navigation():
        page.click("input[name=_continue]")
    assert page.url == preferences
    assert "Your notification preferences were saved." in page.locator(".messagelist .success").inner_text()
    assert page.locator("#id_mode").input_value() == "digest"
    shot(page, "preferences-saved-1400")
