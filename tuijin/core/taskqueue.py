"""Background tasks on Celery (production): a backend for Django's Tasks API and the Celery app.

The code enqueues Django tasks (`@task` from django.tasks, `.enqueue()`); with TASK_BROKER_URL set
(RabbitMQ, `amqp://…`, or Redis) this backend hands each one to Celery as one generic message,
`tuijin.run(path, args, kwargs)`, which a Celery worker runs by importing the Django task by its
path. Without it the embedded default keeps django-tasks-db's `db_worker` on the database.

What Celery brings and this module sets:
- a task whose worker died (killed, out of memory, the machine restarted) is run again: the
  message is acknowledged only after the task returned (`acks_late`), so the broker hands an
  unacknowledged one to another worker when the dead worker's connection drops
  (`reject_on_worker_lost` does the same when only a pool child dies);
- an exception is retried with exponential backoff (RETRY_BACKOFF seconds doubling up to
  RETRY_BACKOFF_MAX, with jitter, RETRY_MAX times), since every Tuijin task is idempotent: it
  loads rows by id and claims its work with a conditional UPDATE or a dedupe key;
- one message at a time per worker process (`prefetch_multiplier=1`), so a long import does not
  hold back tasks another worker could run.

Deferred tasks (`run_after`) are not sent to the broker (`supports_defer = False`): a broker keeps
a delayed message unacknowledged in a worker's memory, which RabbitMQ's consumer timeout cuts
after 30 minutes and Redis redelivers after its visibility timeout. What the code defers is kept
in the database instead (a delivery's `next_attempt_at`, a timer's day) and the scheduler
(`manage.py run_scheduler`, tuijin.notifications.scheduler) queues it when it is due.
"""

from __future__ import annotations

import logging
import os
import random
import uuid

from celery import Celery
from django.tasks.backends.base import BaseTaskBackend
from django.tasks.base import TaskResult, TaskResultStatus
from django.tasks.signals import task_enqueued
from django.utils import timezone
from django.utils.json import normalize_json
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuijin.settings")

RUN_TASK_NAME = "tuijin.run"

app = Celery("tuijin")
# Every CELERY_* setting (tuijin/settings.py, the block "Background tasks") configures the app.
app.config_from_object("django.conf:settings", namespace="CELERY")


def backoff(retries: int, *, base: float, cap: float) -> float:
    """Seconds before retry number `retries + 1`: base · 2^retries, at most `cap`, ±25 % jitter."""
    delay = min(cap, base * (2**retries))
    return round(delay * random.uniform(0.75, 1.25), 1)  # noqa: S311 (spreading retries, not security)


@app.task(name=RUN_TASK_NAME, bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run(self, path: str, args: list, kwargs: dict, backend: str = "default"):
    """Run the Django task at `path` (its module path) in this Celery worker."""
    from django.tasks import task_backends

    from tuijin.core import health

    health.beat("worker")  # /readyz: a worker takes tasks from the queue (the scheduler sends one a minute)
    task = import_string(path)
    options = task_backends[backend].options
    try:
        return normalize_json(task.call(*args, **kwargs))
    except Exception as exc:
        limit = int(options.get("RETRY_MAX", 5))
        if self.request.retries >= limit:
            logger.error("task %s failed for good after %s retries", path, self.request.retries)
            raise
        delay = backoff(
            self.request.retries,
            base=float(options.get("RETRY_BACKOFF", 10)),
            cap=float(options.get("RETRY_BACKOFF_MAX", 600)),
        )
        logger.warning("task %s raised %s: retry %s in %ss", path, type(exc).__name__, self.request.retries + 1, delay)
        raise self.retry(exc=exc, countdown=delay, max_retries=limit) from exc


class CeleryBackend(BaseTaskBackend):
    """django.tasks → Celery. OPTIONS: RETRY_MAX, RETRY_BACKOFF, RETRY_BACKOFF_MAX (seconds)."""

    supports_defer = False  # see the module's docstring: the scheduler queues deferred work
    supports_async_task = False
    supports_get_result = False
    supports_priority = False

    def enqueue(self, task, args, kwargs):
        self.validate_task(task)
        result_id = str(uuid.uuid4())
        run.apply_async(
            args=[task.module_path, list(args), dict(kwargs), self.alias],
            task_id=result_id,
            queue=app.conf.task_default_queue if task.queue_name == "default" else task.queue_name,
        )
        result = TaskResult(
            task=task,
            id=result_id,
            status=TaskResultStatus.READY,
            enqueued_at=timezone.now(),
            started_at=None,
            finished_at=None,
            last_attempted_at=None,
            args=list(args),
            kwargs=dict(kwargs),
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        task_enqueued.send(type(self), task_result=result)
        return result
