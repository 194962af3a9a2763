"""Leases on background claims: who holds a claim, and until when it counts as alive.

A worker that claims a row (an import batch, a day's timer) writes its `claimed_by` token and a
`heartbeat_at`, and renews the heartbeat while it works. A claim whose heartbeat is older than
its lease belongs to a worker that died (killed, out of memory, machine restarted): a recoverer
takes it over with a conditional UPDATE on the token it read, so of two recoverers only one wins,
and the dead worker, should it wake up, finds its token gone and stops.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import socket

from django.db.models import Q
from django.utils import timezone


def new_token() -> str:
    """A claim token naming the process (for the logs) and unique per claim."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{secrets.token_hex(4)}"


def expired(seconds: int, now: dt.datetime | None = None) -> Q:
    """Claims whose heartbeat is older than `seconds` (or missing: rows claimed before leases)."""
    cutoff = (now or timezone.now()) - dt.timedelta(seconds=seconds)
    return Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True)
