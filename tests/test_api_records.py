"""Import and review through the API: what the admin's import page and review screen do, for other tools."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from commitments.models import Commitment, Desk, RejectedDraft
from commitments.reports.compliance import compliance

from .test_api import API, client_for
from .test_import_admin import RECORD

pytestmark = pytest.mark.django_db


def _import(client: Any, desk: Desk) -> Any:
    return client.post(f"{API}/records/", {"text": RECORD, "desk": desk.pk}, format="json")


def test_an_officer_imports_a_record_and_gets_its_meeting_and_drafts(officer: Any, rf_desk: Desk) -> None:
    response = _import(client_for(officer), rf_desk)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == {"import", "summit", "language", "attached", "drafts", "follow_ups"}
    assert body["summit"]["id"] == body["import"]
    assert (body["language"], body["attached"]) == ("en", False)  # a new meeting, in English
    assert {draft["aligned_with"] for draft in body["drafts"]} == {None}
    assert len(body["drafts"]) == 14
    assert {draft["decision"] for draft in body["drafts"]} == {"pending"}
    assert all(draft["quote"] in RECORD for draft in body["drafts"])
    # The same leaders met again a year later: what that meeting shows of the first one's promises.
    proposed = {
        Commitment.objects.get(pk=f["commitment"]).title: (f["proposed"], f["occurred_on"], f["decision"])
        for f in body["follow_ups"]
    }
    assert proposed == {
        "Meet President Putin at the next possible opportunity": ("fulfilled", "2001-11-15", "pending"),
        "Hold the next Japan-Russia Summit in Irkutsk": ("progress", "2001-11-15", "pending"),  # a summit elsewhere
    }
    again = client_for(officer).get(f"{API}/records/{body['import']}/").json()
    assert again == body


def test_the_same_record_twice_is_refused_with_a_pointer_to_the_first(officer: Any, rf_desk: Desk) -> None:
    first = _import(client_for(officer), rf_desk).json()
    second = _import(client_for(officer), rf_desk)
    assert second.status_code == 400
    error = second.json()["error"]
    assert (error["code"], error["existing"]) == ("import_refused", first["import"])
    assert "was imported before" in error["message"]


def test_a_record_can_be_uploaded_as_a_file(officer: Any, rf_desk: Desk) -> None:
    upload = SimpleUploadedFile("record.txt", RECORD.encode(), content_type="text/plain")
    response = client_for(officer).post(f"{API}/records/", {"file": upload, "desk": rf_desk.pk}, format="multipart")
    assert response.status_code == 201, response.json()
    assert len(response.json()["drafts"]) == 14


def test_nothing_to_import_and_a_viewer_are_refused(officer: Any, viewer: Any, rf_desk: Desk) -> None:
    empty = client_for(officer).post(f"{API}/records/", {"text": "  "}, format="json")
    assert empty.status_code == 400
    assert "text" in empty.json()["error"]["fields"]
    assert _import(client_for(viewer), rf_desk).status_code == 403
    assert not Commitment.objects.filter(status="draft").exists()


def test_drafts_are_accepted_with_an_owner_or_rejected_with_a_reason(
    officer: Any, supervisor: Any, viewer: Any, rf_desk: Desk
) -> None:
    body = _import(client_for(officer), rf_desk).json()
    first, second, third = (draft["id"] for draft in body["drafts"][:3])
    client = client_for(officer)

    accepted = client.post(f"{API}/drafts/{first}/accept/", {}, format="json")
    assert accepted.status_code == 200, accepted.json()
    assert (accepted.json()["decision"], accepted.json()["status"], accepted.json()["owner"]) == (
        "accepted",
        "not_started",
        "officer",
    )
    named = client.post(f"{API}/drafts/{second}/accept/", {"owner": "supervisor"}, format="json").json()
    assert named["owner"] == "supervisor"
    refused_owner = client.post(f"{API}/drafts/{third}/accept/", {"owner": "viewer"}, format="json")
    assert refused_owner.status_code == 400
    assert "owner" in refused_owner.json()["error"]["fields"]
    assert Commitment.objects.get(pk=third).status == "draft"

    rejected = client.post(f"{API}/drafts/{third}/reject/", {"reason": "A reported fact."}, format="json")
    assert rejected.status_code == 200
    assert (rejected.json()["decision"], rejected.json()["rejected_by"], rejected.json()["reason"]) == (
        "rejected",
        "officer",
        "A reported fact.",
    )
    assert client.get(f"{API}/commitments/{third}/").status_code == 404
    assert client.post(f"{API}/drafts/{third}/accept/", {}, format="json").status_code == 404
    assert RejectedDraft.objects.get().draft_id == third
    assert sum(row.excluded for row in compliance("summit")) == 0

    decisions = {d["id"]: d["decision"] for d in client.get(f"{API}/records/{body['import']}/").json()["drafts"]}
    assert (decisions[first], decisions[second], decisions[third]) == ("accepted", "accepted", "rejected")
    assert list(decisions.values()).count("pending") == 11

    assert (
        client_for(viewer).post(f"{API}/drafts/{body['drafts'][3]['id']}/reject/", {}, format="json").status_code == 403
    )
    again = client.post(f"{API}/drafts/{first}/accept/", {}, format="json")
    assert again.status_code == 409  # no longer a draft


# --- a status report taken back ---------------------------------------------------------------------------


def test_an_export_taken_back_through_the_api_updates_creates_or_refuses_all(
    officer: Any, viewer: Any, demo: Any
) -> None:
    Commitment.objects.update(owner=officer)
    client = client_for(officer)
    exported = client.get(f"{API}/commitments/export/?as=csv")
    assert exported.status_code == 200
    text = exported.getvalue().decode()  # streamed: the whole body
    header = text.splitlines()[0].split(",")
    for column in ("id", "version", "status", "overdue", "stale", "owner", "original_due_by", "last_update_on"):
        assert column in header
    same = client.post(f"{API}/commitments/import/", text, content_type="text/csv")
    assert same.status_code == 200, same.json()
    assert same.json() == {"created": 0, "updated": 0, "unchanged": 14}

    as_json = json.loads(client.get(f"{API}/commitments/export/?as=json").getvalue())
    as_json[0]["title"] = "Renamed through the API"
    new_row = {**as_json[1], "id": None, "version": None, "title": "A new one"}
    response = client.post(f"{API}/commitments/import/", [*as_json, new_row], format="json")
    assert response.json() == {"created": 1, "updated": 1, "unchanged": 13}
    assert Commitment.objects.filter(title="Renamed through the API").exists()

    stale = client.post(f"{API}/commitments/import/", text, content_type="text/csv")  # exported before the rename
    assert stale.status_code == 400
    error = stale.json()["error"]
    assert error["code"] == "import_rejected"
    assert any("since someone changed it" in line["message"] for line in error["lines"])
    assert Commitment.objects.count() == 15
    assert client_for(viewer).post(f"{API}/commitments/import/", text, content_type="text/csv").status_code == 403


def test_a_record_without_its_date_is_answered_with_the_date_field_then_taken_with_it(
    officer: Any, rf_desk: Desk
) -> None:
    text = (
        "On July 8, Prime Minister Abe held a meeting with President Putin of the Russian Federation.\n"
        "1. The two leaders agreed to hold the next summit meeting in Vladivostok in September.\n"
    )
    client = client_for(officer)
    asked = client.post(f"{API}/records/", {"text": text}, format="json")
    assert asked.status_code == 400
    error = asked.json()["error"]
    assert error["code"] == "import_refused"
    assert "date" in error["fields"]
    taken = client.post(f"{API}/records/", {"text": text, "date": "2017-07-08"}, format="json")
    assert taken.status_code == 201, taken.json()
    assert taken.json()["drafts"][0]["due_by"] == "2017-09-30"
