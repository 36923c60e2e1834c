"""The commitment list: triage filters give the right rows, in a fixed number of queries."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from commitments import services
from commitments.models import Commitment, Desk
from summits.models import Summit

from .admin_helpers import login
from .conftest import CHRISTMAS_2000, EARLY_2001, NEW_YEAR_TOKYO
from .factories import PartyFactory, SummitFactory, make_commitment

pytestmark = pytest.mark.django_db

LIST = "/admin/commitments/commitment/"


def _titles(client: Client, query: str) -> set[str]:
    response = client.get(LIST + query)
    assert response.status_code == 200
    return {c.title for c in response.context["cl"].result_list}


def _queries_for_list(client: Client, query: str = "") -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST + query)
    assert response.status_code == 200
    return len(captured)


def _bulk(desk: Desk, count: int) -> None:
    summit = SummitFactory()
    parties = [PartyFactory(code="JPN"), PartyFactory(code="RUS")]
    for n in range(count):
        make_commitment(
            desk=desk,
            summit=summit,
            title=f"Commitment {n}",
            made_by=parties[: 1 + n % 2],
            due_by=date(2000, 12, 1) + timedelta(days=n % 60),
        )


@pytest.mark.parametrize(
    "query",
    ["", "?deadline=overdue", "?deadline=overdue&desk__id__exact={desk}", "?mine=watched&state=open", "?q=visit"],
)
def test_the_list_costs_the_same_queries_for_2_and_200_rows(
    client: Client, officer: Any, rf_desk: Desk, query: str
) -> None:
    query = query.format(desk=rf_desk.pk)
    login(client, officer)
    _bulk(rf_desk, 2)
    Commitment.objects.exclude(title__startswith="Commitment").delete()
    with time_machine.travel(EARLY_2001, tick=False):
        small = _queries_for_list(client, query)
        _bulk(rf_desk, 198)
        large = _queries_for_list(client, query)
    assert Commitment.objects.count() == 200
    assert small == large


def test_overdue_is_judged_at_the_end_of_the_due_day_in_the_desk_zone(
    client: Client, officer: Any, rf_desk: Desk
) -> None:
    moscow = Desk.objects.create(name="Moscow Embassy", time_zone="Europe/Moscow")
    tokyo_item = make_commitment(desk=rf_desk, title="Tokyo", due_by=date(2000, 12, 31))
    make_commitment(desk=moscow, title="Moscow", due_by=date(2000, 12, 31), summit=tokyo_item.summit)
    login(client, officer)
    with time_machine.travel(NEW_YEAR_TOKYO, tick=False):
        # 00:30 on 1 January in Tokyo, still 31 December in Moscow.
        assert "Tokyo" in _titles(client, "?deadline=overdue")
        assert "Moscow" not in _titles(client, "?deadline=overdue")


def test_triage_filters_on_the_brunei_demo(client: Client, officer: Any, demo: Summit) -> None:
    login(client, officer)
    with time_machine.travel(CHRISTMAS_2000, tick=False):
        due_soon = _titles(client, "?deadline=7")
        assert "Send the Minister for Foreign Affairs to Russia within the year" in due_soon
        assert _titles(client, "?deadline=overdue") == set()
        pending = _titles(client, "?attention=condition")
        assert len(pending) == 2
        assert all("visit" in t for t in pending)
    with time_machine.travel(EARLY_2001, tick=False):
        overdue = _titles(client, "?deadline=overdue")
        # Both dated unconditional commitments ending 31 Dec 2000; the conditional visits wait.
        assert overdue == {
            "Send the Minister for Foreign Affairs to Russia within the year",
            "Substantial progress in Peace Treaty negotiations by the end of the year",
        }
        no_deadline = _titles(client, "?deadline=none")
        assert len(no_deadline) == 9


def test_a_met_condition_makes_a_late_visit_overdue(client: Client, officer: Any, demo: Summit) -> None:
    visit = Commitment.objects.get(summit=demo, source_ref="1.(3)")
    services.condition_set_state(commitment_id=visit.pk, state="met", by=officer, now=CHRISTMAS_2000)
    login(client, officer)
    with time_machine.travel(EARLY_2001, tick=False):
        assert visit.title in _titles(client, "?deadline=overdue")


def test_stale_and_mine_filters(client: Client, officer: Any, supervisor: Any, rf_desk: Desk) -> None:
    owned = make_commitment(desk=rf_desk, title="Owned", owner=officer, now=CHRISTMAS_2000)
    watched = make_commitment(desk=rf_desk, title="Watched", summit=owned.summit, now=CHRISTMAS_2000)
    watched.watchers.add(officer, supervisor)
    make_commitment(desk=rf_desk, title="Someone else's", summit=owned.summit, owner=supervisor, now=EARLY_2001)
    login(client, officer)
    assert _titles(client, "?mine=owned") == {"Owned"}
    assert _titles(client, "?mine=watched") == {"Owned", "Watched"}
    with time_machine.travel(CHRISTMAS_2000 + timedelta(days=91), tick=False):
        stale = _titles(client, f"?attention=stale&summit__id__exact={owned.summit_id}")
        assert stale == {"Owned", "Watched"}


def test_the_list_shows_badges_and_flags(client: Client, officer: Any, demo: Summit) -> None:
    login(client, officer)
    with time_machine.travel(EARLY_2001, tick=False):
        html = client.get(LIST).content.decode()
    assert 'class="pb-badge pb-status-not_started"' in html
    assert html.count('class="pb-flag pb-overdue"') == 2
    assert html.count('class="pb-flag pb-conditional"') == 2
    assert "within the year" in html


def test_search_finds_words_of_the_quote(client: Client, officer: Any, demo: Summit) -> None:
    login(client, officer)
    assert _titles(client, "?q=Irkutsk") >= {"Hold the next Japan-Russia Summit in Irkutsk"}
    assert _titles(client, "?q=photograph") == set()


def test_assign_to_me_action(client: Client, supervisor: Any, demo: Summit) -> None:
    login(client, supervisor)
    ids = list(Commitment.objects.filter(summit=demo).values_list("pk", flat=True)[:3])
    response = client.post(LIST, {"action": "assign_to_me", "_selected_action": ids})
    assert response.status_code == 302
    assert Commitment.objects.filter(pk__in=ids, owner=supervisor).count() == 3


def test_bulk_transition_asks_for_a_note_then_uses_the_workflow(client: Client, officer: Any, demo: Summit) -> None:
    login(client, officer)
    ids = list(Commitment.objects.filter(summit=demo, due_by__isnull=False).values_list("pk", flat=True))
    confirm = client.post(LIST, {"action": "bulk_transition", "_selected_action": ids})
    assert confirm.status_code == 200
    assert "Change the status of the selected commitments" in confirm.content.decode()
    response = client.post(
        LIST,
        {
            "action": "bulk_transition",
            "_selected_action": ids,
            "apply": "1",
            "to_status": "fulfilled",
            "note": "",
        },
    )
    assert response.status_code == 302
    # Closing without a note is refused for every one, and reported.
    assert not Commitment.objects.filter(pk__in=ids, status="fulfilled").exists()
    client.post(
        LIST,
        {
            "action": "bulk_transition",
            "_selected_action": ids,
            "apply": "1",
            "to_status": "in_progress",
            "note": "Preparations started.",
        },
    )
    assert Commitment.objects.filter(pk__in=ids, status="in_progress").count() == len(ids)
    assert all(
        c.status_changes.first().note == "Preparations started."  # type: ignore[union-attr]
        for c in Commitment.objects.filter(pk__in=ids)
    )
