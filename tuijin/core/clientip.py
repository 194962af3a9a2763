"""The client's address, as far as the trusted reverse proxies vouch for it.

Behind N trusted proxies (TUIJIN_TRUSTED_PROXIES), each proxy appends the address it received
the request from to X-Forwarded-For, so the client is the N-th entry from the right; anything
further left was written by the client and is ignored (a forged header cannot choose the
address that a lockout or the audit log keys on). With 0 proxies the header is not read at all.
"""

from __future__ import annotations

import ipaddress

from tuijin.core import conf


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    trusted = conf.TRUSTED_PROXIES
    if trusted == 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < trusted:
        # Not through every trusted proxy (or a misconfigured one): fall back to the peer address,
        # never to an entry the client may have written.
        return remote
    candidate = hops[-trusted]
    return candidate if _is_ip(candidate) else remote


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
