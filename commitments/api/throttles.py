"""Throttles whose counts hold across processes: one atomic counter per client and window in the shared cache.

DRF's SimpleRateThrottle keeps a list of timestamps and writes it back after reading it, so two gunicorn
processes answering the same client at once each append to the list they read and one write is lost; with
a per-process cache each process allows the whole rate. Here each request is one INCR of a counter named
by the client and the current window (atomic in Redis, and under a lock in the local-memory cache), so
however many processes answer, the (N+1)-th request of a window is refused.
"""

from __future__ import annotations

import logging
from typing import Any

from redis.exceptions import RedisError
from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle

from common.clientip import client_address

logger = logging.getLogger(__name__)


class SharedScopedRateThrottle(ScopedRateThrottle):
    """`throttle_scope` on the view picks the rate (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]), as in DRF."""

    window_end: float = 0.0

    def get_ident(self, request: Request) -> str:
        # The address the operator's proxy count vouches for, never the client's own X-Forwarded-For.
        return client_address(request._request) or "unknown"

    def allow_request(self, request: Request, view: Any) -> bool:
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        if self.num_requests is None or self.duration is None:
            return True
        now = self.timer()
        window = int(now // self.duration)
        self.window_end = (window + 1) * self.duration
        key = f"throttle:{self.scope}:{self.get_ident(request)}:{window}"
        try:
            count = self._count(key, timeout=int(self.duration) + 1)
        except (RedisError, OSError):
            # No shared cache: let the request through rather than refuse every login while Redis is
            # away. Guessing stays bounded by axes' lockouts, which are kept in the database.
            logger.warning("throttle %s not applied: the cache does not answer", self.scope)
            return True
        return count <= self.num_requests

    def _count(self, key: str, *, timeout: int) -> int:
        # add() creates the window's counter only if absent; incr() is then the one atomic step. A counter
        # that expired between the two (the window just ended) is started again.
        self.cache.add(key, 0, timeout=timeout)
        try:
            return int(self.cache.incr(key))
        except ValueError:
            self.cache.set(key, 1, timeout=timeout)
            return 1

    def wait(self) -> float | None:
        return max(0.0, self.window_end - self.timer())
