"""Who is acting, from where: set once per request by the middleware, read by `record`."""

from contextvars import ContextVar

client_ip: ContextVar[str | None] = ContextVar("tuijin_client_ip", default=None)
# Set when a view recorded its own export/download event, so the download middleware adds none.
export_recorded: ContextVar[bool] = ContextVar("tuijin_export_recorded", default=False)


def ip_from_request(request) -> str | None:
    # Behind the reverse proxy the app trusts only the address the proxy appended last.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    from django.conf import settings

    if forwarded and getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None
