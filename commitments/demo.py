"""The demo data: the Japan–Russia summit at Brunei, 15 November 2000, and four demo users.

Loading is idempotent: what already exists (matched by natural keys: party code, person name,
summit source URL, commitment paragraph and title, username) is left exactly as it is, so running it
again changes nothing, not even staff's later work on the demo commitments.
"""

from __future__ import annotations

import json
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from summits.models import Participation, Party, Person, Summit

from . import policy, services
from .models import Commitment, Desk, DeskMembership

DATA_DIR = Path(__file__).resolve().parent / "demo_data"
BRUNEI = DATA_DIR / "brunei_2000.json"

# username -> (role group, desk role or None, superuser)
DEMO_USERS: dict[str, tuple[str | None, str | None, bool]] = {
    "admin": (None, None, True),
    "supervisor": (policy.GROUP_SUPERVISOR, DeskMembership.Role.SUPERVISOR, False),
    "officer": (policy.GROUP_OFFICER, DeskMembership.Role.OFFICER, False),
    "viewer": (policy.GROUP_VIEWER, None, False),
}


@dataclass
class DemoResult:
    summit: Summit | None = None
    created: dict[str, int] = field(default_factory=dict)
    users: list[str] = field(default_factory=list)

    def count(self, what: str) -> None:
        self.created[what] = self.created.get(what, 0) + 1


def demo_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(BRUNEI.read_text(encoding="utf-8"))
    data["source"]["text"] = (DATA_DIR / data["source"]["file"]).read_text(encoding="utf-8")
    return data


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@transaction.atomic
def demo_load(
    *,
    now: datetime,
    with_users: bool,
    password: str,
    progress: Callable[[str], None] = lambda message: None,
) -> DemoResult:
    data = demo_data()
    result = DemoResult()

    parties: dict[str, Party] = {}
    for item in data["parties"]:
        party, created = Party.objects.get_or_create(
            code=item["code"], defaults={"name": item["name"], "kind": item["kind"]}
        )
        parties[party.code] = party
        if created:
            result.count("parties")
    progress(f"parties: {', '.join(parties)}")

    people: dict[str, Person] = {}
    for item in data["participants"]:
        person, created = Person.objects.get_or_create(full_name=item["name"], party=parties[item["party"]])
        people[person.full_name] = person
        if created:
            result.count("people")

    source = data["source"]
    summit = Summit.objects.filter(source_url=source["url"]).first()
    if summit is None:
        spec = data["summit"]
        zone = zoneinfo.ZoneInfo(spec["time_zone"])
        summit = Summit.objects.create(
            title=spec["title"],
            kind=spec["kind"],
            occasion=spec["occasion"],
            city=spec["city"],
            country=spec["country"],
            starts_at=datetime.fromisoformat(spec["local_start"]).replace(tzinfo=zone),
            time_zone=spec["time_zone"],
            duration_minutes=spec["duration_minutes"],
            planned_duration_minutes=spec["planned_duration_minutes"],
            summary_points="\n".join(spec["summary_points"]),
            source_publisher=source["publisher"],
            source_url=source["url"],
            source_published_on=_date(source["published_on"]),
            source_text=source["text"],
        )
        summit.parties.set([parties[code] for code in spec["parties"]])
        for order, item in enumerate(data["participants"]):
            Participation.objects.create(
                summit=summit,
                person=people[item["name"]],
                party=parties[item["party"]],
                role=item["role"],
                capacity=item["capacity"],
                order=order,
            )
        result.count("summits")
    result.summit = summit
    progress(f"summit: {summit}")

    desk_spec = data["desk"]
    desk, created = Desk.objects.get_or_create(name=desk_spec["name"], defaults={"time_zone": desk_spec["time_zone"]})
    if created:
        desk.parties.set([parties[code] for code in desk_spec["parties"]])
        result.count("desks")

    users: dict[str, Any] = {}
    if with_users:
        users = _demo_users(desk, password, result)

    commitments: dict[str, Commitment] = {}
    new_keys: set[str] = set()
    for index, item in enumerate(data["commitments"], start=1):
        existing = Commitment.objects.filter(summit=summit, source_ref=item["source_ref"], title=item["title"]).first()
        if existing is not None:
            commitments[item["key"]] = existing
            continue
        commitment = Commitment(
            summit=summit,
            quote=item["quote"],
            source_ref=item["source_ref"],
            title=item["title"],
            kind=item["kind"],
            level=item["level"],
            modality=item["modality"],
            desk=desk,
            speaker=people.get(item["speaker"] or ""),
            counterparty=parties.get(item["counterparty"] or ""),
            owner=users.get("officer"),
            due_phrase=item["due_phrase"],
            due_from=_date(item["due_from"]),
            due_by=_date(item["due_by"]),
            due_precision=item["due_precision"],
            due_rule=item["due_rule"],
            condition_text=item.get("condition", ""),
        )
        # The system records the demo (by=None): no user's desk rights are involved.
        services.commitment_create(commitment=commitment, by=None, now=now, read_window=False)
        commitment.made_by.set([parties[code] for code in item["made_by"]])
        if "supervisor" in users:
            commitment.watchers.set([users["supervisor"]])
        commitments[item["key"]] = commitment
        new_keys.add(item["key"])
        result.count("commitments")
        progress(f"commitment {index}/{len(data['commitments'])}: {commitment.title}")

    # Links are added only from commitments created in this run, so a link that staff removed from
    # an existing demo commitment is not put back.
    for item in data["commitments"]:
        if item["key"] not in new_keys:
            continue
        commitment = commitments[item["key"]]
        commitment.depends_on.add(*(commitments[key] for key in item.get("depends_on", [])))
        commitment.reciprocal.add(*(commitments[key] for key in item.get("reciprocal", [])))
    return result


def _demo_users(desk: Desk, password: str, result: DemoResult) -> dict[str, Any]:
    User = get_user_model()
    users: dict[str, Any] = {}
    for username, (group_name, desk_role, superuser) in DEMO_USERS.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                is_staff=True,
                is_superuser=superuser,
                first_name=username.capitalize(),
                last_name="(demo)",
                email=f"{username}@pledgebook.invalid",
            )
            user.set_password(password)
            user.save()
            if group_name:
                user.groups.add(Group.objects.get_or_create(name=group_name)[0])
            if desk_role:
                DeskMembership.objects.create(desk=desk, user=user, role=desk_role)
            result.count("users")
        users[username] = user
        result.users.append(username)
    return users
