"""Structured logs (LOG_FORMAT=json): one JSON object per line, for journald, Loki or ELK.

`RequestLogMiddleware` (first in the chain, so it times everything) writes one line per request
on the logger "tuijin.request": time (Asia/Shanghai, ISO 8601), method, path, status, duration in
milliseconds, the user's id (null when anonymous) and the request id. The request id is the one
nginx sent (`X-Request-ID: $request_id`, deploy/nginx-tuijin.conf), or a new one; the response
carries it back, so a user's error report can be found in the logs. `JsonFormatter` formats every
other record as a JSON line too (time, level, logger, message, the traceback when there is one).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
import uuid
from zoneinfo import ZoneInfo

logger = logging.getLogger("tuijin.request")

SHANGHAI = ZoneInfo("Asia/Shanghai")
# What is taken from the client: a proxy's id, not arbitrary text in our log lines.
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
FIELDS = "request_fields"


def request_id(request) -> str:
    offered = request.headers.get("X-Request-ID", "")
    return offered if REQUEST_ID.match(offered) else uuid.uuid4().hex


def _user_id(request) -> int | None:
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        request.request_id = request_id(request)
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        fields = {
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round((time.monotonic() - started) * 1000, 1),
            "user_id": _user_id(request),
            "request_id": request.request_id,
        }
        logger.info("%s %s %s", request.method, request.path, response.status_code, extra={FIELDS: fields})
        return response


class JsonFormatter(logging.Formatter):
    """A record as one JSON line; a request line's fields at the top level."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": dt.datetime.fromtimestamp(record.created, SHANGHAI).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
        }
        fields = getattr(record, FIELDS, None)
        if fields:
            line |= fields
        else:
            line["message"] = record.getMessage()
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)
