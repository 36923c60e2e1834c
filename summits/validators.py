import zoneinfo

from django.core.exceptions import ValidationError


def validate_time_zone(value: str) -> None:
    """An IANA zone name, such as Asia/Brunei: the local clock of a meeting or a desk."""
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            "%(value)s is not an IANA time zone; use a name such as Asia/Brunei or Europe/Moscow.",
            params={"value": value},
            code="invalid_time_zone",
        ) from None
