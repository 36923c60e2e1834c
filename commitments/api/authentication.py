"""Token authentication: DRF's rules, its header and its errors, with a lighter lookup."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token


class TokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>`, checked against the database on every request, as DRF does.

    DRF reads the token with `select_related("user").get(key=…)`, and building that ORM query cost a
    third of a one-commitment request (BENCHMARKS.md); here it is one fixed statement read into a User.
    Nothing is cached: a deleted token or a deactivated user is refused on the very next request.
    """

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        user_model = get_user_model()
        users, tokens = user_model._meta.db_table, Token._meta.db_table
        found = list(
            user_model.objects.raw(
                f"SELECT u.*, t.created AS token_created FROM {users} u "  # noqa: S608 - the models' tables
                f"JOIN {tokens} t ON t.user_id = u.id WHERE t.key = %s",
                [key],
            )
        )
        if not found:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        (user,) = found
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        token = Token(key=key, user=user, created=getattr(user, "token_created", None))
        return user, token
