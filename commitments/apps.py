from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitmentsConfig(AppConfig):
    name = "commitments"
    verbose_name = _("Commitments")

    def ready(self) -> None:
        from django.contrib.auth.models import update_last_login
        from django.contrib.auth.signals import user_logged_in

        from .audit import last_login_record
        from .locale import language_on_login

        # Users are kept in history (models/audit.py); a login is not a change to the account and is
        # already in the login audit trail, so last_login is written without a history row.
        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        user_logged_in.connect(last_login_record, dispatch_uid="pledgebook_last_login")
        user_logged_in.connect(language_on_login, dispatch_uid="pledgebook_language")
