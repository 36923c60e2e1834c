"""The commitment page tells its story once and explains itself: the activity stream, what each persona may
do and why not, a refused status in words, and a conflict resolved field by field."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from commitments import policy, selectors, services
from commitments.models import Commitment, FollowUp
from summits.models import Summit

from .admin_helpers import change_url, commitment_form_data, login
from .conftest import CHRISTMAS_2000, DAY_AFTER_MEETING, EARLY_2001
from .test_api import client_for

pytestmark = pytest.mark.django_db

FM_VISIT = "Send the Minister for Foreign Affairs to Russia within the year"
DESK = "Russian Federation Division"


@pytest.fixture
def fm_visit(demo: Summit) -> Commitment:
    return Commitment.objects.get(title=FM_VISIT)


@pytest.fixture
def conditional(demo: Summit) -> Commitment:
    return Commitment.objects.get(summit=demo, source_ref="1.(3)")


def _story(fm: Commitment, officer: Any, supervisor: Any) -> None:
    """A commitment's life in five steps, one day apart: update, transition, deadline move, follow-up, close."""
    services.update_add(
        commitment_id=fm.pk,
        note="Dates proposed.",
        evidence_url="https://example.org/a",
        by=officer,
        now=CHRISTMAS_2000,
    )
    services.commitment_transition(
        commitment_id=fm.pk, to_status="in_progress", by=officer, now=CHRISTMAS_2000 + timedelta(hours=1)
    )
    services.deadline_move(
        commitment_id=fm.pk,
        new_due_by=date(2001, 1, 31),
        new_due_from=None,
        reason="Both sides agreed to January.",
        change_class="postponed",
        by=supervisor,
        now=CHRISTMAS_2000 + timedelta(hours=2),
    )
    follow_up = FollowUp.objects.create(
        summit=fm.summit,
        commitment=fm,
        proposed=FollowUp.Proposed.FULFILLED,
        occurred_on=date(2000, 12, 28),
        basis=FollowUp.Basis.MEETING,
        reason="The foreign ministers met in Moscow.",
    )
    services.followup_accept(follow_up_id=follow_up.pk, by=officer, now=EARLY_2001)


# --- the stream ----------------------------------------------------------------------------------------


def test_activity_tells_each_step_once_newest_first_with_who_and_note(
    fm_visit: Commitment, officer: Any, supervisor: Any
) -> None:
    _story(fm_visit, officer, supervisor)
    entries = selectors.commitment_activity(fm_visit)
    assert [e.kind for e in entries] == ["status", "follow_up", "deadline", "status", "update", "status"]
    assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)
    closing, follow_up, move, started, update, created = entries
    assert closing.what == "In progress → Fulfilled (on time), happened on 28 Dec 2000"
    assert closing.who == "officer"
    assert follow_up.what.startswith("Follow-up accepted: Fulfilled, from the record of")
    assert follow_up.note == "The foreign ministers met in Moscow."
    assert follow_up.evidence_summit_id == fm_visit.summit_id
    assert move.what == "Deadline moved: by 31 Dec 2000 → by 31 Jan 2001, postponed by mutual agreement"
    assert (move.who, move.note) == ("supervisor", "Both sides agreed to January.")
    assert started.what == "Not started → In progress"
    assert (update.what, update.note, update.evidence_url) == (
        "Progress update",
        "Dates proposed.",
        "https://example.org/a",
    )
    # The demo recorded it without a person.
    assert (created.what, created.who) == ("Recorded as Not started", "the system")
    # The update the follow-up wrote is the follow-up's entry, not a second one.
    assert fm_visit.updates.count() == 2


