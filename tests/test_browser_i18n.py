"""The admin in Japanese in a real Chromium, for an officer who chose it: the dashboard and a commitment page
at 1400 and 400 px (screenshots in $PLEDGEBOOK_SCREENSHOTS, looked at: Japanese needs a CJK font, which CI
installs with Chromium)."""

from __future__ import annotations

from typing import Any

import pytest

from commitments.models import Commitment, NotificationPreference

from .browser import DESKTOP, PHONE, follow, logged_in, scrolls_sideways, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IRKUTSK = "Send the Minister for Foreign Affairs to Russia within the year"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1400", "400"])
def test_an_officer_who_chose_japanese_reads_the_dashboard_and_a_commitment_in_japanese(
    browser: Any, live_server: Any, staff: dict[str, Any], viewport: dict[str, int]
) -> None:
    NotificationPreference.objects.update_or_create(user=staff["officer"], defaults={"language": "ja"})
    # Chromium asks for English (Accept-Language: en-US): the officer's own choice wins once logged in.
    page = logged_in(browser, live_server, "officer", viewport)
    width = viewport["width"]

    assert page.locator("html").get_attribute("lang") == "ja"
    dashboard = page.locator(".pb-dashboard").inner_text()
    # The tiles in their order, then the officer's sections.
    tiles = page.locator(".pb-tile span:not(.pb-tile-count)").all_inner_texts()
    assert tiles == [
        "未完了",
        "期限超過",
        "7日以内に期限",
        "30日以内に期限",
        "停滞",
        "条件未確定",
        "確認待ちの草案",
        "担当者不在",
    ]
    assert "担当の約束" in dashboard
    assert "最近の状況変更" in dashboard
    assert "My commitments" not in dashboard
    assert page.locator("#pb-notifications").inner_text().startswith("通知")
    assert not scrolls_sideways(page)
    shot(page, f"i18n-dashboard-ja-{width}")

    commitment = Commitment.objects.get(title=IRKUTSK)
    page.goto(f"{live_server.url}/admin/commitments/commitment/")
    headers = page.locator("#result_list thead th").all_inner_texts()
    assert [h.strip() for h in headers[2:5]] == ["状況", "緊急度", "最終更新"]
    follow(page, f"#result_list a[href$='/{commitment.pk}/change/']")
    assert page.locator("#pb-status").inner_text() == "未着手"
    panel = page.locator("#workflow").inner_text()
    assert "2000年12月31日まで" in panel
    assert "期限超過" in panel  # today, years after 2000
    assert "31 Dec 2000" not in panel
    assert page.locator("#transition-form h2").inner_text() == "状況を変更"
    assert not scrolls_sideways(page)
    shot(page, f"i18n-commitment-ja-{width}")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1400", "400"])
def test_an_officer_who_chose_japanese_reads_the_report_and_the_brief_in_japanese(
    browser: Any, live_server: Any, staff: dict[str, Any], viewport: dict[str, int]
) -> None:
    NotificationPreference.objects.update_or_create(user=staff["officer"], defaults={"language": "ja"})
    page = logged_in(browser, live_server, "officer", viewport)
    width = viewport["width"]
    summit = Commitment.objects.select_related("summit").get(title=IRKUTSK).summit
    summit_id = summit.pk

    page.goto(f"{live_server.url}/admin/commitments/commitment/report/?summit={summit_id}")
    headings = [h.strip() for h in page.locator("#content h2").all_inner_texts()]
    # The chosen summit's report only: its own figures, its parties and desks, then its timeline.
    assert headings[:5] == [
        f"{summit.title}の評点（今計算）",
        "国・機関別の状況",
        "この会談の約束（国・機関別）",
        "この会談の約束（担当課別）",
        "会談ごとの時系列と評価",
    ]
    first_columns = [t.strip() for t in page.locator("table.pb-report thead th:first-child").all_inner_texts()]
    assert first_columns == ["会談", "国・機関", "担当課"]
    assert page.locator(".breadcrumbs a", has_text="履行状況報告").count() == 1
    assert page.locator("#bars-title").text_content() == "国・機関別、状況別の約束"
    assert "破線：本日" in page.locator("#timeline figcaption").inner_text()
    assert "By party" not in page.locator("#content").inner_text()
    assert not scrolls_sideways(page)
    shot(page, f"i18n-report-ja-{width}")

    page.goto(f"{live_server.url}/admin/commitments/commitment/brief/?party=RUS")
    sides = [h.strip() for h in page.locator(".pb-brief-side h2").all_inner_texts()]
    assert len(sides) == 3
    assert sides[0].endswith("に約束したこと")
    assert sides[2].endswith("が共に約束したこと")
    summary = [h.strip() for h in page.locator("#brief-summary thead th").all_inner_texts()][1:4]
    assert summary == ["未完了", "期限超過", "30日以内に期限"]
    assert page.locator("#pb-print").inner_text() == "印刷"
    assert "What " not in page.locator("#brief").inner_text()
    assert not scrolls_sideways(page)
    shot(page, f"i18n-brief-ja-{width}")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1400", "400"])
def test_the_import_review_reads_in_japanese(
    browser: Any, live_server: Any, staff: dict[str, Any], viewport: dict[str, int]
) -> None:
    from summits.models import Summit

    NotificationPreference.objects.update_or_create(user=staff["officer"], defaults={"language": "ja"})
    page = logged_in(browser, live_server, "officer", viewport)
    summit = Summit.objects.get()
    page.goto(f"{live_server.url}/admin/summits/summit/{summit.pk}/review/")
    content = page.locator("#content").inner_text()
    assert "記録" in content
    assert "The record" not in content
    assert "Every draft" not in content
    assert not scrolls_sideways(page)
    shot(page, f"i18n-review-ja-{viewport['width']}")
    page.goto(f"{live_server.url}/admin/summits/summit/import/")
    form = page.locator("#content").inner_text()
    assert "記録を貼り付け" in form
    assert page.locator("#import-form input[type=submit]").get_attribute("value") == "取り込んで確認"
    assert not scrolls_sideways(page)
    shot(page, f"i18n-import-ja-{viewport['width']}")
