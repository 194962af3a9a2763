"""Health checks for the proxy and the service manager: `/healthz` (alive) and `/readyz` (ready).

`/healthz` answers as long as the process serves requests; it touches nothing else, so a
database outage does not get every app server restarted. `/readyz` says whether this server can
do its work: the database answers, every migration of this code is applied, and (with the Celery
task queue, TASK_BROKER_URL) the scheduler and a task worker were heard from recently. Each check
is named in the JSON body; one failing makes the answer 503.

Heartbeats are kept in the "shared" cache (the database table, or Redis with CACHE_URL), which
every host sees: `beat(name)` records the moment. The scheduler beats on every tick
(tuijin.notifications.scheduler); a Celery worker beats when it runs a task
(tuijin.core.taskqueue), and the scheduler hands it one every minute (due deliveries), so a
worker that stopped taking tasks from the queue goes stale.

Ground module: it imports nothing of the project but tuijin.core. The views are plain; the URL
configuration declares them public.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)

KEY = "tuijin:health:beat:{}"
KEEP_SECONDS = 7 * 24 * 3600  # a stale beat stays readable (its age), it does not just vanish
THROTTLE_SECONDS = 10.0  # a busy worker writes its beat at most this often
_last_written: dict[str, float] = {}
_migrated = False  # once every migration of this code is applied, it stays so for this process


def _heartbeats() -> dict[str, int]:
    """The heartbeats /readyz requires, with the age (seconds) past which each is stale."""
    if not getattr(settings, "TASK_BROKER_URL", ""):
        return {}  # the embedded database worker: no scheduler, no Celery worker to hear from
    return {
        "scheduler": int(getattr(settings, "HEALTH_SCHEDULER_MAX_AGE", 120)),
        "worker": int(getattr(settings, "HEALTH_WORKER_MAX_AGE", 180)),
    }


def beat(name: str) -> None:
    """Record that `name` (the scheduler, a worker) is alive now. Never raises: a heartbeat that
    cannot be written shows up as stale in /readyz, which is the point."""
    now = timezone.now().timestamp()
    if 0 <= now - _last_written.get(name, float("-inf")) < THROTTLE_SECONDS:
        return
    try:
        caches["shared"].set(KEY.format(name), now, KEEP_SECONDS)
    except Exception:
        logger.warning("could not record the %s heartbeat", name, exc_info=True)
        return
    _last_written[name] = now


def last_beat(name: str) -> float | None:
    """The Unix time of `name`'s last heartbeat, or None."""
    return caches["shared"].get(KEY.format(name))


def _database() -> dict:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"ok": True}


def _migrations() -> dict:
    global _migrated
    if not _migrated:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            return {"ok": False, "pending": len(pending)}
        _migrated = True
    return {"ok": True}


def _heartbeat(name: str, max_age: int) -> dict:
    at = last_beat(name)
    if at is None:
        return {"ok": False, "error": "never heard from", "max_age_seconds": max_age}
    age = round(timezone.now().timestamp() - at, 1)
    return {"ok": age <= max_age, "age_seconds": age, "max_age_seconds": max_age}


def checks() -> dict[str, dict]:
    """Every readiness check by name: {"ok": bool, ...details}. A check that raises fails."""
    named = {"database": _database, "migrations": _migrations}
    named |= {f"{name}_heartbeat": (lambda n=name, a=age: _heartbeat(n, a)) for name, age in _heartbeats().items()}
    results = {}
    for name, check in named.items():
        try:
            results[name] = check()
        except Exception as exc:
            results[name] = {"ok": False, "error": type(exc).__name__}
    return results


def healthz(request):
    """Liveness: the process answers."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    """Readiness: 200 when every check passes, else 503; the body names each check."""
    started = time.monotonic()
    results = checks()
    ready = all(result["ok"] for result in results.values())
    body = {"status": "ok" if ready else "unavailable", "checks": results}
    body["duration_ms"] = round((time.monotonic() - started) * 1000, 1)
    return JsonResponse(body, status=200 if ready else 503)
