"""A day's timer claimed by a worker that died does not stay claimed for the day: once its lease
(TIMER_LEASE_SECONDS) has passed, the next run takes it over, once; interrupted twice, it is
marked failed. A dead worker is a claim row written as the worker writes it, the clock then moved."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from tests.notifications.test_schedule import database_queue  # noqa: F401 (fixture)
from tuijin.core import recovery
from tuijin.notifications import timers
from tuijin.notifications.models import TimerRun

pytestmark = pytest.mark.django_db
SH = zoneinfo.ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 10, 9)  # a Friday, a working day


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


@pytest.fixture
def escalation(timer_registry):
    calls = []
    timers.register("test.escalate", lambda as_of: calls.append(as_of) or 1, working_days_only=False)
    return calls


def died_at(moment: str, *, attempts: int = 1) -> None:
    with time_machine.travel(at(moment), tick=False):
        TimerRun.objects.create(
            name="test.escalate", day=DAY, claimed_by="host:4242:dead", heartbeat_at=at(moment), attempts=attempts
        )


def test_a_claim_left_by_a_dead_worker_is_taken_over_after_its_lease(escalation):
    died_at("2026-10-09 09:00")
    with time_machine.travel(at("2026-10-09 09:05"), tick=False):
        assert [o.status for o in timers.run_timers(DAY)] == ["already_ran"]  # still within its lease
    with time_machine.travel(at("2026-10-09 09:11"), tick=False):
        assert [o.status for o in timers.run_timers(DAY)] == ["done"]
        assert [o.status for o in timers.run_timers(DAY)] == ["already_ran"]
    assert escalation == [DAY]
    run = TimerRun.objects.get()
    assert run.attempts == 2
    assert run.finished_at == at("2026-10-09 09:11")
    assert run.claimed_by != "host:4242:dead"


def test_a_claim_interrupted_twice_is_marked_failed_not_run_again(escalation):
    died_at("2026-10-09 09:00", attempts=2)
    with time_machine.travel(at("2026-10-09 09:11"), tick=False):
        assert [o.status for o in timers.run_timers(DAY)] == ["already_ran"]
        assert timers.timers_recover() == {"failed": 1, "retry_today": 0}
    assert escalation == []
    run = TimerRun.objects.get()
    assert run.finished_at == at("2026-10-09 09:11")
    assert "两次中断" in run.error


def test_a_dead_worker_that_wakes_up_does_not_release_the_new_claim(timer_registry):
    """Its failure would delete the claim; the claim is no longer its own, so nothing happens."""
    died_at("2026-10-09 09:00")

    def slow_then_fails(as_of):
        TimerRun.objects.update(claimed_by="someone-else")  # taken over meanwhile
        raise RuntimeError("late")

    timers.register("test.escalate", slow_then_fails, working_days_only=False)
    with time_machine.travel(at("2026-10-09 09:11"), tick=False):
        assert [o.status for o in timers.run_timers(DAY)] == ["error"]
    assert TimerRun.objects.get().claimed_by == "someone-else"


def test_the_worker_start_reruns_todays_interrupted_timers_at_once(
    database_queue,  # noqa: F811
    escalation,
    django_capture_on_commit_callbacks,
):
    died_at("2026-10-09 09:00")
    with time_machine.travel(at("2026-10-09 09:30"), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("recover_claims")
        ready = DBTaskResult.objects.filter(status="READY")
        paths = sorted(ready.values_list("task_path", flat=True))
        assert paths == [recovery.recover_claims_task.module_path, timers.daily_timers.module_path]
        later = ready.get(task_path=recovery.recover_claims_task.module_path).run_after
        assert later == at("2026-10-09 09:40:30")  # when every claim alive now would be stale
        assert timers.daily_timers.call() == {"test.escalate": "done"}
    assert escalation == [DAY]


def test_a_claim_from_before_leases_counts_as_stale(escalation):
    with time_machine.travel(at("2026-10-09 09:00"), tick=False):
        TimerRun.objects.create(name="test.escalate", day=DAY)  # as the old code left it: no heartbeat
        TimerRun.objects.update(heartbeat_at=None, claimed_by="")
        assert [o.status for o in timers.run_timers(DAY)] == ["done"]
