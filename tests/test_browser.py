"""What a person clicks: the admin in a real Chromium, driven by Playwright.

Screenshots go to $PLEDGEBOOK_SCREENSHOTS (default var/screenshots) so a reviewer can look at them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from commitments.models import Commitment, Desk
from summits.models import Summit

from .browser import SHOTS, follow, logged_in, shot
from .conftest import DAY_AFTER_MEETING

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_triages_and_transitions_with_a_note(browser: Any, live_server: Any, staff: dict[str, Any]) -> None:
    page = logged_in(browser, live_server, "officer")
    follow(page, "a[href='/admin/commitments/commitment/']")
    follow(page, "#changelist-filter a:text-is('Overdue')")
    rows = page.locator("#result_list tbody tr")
    # Today (2026) every dated, unconditional Brunei commitment is long overdue.
    assert rows.count() == 3
    assert page.locator(".pb-overdue").count() == 3
    shot(page, "commitment-list-overdue")

    follow(page, "text=Send the Minister for Foreign Affairs to Russia within the year")
    assert page.locator("#pb-status").inner_text() == "Not started"
    page.select_option("#id_to_status", "fulfilled")
    page.fill("#transition-form textarea[name=note]", "Foreign Minister Kono visited Moscow.")
    follow(page, "#transition-form input[type=submit]")
    assert "is now Fulfilled" in page.locator(".messagelist li.success").inner_text()
    assert page.locator("#pb-status").inner_text() == "Fulfilled"
    history = page.locator("#activity").inner_text()
    assert "Not started → Fulfilled" in history
    assert "Foreign Minister Kono visited Moscow." in history
    shot(page, "commitment-page-after-transition")

    commitment = Commitment.objects.get(title="Send the Minister for Foreign Affairs to Russia within the year")
    assert commitment.status == "fulfilled"
    follow(page, "text=Every change to this commitment")
    assert "Change history" in page.content() or "history" in page.title().lower()
    shot(page, "commitment-history")


def test_viewer_finds_no_way_to_edit(browser: Any, live_server: Any, staff: dict[str, Any]) -> None:
    page = logged_in(browser, live_server, "viewer")
    page.goto(f"{live_server.url}/admin/commitments/commitment/")
    assert page.locator("text=Add commitment").count() == 0
    # Viewers may export what they read, and nothing else.
    offered = page.locator("select[name=action] option").all_inner_texts()
    assert not any("status" in o.lower() or "assign" in o.lower() for o in offered)
    follow(page, "text=Hold the next Japan-Russia Summit in Irkutsk")
    assert page.locator("#transition-form").count() == 0
    assert page.locator("input[name=_save]").count() == 0
    assert page.locator("#id_title").count() == 0  # values are shown as text, not inputs
    shot(page, "viewer-commitment-page")


def test_two_tabs_editing_at_once_get_a_conflict(browser: Any, live_server: Any, staff: dict[str, Any]) -> None:
    commitment = Commitment.objects.get(title="Send the Minister for Foreign Affairs to Russia within the year")
    url = f"{live_server.url}/admin/commitments/commitment/{commitment.pk}/change/"
    first = logged_in(browser, live_server, "officer")
    second = logged_in(browser, live_server, "supervisor")
    first.goto(url)
    second.goto(url)
    first.fill("#id_description", "Visit planned for early December.")
    follow(first, "input[name=_continue]")
    assert "was changed successfully" in first.locator(".messagelist li.success").inner_text()

    second.fill("#id_description", "Visit postponed to January.")
    follow(second, "input[name=_continue]")
    error = second.locator(".errornote, .errorlist").first.inner_text()
    assert "Please correct" in error or "changed by" in error
    assert "was changed by officer" in second.content()
    assert second.locator("#id_description").input_value() == "Visit postponed to January."
    shot(second, "edit-conflict")
    commitment.refresh_from_db()
    assert commitment.description == "Visit planned for early December."


def test_summit_page_shows_participants_commitments_and_the_record(
    browser: Any, live_server: Any, staff: dict[str, Any]
) -> None:
    page = logged_in(browser, live_server, "officer")
    follow(page, "a[href='/admin/summits/summit/']")
    follow(page, "text=Japan-Russian Federation Summit Meeting on the occasion of the APEC Brunei Meeting")
    content = page.content()
    assert "Deputy Cabinet Secretary" in content
    assert "15 Nov 2000 18:20 (Asia/Brunei)" in content
    assert page.locator(".pb-source p").count() > 10
    assert "Hold the next Japan-Russia Summit in Irkutsk" in content
    shot(page, "summit-page")


def test_dashboard_report_and_timeline(browser: Any, live_server: Any, staff: dict[str, Any]) -> None:
    from django.utils import timezone

    from commitments import services

    fm = Commitment.objects.get(title="Send the Minister for Foreign Affairs to Russia within the year")
    services.commitment_transition(
        commitment_id=fm.pk,
        to_status="fulfilled",
        by=None,
        now=timezone.now(),
        note="Kono visited Moscow.",
        occurred_on=date(2000, 12, 26),
    )
    page = logged_in(browser, live_server, "supervisor")
    assert page.locator(".pb-tile").count() == 8
    overdue_tile = page.locator(".pb-tile", has_text="Overdue")
    assert overdue_tile.locator(".pb-tile-count").inner_text() == "2"
    ownerless_tile = page.locator(".pb-tile", has_text="No active owner")
    # The demo loaded without users: the system recorded the open ones with nobody to own them.
    ownerless = Commitment.objects.filter(status__in=["not_started", "in_progress", "stalled"], owner=None).count()
    assert ownerless > 0
    assert ownerless_tile.locator(".pb-tile-count").inner_text() == str(ownerless)
    shot(page, "dashboard")
    follow(page, "text=Compliance report →")
    assert page.locator("figure.pb-chart svg").count() == 1
    summit = Commitment.objects.get(pk=fm.pk).summit_id
    page.goto(f"{live_server.url}/admin/commitments/commitment/report/?summit={summit}#summit")
    assert page.locator("figure.pb-chart svg").count() == 2
    assert "Japan" in page.locator(".pb-report").first.inner_text()
    shot(page, "compliance-report")


def test_no_page_breaks_the_content_security_policy(browser: Any, live_server: Any, staff: dict[str, Any]) -> None:
    """Every script and style the pages use is allowed by the policy: Chromium reports no violation."""
    commitment = Commitment.objects.get(title="Send the Minister for Foreign Affairs to Russia within the year")
    page = logged_in(browser, live_server, "officer")
    violations: list[str] = []
    current = {"path": ""}
    page.on(
        "console",
        lambda message: (
            violations.append(f"{current['path']}: {message.text[:90]}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    for path in [
        "/admin/",
        "/admin/commitments/commitment/",
        f"/admin/commitments/commitment/{commitment.pk}/change/",
        f"/admin/summits/summit/{commitment.summit_id}/change/",
        f"/admin/summits/summit/{commitment.summit_id}/review/",
        "/admin/commitments/commitment/report/?summit=1",
        "/admin/commitments/commitment/brief/?party=RUS",
        "/admin/summits/summit/import/",
        "/api/v1/docs/",
        "/api/v1/commitments/",
    ]:
        current["path"] = path
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None
        assert "Content-Security-Policy" in response.headers or "content-security-policy" in response.headers
        page.wait_for_load_state("networkidle")
    assert violations == []
    # The interactive documentation really ran (its script loaded under the policy).
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .info", timeout=15000)


def test_a_deadline_phrase_shows_how_it_reads_before_saving(
    browser: Any, live_server: Any, staff: dict[str, Any]
) -> None:
    """The same reader as the save, as the officer types: relative to the meeting (15 November 2000)."""
    commitment = Commitment.objects.get(title="Send the Minister for Foreign Affairs to Russia within the year")
    page = logged_in(browser, live_server, "officer")
    page.goto(f"{live_server.url}/admin/commitments/commitment/add/?summit={commitment.summit_id}")
    reading = page.locator("#pb-deadline-reading")
    page.fill("#id_due_phrase", "within the year")
    page.wait_for_selector("#pb-deadline-reading:has-text('31 Dec 2000')", timeout=5000)
    assert reading.inner_text() == "Reads as by 31 Dec 2000 (year)."
    page.fill("#id_due_phrase", "this year or next year")
    page.wait_for_selector("#pb-deadline-reading:has-text('31 Dec 2001')", timeout=5000)
    assert reading.inner_text() == "Reads as 15 Nov 2000 – 31 Dec 2001 (year)."
    page.fill("#id_due_phrase", "when circumstances allow")
    page.wait_for_selector("#pb-deadline-reading:has-text('No rule knows this phrase')", timeout=5000)
    shot(page, "deadline-reading")
    assert Commitment.objects.count() == 14  # nothing saved by reading
    page.goto(f"{live_server.url}/admin/commitments/commitment/{commitment.pk}/change/")
    assert page.locator("#pb-deadline-reading").count() == 0  # an existing deadline moves in the panel


def test_a_pasted_record_without_its_date_asks_for_it_beside_the_field(
    browser: Any, live_server: Any, staff: dict[str, Any]
) -> None:
    """A readout pasted as it stands on a page that prints its date only around the text (written for the test)."""
    text = (
        "On March 14, Prime Minister Kishida held a telephone talk with Mr. Anthony Albanese, Prime Minister of "
        "Australia.\n1. The two leaders agreed to hold the next annual summit in Canberra in the first half of next "
        "year.\n2. Prime Minister Albanese stated that Australia would continue to cooperate closely with Japan.\n"
    )
    page = logged_in(browser, live_server, "officer")
    page.goto(f"{live_server.url}/admin/summits/summit/import/")
    page.fill("#id_text", text)
    page.select_option("#id_desk", label=Desk.objects.get().name)
    follow(page, "input[type=submit]")
    asked = page.locator(".field-meeting_date .errorlist, .errorlist:near(#id_meeting_date)")
    assert asked.first.inner_text().startswith("The record does not say on what day")
    assert page.locator("text=The record does not say on what day").count() == 1  # said once
    shot(page, "import-asks-for-the-date")
    page.set_viewport_size({"width": 400, "height": 900})
    shot(page, "import-asks-for-the-date-400")
    assert page.evaluate("document.documentElement.scrollWidth") <= 400 + 1  # nothing runs off a phone
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.fill("#id_meeting_date", "2023-03-14")
    follow(page, "input[type=submit]")
    assert "/review/" in page.url
    summit = Summit.objects.get(title="Japan–Australia telephone talks")
    assert summit.local_start.date() == date(2023, 3, 14)
    assert page.locator("mark.pb-mark-draft[id^=q]").count() == 2  # each quote highlighted in the record
    shot(page, "import-review-pasted-call")


def test_an_officer_records_each_partys_outcome_of_a_joint_commitment(
    browser: Any, live_server: Any, staff: dict[str, Any]
) -> None:
    """'The two leaders agreed to work further on negotiations …': closed as partially fulfilled, then Japan's
    part recorded as fulfilled and Russia's as not; the page shows each beside the status, at any width."""
    from django.utils import timezone

    from commitments import services

    joint = Commitment.objects.get(source_ref="1.(2)")
    services.commitment_transition(
        commitment_id=joint.pk,
        to_status="partially_fulfilled",
        by=staff["officer"],
        now=timezone.now(),
        note="Expert talks held; no ministerial round.",
        occurred_on=date(2001, 3, 25),
    )
    page = logged_in(browser, live_server, "officer")
    page.goto(f"{live_server.url}/admin/commitments/commitment/{joint.pk}/change/")
    assert page.locator("#pb-status").inner_text() == "Partially fulfilled"
    assert page.locator("#pb-outcomes .pb-outcome").all_inner_texts() == [
        "JPN Partially fulfilled (as the commitment)",
        "RUS Partially fulfilled (as the commitment)",
    ]
    form = page.locator("#outcomes-form")
    form.get_by_label("Japan (JPN)").select_option("fulfilled")
    form.get_by_label("Why (JPN)").fill("Japan sent its delegation to every round.")
    form.get_by_label("Russian Federation (RUS)").select_option("not_fulfilled")
    form.get_by_label("Why (RUS)").fill("No Russian minister attended.")
    follow(page, "#outcomes-form input[type=submit]")
    assert "JPN Fulfilled, RUS Not fulfilled" in page.locator(".messagelist li.success").inner_text()
    assert page.locator("#pb-status").inner_text() == "Partially fulfilled"
    assert page.locator("#pb-outcomes .pb-outcome").all_inner_texts() == ["JPN Fulfilled", "RUS Not fulfilled"]
    assert "No Russian minister attended." in (
        page.locator("#pb-outcomes .pb-outcome[data-party=RUS]").get_attribute("title") or ""
    )
    # The form shows what is recorded, ready for a correction.
    assert form.get_by_label("Japan (JPN)").input_value() == "fulfilled"
    assert joint.outcomes.count() == 2
    shot(page, "commitment-outcomes-per-party")
    page.set_viewport_size({"width": 400, "height": 900})
    box = page.locator("#outcomes-form").bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= 400  # the form fits a phone's width
    assert page.evaluate("document.documentElement.scrollWidth") <= 400  # and nothing scrolls the page sideways
    shot(page, "commitment-outcomes-per-party-narrow")

    # A viewer sees the outcomes and no form.
    viewer = logged_in(browser, live_server, "viewer")
    viewer.goto(f"{live_server.url}/admin/commitments/commitment/{joint.pk}/change/")
    assert viewer.locator("#pb-outcomes .pb-outcome").all_inner_texts() == ["JPN Fulfilled", "RUS Not fulfilled"]
    assert viewer.locator("#outcomes-form").count() == 0


