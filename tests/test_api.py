"""The REST API: the permission matrix, the workflow and concurrency contract, filters, query counts."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from commitments import services
from commitments.models import Commitment, Desk, Notification
from commitments.sweep import sweep_run
from summits.models import Summit

from .conftest import EARLY_2001
from .factories import PartyFactory, SummitFactory, make_commitment

pytestmark = pytest.mark.django_db

API = "/api/v1"
FM_VISIT = "Send the Minister for Foreign Affairs to Russia within the year"
IRKUTSK = "Prime Minister Mori visits Irkutsk within the year (if the Peace Treaty advances)"
NEGOTIATIONS = "Work further on Peace Treaty negotiations at foreign-ministerial and expert level"  # JPN + RUS


def client_for(user: Any | None) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def fm_visit(demo: Summit) -> Commitment:
    return Commitment.objects.get(title=FM_VISIT)


# --- the permission matrix ---------------------------------------------------------------------------

PERSONAS = ["anonymous", "outsider", "viewer", "officer", "other_officer", "supervisor", "administrator"]
READS = [
    "parties",
    "people",
    "summits",
    "summit",
    "desks",
    "commitments",
    "commitment",
    "transitions",
    "updates",
    "notifications",
]
WRITES = ["create", "patch", "transition", "update", "deadline", "condition", "outcomes"]

# What each persona gets for each write (reads: 200 for every role, 401 anonymous, 403 outsider).
WRITE_EXPECTED = {
    "viewer": dict.fromkeys(WRITES, 403),
    "officer": {
        "create": 201,
        "patch": 200,
        "transition": 201,
        "update": 201,
        "deadline": 403,
        "condition": 200,
        "outcomes": 200,
    },
    "other_officer": dict.fromkeys(WRITES, 403),
    "supervisor": {
        "create": 201,
        "patch": 200,
        "transition": 201,
        "update": 201,
        "deadline": 200,
        "condition": 200,
        "outcomes": 200,
    },
    "administrator": {
        "create": 201,
        "patch": 200,
        "transition": 201,
        "update": 201,
        "deadline": 200,
        "condition": 200,
        "outcomes": 200,
    },
}


def _request(client: APIClient, what: str, demo: Summit) -> Any:
    fm = Commitment.objects.get(title=FM_VISIT)
    irkutsk = Commitment.objects.get(title=IRKUTSK)
    match = {"HTTP_IF_MATCH": f'"{fm.version}"'}
    urls = {
        "parties": f"{API}/parties/",
        "people": f"{API}/people/",
        "summits": f"{API}/summits/",
        "summit": f"{API}/summits/{demo.pk}/",
        "desks": f"{API}/desks/",
        "commitments": f"{API}/commitments/",
        "commitment": f"{API}/commitments/{fm.pk}/",
        "transitions": f"{API}/commitments/{fm.pk}/transitions/",
        "updates": f"{API}/commitments/{fm.pk}/updates/",
        "notifications": f"{API}/notifications/",
    }
    if what in urls:
        return client.get(urls[what])
    if what == "create":
        desk_has_a_default_owner(fm.desk)  # so that someone owns it whoever records it
        return client.post(
            f"{API}/commitments/",
            {
                "summit": demo.pk,
                "title": "Hold the next summit in Irkutsk (API)",
                "made_by": ["JPN", "RUS"],
                "desk": fm.desk_id,
                "quote": "the two leaders agreed to hold the next Japan-Russia Summit in Irkutsk.",
                "due_phrase": "next year",
                "due_from": "2001-01-01",
                "due_by": "2001-12-31",
                "due_precision": "year",
            },
            format="json",
        )
    if what == "patch":
        return client.patch(f"{API}/commitments/{fm.pk}/", {"description": "Kono to Moscow."}, format="json", **match)
    if what == "transition":
        return client.post(
            f"{API}/commitments/{fm.pk}/transitions/", {"to": "in_progress", "note": "Dates."}, format="json", **match
        )
    if what == "update":
        return client.post(f"{API}/commitments/{fm.pk}/updates/", {"note": "Embassy asked for dates."}, format="json")
    if what == "deadline":
        return client.post(
            f"{API}/commitments/{fm.pk}/deadline/",
            {
                "due_by": "2001-01-31",
                "reason": "Both sides agreed to January.",
                "change_class": "postponed",
            },
            format="json",
            **match,
        )
    if what == "condition":
        return client.post(
            f"{API}/commitments/{irkutsk.pk}/condition/",
            {"state": "met"},
            format="json",
            HTTP_IF_MATCH=f'"{irkutsk.version}"',
        )
    if what == "outcomes":
        joint = close_jointly(Commitment.objects.get(title=NEGOTIATIONS))
        return client.post(
            f"{API}/commitments/{joint.pk}/outcomes/",
            {"outcomes": [{"party": "JPN", "status": "fulfilled", "note": "Delegation sent."}]},
            format="json",
            HTTP_IF_MATCH=f'"{joint.version}"',
        )
    raise AssertionError(what)


def close_jointly(commitment: Commitment, status: str = "partially_fulfilled") -> Commitment:
    """Close a joint commitment through the workflow, as the desk would (the system records it)."""
    from django.utils import timezone

    services.commitment_transition(
        commitment_id=commitment.pk, to_status=status, by=None, now=timezone.now(), note="Expert talks only."
    )
    commitment.refresh_from_db()
    return commitment


def desk_has_a_default_owner(desk: Desk) -> Any:
    """An officer of `desk`, named its default owner: someone owns what anybody records there."""
    from django.contrib.auth.models import Group

    from commitments import policy
    from commitments.models import DeskMembership

    from .factories import UserFactory

    duty = UserFactory(username="duty_officer")
    duty.groups.add(Group.objects.get(name=policy.GROUP_OFFICER))
    DeskMembership.objects.create(desk=desk, user=duty, role=DeskMembership.Role.OFFICER)
    Desk.objects.filter(pk=desk.pk).update(default_owner=duty)
    return duty


@pytest.fixture
def persona(request: pytest.FixtureRequest, demo: Summit) -> Any:
    return None if request.param == "anonymous" else request.getfixturevalue(request.param)


@pytest.mark.parametrize("what", READS + WRITES)
@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_permission_matrix(persona: Any, what: str, demo: Summit, request: pytest.FixtureRequest) -> None:
    name = request.node.callspec.params["persona"]
    response = _request(client_for(persona), what, demo)
    if name == "anonymous":
        expected = 401
    elif name == "outsider":
        expected = 403
    elif what in READS:
        expected = 200
    else:
        expected = WRITE_EXPECTED[name][what]
    assert response.status_code == expected, response.content[:500]
    if expected >= 400:
        body = response.json()
        assert set(body["error"]) >= {"code", "message", "fields"}
    if name == "anonymous":
        assert response["WWW-Authenticate"] == "Token"


# --- token login ------------------------------------------------------------------------------------


def test_token_login_and_throttling(officer: Any, settings: Any) -> None:
    from .factories import PASSWORD

    cache.clear()
    client = APIClient()
    ok = client.post(f"{API}/auth/token/", {"username": "officer", "password": PASSWORD}, format="json")
    assert ok.status_code == 200
    assert ok.json()["token"] == Token.objects.get(user=officer).key
    wrong = client.post(f"{API}/auth/token/", {"username": "officer", "password": "guess"}, format="json")
    assert wrong.status_code == 400
    assert wrong.json()["error"]["code"] == "invalid_credentials"
    codes = [
        client.post(f"{API}/auth/token/", {"username": "officer", "password": "guess"}, format="json").status_code
        for _ in range(12)
    ]
    assert 429 in codes
    assert (
        client.post(f"{API}/auth/token/", {"username": "officer", "password": "guess"}, format="json").json()["error"][
            "code"
        ]
        == "throttled"
    )
    cache.clear()


def test_a_deactivated_users_token_stops_working(officer: Any, demo: Summit) -> None:
    client = client_for(officer)
    assert client.get(f"{API}/commitments/").status_code == 200
    officer.is_active = False
    officer.save()
    assert client.get(f"{API}/commitments/").status_code == 401


def test_a_deleted_or_unknown_token_is_refused_at_once(officer: Any, demo: Summit) -> None:
    client = client_for(officer)
    owned = Commitment.objects.filter(summit=demo).order_by("pk").first()
    assert owned is not None
    Commitment.objects.filter(pk=owned.pk).update(owner=officer)
    mine = client.get(f"{API}/commitments/", {"owner": "me"})
    assert mine.status_code == 200  # the token's user is the request's user
    assert [(row["id"], row["owner"]) for row in mine.json()["results"]] == [(owned.pk, "officer")]
    Token.objects.filter(user=officer).delete()
    refused = client.get(f"{API}/commitments/")
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"] == "Token"
    assert refused.json()["error"]["message"] == "Invalid token."
    stranger = APIClient()
    stranger.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert stranger.get(f"{API}/commitments/").status_code == 401


# --- the commitment contract --------------------------------------------------------------------------


def test_a_commitment_reads_as_documented(officer: Any, fm_visit: Commitment) -> None:
    response = client_for(officer).get(f"{API}/commitments/{fm_visit.pk}/")
    assert response["ETag"] == '"1"'
    body = response.json()
    assert set(body) >= {
        "id",
        "url",
        "summit",
        "title",
        "description",
        "kind",
        "level",
        "modality",
        "made_by",
        "counterparty",
        "speaker",
        "desk",
        "owner",
        "watchers",
        "quote",
        "source_ref",
        "status",
        "status_changed_at",
        "due_phrase",
        "due_from",
        "due_by",
        "due_precision",
        "original_due_by",
        "condition",
        "depends_on",
        "reciprocal",
        "superseded_by",
        "overdue",
        "overdue_since",
        "stale",
        "on_time_as_promised",
        "on_time_as_rescheduled",
        "outcomes",
        "version",
        "created_at",
        "updated_at",
    }
    assert body["outcomes"] == [
        {
            "party": "JPN",
            "status": "not_started",
            "recorded": False,
            "note": "",
            "recorded_by": None,
            "recorded_at": None,
        }
    ]
    assert (body["made_by"], body["counterparty"], body["due_by"], body["condition"]) == (
        ["JPN"],
        "RUS",
        "2000-12-31",
        None,
    )
    irkutsk = client_for(officer).get(f"{API}/commitments/{Commitment.objects.get(title=IRKUTSK).pk}/").json()
    assert irkutsk["condition"]["state"] == "pending"
    assert irkutsk["depends_on"] == [fm_visit.pk]


def test_writes_need_the_version_read(officer: Any, supervisor: Any, fm_visit: Commitment) -> None:
    url = f"{API}/commitments/{fm_visit.pk}/"
    mine, theirs = client_for(officer), client_for(supervisor)
    missing = mine.patch(url, {"description": "x"}, format="json")
    assert missing.status_code == 428
    assert missing.json()["error"]["code"] == "precondition_required"
    first = mine.patch(url, {"description": "Officer's text."}, format="json", HTTP_IF_MATCH='"1"')
    assert (first.status_code, first["ETag"]) == (200, '"2"')
    stale = theirs.patch(url, {"description": "Supervisor's text.", "version": 1}, format="json")
    assert stale.status_code == 412
    assert stale.json()["error"]["current_version"] == 2
    fm_visit.refresh_from_db()
    assert fm_visit.description == "Officer's text."
    # Resolved by reading again and sending the new version.
    resolved = theirs.patch(url, {"description": "Supervisor's text.", "version": 2}, format="json")
    assert resolved.status_code == 200
    assert resolved.json()["version"] == 3


def test_status_changes_only_through_transitions(officer: Any, fm_visit: Commitment) -> None:
    client = client_for(officer)
    refused = client.patch(
        f"{API}/commitments/{fm_visit.pk}/", {"status": "fulfilled"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert refused.status_code == 400
    assert "only through POST /api/v1/commitments/{id}/transitions/" in refused.json()["error"]["message"]
    forbidden = client.post(
        f"{API}/commitments/{fm_visit.pk}/transitions/", {"to": "draft"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert forbidden.status_code == 409
    error = forbidden.json()["error"]
    assert error["code"] == "transition_not_allowed"
    assert error["allowed"] == [
        "in_progress",
        "stalled",
        "fulfilled",
        "partially_fulfilled",
        "not_fulfilled",
        "withdrawn",
        "superseded",
    ]  # no "lapsed": this commitment has no condition
    done = client.post(
        f"{API}/commitments/{fm_visit.pk}/transitions/",
        {"to": "fulfilled", "note": "Kono visited Moscow.", "occurred_on": "2000-12-20"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert done.status_code == 201
    assert (done.json()["from_status"], done.json()["to_status"], done.json()["on_time"]) == (
        "not_started",
        "fulfilled",
        True,
    )
    assert done["ETag"] == '"2"'
    history = client.get(f"{API}/commitments/{fm_visit.pk}/transitions/").json()
    assert [h["to_status"] for h in history] == ["fulfilled", "not_started"]


def test_the_parties_outcomes_are_recorded_and_read_back(officer: Any, viewer: Any, demo: Summit) -> None:
    joint = close_jointly(Commitment.objects.get(title=NEGOTIATIONS))
    client = client_for(officer)
    url = f"{API}/commitments/{joint.pk}/outcomes/"
    body = {
        "outcomes": [
            {"party": "JPN", "status": "fulfilled", "note": "Delegation sent."},
            {"party": "RUS", "status": "not_fulfilled"},
        ]
    }
    assert client.post(url, body, format="json").status_code == 428
    done = client.post(url, body, format="json", HTTP_IF_MATCH=f'"{joint.version}"')
    assert done.status_code == 200
    assert done["ETag"] == f'"{joint.version + 1}"'
    outcomes = done.json()["outcomes"]
    assert [(o["party"], o["status"], o["recorded"], o["note"], o["recorded_by"]) for o in outcomes] == [
        ("JPN", "fulfilled", True, "Delegation sent.", "officer"),
        ("RUS", "not_fulfilled", True, "", "officer"),
    ]
    assert done.json()["status"] == "partially_fulfilled"
    # The list and the detail show the same, and a viewer reads them too.
    listed = client_for(viewer).get(f"{API}/commitments/?page_size=200").json()["results"]
    assert next(c for c in listed if c["id"] == joint.pk)["outcomes"] == outcomes
    assert client_for(viewer).get(f"{API}/commitments/{joint.pk}/").json()["outcomes"] == outcomes

    stale = client.post(url, {"outcomes": [], "version": joint.version}, format="json")
    assert stale.status_code == 412
    assert stale.json()["error"]["current_version"] == joint.version + 1
    cleared = client.post(url, {"outcomes": [], "version": joint.version + 1}, format="json")
    assert [(o["status"], o["recorded"]) for o in cleared.json()["outcomes"]] == [("partially_fulfilled", False)] * 2


def test_outcomes_that_cannot_be_are_refused_naming_the_field(officer: Any, demo: Summit) -> None:
    joint = close_jointly(Commitment.objects.get(title=NEGOTIATIONS))
    client = client_for(officer)
    url = f"{API}/commitments/{joint.pk}/outcomes/"
    match = {"HTTP_IF_MATCH": f'"{joint.version}"'}
    not_a_maker = client.post(url, {"outcomes": [{"party": "USA", "status": "fulfilled"}]}, format="json", **match)
    assert not_a_maker.status_code == 400
    assert not_a_maker.json()["error"]["code"] == "invalid_outcomes"
    assert "USA did not make this commitment" in not_a_maker.json()["error"]["fields"]["outcomes"][0]
    not_an_outcome = client.post(url, {"outcomes": [{"party": "JPN", "status": "lapsed"}]}, format="json", **match)
    assert not_an_outcome.status_code == 400
    assert not_an_outcome.json()["error"]["fields"] == {"outcomes.0.status": ['"lapsed" is not a valid choice.']}
    single = close_jointly(Commitment.objects.get(title=FM_VISIT), "fulfilled")
    one = client.post(
        f"{API}/commitments/{single.pk}/outcomes/",
        {"outcomes": [{"party": "JPN", "status": "not_fulfilled"}], "version": single.version},
        format="json",
    )
    assert (one.status_code, one.json()["error"]["code"]) == (400, "outcomes_not_joint")
    # A PATCH does not record them: it says where to go.
    patched = client.patch(f"{API}/commitments/{joint.pk}/", {"outcomes": []}, format="json", **match)
    assert patched.status_code == 400
    assert "POST /api/v1/commitments/{id}/outcomes/" in patched.json()["error"]["message"]
    joint.refresh_from_db()
    assert joint.version == int(match["HTTP_IF_MATCH"].strip('"'))
    assert not joint.outcomes.exists()


def test_invalid_input_gets_field_errors_and_nothing_saved(officer: Any, demo: Summit, fm_visit: Commitment) -> None:
    before = Commitment.objects.count()
    response = client_for(officer).post(
        f"{API}/commitments/",
        {
            "summit": demo.pk,
            "title": "Invented",
            "made_by": ["JPN"],
            "desk": fm_visit.desk_id,
            "quote": "Words nobody said.",
            "due_from": "2001-02-01",
            "due_by": "2001-01-01",
        },
        format="json",
    )
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert "not a verbatim span" in fields["quote"][0]
    assert "cannot start after it ends" in fields["due_from"][0]
    assert Commitment.objects.count() == before


def test_a_window_that_ends_before_it_starts_is_refused_in_the_requesters_language(
    officer: Any, demo: Summit, fm_visit: Commitment
) -> None:
    body = {
        "summit": demo.pk,
        "title": "Invented",
        "made_by": ["JPN"],
        "desk": fm_visit.desk_id,
        "quote": fm_visit.quote,
        "due_from": "2001-02-01",
        "due_by": "2001-01-01",
    }
    client = client_for(officer)
    japanese = client.post(f"{API}/commitments/", body, format="json", HTTP_ACCEPT_LANGUAGE="ja")
    assert japanese.json()["error"]["fields"]["due_from"] == [
        "期間の開始日を終了日より後にはできません：開始日の2001年2月1日が終了日の2001年1月1日より後になっています。"
    ]
    # English last: a request leaves its language active in this thread for the next test.
    english = client.post(f"{API}/commitments/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["error"]["fields"]["due_from"] == [
        "The window cannot start after it ends: due from 1 Feb 2001 is after due by 1 Jan 2001."
    ]


# --- lists: filters and query counts ----------------------------------------------------------------


def _titles(client: APIClient, query: str) -> set[str]:
    response = client.get(f"{API}/commitments/?{query}")
    assert response.status_code == 200, response.content
    return {row["title"] for row in response.json()["results"]}


def test_filters(officer: Any, demo: Summit) -> None:
    import time_machine

    client = client_for(officer)
    Commitment.objects.filter(title=FM_VISIT).update(owner=officer)
    with time_machine.travel(EARLY_2001, tick=False):
        assert _titles(client, "overdue=true") == {
            FM_VISIT,
            "Substantial progress in Peace Treaty negotiations by the end of the year",
        }
    assert len(_titles(client, "party=RUS")) == 8  # four joint, four by Russia alone
    assert _titles(client, "owner=me") == {FM_VISIT}
    assert _titles(client, "q=Irkutsk welcomes") == {"President Putin welcomes Prime Minister Mori in Irkutsk"}
    assert len(_titles(client, "status=not_started&status=in_progress")) == 14
    assert _titles(client, "open=false") == set()
    assert len(_titles(client, "due_before=2000-12-31&due_after=2000-12-01")) == 4
    ordered = client.get(f"{API}/commitments/?ordering=-due_by&page_size=3").json()
    assert [r["due_by"] for r in ordered["results"]][:1] == [None]  # open-ended ones sort as furthest
    assert ordered["next"]


@pytest.mark.parametrize("path", ["commitments/", "summits/", "parties/", "people/", "desks/", "notifications/"])
def test_list_queries_do_not_grow_with_rows(officer: Any, rf_desk: Desk, path: str) -> None:
    client = client_for(officer)
    summit = SummitFactory()
    parties = [PartyFactory(code="JPN"), PartyFactory(code="RUS")]

    def grow(start: int, count: int) -> None:
        for n in range(start, start + count):
            item = make_commitment(
                desk=rf_desk, summit=summit, title=f"C{n}", made_by=parties, owner=officer, due_by=date(2000, 12, 31)
            )
            item.watchers.add(officer)
            item.depends_on.add(*Commitment.objects.filter(pk__lt=item.pk)[:1])
            if path == "commitments/" and n % 2 == 0:  # and half of them with the parties' own outcomes
                services.commitment_transition(
                    commitment_id=item.pk, to_status="partially_fulfilled", by=None, now=EARLY_2001, note="Half."
                )
                services.outcome_set(
                    commitment_id=item.pk,
                    outcomes=[services.PartyOutcome("JPN", "fulfilled"), services.PartyOutcome("RUS", "not_fulfilled")],
                    by=None,
                    now=EARLY_2001,
                )
            Summit.objects.create(title=f"S{n}", starts_at=summit.starts_at, time_zone="UTC")
            PartyFactory(code=f"X{n}")
            Desk.objects.create(name=f"Desk {n}")
        sweep_run(now=EARLY_2001)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"{API}/{path}?page_size=200").status_code == 200
        return len(captured)

    grow(0, 2)
    small = count()
    grow(2, 198)
    assert Notification.objects.filter(recipient=officer).count() > 50 or path != "notifications/"
    assert count() == small


def test_notifications_are_mine_and_can_be_marked_read(officer: Any, supervisor: Any, demo: Summit) -> None:
    Commitment.objects.update(owner=officer)
    sweep_run(now=EARLY_2001)
    client = client_for(officer)
    unread = client.get(f"{API}/notifications/?unread=true").json()["results"]
    assert unread
    assert all(n["read_at"] is None for n in unread)
    mine = Notification.objects.filter(recipient=officer).values_list("pk", flat=True)
    assert {n["id"] for n in unread} <= set(mine)
    read = client.post(f"{API}/notifications/{unread[0]['id']}/read/")
    assert read.status_code == 200
    assert read.json()["read_at"] is not None
    theirs = Notification.objects.filter(recipient=supervisor).first()
    if theirs is not None:
        assert client.post(f"{API}/notifications/{theirs.pk}/read/").status_code == 404


def test_schema_and_docs_are_served_without_a_cdn(client: Any) -> None:
    schema = client.get(f"{API}/schema/?format=json")
    assert schema.status_code == 200
    document = schema.json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/commitments/{id}/transitions/" in document["paths"]
    docs = client.get(f"{API}/docs/").content.decode()
    assert "swagger-ui" in docs
    assert "cdn" not in docs.lower()
    assert "https://" not in docs.split("<body")[0]


@pytest.mark.parametrize(
    "path", ["commitments/abc/", "commitments/%C2%BE/deadline/", "no-such-thing/", "commitments/1/nope/"]
)
def test_an_address_that_names_nothing_is_a_json_404(officer: Any, path: str) -> None:
    response = client_for(officer).get(f"/api/v1/{path}")
    posted = Client(enforce_csrf_checks=True).post(f"/api/v1/{path}", {"x": "1"})
    assert posted.status_code == 404  # not the CSRF page
    assert posted.json()["error"]["code"] == "not_found"
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"
    assert "/api/v1/docs/" in response.json()["error"]["message"]


@pytest.mark.parametrize("field", ["made_by", "counterparty", "owner", "watchers"])
def test_a_nul_character_in_a_reference_is_refused_not_a_server_error(
    officer: Any, fm_visit: Commitment, field: str
) -> None:
    value = "JP\x00N" if field in ("made_by", "counterparty") else "offi\x00cer"
    payload = {field: [value] if field in ("made_by", "watchers") else value}
    response = client_for(officer).patch(
        f"/api/v1/commitments/{fm_visit.pk}/", payload, format="json", HTTP_IF_MATCH=f'"{fm_visit.version}"'
    )
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_the_list_shows_what_the_serializer_shows(officer: Any, demo: Summit) -> None:
    """Responses are built from plain rows; each must equal what CommitmentSerializer (the schema's
    declaration) shows for the same commitment."""
    from django.utils import timezone
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from commitments import selectors
    from commitments.api.serializers import CommitmentSerializer

    fm, visit = Commitment.objects.filter(summit=demo).order_by("id")[:2]
    services.commitment_links_set(commitment=fm, watchers=[officer], depends_on=[visit], reciprocal=[visit])
    joint = close_jointly(Commitment.objects.get(title=NEGOTIATIONS))
    services.outcome_set(
        commitment_id=joint.pk,
        outcomes=[services.PartyOutcome("RUS", "not_fulfilled", "No ministerial round.")],
        by=officer,
        now=timezone.now(),
    )
    listed = client_for(officer).get(f"{API}/commitments/?page_size=200").json()["results"]
    request = Request(APIRequestFactory().get(f"{API}/commitments/"))
    flagged = selectors.commitment_flags(Commitment.objects.order_by("id"), timezone.now())
    expected = [CommitmentSerializer(c, context={"request": request}).data for c in flagged]
    assert len(listed) == Commitment.objects.count() == len(expected)
    assert listed == [dict(row) for row in expected]
    assert any(row["watchers"] and row["depends_on"] and row["reciprocal"] for row in listed)
    assert any(outcome["recorded"] for row in listed for outcome in row["outcomes"])
