"""The scheduler: queues the periodic jobs when they are due, once per slot however many run.

`manage.py run_scheduler` (one per site is enough; two, on two hosts for failover, are safe) wakes
every few seconds and queues each job whose slot has come: the daily timers at 09:00 of every
working day (Asia/Shanghai; started later that day, it catches up), the deliveries that are due
(every minute: first tries and the retries after 1, 5 and 30 minutes, tuijin.notifications.
deliveries), and the recovery of claims left by dead workers (every 5 minutes, tuijin.core.
recovery). A slot is claimed by inserting its `ScheduleSlot` row in the transaction that queues
the job: of two schedulers only one inserts it, and a queue that refuses the job rolls the claim
back, so the next tick tries again.

It is what runs deferred work where the task backend cannot defer (Celery, tuijin.core.taskqueue);
with the database worker (the embedded default) the daily timers queue their next run themselves.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from tuijin.core import health, leases
from tuijin.notifications import timers
from tuijin.notifications.models import ScheduleSlot

logger = logging.getLogger(__name__)

KEEP_SLOTS = dt.timedelta(days=7)


@dataclass(frozen=True)
class Job:
    name: str
    slot: Callable[[dt.datetime], str | None]  # the slot due at this moment (local time), or None
    enqueue: Callable[[], object]


def _daily_slot(now: dt.datetime) -> str | None:
    return now.date().isoformat() if timers.is_send_time(now) else None


def _every(minutes: int) -> Callable[[dt.datetime], str]:
    def slot(now: dt.datetime) -> str:
        return now.replace(minute=now.minute - now.minute % minutes, second=0, microsecond=0).strftime("%Y-%m-%dT%H:%M")

    return slot


def _enqueue_daily() -> None:
    timers.daily_timers.enqueue()


def _enqueue_deliveries() -> None:
    from tuijin.notifications.deliveries import send_due_task

    send_due_task.enqueue()


def _enqueue_recovery() -> None:
    from tuijin.core.recovery import recover_claims_task

    recover_claims_task.enqueue()


JOBS = (
    Job("daily_timers", _daily_slot, _enqueue_daily),
    Job("send_deliveries", _every(1), _enqueue_deliveries),
    Job("recover_claims", _every(5), _enqueue_recovery),
)


def tick(now: dt.datetime | None = None, *, token: str | None = None) -> list[str]:
    """Queue every job whose slot at `now` nobody has queued yet; returns the jobs queued."""
    now = timers.local_now(now)
    token = token or leases.new_token()
    queued = []
    for job in JOBS:
        slot = job.slot(now)
        if slot is None:
            continue
        try:
            with transaction.atomic():
                ScheduleSlot.objects.create(job=job.name, slot=slot, claimed_by=token)
                job.enqueue()  # inside: a queue that refuses it releases the slot
        except IntegrityError:
            continue  # another scheduler (or this one, earlier) queued this slot
        except Exception:
            logger.exception("could not queue %s for %s; the next tick tries again", job.name, slot)
            continue
        logger.info("queued %s for %s", job.name, slot)
        queued.append(job.name)
    if now.minute == 0 and "send_deliveries" in queued:  # once an hour, by the scheduler that won the slot
        ScheduleSlot.objects.filter(queued_at__lt=timezone.now() - KEEP_SLOTS).delete()
    return queued


def run_forever(interval: float = 15.0, stop: threading.Event | None = None) -> None:
    """Tick every `interval` seconds until SIGTERM/SIGINT (or `stop` is set)."""
    stop = stop or threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    token = leases.new_token()
    logger.info("scheduler %s started (every %ss)", token, interval)
    while not stop.is_set():
        try:
            tick(token=token)
            health.beat("scheduler")  # /readyz: this scheduler ticks (after a tick that reached the database)
        except Exception:  # the database restarting must not end the scheduler
            logger.exception("scheduler tick failed")
        stop.wait(interval)
    logger.info("scheduler %s stopped", token)