def test_a_later_record_proposes_follow_ups_and_an_officer_accepts_one(
    browser: Any, live_server: Any, staff: dict[str, Any]
) -> None:
    from .test_followups import IRKUTSK

    page = logged_in(browser, live_server, "officer")
    page.goto(f"{live_server.url}/admin/summits/summit/import/")
    page.fill("#id_text", IRKUTSK)
    page.select_option("#id_desk", label=Desk.objects.get().name)
    follow(page, "input[type=submit]")
    rows = page.locator(".pb-follow-ups tbody tr")
    assert rows.count() == 10
    assert page.locator("mark.pb-mark-evidence[id^=f]").count() == 1  # "signed the Irkutsk Statement …"
    invitation = Commitment.objects.get(quote__contains="invited Prime Minister Mori to Russia")
    row = page.locator(f".pb-follow-ups tr:has(a[href$='/{invitation.pk}/change/'])")
    assert "Fulfilled" in row.inner_text()
    shot(page, "review-follow-ups")
    page.set_viewport_size({"width": 400, "height": 900})
    shot(page, "review-follow-ups-400")
    assert page.evaluate("document.documentElement.scrollWidth") <= 400 + 1  # nothing runs off a phone
    page.set_viewport_size({"width": 1400, "height": 1000})
    with page.expect_navigation():
        row.locator("button[value=accept]").click()
    assert page.locator(".messagelist li:has-text('fulfilled recorded, as of 25 Mar 2001')").count() == 1
    invitation.refresh_from_db()
    assert (invitation.status, invitation.closed_on) == ("fulfilled", date(2001, 3, 25))
    assert "Accepted" in page.locator(f".pb-follow-ups tr:has(a[href$='/{invitation.pk}/change/'])").inner_text()


