"""The Brunei 2000 demo data is faithful to the record, and loading it twice changes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from commitments.demo import DATA_DIR, demo_data
from commitments.models import Commitment, DeskMembership
from summits.models import Participation, Summit

pytestmark = pytest.mark.django_db

SHARED_RECORD = Path(__file__).resolve().parents[2] / "shared" / "records" / "2000-11-15_japan-russia_summit_brunei.txt"


def _load(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def test_the_project_keeps_its_own_verbatim_copy_of_the_record() -> None:
    copy = (DATA_DIR / "2000-11-15_japan-russia_summit_brunei.txt").read_text(encoding="utf-8")
    assert copy.startswith("Japan-Russian Federation Summit Meeting\non the occasion of the APEC Brunei Meeting")
    if SHARED_RECORD.exists():  # beside a checkout, the copy must match the shared record byte for byte
        assert copy == SHARED_RECORD.read_text(encoding="utf-8")


@override_settings(DEBUG=True)
def test_the_summit_is_represented_faithfully() -> None:
    _load()
    summit = Summit.objects.get()
    assert summit.local_start == datetime(2000, 11, 15, 18, 20, tzinfo=summit.local_start.tzinfo)
    assert summit.starts_at == datetime(2000, 11, 15, 10, 20, tzinfo=UTC)
    assert summit.time_zone == "Asia/Brunei"
    assert (summit.duration_minutes, summit.planned_duration_minutes) == (55, 30)
    assert summit.occasion == "APEC Ministerial Meeting"
    assert sorted(summit.parties.values_list("code", flat=True)) == ["JPN", "RUS"]
    assert summit.source_publisher == "Ministry of Foreign Affairs of Japan"
    assert summit.source_url == "https://www.mofa.go.jp/region/europe/russia/meet0011.html"
    assert summit.source_text == demo_data()["source"]["text"]
    roles = {
        (p.person.full_name, p.party.code, p.role, p.capacity)
        for p in Participation.objects.select_related("person", "party")
    }
    assert ("Shinzo Abe", "JPN", "Deputy Cabinet Secretary", "delegation") in roles
    assert ("Aleksandr Losyukov", "RUS", "Deputy Minister for Foreign Affairs", "delegation") in roles
    assert ("Yoshiro Mori", "JPN", "Prime Minister", "principal") in roles
    assert len(roles) == 6


def test_every_quote_is_a_verbatim_span_with_its_offset(demo: Summit) -> None:
    commitments = list(Commitment.objects.filter(summit=demo))
    assert len(commitments) > 10
    for commitment in commitments:
        start = commitment.quote_start
        assert start is not None, commitment.title
        assert demo.source_text[start : start + len(commitment.quote)] == commitment.quote


def test_deadline_windows_follow_the_phrases(demo: Summit) -> None:
    by_quote = {c.quote: c for c in Commitment.objects.filter(summit=demo)}

    def find(fragment: str) -> Commitment:
        (match,) = [c for q, c in by_quote.items() if fragment in q]
        return match

    within = find("send the Japanese Minister for Foreign Affairs to Russia within the year")
    assert (within.due_phrase, within.due_from, within.due_by, within.due_precision) == (
        "within the year",
        None,
        date(2000, 12, 31),
        "year",
    )
    end_of_year = find("by the end of the year")
    assert end_of_year.due_by == date(2000, 12, 31)
    invitation = find("this year or next year")
    assert (invitation.due_from, invitation.due_by) == (date(2000, 11, 15), date(2001, 12, 31))
    future = find("work further on negotiations")
    assert (future.due_phrase, future.due_by, future.due_precision) == ("in the future", None, "none")
    assert future.level == "foreign-ministerial and expert level"
    assert sorted(future.made_by.values_list("code", flat=True)) == ["JPN", "RUS"]  # joint


def test_the_irkutsk_visit_is_conditional_and_prepared_by_the_foreign_ministers_visit(demo: Summit) -> None:
    irkutsk = Commitment.objects.get(summit=demo, source_ref="1.(3)")
    assert irkutsk.condition_text == "if specific developments are achieved towards the conclusion of a Peace Treaty"
    assert irkutsk.condition_state == "pending"
    assert irkutsk.due_by == date(2000, 12, 31)
    send = Commitment.objects.get(summit=demo, source_ref="2.(4)", made_by__code="JPN")
    receive = Commitment.objects.get(summit=demo, source_ref="2.(4)", made_by__code="RUS")
    assert list(irkutsk.depends_on.all()) == [send]
    assert irkutsk in send.prepares.all()
    assert list(send.reciprocal.all()) == [receive]
    assert list(receive.reciprocal.all()) == [send]  # reciprocal both ways
    assert send.modality == "intends"
    assert send.speaker is not None
    assert send.speaker.full_name == "Yoshiro Mori"
    assert send.counterparty is not None
    assert send.counterparty.code == "RUS"


def test_the_record_states_fourteen_commitments_with_paragraph_references(demo: Summit) -> None:
    refs = sorted(Commitment.objects.filter(summit=demo).values_list("source_ref", flat=True))
    assert refs == sorted(
        [
            "1.(2)",
            "1.(3)",
            "2.(1)",
            "2.(2).1",
            "2.(2).1",
            "2.(2).2",
            "2.(2).3",
            "2.(3)",
            "2.(4)",
            "2.(4)",
            "2.(5)",
            "2.(6)",
            "2.(6)",
            "2.(6)",
        ]
    )
    # Things done during the meeting and mere hopes about others are not commitments.
    assert not Commitment.objects.filter(quote__icontains="photograph").exists()


@override_settings(DEBUG=True)
def test_loading_twice_changes_nothing() -> None:
    first = _load()
    assert "created 14 commitments" in first
    snapshot = list(Commitment.objects.order_by("pk").values())
    history = Commitment.history.count()
    second = _load()
    assert "created nothing new" in second
    assert list(Commitment.objects.order_by("pk").values()) == snapshot
    assert Commitment.history.count() == history


@override_settings(DEBUG=True, PLEDGEBOOK_DEMO_PASSWORD="s3cret-demo")
def test_demo_users_have_their_roles_and_the_configured_password() -> None:
    output = _load()
    from django.contrib.auth import authenticate
    from django.test import RequestFactory

    for username in ("admin", "supervisor", "officer", "viewer"):
        login = RequestFactory().post("/admin/login/")
        assert authenticate(login, username=username, password="s3cret-demo") is not None, username
        assert username in output
    memberships = dict(DeskMembership.objects.values_list("user__username", "role"))
    assert memberships == {"supervisor": "supervisor", "officer": "officer"}
    assert Commitment.objects.filter(owner__username="officer").count() == 14


@override_settings(DEBUG=False)
def test_demo_users_are_refused_without_debug_unless_forced() -> None:
    with pytest.raises(CommandError, match="DEBUG is off"):
        _load()
    assert not Summit.objects.exists()
    _load("--no-users")
    assert Summit.objects.count() == 1
    _load("--force")
    assert DeskMembership.objects.count() == 2
