"""HTML and script typed into text fields come out escaped: admin pages, the review screen, emails, the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commitments.models import Commitment, Desk
from commitments.notifications.outbox import delivery_send_due
from commitments.reports.exchange import CsvRejected, import_csv
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
    while delivery_send_due(EARLY_2001):
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


SHORT_PAYLOAD = "<script>alert(1)</script>"


def _text_fields(model: Any) -> list[str]:
    """Every free-text column of a model: no choices, no validators (a time zone), room for the payload."""
    from django.db import models as m

    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, m.CharField | m.TextField)
        and not f.choices
        and not f.validators[: -1 if f.max_length else None]
        and (f.max_length is None or f.max_length >= len(SHORT_PAYLOAD) + 8)
        and not f.primary_key
        and f.name not in ("password", "session_key", "key", "source_sha256", "occasion", "condition_text")
    ]


def test_script_in_every_text_field_of_every_admin_model_is_escaped_on_every_page(
    client: Client, administrator: Any, officer: Any, demo: Summit
) -> None:
    from django.contrib import admin

    sweep_run(now=EARLY_2001)  # notifications, deliveries and a sweep run to show
    while delivery_send_due(EARLY_2001):
        pass
    touched: list[str] = []
    for model in admin.site._registry:
        fields = _text_fields(model)
        for pk in model._default_manager.values_list("pk", flat=True):
            # Distinct per row, for unique columns such as usernames and desk names.
            model._default_manager.filter(pk=pk).update(**dict.fromkeys(fields, f"{SHORT_PAYLOAD}{pk}"))
        if fields:
            touched.append(f"{model._meta.label}: {', '.join(fields)}")
    assert len(touched) >= 10, touched

    login(client, administrator)
    pages = ["/admin/"]
    for model, model_admin in admin.site._registry.items():
        info = f"/admin/{model._meta.app_label}/{model._meta.model_name}"
        pages.append(f"{info}/")
        for pk in model._default_manager.values_list("pk", flat=True)[:3]:
            pages.append(f"{info}/{pk}/change/")
            if hasattr(model_admin, "history_view") and hasattr(model, "history"):
                pages.append(f"{info}/{pk}/history/")
    shown = []
    for url in pages:
        response = client.get(url, follow=True)  # "preferences" leads to one's own
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "<script>alert" not in html, url
        assert "doesn’t exist" not in html, url
        if "&lt;script&gt;alert(1)&lt;/script&gt;" in html:
            shown.append(url)
    assert len(pages) > 40
    assert shown == pages  # the text is there, as text
