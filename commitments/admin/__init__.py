"""The admin, the staff's main interface: one module per page or model.

Importing the package registers every page (Django's autodiscovery imports `commitments.admin`).
Summits, parties and people are registered here too, beside the commitments they show: `summits`
itself knows nothing of commitments.
"""

from django.contrib import admin

from . import accounts, commitment, notifications, summits  # noqa: F401  (registers the pages)
from .dashboard import install as _install_dashboard

_install_dashboard(admin.site)
