"""Who may do what. The one place that answers; the admin asks it now, the API will too.

A user's role comes from their group (Viewer, Desk officer, Supervisor) or superuser status; the
desks where they may act come from their desk memberships. The effective right on a desk is the
lower of the two, so a "Supervisor" who is only an officer member of a desk acts there as an officer,
and removing someone from a group takes effect on every desk at once.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext

from .workflow import CLOSED_STATUSES, allowed_next, is_reopening, label, refusal

if TYPE_CHECKING:
    from .models import Commitment

GROUP_VIEWER = "Viewer"
GROUP_OFFICER = "Desk officer"
GROUP_SUPERVISOR = "Supervisor"
ROLE_GROUPS = (GROUP_VIEWER, GROUP_OFFICER, GROUP_SUPERVISOR)


class Role(IntEnum):
    NONE = 0
    VIEWER = 1
    OFFICER = 2
    SUPERVISOR = 3
    ADMIN = 4


_GROUP_ROLE = {GROUP_VIEWER: Role.VIEWER, GROUP_OFFICER: Role.OFFICER, GROUP_SUPERVISOR: Role.SUPERVISOR}
_MEMBERSHIP_ROLE = {"officer": Role.OFFICER, "supervisor": Role.SUPERVISOR}
_ROLE = "_pledgebook_policy_role"
_DESKS = "_pledgebook_policy_desks"


def role_of(user: Any) -> Role:
    """The user's global role, read once per user object: no query for an administrator (superuser status is
    a column of the user), one for anyone else (their groups)."""
    cached = getattr(user, _ROLE, None)
    if cached is not None:
        return cached
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        role = Role.NONE
    elif user.is_superuser:
        role = Role.ADMIN
    else:
        group_names = set(user.groups.values_list("name", flat=True))
        role = max((_GROUP_ROLE[name] for name in group_names if name in _GROUP_ROLE), default=Role.NONE)
    setattr(user, _ROLE, role)
    return role


def _desks(user: Any) -> dict[int, Role]:
    """The user's effective role per desk (one query, once per user object), read only by the questions that
    name a desk: reading — every API request and list page — needs the role alone, so a viewer's or an
    administrator's request reads no memberships at all."""
    cached = getattr(user, _DESKS, None)
    if cached is not None:
        return cached
    role = role_of(user)
    desks: dict[int, Role] = {}
    if role == Role.ADMIN:
        # Administrators act everywhere; their memberships matter only for owning (can_own).
        for desk_id, member_role in user.desk_memberships.values_list("desk_id", "role"):
            desks[desk_id] = _MEMBERSHIP_ROLE[member_role]
    elif role >= Role.OFFICER:
        for desk_id, member_role in user.desk_memberships.values_list("desk_id", "role"):
            desks[desk_id] = min(role, _MEMBERSHIP_ROLE[member_role])
    setattr(user, _DESKS, desks)
    return desks


def forget(user: Any) -> None:
    """Drop what was read of the user's rights (after changing their groups or desks in the same request)."""
    for name in (_ROLE, _DESKS):
        if hasattr(user, name):
            delattr(user, name)


def is_admin(user: Any) -> bool:
    return role_of(user) == Role.ADMIN


def can_view(user: Any) -> bool:
    """Every role reads everything; outsiders (no role, not staff) read nothing."""
    return bool(getattr(user, "is_staff", False)) and role_of(user) >= Role.VIEWER


def desk_role(user: Any, desk_id: int | None) -> Role:
    role = role_of(user)
    if role == Role.ADMIN:
        return Role.ADMIN
    if desk_id is None or not can_view(user):
        return Role.NONE
    return _desks(user).get(desk_id, Role.VIEWER if role >= Role.VIEWER else Role.NONE)


def editable_desk_ids(user: Any) -> set[int] | None:
    """Desks whose commitments the user may edit; None means every desk (administrators)."""
    if role_of(user) == Role.ADMIN:
        return None
    if not can_view(user):
        return set()
    return {desk_id for desk_id, desk_role_ in _desks(user).items() if desk_role_ >= Role.OFFICER}


def can_add_commitment(user: Any) -> bool:
    editable = editable_desk_ids(user)
    return editable is None or bool(editable)


def can_edit_commitment(user: Any, commitment: Commitment) -> bool:
    return desk_role(user, commitment.desk_id) >= Role.OFFICER


def can_own(user: Any, desk_id: int | None) -> bool:
    """An owner is an active officer or supervisor of the commitment's desk: someone the reminders reach
    and who may act on them. (An administrator owns only where they are a member.)"""
    return can_view(user) and desk_id is not None and _desks(user).get(desk_id, Role.NONE) >= Role.OFFICER


def can_watch(user: Any) -> bool:
    """A watcher is active staff who may read commitments (any role)."""
    return can_view(user)