def test_activity_shows_condition_changes_and_party_outcomes(
    conditional: Commitment, demo: Summit, officer: Any
) -> None:
    services.condition_set_state(
        commitment_id=conditional.pk, state="met", by=officer, now=CHRISTMAS_2000, note="Progress at the talks."
    )
    joint = Commitment.objects.filter(summit=demo, made_by__code="JPN").filter(made_by__code="RUS").first()
    assert joint is not None
    services.commitment_transition(
        commitment_id=joint.pk, to_status="fulfilled", by=officer, now=CHRISTMAS_2000, note="Done."
    )
    services.outcome_set(
        commitment_id=joint.pk,
        outcomes=[services.PartyOutcome(party="RUS", status="partially_fulfilled", note="Half of it.")],
        by=officer,
        now=EARLY_2001,
    )
    condition = [e for e in selectors.commitment_activity(conditional) if e.kind == "condition"]
    assert [(e.what, e.note, e.who) for e in condition] == [("Condition met", "Progress at the talks.", "officer")]
    outcome = [e for e in selectors.commitment_activity(joint) if e.kind == "outcome"]
    assert [(e.what, e.note) for e in outcome] == [("RUS: own outcome Partially fulfilled", "Half of it.")]


@pytest.mark.parametrize("steps", [1, 5])
def test_activity_takes_the_same_queries_however_long_the_story(
    fm_visit: Commitment, officer: Any, django_assert_num_queries: Any, steps: int
) -> None:
    for n in range(steps):
        services.update_add(
            commitment_id=fm_visit.pk, note=f"Step {n}.", by=officer, now=CHRISTMAS_2000 + timedelta(minutes=n)
        )
    with django_assert_num_queries(6):
        entries = selectors.commitment_activity(fm_visit)
    assert len([e for e in entries if e.kind == "update"]) == steps


def test_the_page_shows_the_stream_above_the_forms_and_no_old_tables(
    client: Client, fm_visit: Commitment, officer: Any, supervisor: Any
) -> None:
    _story(fm_visit, officer, supervisor)
    login(client, officer)
    html = client.get(change_url(fm_visit)).content.decode()
    assert html.index('id="activity"') < html.index('id="commitment_form"')
    assert html.index("Deadline moved: by 31 Dec 2000") < html.index("Dates proposed.")  # newest first
    assert 'id="status-history"' not in html
    assert 'id="deadline-history"' not in html
    assert "Every change to this commitment" in html  # the full field history stays linked
    assert html.index('id="updates-group"') < html.index('id="id_title"')  # adding an update comes first
    assert html.count("Dates proposed.") == 1  # told once: the inline only adds


# --- what this user may do, and why not ----------------------------------------------------------------


def test_reasons_in_words_for_each_persona(
    fm_visit: Commitment, officer: Any, supervisor: Any, viewer: Any, other_officer: Any, administrator: Any
) -> None:
    read_only = f"You can read this commitment; only officers and supervisors of the {DESK} can change it."
    move = f"Only a supervisor of the {DESK} can move the deadline."
    assert policy.panel_limits(viewer, fm_visit) == [read_only]
    assert policy.panel_limits(other_officer, fm_visit) == [read_only]
    assert policy.panel_limits(officer, fm_visit) == [move]
    assert policy.panel_limits(supervisor, fm_visit) == []
    assert policy.panel_limits(administrator, fm_visit) == []
    services.commitment_transition(
        commitment_id=fm_visit.pk, to_status="fulfilled", by=officer, now=DAY_AFTER_MEETING, note="Done."
    )
    fm_visit.refresh_from_db()
    assert policy.panel_limits(officer, fm_visit) == [
        f"Only a supervisor of the {DESK} can reopen a closed commitment."
    ]
    assert policy.panel_limits(supervisor, fm_visit) == [
        "While it is closed, its deadline stays as it is: reopen it to move it."
    ]
    assert policy.panel_limits(viewer, fm_visit) == [read_only]


def test_the_officer_reads_why_a_closed_commitment_has_no_status_form(
    client: Client, fm_visit: Commitment, officer: Any
) -> None:
    services.commitment_transition(
        commitment_id=fm_visit.pk, to_status="fulfilled", by=officer, now=DAY_AFTER_MEETING, note="Done."
    )
    login(client, officer)
    html = client.get(change_url(fm_visit)).content.decode()
    assert 'id="transition-form"' not in html
    assert f"Only a supervisor of the {DESK} can reopen a closed commitment." in html


# --- a refused status, in words -------------------------------------------------------------------------


