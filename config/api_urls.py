"""/api/v1/: the REST API, its OpenAPI schema and interactive documentation (served locally)."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny
from rest_framework.routers import DefaultRouter

from commitments.api.briefs import BriefView
from commitments.api.errors import api_not_found
from commitments.api.records import (
    CommitmentImportView,
    DraftAcceptView,
    DraftRejectView,
    FollowUpAcceptView,
    FollowUpRejectView,
    RecordDetailView,
    RecordImportView,
)
from commitments.api.views import (
    CommitmentViewSet,
    ComplianceReportView,
    DeskViewSet,
    NotificationViewSet,
    TokenView,
)
from summits.api.views import PartyViewSet, PersonViewSet, SummitViewSet


class Router(DefaultRouter):
    # Ids are whole numbers that fit the database; anything else is a plain 404, not a query.
    def get_lookup_regex(self, viewset: object, lookup_prefix: str = "") -> str:
        return f"(?P<{lookup_prefix}pk>[0-9]{{1,18}})"


router = Router()
router.register("parties", PartyViewSet, basename="party")
router.register("people", PersonViewSet, basename="person")
router.register("summits", SummitViewSet, basename="summit")
router.register("desks", DeskViewSet, basename="desk")
router.register("commitments", CommitmentViewSet, basename="commitment")
router.register("notifications", NotificationViewSet, basename="notification")

app_name = "api"
urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("reports/compliance/", ComplianceReportView.as_view(), name="compliance"),
    path("briefs/", BriefView.as_view(), name="briefs"),
    path("records/", RecordImportView.as_view(), name="records"),
    path("commitments/import/", CommitmentImportView.as_view(), name="commitment-import"),
    re_path(r"^records/(?P<pk>[0-9]{1,18})/$", RecordDetailView.as_view(), name="record"),
    re_path(r"^drafts/(?P<pk>[0-9]{1,18})/accept/$", DraftAcceptView.as_view(), name="draft-accept"),
    re_path(r"^drafts/(?P<pk>[0-9]{1,18})/reject/$", DraftRejectView.as_view(), name="draft-reject"),
    re_path(r"^follow-ups/(?P<pk>[0-9]{1,18})/accept/$", FollowUpAcceptView.as_view(), name="follow-up-accept"),
    re_path(r"^follow-ups/(?P<pk>[0-9]{1,18})/reject/$", FollowUpRejectView.as_view(), name="follow-up-reject"),
    path(
        "schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny], authentication_classes=[]), name="schema"
    ),
    path(
        "docs/",
        # The split view serves its script from a URL, not inline: the content security policy allows it.
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", permission_classes=[AllowAny], authentication_classes=[]
        ),
        name="docs",
    ),
    path("", include(router.urls)),
    # Last: every other address under /api/v1/ answers in the API's error shape.
    re_path(r"^(?P<unmatched>.*)$", api_not_found, name="not-found"),
]
