"""Importing through the API — a meeting record and the review of its drafts, and an exported status
report taken back — with the admin's services, refusals and permissions."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from summits.api.serializers import SummitSerializer
from summits.models import Summit

from .. import policy, selectors, services
from ..importer.service import ImportRefused, record_import
from ..models import Commitment, Desk, FollowUp, RejectedDraft
from ..reports.exchange import CsvRejected, import_csv
from ..workflow import Status
from .errors import error_response
from .parsers import LimitedJSONParser, LimitedMultiPartParser, read_limited
from .serializers import LookupField, User


class RecordInputSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, max_length=1_000_000, help_text="The record.")
    file = serializers.FileField(required=False, help_text="Or the record as a .txt or .html upload.")
    url = serializers.URLField(required=False, allow_blank=True, max_length=500)
    publisher = serializers.CharField(required=False, allow_blank=True, max_length=200)
    date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="The meeting's date, when the text does not say it (or not its year); it wins over the text's.",
    )
    desk = serializers.PrimaryKeyRelatedField(
        queryset=Desk.objects.all(), required=False, allow_null=True, help_text="Default: chosen from the parties."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("text", "").strip() and attrs.get("file") is None:
            raise serializers.ValidationError({"text": ["Send the record's text, or upload it as file."]})
        return attrs


class DraftSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The draft's id; an accepted draft keeps it as a commitment.")
    decision = serializers.ChoiceField(choices=["pending", "accepted", "rejected"])
    title = serializers.CharField()
    quote = serializers.CharField()
    source_ref = serializers.CharField()
    made_by = serializers.ListField(child=serializers.CharField())
    due_phrase = serializers.CharField()
    due_from = serializers.DateField(allow_null=True)
    due_by = serializers.DateField(allow_null=True)
    condition = serializers.CharField()
    status = serializers.CharField(allow_null=True, help_text="The commitment's status; null once rejected.")
    owner = serializers.CharField(allow_null=True)
    rejected_by = serializers.CharField(allow_null=True)
    rejected_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField()
    aligned_with = serializers.IntegerField(
        allow_null=True,
        help_text="The commitment of the meeting's other-language record this draft was aligned with, or null. "
        "An aligned draft is kept on that commitment (one promise in two languages), so it is the draft's own id.",
    )
    quote_other = serializers.CharField(help_text="The aligned span in the other language's record, or empty.")
    quote_other_language = serializers.CharField(help_text='"en", "ja" or empty.')


class ImportSerializer(serializers.Serializer):
    # "import" is the record's meeting: one import per meeting.
    import_ = serializers.IntegerField(help_text="The import's id (its meeting's id).")
    summit = SummitSerializer()
    language = serializers.ChoiceField(
        choices=["en", "ja"], help_text="The language of the record imported (on GET, of the meeting's first record)."
    )
    attached = serializers.BooleanField(
        help_text="True when the record was attached to an existing meeting as its record in another language "
        "(on GET: when the meeting holds such a record); summit.id is then that meeting's id."
    )
    drafts = DraftSerializer(many=True)
    follow_ups = serializers.ListField(
        child=serializers.DictField(),
        help_text="What this meeting shows of earlier open commitments between the same parties: "
        '{"id", "commitment", "proposed", "occurred_on", "evidence": {"quote", "start", "end"} | null, "basis", '
        '"reason", "decision"}.',
    )

    def to_representation(self, instance: Any) -> Any:
        data = super().to_representation(instance)
        data["import"] = data.pop("import_")
        return data


class AcceptSerializer(serializers.Serializer):
    owner: Any = LookupField(
        slug_field="username", queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(allow_blank=True, required=False, max_length=20000)


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, required=False, max_length=2000)


def _draft(commitment: Commitment) -> dict[str, Any]:
    return {
        "id": commitment.pk,
        "decision": "pending" if commitment.status == Status.DRAFT else "accepted",
        "title": commitment.title,
        "quote": commitment.quote,
        "source_ref": commitment.source_ref,
        "made_by": [party.code for party in commitment.made_by.all()],
        "due_phrase": commitment.due_phrase,
        "due_from": commitment.due_from,
        "due_by": commitment.due_by,
        "condition": commitment.condition_text,
        "status": commitment.status,
        "owner": commitment.owner.get_username() if commitment.owner else None,
        "rejected_by": None,
        "rejected_at": None,
        "reason": "",
        "aligned_with": commitment.pk if commitment.quote_other else None,
        "quote_other": commitment.quote_other,
        "quote_other_language": commitment.quote_other_language,
    }


def _rejected(draft: RejectedDraft) -> dict[str, Any]:
    return {
        "id": draft.draft_id,
        "decision": "rejected",
        "title": draft.title,
        "quote": draft.quote,
        "source_ref": draft.source_ref,
        "made_by": [code for code in draft.made_by.split(" + ") if code],
        "due_phrase": draft.due_phrase,
        "due_from": draft.due_from,
        "due_by": draft.due_by,
        "condition": draft.condition_text,
        "status": None,
        "owner": None,
        "rejected_by": draft.rejected_by.get_username() if draft.rejected_by else None,
        "rejected_at": draft.rejected_at,
        "reason": draft.reason,
        "aligned_with": None,
        "quote_other": "",
        "quote_other_language": "",
    }


def _import(summit: Summit, request: Request, language: str = "", attached: bool | None = None) -> dict[str, Any]:
    drafts = [_draft(c) for c in selectors.import_drafts(summit.pk)]
    rejected = [_rejected(r) for r in RejectedDraft.objects.filter(summit=summit).select_related("rejected_by")]
    body = {
        "import_": summit.pk,
        "summit": summit,
        "language": language or summit.source_language,
        "attached": summit.records.exists() if attached is None else attached,
        "drafts": sorted(drafts + rejected, key=lambda d: d["id"]),
    }
    follow_ups = [follow_up.as_json() for follow_up in summit.proposed_follow_ups.all()]
    return dict(ImportSerializer({**body, "follow_ups": follow_ups}, context={"request": request}).data)


class RecordImportView(APIView):
    """POST a record (text or file): its meeting and draft commitments, nothing tracked until accepted."""

    @extend_schema(request=RecordInputSerializer, responses={201: ImportSerializer})
    def post(self, request: Request) -> Response:
        if not policy.can_add_commitment(request.user):
            raise PermissionDenied("Officers and supervisors import records.")
        data = RecordInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        given = data.validated_data
        raw: bytes | str = given["file"].read() if given.get("file") is not None else given["text"]
        try:
            result = record_import(
                raw=raw,
                by=request.user,
                now=timezone.now(),
                source_url=given.get("url") or "",
                publisher=given.get("publisher") or "",
                desk=given.get("desk"),
                meeting_date=given.get("date"),
            )
        except ImportRefused as refused:
            existing: dict[str, Any] = {"existing": refused.existing.pk} if refused.existing is not None else {}
            fields = {refused.field: [str(refused)]} if refused.field else None
            return error_response(status.HTTP_400_BAD_REQUEST, "import_refused", str(refused), fields, **existing)
        return Response(
            _import(result.summit, request, result.language, result.attached), status=status.HTTP_201_CREATED
        )


class RecordDetailView(APIView):
    @extend_schema(responses={200: ImportSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return Response(_import(get_object_or_404(Summit, pk=pk), request))


class DraftAcceptView(APIView):
    """Accept a draft for tracking, optionally naming its owner or correcting its title or description."""

    @extend_schema(request=AcceptSerializer, responses={200: DraftSerializer})
    def post(self, request: Request, pk: int) -> Response:
        get_object_or_404(Commitment, pk=pk)
        data = AcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.draft_accept(commitment_id=pk, by=request.user, now=timezone.now(), edits=dict(data.validated_data))
        return Response(DraftSerializer(_draft(Commitment.objects.select_related("owner").get(pk=pk))).data)


class DraftRejectView(APIView):
    """Reject a draft: it stops being a commitment and is kept only with its import."""

    @extend_schema(request=RejectSerializer, responses={200: DraftSerializer})
    def post(self, request: Request, pk: int) -> Response:
        data = RejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rejected = services.draft_reject(
            commitment_id=get_object_or_404(Commitment, pk=pk).pk,
            by=request.user,
            now=timezone.now(),
            reason=data.validated_data.get("reason", ""),
        )
        return Response(DraftSerializer(_rejected(rejected)).data)


class FollowUpSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    commitment = serializers.IntegerField(help_text="The earlier commitment it bears on.")
    proposed = serializers.ChoiceField(choices=FollowUp.Proposed.choices)
    occurred_on = serializers.DateField()
    evidence = serializers.DictField(allow_null=True, help_text='{"quote", "start", "end"} in the new record, or null.')
    basis = serializers.ChoiceField(choices=FollowUp.Basis.choices)
    reason = serializers.CharField()
    decision = serializers.ChoiceField(choices=FollowUp.Decision.choices)


class _FollowUpDecisionView(APIView):
    decide: Any = None

    @extend_schema(request=None, responses={200: FollowUpSerializer})
    def post(self, request: Request, pk: int) -> Response:
        follow_up = get_object_or_404(FollowUp, pk=pk)
        type(self).decide(follow_up_id=follow_up.pk, by=request.user, now=timezone.now())
        follow_up.refresh_from_db()
        return Response(FollowUpSerializer(follow_up.as_json()).data)


class FollowUpAcceptView(_FollowUpDecisionView):
    """Accept a proposed follow-up: an update linked to the new meeting, and the outcome through the workflow on
    the day it happened (or the condition marked met)."""

    decide = staticmethod(services.followup_accept)


class FollowUpRejectView(_FollowUpDecisionView):
    """Reject a proposed follow-up: nothing is recorded on the earlier commitment."""

    decide = staticmethod(services.followup_reject)


class CsvTextParser(BaseParser):
    """A CSV body as text (the export's own format)."""

    media_type = "text/csv"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return read_limited(stream, parser_context).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ParseError("The CSV is not UTF-8 text.") from None


class ImportCountsSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class CommitmentImportView(APIView):
    """Take back an export (CSV, or the JSON array) edited or not: rows with an id update that commitment
    (refused if it changed since the export), rows without one are created, all or nothing."""

    parser_classes = [CsvTextParser, LimitedJSONParser, LimitedMultiPartParser]

    @extend_schema(
        request={"text/csv": OpenApiTypes.STR, "application/json": OpenApiTypes.OBJECT},
        responses={200: ImportCountsSerializer},
    )
    def post(self, request: Request) -> Response:
        if not policy.can_add_commitment(request.user):
            raise PermissionDenied("Officers and supervisors import commitments.")
        data: Any = request.data
        if hasattr(data, "get") and data.get("file") is not None:
            text = data["file"].read().decode("utf-8-sig", errors="replace")
        elif isinstance(data, str):
            text = data
        else:
            text = json.dumps(data)
        try:
            report = import_csv(text=text, by=request.user, now=timezone.now())
        except CsvRejected as rejected:
            lines = [{"line": line, "message": message} for line, message in rejected.errors]
            message = f"Nothing was imported: {len(lines)} row(s) cannot be taken as they are; see lines."
            return error_response(status.HTTP_400_BAD_REQUEST, "import_rejected", message, None, lines=lines)
        return Response(ImportCountsSerializer(report.counts()).data)
