from . import audit  # noqa: F401  (history of users and groups)
from .core import (
    Commitment,
    CommitmentOutcome,
    DeadlineChange,
    Desk,
    DeskMembership,
    StatusChange,
    Update,
    default_desk_time_zone,
)
from .drafts import FollowUp, RejectedDraft
from .notifications import (
    REMINDER_KINDS,
    Delivery,
    DeliveryAttempt,
    Digest,
    Notification,
    NotificationKind,
    NotificationPreference,
    SweepRun,
)
from .reports import Assessment, AssessmentItem, CalendarFeed, ComplianceSummary

__all__ = [
    "REMINDER_KINDS",
    "Assessment",
    "AssessmentItem",
    "CalendarFeed",
    "Commitment",
    "CommitmentOutcome",
    "ComplianceSummary",
    "DeadlineChange",
    "Delivery",
    "DeliveryAttempt",
    "Desk",
    "DeskMembership",
    "Digest",
    "FollowUp",
    "Notification",
    "NotificationKind",
    "NotificationPreference",
    "RejectedDraft",
    "StatusChange",
    "SweepRun",
    "Update",
    "default_desk_time_zone",
]
