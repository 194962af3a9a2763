"""The request being served, as code far from the view needs it: its client address.

Set once per request by `RequestContextMiddleware`; the audit log and the token records read it.
"""

from contextvars import ContextVar

client_ip: ContextVar[str | None] = ContextVar("tuijin_client_ip", default=None)
