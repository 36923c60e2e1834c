"""The account audit trail's one rule that is not a model: recording a login is not a change to the account."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone


def last_login_record(sender: Any, user: Any, **kwargs: Any) -> None:
    """Django's update_last_login, as an UPDATE that adds no row to the user's history."""
    now = timezone.now()
    get_user_model().objects.filter(pk=user.pk).update(last_login=now)
    user.last_login = now
