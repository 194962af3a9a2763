"""The scheduler queues each periodic job once per slot, however many schedulers run."""

import subprocess

import pytest

from tests.ops.procs import PY, ROOT, env, need_postgres_and_broker, queue_depth
from tuijin.notifications import scheduler
from tuijin.notifications.models import ScheduleSlot, TimerRun

NINE_FIVE = "2026-05-12T09:05:00+08:00"  # a Tuesday, a working day


@pytest.mark.django_db
def test_a_slot_is_queued_once_and_a_refused_enqueue_releases_it(monkeypatch):
    import datetime as dt

    now = dt.datetime.fromisoformat(NINE_FIVE)
    assert scheduler.tick(now) == ["daily_timers", "send_deliveries", "recover_claims"]
    assert TimerRun.objects.exists()  # the immediate backend ran them (for today)
    assert scheduler.tick(now) == []
    assert scheduler.tick(now + dt.timedelta(minutes=1)) == ["send_deliveries"]
    assert scheduler.tick(dt.datetime.fromisoformat("2026-05-12T08:59:00+08:00")) == [
        "send_deliveries",
        "recover_claims",
    ]

    def refuse():
        raise ConnectionError("broker down")

    jobs = [scheduler.Job("send_deliveries", scheduler._every(1), refuse)]
    monkeypatch.setattr(scheduler, "JOBS", jobs)
    later = now + dt.timedelta(minutes=7)
    assert scheduler.tick(later) == []
    assert not ScheduleSlot.objects.filter(slot=f"{later:%Y-%m-%dT%H:%M}").exists()  # the next tick tries again


@pytest.mark.django_db(transaction=True)
def test_two_scheduler_processes_queue_the_daily_timers_once(queue):
    need_postgres_and_broker()
    environ = env(queue)
    argv = [PY, "manage.py", "run_scheduler", "--once", "--now", NINE_FIVE]
    runs = [subprocess.Popen(argv,  # noqa: S603
             cwd=ROOT, env=environ, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for _ in range(2)]  # fmt: skip
    outputs = [p.communicate(timeout=120)[0] for p in runs]
    assert all(p.returncode == 0 for p in runs), outputs
    assert ScheduleSlot.objects.filter(job="daily_timers", slot="2026-05-12").count() == 1
    assert ScheduleSlot.objects.count() == 3
    assert queue_depth(queue) == 3, outputs  # daily timers, deliveries, recovery: one message each
    assert sum("已入队：daily_timers" in o for o in outputs) == 1, outputs