def test_a_tampered_transition_says_which_statuses_may_be_chosen(
    client: Client, fm_visit: Commitment, officer: Any
) -> None:
    login(client, officer)
    url = reverse("admin:commitments_commitment_transition", args=[fm_visit.pk])
    response = client.post(url, {"to_status": "draft", "note": "", "version": fm_visit.version})
    assert response.status_code == 200
    html = response.content.decode()
    expected = (
        "“Draft” cannot be chosen now: from Not started you may choose In progress, Stalled, Fulfilled, "
        "Partially fulfilled, Not fulfilled, Withdrawn, Superseded."
    )
    assert expected in html.replace("&ldquo;", "“").replace("&rdquo;", "”")
    assert "is not one of the available choices" not in html
    fm_visit.refresh_from_db()
    assert fm_visit.status == "not_started"


def test_an_officer_reopening_by_hand_reads_that_it_is_a_supervisors_act(
    client: Client, fm_visit: Commitment, officer: Any
) -> None:
    services.commitment_transition(
        commitment_id=fm_visit.pk, to_status="fulfilled", by=officer, now=DAY_AFTER_MEETING, note="Done."
    )
    login(client, officer)
    url = reverse("admin:commitments_commitment_transition", args=[fm_visit.pk])
    response = client.post(url, {"to_status": "in_progress", "note": "Not done.", "version": 2})
    # The form is not drawn for the officer: the reason is at the top of the page.
    message = next(str(m) for m in response.context["messages"])
    assert message == (
        "Nothing was changed. New status: “In progress” cannot be chosen now: only a supervisor of the "
        f"{DESK} can reopen a closed commitment."
    )
    fm_visit.refresh_from_db()
    assert fm_visit.status == "fulfilled"


def test_the_api_names_the_statuses_allowed(fm_visit: Commitment, officer: Any) -> None:
    api = client_for(officer)
    url = f"/api/v1/commitments/{fm_visit.pk}/transitions/"
    unknown = api.post(url, {"to": "bogus", "version": 1}, format="json")
    assert unknown.status_code == 400
    error = unknown.json()["error"]
    assert error["code"] == "invalid_choice"
    assert error["message"].startswith("“bogus” is not a status and cannot be chosen now: from Not started you may")
    assert error["fields"]["to"] == [error["message"]]
    draft = api.post(url, {"to": "draft", "version": 1}, format="json")
    assert draft.status_code == 409
    assert "Allowed next: In progress, Stalled" in draft.json()["error"]["message"]


