"""Validation staff will hit in the admin: a clear message, and nothing saved."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from commitments.models import Commitment, Desk
from summits.models import Summit

from .admin_helpers import change_url, commitment_form_data, login
from .factories import make_commitment

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/commitments/commitment/add/"


@pytest.fixture
def template(demo: Summit) -> Commitment:
    return Commitment.objects.get(summit=demo, source_ref="2.(4)", kind="visit", made_by__code="JPN")


def _add(client: Client, template: Commitment, **overrides: Any) -> Any:
    data = commitment_form_data(template, title="New commitment", **overrides)
    data.pop("loaded_version")
    return client.post(ADD_URL, data)


def test_an_officer_adds_a_commitment_with_a_verbatim_quote(client: Client, officer: Any, template: Commitment) -> None:
    login(client, officer)
    before = Commitment.objects.count()
    response = _add(client, template, due_by="2000-12-31")
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Commitment.objects.get(title="New commitment")
    assert Commitment.objects.count() == before + 1
    assert created.status == "not_started"
    assert created.original_due_by == date(2000, 12, 31)
    assert created.created_by == officer
    assert created.quote_start == created.summit.source_text.index(created.quote)


def test_a_quote_that_is_not_verbatim_is_refused(client: Client, officer: Any, template: Commitment) -> None:
    login(client, officer)
    before = Commitment.objects.count()
    response = _add(client, template, quote="Prime Minister Mori said he would send the Foreign Minister to Russia.")
    assert response.status_code == 200
    assert "not a verbatim span of the summit&#x27;s source text" in response.content.decode()
    assert Commitment.objects.count() == before


def test_a_window_that_starts_after_it_ends_is_refused(client: Client, officer: Any, template: Commitment) -> None:
    login(client, officer)
    before = Commitment.objects.count()
    response = _add(client, template, due_from="2001-01-10", due_by="2000-12-31")
    assert response.status_code == 200
    assert "The window cannot start after it ends" in response.content.decode()
    assert Commitment.objects.count() == before


def test_a_condition_state_without_a_condition_is_refused(client: Client, officer: Any, template: Commitment) -> None:
    login(client, officer)
    before = Commitment.objects.count()
    response = _add(client, template, condition_text="", condition_state="met")
    assert response.status_code == 200
    assert "A condition state needs a condition" in response.content.decode()
    assert Commitment.objects.count() == before


def test_a_condition_without_a_state_starts_pending(client: Client, officer: Any, template: Commitment) -> None:
    login(client, officer)
    response = _add(client, template, condition_text="if the talks advance", condition_state="")
    assert response.status_code == 302
    assert Commitment.objects.get(title="New commitment").condition_state == "pending"


def test_a_commitment_cannot_depend_on_itself(client: Client, officer: Any, template: Commitment) -> None:
    login(client, officer)
    version = template.version
    response = client.post(change_url(template), commitment_form_data(template, depends_on=[template.pk]))
    assert response.status_code == 200
    assert "That would make a cycle" in response.content.decode()
    template.refresh_from_db()
    assert template.version == version
    assert not template.depends_on.exists()


def test_a_dependency_cycle_is_refused_and_names_the_path(client: Client, officer: Any, rf_desk: Desk) -> None:
    first = make_commitment(desk=rf_desk, title="First")
    second = make_commitment(desk=rf_desk, title="Second", summit=first.summit)
    third = make_commitment(desk=rf_desk, title="Third", summit=first.summit)
    second.depends_on.add(first)
    third.depends_on.add(second)
    login(client, officer)
    response = client.post(change_url(first), commitment_form_data(first, depends_on=[third.pk]))
    assert response.status_code == 200
    assert "First → Third → Second → First" in response.content.decode()
    assert not first.depends_on.exists()


def test_an_edit_saves_and_bumps_the_version_with_history(client: Client, officer: Any, template: Commitment) -> None:
    login(client, officer)
    response = client.post(change_url(template), commitment_form_data(template, description="Kono to Moscow."))
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.description == "Kono to Moscow."
    assert template.version == 2
    latest = template.history.first()
    assert latest is not None
    assert latest.history_user == officer
    assert "description" in [c.field for c in latest.diff_against(latest.prev_record).changes]


def test_the_deadline_cannot_be_edited_in_the_form(client: Client, officer: Any, template: Commitment) -> None:
    """The deadline fields are read-only on the change form; moving one is the deadline form's job."""
    login(client, officer)
    client.post(change_url(template), commitment_form_data(template, due_by="2001-06-30"))
    template.refresh_from_db()
    assert template.due_by == date(2000, 12, 31)


def test_a_source_text_edit_that_drops_a_quote_is_refused(client: Client, officer: Any, demo: Summit) -> None:
    login(client, officer)
    url = reverse("admin:summits_summit_change", args=[demo.pk])
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["parties"] = [p.pk for p in demo.parties.all()]
    data["source_text"] = demo.source_text.replace("within the year", "soon")
    data.update(
        {
            "participations-TOTAL_FORMS": 0,
            "participations-INITIAL_FORMS": 0,
            "commitments-TOTAL_FORMS": 0,
            "commitments-INITIAL_FORMS": 0,
            "starts_at_0": "2000-11-15",
            "starts_at_1": "19:20:00",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "no longer contains the quotes" in response.content.decode()
    demo.refresh_from_db()
    assert "within the year" in demo.source_text
