"""Steps that test_storage.py runs in a subprocess against a SQLite file of their own.

`python -m tests.storage_probe setup|attempt|check` with DATABASE_URL pointing at the file; prints one
JSON object. A subprocess, because the file must be opened (and fail) the way the embedded default
opens it, apart from the test run's own database.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import DatabaseError, connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from commitments.demo import demo_load  # noqa: E402
from commitments.models import Commitment  # noqa: E402

from .admin_helpers import commitment_form_data  # noqa: E402
from .conftest import DAY_AFTER_MEETING  # noqa: E402

FM_VISIT = "Send the Minister for Foreign Affairs to Russia within the year"
NEW_TITLE = "Send the Foreign Minister to Moscow within the year"


def setup() -> dict[str, Any]:
    call_command("migrate", verbosity=0)
    demo_load(now=DAY_AFTER_MEETING, with_users=True, password="unused")
    supervisor = get_user_model().objects.get(username="supervisor")
    client = Client()
    client.force_login(supervisor)
    return {
        "session": client.cookies["sessionid"].value,
        "token": Token.objects.create(user=supervisor).key,
        "pk": Commitment.objects.get(title=FM_VISIT).pk,
    }


def fill(folder: Path) -> None:
    """Write a filler file until the file system refuses: the disk is now full."""
    with (folder / "filler").open("wb") as filler:
        try:
            while True:
                filler.write(b"\0" * 65536)
                filler.flush()
        except OSError:
            pass


def attempt(session: str, token: str, pk: int, fault: str) -> dict[str, Any]:
    """The fault strikes while the service runs (its database already open); then a person reads and writes."""
    client = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST="127.0.0.1")
    client.cookies["sessionid"] = session
    url = reverse("admin:commitments_commitment_change", args=[pk])
    try:
        form = commitment_form_data(Commitment.objects.get(pk=pk), title=NEW_TITLE)
    except DatabaseError:  # the database cannot even be opened: post what a browser would have had
        form = {"title": NEW_TITLE}
    if fault == "full":
        fill(Path(connection.settings_dict["NAME"]).parent)
    page = client.get(url)
    admin_save = client.post(url, form)
    try:
        version = Commitment.objects.get(pk=pk).version  # after the admin save, if it went through
    except DatabaseError:
        version = 1
    api_transition = client.post(
        f"/api/v1/commitments/{pk}/transitions/",
        {"to": "in_progress", "note": "Dates proposed."},
        content_type="application/json",
        HTTP_IF_MATCH=f'"{version}"',
    )
    return {
        "page": page.status_code,
        "page_text": page.content.decode(),
        "admin_save": admin_save.status_code,
        "admin_save_text": admin_save.content.decode(),
        "api_transition": api_transition.status_code,
        "api_transition_body": api_transition.json()
        if api_transition["Content-Type"].startswith("application/json")
        else None,
    }


def check() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA integrity_check")
        integrity = [row[0] for row in cursor.fetchall()]
    commitment = Commitment.objects.get(pk=Commitment.objects.filter(title__in=[FM_VISIT, NEW_TITLE]).get().pk)
    return {
        "integrity": integrity,
        "title": commitment.title,
        "status": commitment.status,
        "version": commitment.version,
        "commitments": Commitment.objects.count(),
        "transitions": commitment.status_changes.count(),
    }


if __name__ == "__main__":
    step = sys.argv[1]
    if step == "setup":
        out = setup()
    elif step == "attempt":
        out = attempt(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
    else:
        out = check()
    print(json.dumps(out))
