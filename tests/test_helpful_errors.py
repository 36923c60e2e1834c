"""Errors that help: a bad address is a 404 page that says so, a forbidden one a 403 in one log line."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from commitments.models import Commitment, NotificationPreference

pytestmark = pytest.mark.django_db

BAD_IDS = ["abc", "0", "99999999", "1;DROP"]


@pytest.mark.parametrize("bad", BAD_IDS)
@pytest.mark.parametrize(
    "page",
    [
        "/admin/commitments/commitment/{}/change/",
        "/admin/commitments/commitment/{}/history/",
        "/admin/commitments/commitment/{}/delete/",
        "/admin/summits/summit/{}/change/",
        "/admin/summits/summit/{}/history/",
        "/admin/commitments/desk/{}/change/",
        "/admin/commitments/notificationpreference/{}/change/",
    ],
)
def test_a_bad_id_in_an_address_is_a_404_page_for_every_role(
    client: Client, demo: Any, administrator: Any, officer: Any, viewer: Any, page: str, bad: str
) -> None:
    for user in (administrator, officer, viewer):
        client.force_login(user)
        response = client.get(page.format(bad))
        assert response.status_code == 404, (user, page, bad)
        text = response.content.decode()
        assert "Nothing here" in text
        assert "Go to the dashboard" in text


def test_the_404_page_names_what_was_not_found(client: Client, demo: Any, officer: Any) -> None:
    client.force_login(officer)
    response = client.get("/admin/commitments/commitment/abc/change/")
    assert "No commitment has the id “abc”." in response.content.decode()
    missing = client.get("/admin/commitments/commitment/99999999/change/")
    assert "No commitment has the id “99999999”; perhaps it was deleted." in missing.content.decode()


def test_a_good_id_still_opens(client: Client, demo: Any, officer: Any) -> None:
    client.force_login(officer)
    commitment = Commitment.objects.order_by("pk").first()
    assert commitment is not None
    assert client.get(f"/admin/commitments/commitment/{commitment.pk}/change/").status_code == 200
    assert client.get(f"/admin/commitments/commitment/{commitment.pk}/history/").status_code == 200


def test_the_site_has_an_icon(client: Client) -> None:
    from django.contrib.staticfiles import finders

    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/pledgebook/favicon.svg"
    found = finders.find("pledgebook/favicon.svg")
    assert found
    assert "<svg" in Path(str(found)).read_text(encoding="utf-8")


def test_admin_pages_name_their_icon(client: Client, demo: Any, officer: Any) -> None:
    client.force_login(officer)
    assert 'rel="icon" href="/static/pledgebook/favicon.svg"' in client.get("/admin/").content.decode()


def test_a_403_is_one_line_in_the_log_and_a_500_keeps_its_traceback(
    client: Client, demo: Any, other_officer: Any, caplog: pytest.LogCaptureFixture
) -> None:

    commitment = Commitment.objects.order_by("pk").first()
    assert commitment is not None
    client.force_login(other_officer)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.post(
            f"/admin/commitments/commitment/{commitment.pk}/transition/", {"to_status": "in_progress"}
        )
    assert response.status_code == 403
    assert "You may not do this" in response.content.decode()
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    # Django logs a 403 with its exception attached; the console handler's filter took it off: one line.
    assert (
        record.getMessage()
        == f"Forbidden (Permission denied): /admin/commitments/commitment/{commitment.pk}/transition/"
    )
    assert record.exc_info is None


def test_the_filter_keeps_a_server_faults_traceback_and_drops_a_client_errors() -> None:
    from config.logfilters import ClientErrorsOneLine

    def record(status: int) -> logging.LogRecord:
        made = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "x", None, (ValueError, ValueError(), None)
        )
        made.status_code = status
        return made

    forbidden, broken = record(403), record(500)
    assert ClientErrorsOneLine().filter(forbidden)
    assert ClientErrorsOneLine().filter(broken)
    assert forbidden.exc_info is None
    assert broken.exc_info is not None


def test_the_console_handler_carries_the_filter() -> None:
    from django.conf import settings

    assert "client_errors_one_line" in settings.LOGGING["handlers"]["console"]["filters"]


def test_save_and_continue_on_preferences_stays_on_them(client: Client, demo: Any, officer: Any) -> None:
    client.force_login(officer)
    preference, _ = NotificationPreference.objects.get_or_create(user=officer)
    url = f"/admin/commitments/notificationpreference/{preference.pk}/change/"
    form = {
        "kinds": ["overdue"],
        "email_enabled": "on",
        "mode": "immediate",
        "digest_hour": "8",
        "time_zone": "Asia/Tokyo",
    }
    stay = client.post(url, {**form, "_continue": "Save and continue editing"})
    assert stay.status_code == 302
    assert stay["Location"] == url
    leave = client.post(url, form)
    assert leave.status_code == 302
    assert leave["Location"] == "/admin/commitments/notification/"
    preference.refresh_from_db()
    assert preference.kinds == ["overdue"]


def test_an_unknown_address_is_the_same_404_page_naming_the_address(client: Client) -> None:
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "No page has the address <code>/no/such/page/</code>." in response.content.decode()
