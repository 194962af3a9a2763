"""Who is acting, from where: set once per request by the middleware, read by `record`."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from tuijin.core.requestcontext import client_ip  # the request's address: ground, kept in core

# Set when a view recorded its own export/download event, so the download middleware adds none.
export_recorded: ContextVar[bool] = ContextVar("tuijin_export_recorded", default=False)


@dataclass(frozen=True)
class SystemRun:
    actor: str  # a `SystemActor` value
    cause: str = ""  # what set it off, for the note ("触发：张三")


system_run: ContextVar[SystemRun | None] = ContextVar("tuijin_system_run", default=None)


@contextmanager
def as_system(actor: str, cause: str = "") -> Iterator[None]:
    """Everything recorded inside is the system's doing, not a person's: no actor, no IP, the
    `SystemActor` as the actor and `cause` added to the note.

    Every automatic path runs inside one (the project feed, the daily timers), even when a
    request set it off: a figure summed after a reporter saved progress is not the reporter's edit.
    """
    token, ip_token = system_run.set(SystemRun(actor, cause)), client_ip.set(None)
    try:
        yield
    finally:
        client_ip.reset(ip_token)
        system_run.reset(token)


def ip_from_request(request) -> str | None:
    # The same address the login lockout keys on: only what the trusted proxies vouch for.
    from tuijin.core.clientip import client_ip as trusted_client_ip

    return trusted_client_ip(request)
