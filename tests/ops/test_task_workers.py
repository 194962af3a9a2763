"""Background work on Celery that survives faults, with real worker processes on RabbitMQ and
PostgreSQL: a worker killed mid-task, retries with backoff, two workers on one database."""

import itertools
import time

import pytest

from tests.ops.procs import enqueue, env, need_postgres_and_broker, wait_for
from tuijin.notifications.models import ScheduleSlot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _needs():
    need_postgres_and_broker()


def test_a_task_whose_worker_is_killed_is_run_again_and_completes_once(procs, queue, tmp_path):
    environ = env(queue)
    log = tmp_path / "slow.log"
    first = procs.worker("w1", environ)
    enqueue(environ, f"from tests.ops.sample_tasks import slow_mark; slow_mark.enqueue({str(log)!r}, 4)")
    wait_for(lambda: log.exists() and "start" in log.read_text(), 60, "the first worker to start the task", procs)
    procs.kill(first)  # kill -9 of the worker and its pool: no ack, the connection drops
    assert "done" not in log.read_text()
    procs.worker("w2", environ)
    wait_for(lambda: "done" in log.read_text(), 60, "the second worker to finish the task", procs)
    time.sleep(2)  # nobody runs it a third time
    lines = log.read_text().split()
    assert lines.count("start") == 2, log.read_text()
    assert lines.count("done") == 1, log.read_text()


def test_a_failing_task_is_retried_with_backoff(procs, queue, tmp_path):
    environ = env(queue)  # TASK_RETRY_BACKOFF=1 s, doubling, at most 2 s
    log = tmp_path / "flaky.log"
    procs.worker("w1", environ)
    enqueue(environ, f"from tests.ops.sample_tasks import flaky; flaky.enqueue({str(log)!r}, 2)")
    wait_for(lambda: log.exists() and len(log.read_text().splitlines()) >= 3, 60, "three tries", procs)
    times = [float(line.split()[2]) for line in log.read_text().splitlines()]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert gaps[0] >= 0.7, gaps
    assert gaps[1] >= 1.4, gaps  # 1 s then 2 s, ±25 % jitter
    time.sleep(1.5)
    assert len(log.read_text().splitlines()) == 3  # succeeded on the third: no fourth


def test_two_workers_on_one_database_run_each_task_once(procs, queue):
    environ = env(queue)
    procs.worker("w1", environ)
    procs.worker("w2", environ)
    enqueue(environ, "from tests.ops.sample_tasks import record\nfor n in range(40): record.enqueue(n)")
    rows = ScheduleSlot.objects.filter(job__startswith="test-record-")
    wait_for(lambda: rows.count() >= 40, 90, "40 tasks", procs)
    time.sleep(1)
    assert rows.count() == 40
    assert rows.values("job").distinct().count() == 40
    assert set(rows.values_list("claimed_by", flat=True)) == {"w1", "w2"}
