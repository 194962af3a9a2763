"""Who is acting, from where: set once per request by the middleware, read by `record`."""

from contextvars import ContextVar

client_ip: ContextVar[str | None] = ContextVar("tuijin_client_ip", default=None)


def ip_from_request(request) -> str | None:
    # Behind the reverse proxy the app trusts only the address the proxy appended last.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    from django.conf import settings

    if forwarded and getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        return forwarded.split(",")[-1].strip() or None
    return request.META.get("REMOTE_ADDR") or None