def test_the_deadline_message_uses_the_pages_dates(client: Client, fm_visit: Commitment, supervisor: Any) -> None:
    login(client, supervisor)
    url = reverse("admin:commitments_commitment_deadline", args=[fm_visit.pk])
    data = {"version": 1, "new_due_phrase": "", "new_due_by": "", "change_class": "renegotiated", "reason": "Open."}
    response = client.post(url, data, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    # The windows in words, as the activity stream writes them (deadlines.window_words).
    assert f"The deadline of “{FM_VISIT}” moved: by 31 Dec 2000 → no deadline." in messages


# --- conflicts, resolved field by field -------------------------------------------------------------------


def _conflict(fm: Commitment, officer: Any, supervisor: Any, **mine: Any) -> tuple[Client, dict[str, Any]]:
    """The officer saves a new description and level; the supervisor's form, loaded before, is refused."""
    first, second = login(Client(), officer), login(Client(), supervisor)
    stale = commitment_form_data(fm, **mine)
    theirs = commitment_form_data(fm, description="Officer: Kono to travel on 3 December.", level="ministerial")
    assert first.post(change_url(fm), theirs).status_code == 302
    return second, stale


def test_the_banner_names_who_and_each_field_in_words(fm_visit: Commitment, officer: Any, supervisor: Any) -> None:
    second, stale = _conflict(fm_visit, officer, supervisor, description="Supervisor: postponed.", kind="meeting")
    response = second.post(change_url(fm_visit), stale)
    assert response.status_code == 200
    conflict = response.context["adminform"].form.conflict
    assert conflict.changed_by == "officer"
    assert [(d.label, d.theirs, d.mine) for d in conflict.conflicts] == [
        ("Description", "Officer: Kono to travel on 3 December.", "Supervisor: postponed.")
    ]
    # The level only they changed: theirs, put into the form. The kind only I changed: no question asked.
    assert [(d.label, d.theirs) for d in conflict.taken] == [("Level", "ministerial")]
    html = response.content.decode()
    assert html.index('id="pb-conflict"') < html.index('id="workflow"')  # at the top of the page
    assert 'name="_theirs" value="description"' in html
    # On a phone each value is a card under its column's name, which the cell carries (the head is hidden).
    assert '<td class="pb-theirs" data-label="Their value">' in html
    assert '<td class="pb-mine" data-label="Your value">' in html
    assert 'value="ministerial"' in html  # the form shown again holds their level
    assert "Supervisor: postponed." in html  # and my input


def test_reapply_mine_saves_through_the_version_check(fm_visit: Commitment, officer: Any, supervisor: Any) -> None:
    second, stale = _conflict(fm_visit, officer, supervisor, description="Supervisor: postponed.", kind="meeting")
    shown = second.post(change_url(fm_visit), stale).context["adminform"].form.data
    assert shown["loaded_version"] == "2"
    resolved = second.post(change_url(fm_visit), {**shown.dict(), "_mine": "description"} | _lists(shown))
    assert resolved.status_code == 302
    fm_visit.refresh_from_db()
    # Mine where I chose mine, and where only I changed it; theirs where only they did. Nothing lost.
    assert (fm_visit.description, fm_visit.kind, fm_visit.level) == ("Supervisor: postponed.", "meeting", "ministerial")
    assert fm_visit.version == 3


def test_keep_theirs_drops_my_value_and_keeps_the_rest(fm_visit: Commitment, officer: Any, supervisor: Any) -> None:
    second, stale = _conflict(fm_visit, officer, supervisor, description="Supervisor: postponed.", kind="meeting")
    shown = second.post(change_url(fm_visit), stale).context["adminform"].form.data
    assert (
        second.post(change_url(fm_visit), {**shown.dict(), "_theirs": "description"} | _lists(shown)).status_code == 302
    )
    fm_visit.refresh_from_db()
    assert (fm_visit.description, fm_visit.kind) == ("Officer: Kono to travel on 3 December.", "meeting")


def test_a_third_save_while_resolving_is_one_more_conflict(fm_visit: Commitment, officer: Any, supervisor: Any) -> None:
    second, stale = _conflict(fm_visit, officer, supervisor, description="Supervisor: postponed.")
    shown = second.post(change_url(fm_visit), stale).context["adminform"].form.data
    third = commitment_form_data(Commitment.objects.get(pk=fm_visit.pk), description="Officer again.")
    assert login(Client(), officer).post(change_url(fm_visit), third).status_code == 302
    again = second.post(change_url(fm_visit), {**shown.dict(), "_mine": "description"} | _lists(shown))
    assert again.status_code == 200
    conflict = again.context["adminform"].form.conflict
    assert [(d.theirs, d.mine) for d in conflict.conflicts] == [("Officer again.", "Supervisor: postponed.")]
    fm_visit.refresh_from_db()
    assert fm_visit.description == "Officer again."


def test_the_plain_save_button_does_not_skip_an_open_conflict(
    fm_visit: Commitment, officer: Any, supervisor: Any
) -> None:
    second, stale = _conflict(fm_visit, officer, supervisor, description="Supervisor: postponed.")
    shown = second.post(change_url(fm_visit), stale).context["adminform"].form.data
    refused = second.post(change_url(fm_visit), {**shown.dict(), "_save": "Save"} | _lists(shown))
    assert refused.status_code == 200
    fm_visit.refresh_from_db()
    assert fm_visit.description == "Officer: Kono to travel on 3 December."


def _lists(data: Any) -> dict[str, list[str]]:
    """The many-valued fields of a QueryDict, as the test client posts them."""
    return {key: data.getlist(key) for key in data if len(data.getlist(key)) > 1}
