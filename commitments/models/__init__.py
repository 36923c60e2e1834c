from .core import (
    Commitment,
    DeadlineChange,
    Desk,
    DeskMembership,
    StatusChange,
    Update,
    default_desk_time_zone,
)
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
from .reports import Assessment

__all__ = [
    "REMINDER_KINDS",
    "Assessment",
    "Commitment",
    "DeadlineChange",
    "Delivery",
    "DeliveryAttempt",
    "Desk",
    "DeskMembership",
    "Digest",
    "Notification",
    "NotificationKind",
    "NotificationPreference",
    "StatusChange",
    "SweepRun",
    "Update",
    "default_desk_time_zone",
]
