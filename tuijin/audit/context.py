"""Who is acting, from where: set once per request by the middleware, read by `record`."""

from contextvars import ContextVar

client_ip: ContextVar[str | None] = ContextVar("tuijin_client_ip", default=None)
# Set when a view recorded its own export/download event, so the download middleware adds none.
export_recorded: ContextVar[bool] = ContextVar("tuijin_export_recorded", default=False)


def ip_from_request(request) -> str | None:
    # The same address the login lockout keys on: only what the trusted proxies vouch for.
    from tuijin.core.clientip import client_ip as trusted_client_ip

    return trusted_client_ip(request)
