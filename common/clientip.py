"""Who the client is: its address, behind as many reverse proxies as the operator declares.

The API's throttles and axes' login lockouts both key on it, so both are chosen here, once.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The client's address, as far as this deployment can know it (settings.PLEDGEBOOK_TRUSTED_PROXIES).

    With no trusted proxy, REMOTE_ADDR: a client can write X-Forwarded-For, so it is ignored. With N
    proxies, each appends the address it received the request from, so the N-th from the right is the
    one the outermost proxy saw; whatever lies to its left the client wrote. The same choice as DRF's
    NUM_PROXIES. An entry that is not an address (a proxy misconfigured, or fewer hops than declared so
    that the client's own text is reached) falls back to REMOTE_ADDR rather than keying a lockout row.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = int(getattr(settings, "PLEDGEBOOK_TRUSTED_PROXIES", 0))
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies <= 0 or not forwarded:
        return remote
    candidate = forwarded[-min(proxies, len(forwarded))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
