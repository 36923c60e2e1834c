"""Log filters: a client's mistake is one line in the log, a server's fault keeps its traceback."""

from __future__ import annotations

import logging


class ClientErrorsOneLine(logging.Filter):
    """Drop the traceback from django.request's records of 4xx answers.

    Django logs a PermissionDenied with the exception attached, so each 403 (an officer trying another
    desk's commitment, a stale bookmark) printed a full traceback that buried the real faults. The line
    ("Forbidden (Permission denied): /admin/…") already says what happened and where.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
