"""The daily chain in the database task queue: one future run, at 09:00 of the next working day."""

import contextlib
import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command
from django.tasks import task_backends
from django_tasks_db.models import DBTaskResult

from tuijin.notifications import timers

pytestmark = pytest.mark.django_db
SH = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


@pytest.fixture
def database_queue(settings):
    """The production task backend (the worker's database queue) instead of the immediate one."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    _reset_backends()
    assert timers.daily_timers.get_backend().supports_defer
    yield
    _reset_backends()


def _reset_backends():
    task_backends.__dict__.pop("settings", None)
    with contextlib.suppress(AttributeError):
        del task_backends["default"]


def queued() -> list[dt.datetime]:
    rows = DBTaskResult.objects.filter(task_path=timers.daily_timers.module_path, status="READY")
    return [timezone_sh(r.run_after) for r in rows.order_by("run_after")]


def timezone_sh(value: dt.datetime) -> dt.datetime:
    return value.astimezone(SH)


def test_the_daily_run_queues_the_next_working_day_at_nine(database_queue, timer_registry):
    ran = []
    timers.register("test.escalate", lambda as_of: ran.append(as_of) or 0, working_days_only=False)
    with time_machine.travel(at("2026-09-30 09:00:05"), tick=False):
        result = timers.daily_timers.call()
    assert result == {"test.escalate": "done"}
    assert ran == [dt.date(2026, 9, 30)]
    assert queued() == [at("2026-10-08 09:00")]  # National Day skipped

    with time_machine.travel(at("2026-10-08 09:00:03"), tick=False):
        timers.daily_timers.call()
    assert queued() == [at("2026-10-08 09:00"), at("2026-10-09 09:00")]  # the first one is this run's own row


def test_schedule_timers_is_idempotent(database_queue, capsys):
    with time_machine.travel(at("2026-10-09 20:00"), tick=False):
        call_command("schedule_timers")
        call_command("schedule_timers")
    assert queued() == [at("2026-10-10 09:00")]  # the make-up working Saturday
    out = capsys.readouterr().out
    assert "已安排每日定时任务：2026-10-10 09:00" in out
    assert "已在队列中：2026-10-10 09:00" in out


def test_schedule_before_nine_on_a_working_day_is_today(database_queue):
    with time_machine.travel(at("2026-10-12 07:30"), tick=False):
        assert timers.schedule() == (True, at("2026-10-12 09:00"))


def test_schedule_on_a_holiday_morning_waits_for_the_next_working_day(database_queue):
    with time_machine.travel(at("2026-10-03 07:30"), tick=False):
        assert timers.schedule() == (True, at("2026-10-08 09:00"))


def test_schedule_removes_duplicates_keeping_the_earliest(database_queue):
    with time_machine.travel(at("2026-10-12 10:00"), tick=False):
        timers.daily_timers.using(run_after=at("2026-10-14 09:00")).enqueue()
        timers.daily_timers.using(run_after=at("2026-10-13 09:00")).enqueue()
        assert timers.schedule() == (False, at("2026-10-13 09:00"))
    assert queued() == [at("2026-10-13 09:00")]
