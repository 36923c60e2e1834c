"""The client script in tests/api_client.py, run against a real server as another tool would."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from commitments.demo import demo_load
from commitments.models import Commitment, Notification

from .api_client import run
from .conftest import DAY_AFTER_MEETING

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_tool_logs_in_records_moves_conflicts_resolves_and_reads(live_server: Any) -> None:
    demo_load(now=DAY_AFTER_MEETING, with_users=True, password="s3cret-demo")
    result = run(live_server.url, "officer", "s3cret-demo")
    commitment = Commitment.objects.get(pk=result["commitment"])
    assert commitment.status == "fulfilled"
    assert commitment.description == "Moscow confirmed the dates."
    assert result["history"] == ["fulfilled", "in_progress", "not_started"]
    # The supervisor watches it: each change by the officer told them, never the officer.
    supervisor = get_user_model().objects.get(username="supervisor")
    assert Notification.objects.filter(commitment=commitment, recipient=supervisor, kind="status_changed").count() == 2
    assert not Notification.objects.filter(commitment=commitment, recipient__username="officer").exists()
