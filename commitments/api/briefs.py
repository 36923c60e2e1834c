"""GET /api/v1/briefs/: the brief before a meeting, as the admin's brief page shows it."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from summits.models import Party

from ..reports.brief import (
    ATTENTION,
    OUTCOME_LABELS,
    SIDES,
    Brief,
    BriefItem,
    BriefRefused,
    brief_get,
    brief_subject,
)
from ..workflow import Status
from .errors import error_response


class BriefPartySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class BriefSourceSerializer(serializers.Serializer):
    """The meeting a commitment was made at."""

    id = serializers.IntegerField()
    url = serializers.URLField()
    title = serializers.CharField()
    date = serializers.DateField(help_text="Its day on the meeting's own clock.")
    city = serializers.CharField(allow_blank=True)


class BriefMeetingSerializer(BriefSourceSerializer):
    """The planned meeting the brief prepares."""

    parties = serializers.ListField(child=serializers.CharField(), help_text="Party codes.")


class BriefLastUpdateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["update", "status_change", "deadline_move"])
    at = serializers.DateTimeField(help_text="When it was recorded.")
    by = serializers.CharField(help_text='Who recorded it ("the system" for an import or a task).')
    text = serializers.CharField(allow_blank=True, help_text="The note, or the reason for a deadline move.")
    evidence_url = serializers.CharField(allow_blank=True)
    to_status = serializers.CharField(allow_null=True, help_text="A status change's new status.")
    occurred_on = serializers.DateField(allow_null=True, help_text="A status change's day it happened.")
    new_due_by = serializers.DateField(allow_null=True, help_text="A deadline move's new last day.")


class BriefItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField(help_text="The commitment in the API.")
    admin_url = serializers.URLField(help_text="Its page in the admin.")
    title = serializers.CharField()
    made_by = serializers.ListField(child=serializers.CharField(), help_text="Party codes.")
    counterparty = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=Status.choices)
    attention = serializers.ChoiceField(
        choices=[*ATTENTION, ""],
        help_text="Where an open one stands, in the brief's order: overdue, due_soon, condition_pending, other. "
        "Empty for a closed one.",
    )
    days_overdue = serializers.IntegerField(allow_null=True, help_text="Whole days past due_by on the desk's clock.")
    days_left = serializers.IntegerField(allow_null=True, help_text="Days until due_by on the desk's clock (0: today).")
    due_phrase = serializers.CharField(allow_blank=True)
    due_from = serializers.DateField(allow_null=True)
    due_by = serializers.DateField(allow_null=True)
    original_due_by = serializers.DateField(allow_null=True, help_text="The deadline first promised.")
    deadline_moved = serializers.BooleanField()
    condition = serializers.CharField(allow_blank=True)
    condition_state = serializers.CharField(allow_blank=True, help_text="pending, met or failed; empty: none.")
    owner = serializers.CharField(allow_null=True, help_text="Username.")
    owner_name = serializers.CharField(allow_blank=True)
    desk = serializers.CharField()
    meeting = BriefSourceSerializer()
    last_update = BriefLastUpdateSerializer(allow_null=True)
    closed_on = serializers.DateField(allow_null=True)
    outcome = serializers.ChoiceField(
        choices=[*OUTCOME_LABELS, ""], help_text="For a closed one: kept, partly_kept, not_kept or no_longer_owed."
    )
    on_time_as_promised = serializers.BooleanField(allow_null=True)
    on_time_as_rescheduled = serializers.BooleanField(allow_null=True)


class BriefSideSerializer(serializers.Serializer):
    side = serializers.ChoiceField(choices=SIDES, help_text="ours: we promised them; theirs: they promised us.")
    label = serializers.CharField()  # type: ignore[assignment]  # a field named "label", for the schema
    open = BriefItemSerializer(many=True, help_text="Overdue, due soon, waiting on a condition, then the rest.")
    closed = BriefItemSerializer(many=True, help_text="Closed since closed_since, the latest first.")


class BriefSerializer(serializers.Serializer):
    title = serializers.CharField()
    as_of = serializers.DateField(help_text="Today in the ministry's time zone.")
    home = BriefPartySerializer(help_text="Our side.")
    counterparts = BriefPartySerializer(many=True)
    meeting = BriefMeetingSerializer(allow_null=True)
    due_soon_days = serializers.IntegerField()
    closed_since = serializers.DateField()
    sides = BriefSideSerializer(many=True)


def _party(party: Party) -> dict[str, str]:
    return {"code": party.code, "name": party.name}


def _meeting(request: Request, summit: Any) -> dict[str, Any]:
    return {
        "id": summit.pk,
        "url": request.build_absolute_uri(reverse("api:summit-detail", args=[summit.pk])),
        "title": summit.title,
        "date": summit.local_date,
        "city": summit.city,
    }


def _item(request: Request, item: BriefItem) -> dict[str, Any]:
    c = item.commitment
    update = item.last_update
    return {
        "id": c.pk,
        "url": request.build_absolute_uri(reverse("api:commitment-detail", args=[c.pk])),
        "admin_url": request.build_absolute_uri(reverse("admin:commitments_commitment_change", args=[c.pk])),
        "title": c.title,
        "made_by": item.made_by,
        "counterparty": item.counterparty_code,
        "status": c.status,
        "attention": item.attention,
        "days_overdue": item.days_overdue,
        "days_left": item.days_left,
        "due_phrase": c.due_phrase,
        "due_from": c.due_from,
        "due_by": c.due_by,
        "original_due_by": c.original_due_by,
        "deadline_moved": item.deadline_moved,
        "condition": c.condition_text,
        "condition_state": c.condition_state,
        "owner": c.owner.get_username() if c.owner is not None else None,
        "owner_name": item.owner_name,
        "desk": c.desk.name,
        "meeting": _meeting(request, c.summit),
        "last_update": None
        if update is None
        else {
            "kind": update.kind,
            "at": update.at,
            "by": update.by,
            "text": update.text,
            "evidence_url": update.evidence_url,
            "to_status": update.to_status or None,
            "occurred_on": update.occurred_on,
            "new_due_by": update.new_due_by,
        },
        "closed_on": c.closed_on,
        "outcome": item.outcome,
        "on_time_as_promised": c.on_time_as_promised,
        "on_time_as_rescheduled": c.on_time_as_rescheduled,
    }


def brief_representation(request: Request, brief: Brief) -> dict[str, Any]:
    subject = brief.subject
    return {
        "title": brief.title,
        "as_of": brief.as_of,
        "home": _party(subject.home),
        "counterparts": [_party(p) for p in subject.counterparts],
        "meeting": None
        if subject.meeting is None
        else {**_meeting(request, subject.meeting), "parties": [p.code for p in subject.meeting.parties.all()]},
        "due_soon_days": brief.due_soon_days,
        "closed_since": brief.closed_since,
        "sides": [
            {
                "side": side.key,
                "label": side.label,
                "open": [_item(request, item) for item in side.open],
                "closed": [_item(request, item) for item in side.closed],
            }
            for side in brief.sides
        ],
    }


class BriefView(APIView):
    """The brief before meeting a counterpart: what each side promised the other and what is still open.

    Every role may read it (as the commitment list). Three sides — what we promised them, what they
    promised us, what both promised together — each with its open commitments (overdue first, longest
    overdue first; then due soon, soonest first; then those waiting on a condition; then the rest) and
    those closed in the last twelve months (kept or not, with the on-time flags). Drafts are never listed.
    """

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "party", str, description="The counterpart's code (RUS). Required unless meeting is given."
            ),
            OpenApiParameter(
                "meeting",
                int,
                description="A planned meeting's id: its parties besides ours are the counterpart "
                "(with party as well, that party, which must be one of them).",
            ),
            OpenApiParameter("home", str, description="Our side's code; default PLEDGEBOOK_HOME_PARTY (JPN)."),
        ],
        responses={200: BriefSerializer},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        try:
            subject = brief_subject(
                party=params.get("party", ""), home=params.get("home", ""), meeting=params.get("meeting", "")
            )
        except BriefRefused as refused:
            return error_response(400, refused.code, str(refused), refused.fields)
        brief = brief_get(subject, now=timezone.now())
        return Response(BriefSerializer(brief_representation(request, brief)).data)
