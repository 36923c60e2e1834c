"""What every browser test needs: Chromium launched headless, the admin's personas logged in, screenshots.

The fixtures `browser` and `staff` live in conftest.py; these are the steps the tests share. Screenshots
go to $PLEDGEBOOK_SCREENSHOTS (default var/screenshots) so a reviewer can look at them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .factories import PASSWORD

SHOTS = Path(os.environ.get("PLEDGEBOOK_SCREENSHOTS", Path(__file__).resolve().parents[1] / "var" / "screenshots"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1400, "height": 1000}
PHONE = {"width": 400, "height": 900}


def logged_in(browser: Any, live_server: Any, username: str, viewport: dict[str, int] = DESKTOP) -> Any:
    """A new page in a fresh context, logged in to the admin as `username`, on the admin index."""
    page = browser.new_context(viewport=viewport).new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    return page


def follow(page: Any, selector: str) -> None:
    """Click something that loads a new page, and wait until that page has loaded."""
    with page.expect_navigation():
        page.click(selector)


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def scrolls_sideways(page: Any) -> bool:
    """Whether the page is wider than its viewport (a phone user would have to scroll sideways)."""
    return bool(page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth + 1"))
