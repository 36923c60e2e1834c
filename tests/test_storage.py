"""The embedded default's SQLite file on a full disk and on a read-only file system: a clear error, no damage.

A real small file system (tmpfs, mounted by the test) holds the database; a subprocess opens it the way
`make run` does. Mounting needs root, which CI has; elsewhere the test skips (and fails in strict mode).
The page and the API's message in the person's language are checked without a database at all.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.utils import translation

from config.storage import StorageErrorMiddleware

from .conftest import require
from .services import ROOT

NEW_TITLE = "Send the Foreign Minister to Moscow within the year"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    require(os.geteuid() == 0 and shutil.which("mount") is not None, "needs root to mount a small file system")
    mountpoint = tmp_path / "disk"
    mountpoint.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mountpoint)], check=True)
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", "-l", str(mountpoint)], check=False)


def _probe(disk: Path, *args: str) -> dict[str, Any]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"sqlite:///{disk / 'pledgebook.sqlite3'}",
        "PLEDGEBOOK_VAR_DIR": str(disk.parent / "var"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.storage_probe", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _refused_cleanly(attempt: dict[str, Any], code: str, words: str) -> None:
    assert attempt["admin_save"] == 503
    assert "Nothing was saved" in attempt["admin_save_text"]
    assert words in attempt["admin_save_text"]
    assert attempt["api_transition"] == 503
    assert attempt["api_transition_body"]["error"]["code"] == code
    assert words in attempt["api_transition_body"]["error"]["message"]


def _intact(disk: Path) -> dict[str, Any]:
    state = _probe(disk, "check")
    assert state["integrity"] == ["ok"]
    assert state["commitments"] == 14
    return state


def test_a_full_disk_refuses_writes_with_a_clear_message_and_damages_nothing(small_disk: Path) -> None:
    login = _probe(small_disk, "setup")
    before = _intact(small_disk)
    full = _probe(small_disk, "attempt", login["session"], login["token"], str(login["pk"]), "full")
    assert full["page"] == 200  # reading still works
    _refused_cleanly(full, "storage_full", "storage is full")
    after = _intact(small_disk)
    assert after == before  # not a byte of the change half-written

    (small_disk / "filler").unlink()  # the administrator frees space: the same change now goes through
    retry = _probe(small_disk, "attempt", login["session"], login["token"], str(login["pk"]), "none")
    assert retry["admin_save"] == 302
    assert retry["api_transition"] == 201
    state = _intact(small_disk)
    assert state["title"] == NEW_TITLE
    assert state["status"] == "in_progress"
    assert state["transitions"] == before["transitions"] + 1


def test_a_read_only_file_system_refuses_writes_with_a_clear_message(small_disk: Path) -> None:
    login = _probe(small_disk, "setup")
    before = _intact(small_disk)
    # The kernel remounts a failing disk read-only, and the service is restarted onto it.
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    try:
        attempt = _probe(small_disk, "attempt", login["session"], login["token"], str(login["pk"]), "none")
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    # SQLite cannot even open a WAL database it may not write beside: reading says so too.
    assert attempt["page"] == 503
    assert "read-only" in attempt["page_text"]
    _refused_cleanly(attempt, "storage_read_only", "read-only")
    assert _intact(small_disk) == before


def test_make_run_refuses_to_start_on_a_read_only_or_full_disk_and_says_what_to_do(small_disk: Path) -> None:
    from config.devstack import storage_problem

    var = small_disk / "var"
    assert storage_problem(var) is None
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    try:
        problem = storage_problem(var)
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    assert problem is not None
    assert "cannot be written (Read-only file system)" in problem
    assert "PLEDGEBOOK_VAR_DIR" in problem
    with (small_disk / "filler").open("wb") as filler:
        filler.write(b"\0" * (63 * 1024 * 1024))  # 1 MB left of 64
    problem = storage_problem(var)
    assert problem is not None
    assert "free some space" in problem


def test_make_run_names_a_var_folder_it_cannot_create(tmp_path: Path) -> None:
    from config.devstack import storage_problem

    (tmp_path / "var").write_text("a file where the folder should be")
    problem = storage_problem(tmp_path / "var")
    assert problem is not None
    assert f"{tmp_path / 'var'} cannot be written" in problem


# -- in the person's language, without the database ------------------------------------------------------------
# These tests have no database (no django_db mark): pytest-django refuses any query, so choosing the language
# or writing the page cannot have asked the database, which is what failed.

FULL = OperationalError("database or disk is full")
READ_ONLY = OperationalError("attempt to write a readonly database")


@pytest.fixture(autouse=True)
def _english_afterwards() -> Iterator[None]:
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _refused(request: HttpRequest, error: OperationalError = FULL) -> HttpResponse:
    response = StorageErrorMiddleware(lambda request: HttpResponse()).process_exception(request, error)
    assert response is not None
    assert response.status_code == 503
    assert response["Retry-After"] == "300"
    return response


def test_the_storage_page_is_in_japanese_for_a_browser_that_asks_for_it() -> None:
    page = _refused(
        RequestFactory().post("/admin/commitments/commitment/3/change/", HTTP_ACCEPT_LANGUAGE="ja,en;q=0.5")
    )
    html = page.content.decode()
    assert '<html lang="ja">' in html
    assert "<title>保存されていません | Pledgebook</title>" in html
    assert "現在、データベースに変更を保存できません" in html
    assert "何も保存されていません：サーバーの記憶領域がいっぱいです。" in html
    assert '<a href="/admin/commitments/commitment/3/change/">ページを開き直す</a>' in html
    assert page["Content-Language"] == "ja"
    assert "Nothing was saved" not in html


def test_the_storage_page_is_in_english_for_an_english_browser_or_none() -> None:
    for headers in ({"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.8"}, {"HTTP_ACCEPT_LANGUAGE": "de"}, {}):
        with translation.override("ja"):  # whatever a previous request left active in this thread
            page = _refused(RequestFactory().post("/admin/x/", **headers), READ_ONLY)
        html = page.content.decode()
        assert '<html lang="en">' in html, headers
        assert "<title>Nothing was saved | Pledgebook</title>" in html, headers
        assert "Nothing was saved: the database is read-only at the moment." in html, headers
        assert '<a href="/admin/x/">Open the page again</a>' in html, headers
        assert "保存" not in html, headers


def test_the_language_cookie_and_the_requests_own_language_choose_it_too() -> None:
    factory = RequestFactory()
    factory.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    by_cookie = _refused(factory.post("/admin/x/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "現在、データベースに変更を保存できません" in by_cookie.content.decode()
    # A signed-in user's own choice, read into the session before the failure (request.LANGUAGE_CODE, as
    # LocaleMiddleware and UserLanguageMiddleware leave it), wins over the browser's.
    chosen = RequestFactory().post("/admin/x/", HTTP_ACCEPT_LANGUAGE="en")
    chosen.LANGUAGE_CODE = "ja"
    assert "現在、データベースに変更を保存できません" in _refused(chosen).content.decode()


def test_the_apis_storage_error_follows_accept_language_and_keeps_its_code() -> None:
    url = "/api/v1/commitments/3/transitions/"
    japanese = _refused(RequestFactory().post(url, HTTP_ACCEPT_LANGUAGE="ja"), READ_ONLY)
    body = json.loads(japanese.content)
    assert body["error"]["code"] == "storage_read_only"  # codes stay English, for programs
    assert body["error"]["message"].startswith(
        "何も保存されていません：データベースは現在、読み取り専用になっています。"
    )
    english = json.loads(_refused(RequestFactory().post(url, HTTP_ACCEPT_LANGUAGE="en"), READ_ONLY).content)
    assert english["error"]["message"].startswith("Nothing was saved: the database is read-only at the moment.")
