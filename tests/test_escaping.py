"""HTML and script typed into text fields come out escaped: admin pages, the review screen, emails, the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commitments.delivery import delivery_send_one
from commitments.exchange import CsvRejected, import_csv
from commitments.models import Commitment, Desk
from commitments.sweep import sweep_run
from summits.models import Summit

from .admin_helpers import login
from .conftest import EARLY_2001

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>alert("pwned")</script><img src=x onerror=alert(1)>'


def test_script_in_text_fields_is_escaped_everywhere(client: Client, officer: Any, demo: Summit) -> None:
    commitment = Commitment.objects.get(summit=demo, source_ref="2.(4)", made_by__code="JPN")
    Commitment.objects.filter(pk=commitment.pk).update(
        title=f"Visit {PAYLOAD}", description=PAYLOAD, due_phrase=PAYLOAD, level=PAYLOAD, owner=officer
    )
    commitment.refresh_from_db()
    login(client, officer)
    pages = [
        "/admin/",
        "/admin/commitments/commitment/",
        f"/admin/commitments/commitment/{commitment.pk}/change/",
        f"/admin/summits/summit/{demo.pk}/change/",
        f"/admin/summits/summit/{demo.pk}/review/",
        "/admin/commitments/commitment/report/?summit=" + str(demo.pk),
        f"/admin/commitments/commitment/{commitment.pk}/history/",
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert "<script>alert" not in html, url
        assert "<img src=x" not in html, url
    sweep_run(now=EARLY_2001)
    while delivery_send_one(EARLY_2001):
        pass
    bodies = [m.alternatives[0][0] for m in mail.outbox if commitment.title[:5] in m.subject or "Visit" in m.subject]
    assert bodies
    for body in bodies:
        assert "<script>alert" not in body
        assert "&lt;script&gt;" in body
    notifications = client.get("/admin/commitments/notification/").content.decode()
    assert "<script>alert" not in notifications


@given(st.binary(max_size=2000))
@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
def test_arbitrary_bytes_to_the_csv_import_are_refused_cleanly(data: bytes) -> None:
    Desk.objects.get_or_create(name="Any desk")
    before = Commitment.objects.count()
    text = data.decode("utf-8", errors="replace")
    with pytest.raises(CsvRejected) as rejected:
        import_csv(text=text, by=None, now=timezone.now())
    assert rejected.value.errors
    assert Commitment.objects.count() == before