def test_the_brief_before_a_meeting_reads_on_screen_on_a_phone_and_on_paper(
    browser: Any, live_server: Any, staff: dict[str, Any], settings: Any
) -> None:
    """As of 5 January 2001: an overdue promise of ours first, then due soon, conditions, the rest; the
    Foreign Minister's visit kept in December. Printed: no admin chrome, each side on its own page."""
    import re
    from datetime import UTC, datetime

    import time_machine

    from commitments import services
    from commitments.sweep import sweep_run
    from summits.models import Party

    from .conftest import EARLY_2001

    # The browser lives in the real present; a session or CSRF cookie dated 2001 would be expired to it.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None
    japan, russia = Party.objects.get(code="JPN"), Party.objects.get(code="RUS")
    earlier = Summit.objects.create(
        title="Japan-Russia Foreign Ministers' Meeting",
        kind=Summit.Kind.FOREIGN_MINISTERS,
        city="Tokyo",
        country="Japan",
        starts_at=datetime(2000, 9, 4, 1, 0, tzinfo=UTC),
        time_zone="Asia/Tokyo",
        source_text="Japan will send an economic mission to the Russian Far East by mid-December.\n"
        "The two ministers agreed to hold vice-ministerial consultations by the end of January 2001.",
    )
    earlier.parties.set([japan, russia])
    desk = Desk.objects.get()
    for title, quote, made_by, due_by in [
        ("Send an economic mission to the Russian Far East", "Japan will send an economic mission to the Russian "
         "Far East by mid-December.", [japan], date(2000, 12, 15)),
        ("Hold vice-ministerial consultations by the end of January", "The two ministers agreed to hold "
         "vice-ministerial consultations by the end of January 2001.", [japan, russia], date(2001, 1, 31)),
    ]:  # fmt: skip
        commitment = Commitment(summit=earlier, desk=desk, title=title, quote=quote, due_by=due_by, counterparty=None)
        services.commitment_create(commitment=commitment, by=None, now=DAY_AFTER_MEETING, read_window=False)
        commitment.made_by.set(made_by)
    officer = staff["officer"]
    for pk in Commitment.objects.values_list("pk", flat=True):
        services.commitment_assign(commitment_id=pk, owner=officer, by=None, now=DAY_AFTER_MEETING)
    fm = Commitment.objects.get(title="Send the Minister for Foreign Affairs to Russia within the year")
    services.commitment_transition(
        commitment_id=fm.pk,
        to_status="fulfilled",
        by=officer,
        now=EARLY_2001,
        note="Foreign Minister Kono visited Moscow.",
        occurred_on=date(2000, 12, 26),
    )
    sweep_run(now=EARLY_2001)  # as the beat would have: the admin warns when no sweep has run
    progress = Commitment.objects.get(title__startswith="Substantial progress")
    services.update_add(
        commitment_id=progress.pk, note="Vice-ministers met in Moscow; no breakthrough.", by=officer, now=EARLY_2001
    )

    with time_machine.travel(EARLY_2001, tick=True):
        page = logged_in(browser, live_server, "viewer")
        follow(page, "#pb-brief-link")
        page.select_option("#id_party", "RUS")
        follow(page, "#brief-form input[type=submit]")
        assert page.locator("h1").first.inner_text() == "Brief: Japan and Russian Federation"
        ours = page.locator("#side-ours")
        groups = ours.locator("tbody.pb-brief-group").evaluate_all("els => els.map(e => e.dataset.attention)")
        assert groups == ["overdue", "condition_pending", "other"]
        first_rows = ours.locator("tbody[data-attention=overdue] tr.pb-brief-row td:first-child a").all_inner_texts()
        assert first_rows == ["Send an economic mission to the Russian Far East", progress.title]  # 21, then 5 days
        assert "Vice-ministers met in Moscow" in ours.inner_text()
        joint = page.locator("#side-joint tbody[data-attention=due_soon]")
        assert "due in 26 days" in joint.inner_text()
        kept = page.locator("#closed-ours").inner_text()
        assert "Kept" in kept
        assert "As promised" in kept
        shot(page, "brief")

        page.set_viewport_size({"width": 400, "height": 900})
        shot(page, "brief-400")
        assert page.evaluate("document.documentElement.scrollWidth") <= 400 + 1  # nothing runs off a phone
        page.set_viewport_size({"width": 1400, "height": 1000})

        # On A4 (about 720 CSS pixels between the margins) the rows stay a table: the phone's cards are
        # for screens only.
        page.set_viewport_size({"width": 720, "height": 1000})
        page.emulate_media(media="print")
        assert page.locator("#side-ours tr.pb-brief-row").first.evaluate("e => getComputedStyle(e).display") == (
            "table-row"
        )
        assert page.locator("#header").is_hidden()
        assert page.locator("#brief-form").is_hidden()
        assert page.locator("#nav-sidebar").is_hidden()
        breaks = page.locator(".pb-brief-side, .pb-brief-closed").evaluate_all(
            "els => els.map(e => getComputedStyle(e).breakBefore)"
        )
        assert breaks == ["auto", "page", "page", "page"]  # ours, theirs, joint, kept or not
        shot(page, "brief-print")
        page.set_viewport_size({"width": 1400, "height": 1000})
        pdf = page.pdf(format="A4", print_background=False)
        (SHOTS / "brief.pdf").write_bytes(pdf)
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 4
        page.emulate_media(media="screen")

        follow(page, "#side-ours a:text-is('Send an economic mission to the Russian Far East')")
        assert "/admin/commitments/commitment/" in page.url
