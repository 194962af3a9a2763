"""gunicorn for Tuijin: `gunicorn --config deploy/gunicorn.conf.py` (tuijin-web.service, make serve).

Every value comes from the environment (the env file, deploy/tuijin.env.example), with defaults
for one host behind nginx on the same machine.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    value = int(raw)  # a typo stops the start, it is not guessed
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    return value


wsgi_app = "tuijin.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
# Requests mostly wait on PostgreSQL: two processes per core, a few threads each.
workers = _int("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1)
threads = _int("GUNICORN_THREADS", 4)
# An Excel export or a bulletin PDF can take tens of seconds; nginx waits as long (proxy_read_timeout).
timeout = _int("GUNICORN_TIMEOUT", 120)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5
# A worker is replaced after this many requests (any slow leak stays bounded), not all at once.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
# Only nginx may say which scheme and client a request came with (X-Forwarded-*): its addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Logs to stdout/stderr, collected by journald. With LOG_FORMAT=json the app writes one JSON line
# per request itself (tuijin.core.requestlog) and gunicorn's access line would repeat it.
accesslog = None if os.environ.get("LOG_FORMAT", "").strip().lower() == "json" else "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s" rid=%({x-request-id}i)s'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "tuijin-web"
# Heartbeat files of the workers in memory, not on a disk that may stall (gunicorn's advice; the
# unit's PrivateDevices gives the service its own /dev/shm).
SHM = "/dev/shm"  # noqa: S108 (gunicorn's own temporary files, opened and unlinked by it)
if os.path.isdir(SHM):
    worker_tmp_dir = SHM
