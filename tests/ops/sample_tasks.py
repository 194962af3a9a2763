"""Tasks the process tests run in real Celery workers (importable: the workers' PYTHONPATH is the checkout)."""

import os
import time
from pathlib import Path

from django.tasks import task

from tuijin.notifications.models import ScheduleSlot


@task
def slow_mark(log: str, seconds: float) -> str:
    """Write "start", sleep, write "done": a kill in between leaves a start without a done."""
    path = Path(log)
    with path.open("a") as f:
        f.write(f"start {os.getpid()}\n")
    time.sleep(seconds)
    with path.open("a") as f:
        f.write(f"done {os.getpid()}\n")
    return "done"


@task
def record(n: int) -> int:
    """One row per run in the database the workers share (a slot row stands in for any write)."""
    time.sleep(0.05)
    ScheduleSlot.objects.create(job=f"test-record-{n}", slot=str(os.getpid()), claimed_by=os.environ["WORKER_NAME"])
    return n


@task
def flaky(log: str, failures: int) -> str:
    """Raise the first `failures` times (counted in the file), then succeed."""
    path = Path(log)
    tries = len(path.read_text().splitlines()) if path.exists() else 0
    with path.open("a") as f:
        f.write(f"try {tries + 1} {time.time():.2f}\n")
    if tries < failures:
        raise ConnectionError("the mail server is down")
    return "ok"
