"""History of the accounts the policy reads: users, their groups, groups' permissions, desks and memberships.

Who may do what follows from a user's flags, groups and desk memberships, so a change to any of them is
kept with who made it and when, like a change to a commitment (the admin's LogEntry alone records only
a message). Passwords are never copied into history, and last_login is not history: logins are in the
login audit trail (django-axes' AccessLog).
"""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from simple_history import register

register(
    User,
    app="commitments",
    excluded_fields=["password", "last_login"],
    m2m_fields=[User.groups.field, User.user_permissions.field],
)
register(Group, app="commitments", m2m_fields=[Group.permissions.field])