def can_supervise(user: Any, commitment: Commitment) -> bool:
    """Reopen, move deadlines, receive escalations: supervisors of the commitment's desk."""
    return desk_role(user, commitment.desk_id) >= Role.SUPERVISOR


def can_move_deadline(user: Any, commitment: Commitment) -> bool:
    return can_supervise(user, commitment)


def can_transition(user: Any, commitment: Commitment, to_status: str) -> bool:
    if not can_edit_commitment(user, commitment):
        return False
    if is_reopening(commitment.status, to_status):
        return can_supervise(user, commitment)
    return True


def can_edit_summits(user: Any) -> bool:
    """Officers and up record meetings; viewers only read them."""
    return can_view(user) and role_of(user) >= Role.OFFICER


def can_delete(user: Any) -> bool:
    """Deleting loses history; only administrators may, and only where nothing depends on the row."""
    return is_admin(user)


# --- the same rules, set-based, for work over many users at once (the sweep, notifications) -------


def viewers_q() -> Any:
    """Users who may read Pledgebook at all, as a query condition: what can_view() says of one user."""
    from django.db.models import Q

    return Q(is_active=True, is_staff=True) & (Q(is_superuser=True) | Q(groups__name__in=ROLE_GROUPS))


def desk_supervisor_ids(desk_ids: Any) -> dict[int, set[int]]:
    """Each desk's supervisors: a supervisor membership held by someone whose group is Supervisor
    (desk_role() of SUPERVISOR, for every member at once). Administrators are not desk members."""
    from .models import DeskMembership

    result: dict[int, set[int]] = {}
    rows = DeskMembership.objects.filter(
        desk_id__in=set(desk_ids),
        role=DeskMembership.Role.SUPERVISOR,
        user__groups__name=GROUP_SUPERVISOR,
        user__is_active=True,
        user__is_staff=True,
    ).values_list("desk_id", "user_id")
    for desk_id, user_id in rows:
        result.setdefault(desk_id, set()).add(user_id)
    return result


# --- the same rules, in words: what the commitment page says when it offers less -----------------------


def _desk_words(commitment: Commitment) -> str:
    return gettext("the %(desk)s") % {"desk": commitment.desk.name} if commitment.desk_id else gettext("its desk")


def choosable_statuses(user: Any, commitment: Commitment) -> list[str]:
    """The statuses `user` may move `commitment` to now: the table's next statuses that the rights allow."""
    return [
        status
        for status in allowed_next(commitment.status, conditional=commitment.is_conditional)
        if can_transition(user, commitment, status)
    ]


def transition_refusal(user: Any, commitment: Commitment, to_status: str) -> str:
    """Why `user` cannot move `commitment` to `to_status` now, and what they can choose instead."""
    desk = _desk_words(commitment)
    if not can_edit_commitment(user, commitment):
        return gettext(
            "You can read this commitment; only officers and supervisors of %(desk)s can change its status."
        ) % {"desk": desk}
    if to_status in allowed_next(commitment.status, conditional=commitment.is_conditional) and is_reopening(
        commitment.status, to_status
    ):
        return gettext(
            "“%(status)s” cannot be chosen now: only a supervisor of %(desk)s can reopen a closed commitment."
        ) % {"status": label(to_status), "desk": desk}
    return refusal(
        commitment.status,
        to_status,
        choosable=choosable_statuses(user, commitment),
        conditional=commitment.is_conditional,
    )


def panel_limits(user: Any, commitment: Commitment) -> list[str]:
    """What the workflow panel does not offer this user on this commitment, and why, in sentences; empty
    when it offers everything the workflow allows now. The rules are the ones above (can_edit_commitment,
    can_transition, can_supervise) and the services' own (a closed commitment's condition and deadline
    stay as they were): this only explains them."""
    desk = _desk_words(commitment)
    if not can_edit_commitment(user, commitment):
        return [
            gettext("You can read this commitment; only officers and supervisors of %(desk)s can change it.")
            % {"desk": desk}
        ]
    closed = commitment.status in CLOSED_STATUSES
    supervisor = can_supervise(user, commitment)
    limits = []
    if closed and not supervisor:
        limits.append(gettext("Only a supervisor of %(desk)s can reopen a closed commitment.") % {"desk": desk})
    if closed and commitment.is_conditional and supervisor:
        limits.append(
            gettext("While it is closed, its deadline and condition stay as they are: reopen it to change them.")
        )
    elif closed and commitment.is_conditional:
        limits.append(gettext("While it is closed, its condition stays as it is."))
    elif closed and supervisor:
        limits.append(gettext("While it is closed, its deadline stays as it is: reopen it to move it."))
    if not closed and not supervisor:
        limits.append(gettext("Only a supervisor of %(desk)s can move the deadline.") % {"desk": desk})
    return limits
