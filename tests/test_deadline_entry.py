"""One deadline reader everywhere: a phrase typed in the admin or the API fills the window as the importer's does."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from commitments import services
from commitments.models import Commitment, DeadlineChange, Desk
from summits.models import Summit

from .admin_helpers import commitment_form_data, login
from .conftest import CHRISTMAS_2000
from .factories import make_commitment
from .test_api import API, client_for

pytestmark = pytest.mark.django_db

QUOTE = "the two leaders agreed to hold the next Japan-Russia Summit in Irkutsk."


def _create(officer: Any, desk: Desk, summit: Summit, **deadline: Any) -> Any:
    body = {"summit": summit.pk, "title": "Hold the next summit", "made_by": ["JPN"], "desk": desk.pk, "quote": QUOTE}
    return client_for(officer).post(f"{API}/commitments/", {**body, **deadline}, format="json")


def test_a_phrase_alone_fills_the_window_relative_to_the_meeting(officer: Any, rf_desk: Desk, demo: Summit) -> None:
    response = _create(officer, rf_desk, demo, due_phrase="this year or next year")
    assert response.status_code == 201, response.json()
    body = response.json()
    # The meeting was on 15 November 2000.
    assert (body["due_from"], body["due_by"], body["due_precision"], body["due_rule"]) == (
        "2000-11-15",
        "2001-12-31",
        "year",
        "this_or_next_year",
    )
    assert body["original_due_by"] == "2001-12-31"


def test_typed_dates_win_over_the_phrase_and_the_rule_says_so(officer: Any, rf_desk: Desk, demo: Summit) -> None:
    response = _create(officer, rf_desk, demo, due_phrase="within the year", due_by="2001-03-31")
    body = response.json()
    assert (body["due_by"], body["due_precision"], body["due_rule"]) == ("2001-03-31", "day", "typed")
    agreeing = _create(officer, rf_desk, demo, due_phrase="within the year", due_by="2000-12-31").json()
    assert (agreeing["due_by"], agreeing["due_precision"], agreeing["due_rule"]) == (
        "2000-12-31",
        "year",
        "within_the_year",
    )


def test_a_phrase_no_rule_knows_keeps_its_words_and_gets_no_date(officer: Any, rf_desk: Desk, demo: Summit) -> None:
    body = _create(officer, rf_desk, demo, due_phrase="when circumstances allow").json()
    assert (body["due_phrase"], body["due_from"], body["due_by"], body["due_rule"]) == (
        "when circumstances allow",
        None,
        None,
        "unknown",
    )


def test_the_rule_cannot_be_typed_in_the_api(officer: Any, rf_desk: Desk, demo: Summit) -> None:
    body = _create(officer, rf_desk, demo, due_phrase="within the year", due_rule="whatever I like").json()
    assert body["due_rule"] == "within_the_year"


def test_the_admin_add_form_reads_the_phrase_too(client: Client, officer: Any, demo: Summit) -> None:
    template = Commitment.objects.get(summit=demo, source_ref="2.(4)", kind="visit", made_by__code="JPN")
    login(client, officer)
    data = commitment_form_data(
        template, title="New commitment", due_phrase="by the end of the year", due_from="", due_by="", due_rule="x"
    )
    data.pop("loaded_version")
    response = client.post("/admin/commitments/commitment/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Commitment.objects.get(title="New commitment")
    assert (created.due_by, created.due_precision, created.due_rule) == (date(2000, 12, 31), "year", "end_of_year")


def test_a_move_reads_its_new_phrase_from_the_day_of_the_move_and_records_the_rule(
    supervisor: Any, rf_desk: Desk
) -> None:
    commitment = make_commitment(desk=rf_desk, due_phrase="within the year")
    assert (commitment.due_by, commitment.due_rule) == (date(2000, 12, 31), "within_the_year")
    change = services.deadline_move(
        commitment_id=commitment.pk,
        new_due_by=None,
        new_due_from=None,
        new_due_phrase="next year",
        reason="Both sides agreed to next year.",
        change_class="postponed",
        by=supervisor,
        now=CHRISTMAS_2000,
    )
    commitment.refresh_from_db()
    assert (commitment.due_from, commitment.due_by, commitment.due_rule) == (
        date(2001, 1, 1),
        date(2001, 12, 31),
        "next_year",
    )
    assert (change.old_due_rule, change.new_due_rule) == ("within_the_year", "next_year")
    assert (commitment.original_due_by, DeadlineChange.objects.count()) == (date(2000, 12, 31), 1)

    typed = services.deadline_move(
        commitment_id=commitment.pk,
        new_due_by=date(2001, 6, 30),
        new_due_from=None,
        reason="Corrected.",
        change_class="corrected",
        by=supervisor,
        now=CHRISTMAS_2000,
    )
    commitment.refresh_from_db()
    assert (commitment.due_by, commitment.due_rule, typed.new_due_rule) == (date(2001, 6, 30), "typed", "typed")


def test_the_admins_reader_answers_in_words_for_the_chosen_meeting(
    client: Client, viewer: Any, outsider: Any, demo: Summit
) -> None:
    url = "/admin/commitments/commitment/read-deadline/"
    login(client, viewer)
    reading = client.get(url, {"phrase": "within the fiscal year", "summit": demo.pk}).json()
    assert reading == {
        "rule": "fiscal_year",
        "due_from": None,
        "due_by": "2001-03-31",
        "text": "Reads as by 31 Mar 2001 (fiscal year).",
    }
    assert client.get(url, {"phrase": "within the year", "summit": "x"}).json()["text"] == (
        "Choose the meeting to see how this reads."
    )
    login(client, outsider)
    assert client.get(url, {"phrase": "within the year", "summit": demo.pk}).status_code == 403
