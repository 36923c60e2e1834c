from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from commitments.views import calendar_feed, favicon, healthz

admin.site.site_header = "Pledgebook"
admin.site.site_title = "Pledgebook"
admin.site.index_title = _("Commitments from diplomatic meetings")
# The wide commitment list needs the room more than a second navigation column.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico on any page that names no icon (the API, the error pages).
    path("favicon.ico", favicon, name="favicon"),
    path("healthz", healthz, name="healthz"),
    path("calendar/<str:key>.ics", calendar_feed, name="calendar_feed"),
    path("api/v1/", include("config.api_urls", namespace="api")),
]
