"""Two people editing the same commitment: the second save is refused, their input shown back."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from commitments.models import Commitment
from summits.models import Summit

from .admin_helpers import change_url, commitment_form_data, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def commitment(demo: Summit) -> Commitment:
    return Commitment.objects.get(summit=demo, source_ref="2.(4)", made_by__code="JPN")


def test_the_second_save_is_refused_with_their_input_kept(
    client: Client, officer: Any, supervisor: Any, commitment: Commitment
) -> None:
    first, second = Client(), Client()
    login(first, officer)
    login(second, supervisor)
    # Both open the page at version 1.
    assert first.get(change_url(commitment)).status_code == 200
    assert second.get(change_url(commitment)).status_code == 200
    data_first = commitment_form_data(commitment, description="Officer: Kono to travel on 3 December.")
    data_second = commitment_form_data(commitment, description="Supervisor: visit postponed.")

    assert first.post(change_url(commitment), data_first).status_code == 302
    refused = second.post(change_url(commitment), data_second)

    assert refused.status_code == 200
    html = refused.content.decode()
    assert "was changed by officer" in html
    assert "Nothing of yours was saved" in html
    assert "Supervisor: visit postponed." in html  # their input is shown back to them
    commitment.refresh_from_db()
    assert commitment.description == "Officer: Kono to travel on 3 December."
    assert commitment.version == 2


def test_a_stale_transition_form_is_refused_and_the_note_kept(
    client: Client, officer: Any, supervisor: Any, commitment: Commitment
) -> None:
    url = reverse("admin:commitments_commitment_transition", args=[commitment.pk])
    login(client, officer)
    assert client.post(url, {"to_status": "in_progress", "note": "", "version": 1}).status_code == 302
    other = login(Client(), supervisor)
    response = other.post(url, {"to_status": "stalled", "note": "Moscow has not answered.", "version": 1})
    assert response.status_code == 200
    html = response.content.decode()
    assert "after you opened it" in html
    assert "Moscow has not answered." in html
    commitment.refresh_from_db()
    assert commitment.status == "in_progress"


# serialized_rollback: the role groups (a data migration) are back for the second parameter.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("clients", [2, 20])
def test_concurrent_saves_on_postgres_one_wins(postgres: None, officer: Any, supervisor: Any, clients: int) -> None:
    """Real concurrency: requests in threads with their own connections, released together."""
    commitment = Commitment.objects.get(source_ref="2.(4)", made_by__code="JPN")
    history_before = commitment.history.count()
    barrier = threading.Barrier(clients)
    results: dict[str, int] = {}

    def save(user: Any, text: str) -> None:
        try:
            client = login(Client(), user)
            data = commitment_form_data(commitment, description=text)
            barrier.wait(timeout=30)
            results[text] = client.post(change_url(commitment), data).status_code
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(officer if n % 2 else supervisor, f"edit number {n}"))
        for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(results.values()) == [200] * (clients - 1) + [302]  # the others see the conflict page
    winner = next(text for text, code in results.items() if code == 302)
    commitment.refresh_from_db()
    assert commitment.description == winner
    assert commitment.version == 2
    assert commitment.history.count() == history_before + 1  # one edit, never two


def test_transition_panel_shows_only_allowed_statuses(client: Client, officer: Any, commitment: Commitment) -> None:
    login(client, officer)
    form = client.get(change_url(commitment)).context["transition_form"]
    offered = [value for value, _ in form.fields["to_status"].choices]
    assert offered == [
        "in_progress",
        "stalled",
        "fulfilled",
        "partially_fulfilled",
        "not_fulfilled",
        "withdrawn",
        "superseded",
    ]
    # No "lapsed": only a conditional commitment lapses. No reopening statuses: it is open.


def test_a_conditional_commitment_may_lapse_and_a_viewer_sees_no_form(
    client: Client, officer: Any, viewer: Any, demo: Summit
) -> None:
    conditional = Commitment.objects.get(summit=demo, source_ref="1.(3)")
    login(client, officer)
    form = client.get(change_url(conditional)).context["transition_form"]
    assert "lapsed" in [value for value, _ in form.fields["to_status"].choices]
    login(client, viewer)
    html = client.get(change_url(conditional)).content.decode()
    assert 'id="transition-form"' not in html
    assert 'id="condition-form"' not in html
    # The story is told once, in the activity stream; the viewer reads why there is no form.
    assert 'id="activity"' in html
    assert "only officers and supervisors of the Russian Federation Division can change it" in html


def test_closing_without_a_note_shows_the_reason_on_the_page(
    client: Client, officer: Any, commitment: Commitment
) -> None:
    login(client, officer)
    url = reverse("admin:commitments_commitment_transition", args=[commitment.pk])
    response = client.post(url, {"to_status": "fulfilled", "note": "", "version": commitment.version})
    assert response.status_code == 200
    assert "needs a note or an evidence URL" in response.content.decode()
    commitment.refresh_from_db()
    assert commitment.status == "not_started"


def test_deadline_move_records_the_reason_and_keeps_the_original(
    client: Client, supervisor: Any, commitment: Commitment
) -> None:
    login(client, supervisor)
    url = reverse("admin:commitments_commitment_deadline", args=[commitment.pk])
    missing_reason = client.post(
        url,
        {
            "version": 1,
            "new_due_by": "2001-01-31",
            "change_class": "postponed",
            "reason": "",
        },
    )
    assert missing_reason.status_code == 200
    assert "This field is required" in missing_reason.content.decode()
    response = client.post(
        url,
        {
            "version": 1,
            "new_due_phrase": "by the end of January",
            "new_due_by": "2001-01-31",
            "change_class": "postponed",
            "reason": "Both sides agreed to January.",
        },
    )
    assert response.status_code == 302
    commitment.refresh_from_db()
    change = commitment.deadline_changes.get()
    assert (change.old_due_by.isoformat(), change.new_due_by.isoformat()) == ("2000-12-31", "2001-01-31")
    assert change.by == supervisor
    assert commitment.original_due_by.isoformat() == "2000-12-31"
    assert commitment.due_phrase == "by the end of January"
    page = client.get(change_url(commitment)).content.decode()
    assert "Both sides agreed to January." in page


def test_an_update_added_inline_records_author_and_activity(
    client: Client, officer: Any, commitment: Commitment
) -> None:
    login(client, officer)
    data = commitment_form_data(commitment)
    data.update(
        {
            "updates-TOTAL_FORMS": 1,
            "updates-0-note": "Dates proposed through the embassy.",
            "updates-0-evidence_url": "https://www.mofa.go.jp/",
            "updates-0-evidence_summit": "",
        }
    )
    before = commitment.last_activity_at
    response = client.post(change_url(commitment), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    update = commitment.updates.get()
    assert (update.author, update.note) == (officer, "Dates proposed through the embassy.")
    commitment.refresh_from_db()
    assert commitment.last_activity_at > before


def test_the_history_page_lists_workflow_changes_with_their_reason(
    client: Client, officer: Any, commitment: Commitment
) -> None:
    login(client, officer)
    url = reverse("admin:commitments_commitment_transition", args=[commitment.pk])
    client.post(url, {"to_status": "in_progress", "note": "Dates proposed.", "version": commitment.version})
    response = client.get(reverse("admin:commitments_commitment_history", args=[commitment.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Not started → In progress: Dates proposed." in html  # the change reason
    # The status column, as it was at each row: the latest and the first.
    cells = [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)]
    assert "In progress" in cells
    assert "Not started" in cells
