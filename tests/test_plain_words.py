"""Plain words (issue 17): the history pages, the report's status labels, one date format, a readable timeline."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commitments import services
from commitments.models import Commitment
from summits.models import Summit

from .admin_helpers import login
from .conftest import CHRISTMAS_2000, EARLY_2001

pytestmark = pytest.mark.django_db

FM_VISIT = "Send the Minister for Foreign Affairs to Russia within the year"


def _cells(html: str, row_tag: str = "tbody") -> list[list[str]]:
    """The text of each body row's cells of the first table, tags stripped and spaces collapsed."""
    body = html.split(f"<{row_tag}>", 1)[1].split(f"</{row_tag}>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    return [
        [
            " ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        ]
        for row in rows
    ]


def _headers(html: str) -> list[str]:
    head = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    return [
        " ".join(re.sub(r"<[^>]+>", " ", th).split()) for th in re.findall(r"<th[^>]*>(.*?)</th>", head, flags=re.S)
    ]


@pytest.fixture
def fm_visit(demo: Summit) -> Commitment:
    return Commitment.objects.get(summit=demo, title=FM_VISIT)


def _history(client: Client, commitment: Commitment) -> str:
    response = client.get(reverse("admin:commitments_commitment_history", args=[commitment.pk]))
    assert response.status_code == 200
    return response.content.decode()


# --- the history page --------------------------------------------------------------------------------------


def test_the_history_page_has_readable_headers(client: Client, officer: Any, fm_visit: Commitment) -> None:
    login(client, officer)
    html = _history(client, fm_visit)
    assert _headers(html) == [
        "Version of",
        "Status",
        "Deadline",
        "Version",
        "When",
        "Action",
        "Changed by",
        "Reason",
        "Changes",
    ]
    assert "history_status" not in html.lower()
    assert "Change reason" not in html


def test_the_history_page_says_values_in_words(
    frozen: Any, client: Client, officer: Any, supervisor: Any, fm_visit: Commitment
) -> None:
    with time_machine.travel(CHRISTMAS_2000, tick=False):
        services.commitment_transition(
            commitment_id=fm_visit.pk, to_status="in_progress", by=officer, now=CHRISTMAS_2000, note="Dates proposed."
        )
    with time_machine.travel(EARLY_2001, tick=False):  # history rows are dated by the clock
        services.deadline_move(
            commitment_id=fm_visit.pk,
            new_due_by=date(2001, 3, 31),
            new_due_from=None,
            reason="Moscow asked for March.",
            change_class="postponed",
            by=supervisor,
            now=EARLY_2001,
        )
    login(client, officer)
    rows = _cells(_history(client, fm_visit))
    newest, middle, oldest = rows[0], rows[1], rows[-1]
    # Status, deadline and version as they were at each row; newest first.
    assert newest[1:4] == ["In progress", "31 Mar 2001", "3"]
    assert middle[1:4] == ["In progress", "31 Dec 2000", "2"]
    assert oldest[1:4] == ["Not started", "31 Dec 2000", "1"]
    # When, in the one format and the ministry's zone (Tokyo: 5 Jan 2001 03:00 UTC is 12:00 there).
    assert newest[4] == "5 Jan 2001 12:00"
    assert newest[6] == "supervisor"
    assert middle[6] == "officer"
    # The demo was recorded by nobody: the system, not "None".
    assert oldest[6] == "the system"
    assert oldest[7] == "—"
    assert "Not started → In progress: Dates proposed." in middle[7]
    # What a form changed, in dates (the status, which only the workflow changes, is in its own column).
    assert "Due by: 31 Dec 2000 → 31 Mar 2001" in newest[8]
    assert "Due precision: Year → Day" in newest[8]  # a choice's label, not its code
    # The demo added who made it just after creating it: parties by name (many-to-many).
    assert rows[-2][8] == "Made by: — → Japan"
    assert oldest[8] == "—"
    assert not any("None" in cell for row in rows for cell in row)


def test_the_history_page_names_people_and_parties(
    frozen: Any, client: Client, officer: Any, fm_visit: Commitment
) -> None:
    services.commitment_assign(commitment_id=fm_visit.pk, owner=officer, by=officer, now=CHRISTMAS_2000)
    login(client, officer)
    changes = _cells(_history(client, fm_visit))[0][8]
    assert changes == f"Owner: — → {officer}"


def test_the_history_page_costs_the_same_queries_however_long(
    frozen: Any, client: Client, officer: Any, supervisor: Any, fm_visit: Commitment
) -> None:
    login(client, officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            _history(client, fm_visit)
        return len(captured)

    services.commitment_transition(commitment_id=fm_visit.pk, to_status="in_progress", by=officer, now=CHRISTMAS_2000)
    few = count()
    for month in range(1, 9):
        services.deadline_move(
            commitment_id=fm_visit.pk,
            new_due_by=date(2001, month, 28),
            new_due_from=None,
            reason=f"Move {month}.",
            change_class="postponed",
            by=supervisor,
            now=EARLY_2001,
        )
    services.commitment_assign(commitment_id=fm_visit.pk, owner=officer, by=officer, now=EARLY_2001)
    assert fm_visit.history.count() >= 11
    assert count() == few


def test_the_summit_history_page_speaks_words(client: Client, officer: Any, demo: Summit) -> None:
    login(client, officer)
    response = client.get(reverse("admin:summits_summit_history", args=[demo.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert {"Changed by", "Reason"} <= set(_headers(html))
    rows = _cells(html)
    assert rows
    assert all(row[-3] == "the system" for row in rows)
    assert "None" not in " ".join(" ".join(row) for row in rows)
