"""Rules that hold when things change: a desk's zone, a condition set back to pending, a new owner."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from commitments import services
from commitments.models import Commitment, Desk, Notification
from commitments.sweep import sweep_run

from .admin_helpers import login
from .conftest import CHRISTMAS_2000, DAY_AFTER_MEETING, EARLY_2001
from .factories import make_commitment

pytestmark = pytest.mark.django_db


def _checks(commitment: Commitment) -> list[str]:
    return sorted(
        set(
            Notification.objects.filter(commitment=commitment, kind="condition_check").values_list(
                "occasion", flat=True
            )
        )
    )


def test_condition_checks_count_from_when_the_condition_became_pending_again(
    officer: Any, supervisor: Any, rf_desk: Desk
) -> None:
    conditional = make_commitment(
        desk=rf_desk, owner=officer, condition_text="if the talks advance", now=DAY_AFTER_MEETING
    )
    assert conditional.condition_pending_since == DAY_AFTER_MEETING
    met_on = DAY_AFTER_MEETING + timedelta(days=20)
    services.condition_set_state(commitment_id=conditional.pk, state="met", by=officer, now=met_on)
    again_on = DAY_AFTER_MEETING + timedelta(days=25)
    services.condition_set_state(commitment_id=conditional.pk, state="pending", by=officer, now=again_on)
    conditional.refresh_from_db()
    assert conditional.condition_pending_since == again_on

    # Thirty-one days after creation (six after it became pending again): nothing to ask yet.
    sweep_run(now=DAY_AFTER_MEETING + timedelta(days=31))
    assert _checks(conditional) == []
    conditional.refresh_from_db()
    assert conditional.next_check_at == again_on + timedelta(days=30)
    # Thirty days after it became pending again: asked, under a key of its own.
    sweep_run(now=again_on + timedelta(days=30))
    assert _checks(conditional) == [f"{again_on:%Y-%m-%dT%H:%M}:1"]


def test_a_condition_pending_since_creation_keeps_its_plain_check_numbers(officer: Any, rf_desk: Desk) -> None:
    conditional = make_commitment(
        desk=rf_desk, owner=officer, condition_text="if the talks advance", now=DAY_AFTER_MEETING
    )
    sweep_run(now=DAY_AFTER_MEETING + timedelta(days=30))
    sweep_run(now=DAY_AFTER_MEETING + timedelta(days=60))
    assert _checks(conditional) == ["1", "2"]


def test_changing_a_desks_time_zone_has_the_next_sweep_look_at_its_commitments_again(
    client: Client, administrator: Any, officer: Any, rf_desk: Desk
) -> None:
    mine = make_commitment(desk=rf_desk, owner=officer, due_by=date(2000, 12, 31))
    sweep_run(now=CHRISTMAS_2000)
    mine.refresh_from_db()
    assert mine.next_check_at is not None
    assert mine.next_check_at > CHRISTMAS_2000
    login(client, administrator)
    url = f"/admin/commitments/desk/{rf_desk.pk}/change/"
    data = {
        "name": rf_desk.name,
        "time_zone": "America/New_York",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    moment = CHRISTMAS_2000 + timedelta(hours=1)
    with time_machine.travel(moment, tick=False):
        response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:1500]
    mine.refresh_from_db()
    assert mine.next_check_at == moment


def test_reassigning_the_owner_does_not_reset_the_stale_clock(officer: Any, supervisor: Any, rf_desk: Desk) -> None:
    commitment = make_commitment(desk=rf_desk, owner=officer, now=DAY_AFTER_MEETING)
    services.commitment_assign(commitment_id=commitment.pk, owner=supervisor, by=supervisor, now=EARLY_2001)
    commitment.refresh_from_db()
    assert (commitment.owner, commitment.last_activity_at) == (supervisor, DAY_AFTER_MEETING)
