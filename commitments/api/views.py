"""API views: thin. Each write parses input, asks a service, and returns what the service made."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.plumbing import build_array_type, build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import ByIdCursor

from .. import policy, services
from ..models import Commitment, Desk, Notification
from ..models.core import DUE_SORT, IS_CLOSED, IS_PENDING
from ..notifications.create import notifications_mark_read
from .errors import PreconditionRequired, error_response
from .filters import CommitmentFilter, CommitmentFilterBackend, CommitmentOrdering
from .serializers import (
    ROW_COLUMNS,
    CommitmentInputSerializer,
    CommitmentSerializer,
    ConditionStateInputSerializer,
    DeadlineInputSerializer,
    DeskSerializer,
    NotificationSerializer,
    OutcomesInputSerializer,
    StatusChangeSerializer,
    TokenRequestSerializer,
    TokenSerializer,
    TransitionInputSerializer,
    UpdateSerializer,
    commitment_representations,
)
from .throttles import SharedScopedRateThrottle

# The annotations get_queryset adds for ORDERINGS: every list row carries them for the cursor.
SORT_KEYS = ("due_sort", "sort_closed", "sort_pending")

IF_MATCH = OpenApiParameter(
    "If-Match",
    location=OpenApiParameter.HEADER,
    required=False,
    description='The ETag you read, e.g. "3" (or send a "version" field instead).',
)


class TokenView(APIView):
    """Exchange a username and password for an API token (throttled per address)."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [SharedScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer}, auth=[])
    def post(self, request: Request) -> Response:
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # The underlying HttpRequest: the lockout check and the login audit trail read its address.
        user = authenticate(
            request._request, username=data.validated_data["username"], password=data.validated_data["password"]
        )
        if user is None or not user.is_active:
            return error_response(400, "invalid_credentials", gettext("The username or password is wrong."))
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


def expected_version(request: Request) -> int:
    """The version the client read: If-Match wins over a body "version"; neither is a 428."""
    header = request.headers.get("If-Match", "").strip()
    if header:
        value = header.removeprefix("W/").strip().strip('"')
        if value.isdigit() and int(value) > 0:
            return int(value)
        raise ValidationError({"If-Match": [gettext('Send the ETag you read, for example "3".')]})
    body = request.data.get("version") if hasattr(request.data, "get") else None
    if isinstance(body, int) and not isinstance(body, bool) and body > 0:
        return body
    if isinstance(body, str) and body.isdigit() and int(body) > 0:
        return int(body)
    raise PreconditionRequired()


def etag(commitment: Commitment) -> dict[str, str]:
    return {"ETag": f'"{commitment.version}"'}


# Where to go instead, for each service that alone changes a guarded field (services.GUARDED_FIELDS).
_ELSEWHERE = {
    "transition": gettext_lazy("The status changes only through POST /api/v1/commitments/{id}/transitions/."),
    "deadline": gettext_lazy(
        "Deadlines move only through POST /api/v1/commitments/{id}/deadline/ (a supervisor, with a reason)."
    ),
    "condition": gettext_lazy("The condition's state changes through POST /api/v1/commitments/{id}/condition/."),
    "outcomes": gettext_lazy("The parties' own outcomes are recorded through POST /api/v1/commitments/{id}/outcomes/."),
}


class CommitmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Commitment]):
    serializer_class = CommitmentSerializer
    pagination_class = ByIdCursor
    filterset_class = CommitmentFilter
    filter_backends = [CommitmentFilterBackend, CommitmentOrdering]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Commitment]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no database reads
            return Commitment.objects.none()
        # The sort keys of ORDERINGS, as the very expressions the ordering indexes hold (models.core).
        return Commitment.objects.annotate(due_sort=DUE_SORT, sort_closed=IS_CLOSED, sort_pending=IS_PENDING)

    def _load(self, pk: Any) -> Commitment:
        return get_object_or_404(self.get_queryset(), pk=pk)

    def _respond(self, commitment_id: int, code: int = status.HTTP_200_OK) -> Response:
        # Every response showing a commitment is built from a plain row (commitment_representations),
        # as CommitmentSerializer declares it; a model instance per row costs several times the query.
        # order_by(): one row needs no ORDER BY (the model's default ordering cost a tenth of the request).
        rows = list(Commitment.objects.filter(pk=commitment_id).order_by().values(*ROW_COLUMNS))
        if not rows:
            raise Http404("No such commitment.")
        (body,) = commitment_representations(rows, self.request, timezone.now())
        return Response(body, status=code, headers={"ETag": f'"{body["version"]}"'})

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Filters, ordering and the cursor work on the queryset as usual; the page is read as plain rows.
        # With every sort key: the cursor reads them from the page's last row (common.api.ByIdCursor).
        queryset = self.filter_queryset(self.get_queryset())
        ranked = ("search_rank",) if "search_rank" in queryset.query.annotations else ()
        rows = queryset.values(*ROW_COLUMNS, *SORT_KEYS, *ranked)
        page = self.paginate_queryset(rows)
        assert page is not None  # the cursor always paginates
        return self.get_paginated_response(commitment_representations(list(page), request, timezone.now()))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._respond(kwargs["pk"])

    @extend_schema(request=CommitmentInputSerializer, responses={201: CommitmentSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = CommitmentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields.pop("version", None)
        now = timezone.now()
        with transaction.atomic():
            commitment = Commitment(**_scalars(fields))
            services.commitment_create(commitment=commitment, by=request.user, now=now)
            services.commitment_links_set(commitment=commitment, by=request.user, now=now, **_links(fields))
        response = self._respond(commitment.pk, status.HTTP_201_CREATED)
        response["Location"] = str(response.data["url"])
        return response

    @extend_schema(
        request=CommitmentInputSerializer(partial=True), responses={200: CommitmentSerializer}, parameters=[IF_MATCH]
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        commitment = self._load(kwargs["pk"])
        if not policy.can_edit_commitment(request.user, commitment):
            return error_response(
                403, "permission_denied", gettext("You may edit only the commitments of your own desks.")
            )
        sent = request.data if hasattr(request.data, "keys") else {}
        elsewhere = {field: [str(_ELSEWHERE[via])] for field, via in services.GUARDED_FIELDS.items() if field in sent}
        if "outcomes" in sent:
            elsewhere["outcomes"] = [str(_ELSEWHERE["outcomes"])]
        if elsewhere:
            message = " ".join(m[0] for m in elsewhere.values())
            return error_response(400, "read_only_field", message, elsewhere)
        version = expected_version(request)
        data = CommitmentInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields.pop("version", None)
        now = timezone.now()
        with transaction.atomic():
            current = Commitment.objects.get(pk=commitment.pk)
            for name, value in _scalars(fields).items():
                setattr(current, name, value)
            services.commitment_save(commitment=current, expected_version=version, by=request.user, now=now)
            services.commitment_links_set(commitment=current, by=request.user, now=now, **_links(fields))
        return self._respond(current.pk)

    @extend_schema(methods=["GET"], responses={200: StatusChangeSerializer(many=True)})
    @extend_schema(
        methods=["POST"],
        request=TransitionInputSerializer,
        responses={201: StatusChangeSerializer},
        parameters=[IF_MATCH],
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def transitions(self, request: Request, pk: Any = None) -> Response:
        commitment = self._load(pk)
        if request.method == "GET":
            rows = commitment.status_changes.select_related("by")
            return Response(StatusChangeSerializer(rows, many=True).data, headers=etag(commitment))
        version = expected_version(request)
        data = TransitionInputSerializer(data=request.data)
        if not data.is_valid():
            wanted = request.data.get("to") if hasattr(request.data, "get") else None
            if "to" in data.errors and isinstance(wanted, str) and wanted:
                # Not a status at all: say which ones this user may choose now, as the admin does.
                refusal = policy.transition_refusal(request.user, commitment, wanted)
                return error_response(status.HTTP_400_BAD_REQUEST, "invalid_choice", refusal, {"to": [refusal]})
            raise ValidationError(data.errors)
        values = data.validated_data
        change = services.commitment_transition(
            commitment_id=commitment.pk,
            to_status=values["to"],
            by=request.user,
            now=timezone.now(),
            note=values.get("note", ""),
            evidence_url=values.get("evidence_url", ""),
            occurred_on=values.get("occurred_on"),
            expected_version=version,
        )
        commitment.refresh_from_db(fields=["version"])
        return Response(StatusChangeSerializer(change).data, status=201, headers=etag(commitment))

    @extend_schema(methods=["GET"], responses={200: UpdateSerializer(many=True)})
    @extend_schema(methods=["POST"], request=UpdateSerializer, responses={201: UpdateSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def updates(self, request: Request, pk: Any = None) -> Response:
        commitment = self._load(pk)
        if request.method == "GET":
            return Response(UpdateSerializer(commitment.updates.select_related("author"), many=True).data)
        data = UpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        update = services.update_add(
            commitment_id=commitment.pk,
            note=values["note"],
            evidence_url=values.get("evidence_url", ""),
            evidence_summit=values.get("evidence_summit"),
            by=request.user,
            now=timezone.now(),
        )
        return Response(UpdateSerializer(update).data, status=201)

    @extend_schema(request=DeadlineInputSerializer, responses={200: CommitmentSerializer}, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def deadline(self, request: Request, pk: Any = None) -> Response:
        commitment = self._load(pk)
        version = expected_version(request)
        data = DeadlineInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        services.deadline_move(
            commitment_id=commitment.pk,
            new_due_by=values["due_by"],
            new_due_from=values.get("due_from"),
            new_due_phrase=values.get("due_phrase"),
            reason=values["reason"],
            change_class=values["change_class"],
            by=request.user,
            now=timezone.now(),
            expected_version=version,
        )
        return self._respond(commitment.pk)

    @extend_schema(request=OutcomesInputSerializer, responses={200: CommitmentSerializer}, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def outcomes(self, request: Request, pk: Any = None) -> Response:
        """Record each party's own outcome of a joint commitment closed as fulfilled, partially or not
        fulfilled: the set sent replaces the recorded one (a party left out follows the status again)."""
        commitment = self._load(pk)
        version = expected_version(request)
        data = OutcomesInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.outcome_set(
            commitment_id=commitment.pk,
            outcomes=[
                services.PartyOutcome(party=item["party"], status=item["status"], note=item.get("note"))
                for item in data.validated_data["outcomes"]
            ],
            by=request.user,
            now=timezone.now(),
            expected_version=version,
        )
        return self._respond(commitment.pk)

    @extend_schema(
        parameters=[OpenApiParameter("as", str, enum=["csv", "json"], description="csv (default) or json.")],
        responses={
            (200, "text/csv"): OpenApiTypes.STR,
            (200, "application/json"): build_array_type(build_basic_type(OpenApiTypes.OBJECT) or {}),
        },
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def export(self, request: Request) -> StreamingHttpResponse:
        """The filtered list (same filters as the list) in the columns the CSV import reads, streamed."""
        from ..reports.exchange import export_response

        queryset = self.filter_queryset(self.get_queryset())
        as_json = request.query_params.get("as") == "json"
        return export_response(queryset, as_json=as_json, filename=None if as_json else "commitments.csv")

    @extend_schema(request=ConditionStateInputSerializer, responses={200: CommitmentSerializer}, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def condition(self, request: Request, pk: Any = None) -> Response:
        commitment = self._load(pk)
        version = expected_version(request)
        data = ConditionStateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.condition_set_state(
            commitment_id=commitment.pk,
            state=data.validated_data["state"],
            by=request.user,
            now=timezone.now(),
            note=data.validated_data.get("note", ""),
            expected_version=version,
        )
        return self._respond(commitment.pk)


_LINKS = ("made_by", "watchers", "depends_on", "reciprocal")


def _links(fields: dict[str, Any]) -> dict[str, Any]:
    return {name: fields[name] for name in _LINKS if name in fields}


def _scalars(fields: dict[str, Any]) -> dict[str, Any]:
    """Model field values from validated input (the condition object becomes condition_text)."""
    values = {k: v for k, v in fields.items() if k not in _LINKS and k != "condition"}
    if "condition" in fields:
        values["condition_text"] = (fields["condition"] or {}).get("text", "")
    return values


class DeskViewSet(viewsets.ReadOnlyModelViewSet[Desk]):
    queryset = Desk.objects.prefetch_related("parties")
    serializer_class = DeskSerializer
    pagination_class = ByIdCursor
    filter_backends: list[Any] = []


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Notification]):
    """The signed-in user's own notifications, newest first."""

    serializer_class = NotificationSerializer
    filter_backends: list[Any] = []

    class Cursor(CursorPagination):
        ordering = ("-created_at", "-id")
        page_size = 50

    pagination_class = Cursor

    def get_queryset(self) -> QuerySet[Notification]:
        queryset = Notification.objects.filter(recipient_id=self.request.user.pk).select_related("actor")
        unread = self.request.query_params.get("unread", "").lower()
        if unread in ("true", "1", "yes"):
            queryset = queryset.filter(read_at__isnull=True)
        elif unread in ("false", "0", "no"):
            queryset = queryset.filter(read_at__isnull=False)
        return queryset

    @extend_schema(parameters=[OpenApiParameter("unread", bool, description="true: only unread; false: only read.")])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None, responses={200: NotificationSerializer})
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: Any = None) -> Response:
        notification = get_object_or_404(self.get_queryset(), pk=pk)
        notifications_mark_read(user=request.user, ids=[notification.pk], now=timezone.now())
        notification.refresh_from_db()
        return Response(NotificationSerializer(notification).data)


class ComplianceRowSerializer(serializers.Serializer):
    key = serializers.CharField(allow_null=True)
    label = serializers.CharField()  # type: ignore[assignment]  # a field named "label", for the schema
    score = serializers.FloatField(allow_null=True)
    assessed = serializers.IntegerField()
    open = serializers.IntegerField()
    excluded = serializers.IntegerField()
    on_time_as_promised_rate = serializers.FloatField(
        allow_null=True, help_text="Fulfilled by the deadline first promised, among the fulfilled ones that had one."
    )
    on_time_as_rescheduled_rate = serializers.FloatField(
        allow_null=True, help_text="Fulfilled by the deadline in force then (after any moves), among those with one."
    )
    mean_delay_days = serializers.FloatField(
        allow_null=True, help_text="Mean days fulfilled after the deadline first promised (0 when on time)."
    )
    by_status = serializers.DictField(child=serializers.IntegerField())


class ComplianceReportSerializer(serializers.Serializer):
    as_of = serializers.DateTimeField(
        allow_null=True, help_text="When the figures were computed: the last refresh, or now when live."
    )
    live = serializers.BooleanField(help_text="true: computed for this request (one summit, or no refresh yet).")
    overall = ComplianceRowSerializer()
    by_summit = ComplianceRowSerializer(many=True, help_text="One page of summits, latest first.")
    count = serializers.IntegerField(help_text="How many summits by_summit pages through.")
    next = serializers.URLField(allow_null=True, help_text="The next (older) page of by_summit.")
    previous = serializers.URLField(allow_null=True, help_text="The previous (newer) page of by_summit.")
    by_party = ComplianceRowSerializer(many=True)
    by_desk = ComplianceRowSerializer(many=True)


def _rows(rows: list[Any]) -> list[dict[str, Any]]:
    return [{**row.as_dict(), "key": str(row.key)} for row in rows]


class ComplianceReportView(APIView):
    """G7-style compliance: mean score, on-time rate and mean delay per summit, party and desk.

    The figures come from the summaries a periodic refresh keeps (`as_of` says when), the summits a page of
    50 at a time, latest first; `?summit=<id>` computes one summit's figures now (`live`), per party and desk
    among its commitments."""

    @extend_schema(
        parameters=[
            OpenApiParameter("summit", int, description="One summit's figures, computed now."),
            OpenApiParameter("q", str, description="Only summits whose title contains this."),
            OpenApiParameter("page", int, description="The page of summits (50 a page, latest first)."),
        ],
        responses={200: ComplianceReportSerializer},
    )
    def get(self, request: Request) -> Response:
        from rest_framework.utils.urls import replace_query_param

        from summits.selectors import summit_heading_get

        from ..reports.summaries import report_get, summit_report

        now = timezone.now()
        chosen = request.query_params.get("summit")
        if chosen:
            if not chosen.isdigit():
                raise ValidationError({"summit": ["A summit's id, a whole number."]})
            summit = summit_heading_get(int(chosen))
            if summit is None:
                raise Http404
            figures = summit_report(summit)
            return Response(
                {
                    "as_of": now,
                    "live": True,
                    "overall": {**figures.summit.as_dict(), "key": None},
                    "by_summit": _rows([figures.summit]),
                    "count": 1,
                    "next": None,
                    "previous": None,
                    "by_party": _rows(figures.by_party),
                    "by_desk": _rows(figures.by_desk),
                }
            )
        report = report_get(now=now, search=request.query_params.get("q", ""), page=request.query_params.get("page"))
        here = request.build_absolute_uri()
        page = report.page
        return Response(
            {
                "as_of": report.as_of,
                "live": report.live,
                "overall": {**report.overall.as_dict(), "key": None},
                "by_summit": _rows(report.by_summit),
                "count": page.paginator.count,
                "next": replace_query_param(here, "page", page.next_page_number()) if page.has_next() else None,
                "previous": (
                    replace_query_param(here, "page", page.previous_page_number()) if page.has_previous() else None
                ),
                "by_party": _rows(report.by_party),
                "by_desk": _rows(report.by_desk),
            }
        )
