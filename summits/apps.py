from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SummitsConfig(AppConfig):
    name = "summits"
    verbose_name = _("Meetings")
