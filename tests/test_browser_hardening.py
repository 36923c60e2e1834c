"""Hardening (issue 18) in Chromium: a reciprocal link to another desk's commitment, refused on the form."""

from __future__ import annotations

from typing import Any

import pytest

from commitments.models import Commitment, Desk

from .browser import DESKTOP, PHONE, logged_in, scrolls_sideways, shot
from .factories import make_commitment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("viewport", "width"), [(DESKTOP, "1400"), (PHONE, "400")])
def test_a_reciprocal_link_to_another_desks_commitment_is_refused_on_the_form(
    browser: Any, live_server: Any, staff: dict[str, Any], viewport: dict[str, int], width: str
) -> None:
    ours = Commitment.objects.order_by("pk").first()
    assert ours is not None
    elsewhere = Desk.objects.create(name="China and Mongolia Division", time_zone="Asia/Tokyo")
    theirs = make_commitment(desk=elsewhere, title="China receives the delegation")
    version = ours.version
    page = logged_in(browser, live_server, "officer", viewport)
    page.goto(f"{live_server.url}/admin/commitments/commitment/{ours.pk}/change/")
    # The autocomplete widget searches as one types; choosing from it is the same as this option chosen.
    page.evaluate(
        "([pk, label]) => { const s = document.getElementById('id_reciprocal');"
        " s.add(new Option(label, pk, true, true)); }",
        [str(theirs.pk), theirs.title],
    )
    with page.expect_navigation():
        page.click("input[name=_save]")
    errors = page.locator(".errorlist").all_inner_texts()
    assert any("you may not change “China receives the delegation” (China and Mongolia Division)" in e for e in errors)
    assert page.locator(".errornote").is_visible()
    assert not scrolls_sideways(page)
    shot(page, f"reciprocal-refused-{width}")
    ours.refresh_from_db()
    assert ours.version == version
    assert not ours.reciprocal.exists()
