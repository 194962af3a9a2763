"""Timers: claimed once per day, reminders only on working days from 09:00, run by hand with --as-of,
and the daily chain that queues itself for 09:00 of the next working day."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from tuijin.notifications import timers
from tuijin.notifications.models import Notification, TimerRun
from tuijin.notifications.services import notify

pytestmark = pytest.mark.django_db
SH = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


@pytest.fixture
def reminder(cast, timer_registry):
    """A reminder timer that tells reporter_a once per day (idempotent through its dedupe key)."""
    calls = []

    def remind(as_of: dt.date) -> int:
        calls.append(as_of)
        return len(notify(recipients=[cast.reporter_a], kind="test.reminder", title="提醒", dedupe_key=f"r:{as_of}"))

    timers.register("test.reminder", remind)
    return calls


@pytest.fixture
def escalation(timer_registry):
    calls = []
    timers.register("test.escalate", lambda as_of: calls.append(as_of) or 1, working_days_only=False)
    return calls


@time_machine.travel(at("2026-10-09 10:00"), tick=False)
def test_a_second_run_for_the_same_day_does_nothing(reminder, escalation):
    first = timers.run_timers(dt.date(2026, 10, 9))
    second = timers.run_timers(dt.date(2026, 10, 9))

    assert [(o.name, o.status, o.acted) for o in first] == [("test.escalate", "done", 1), ("test.reminder", "done", 1)]
    assert {o.status for o in second} == {"already_ran"}
    assert reminder == [dt.date(2026, 10, 9)]
    assert escalation == [dt.date(2026, 10, 9)]
    assert Notification.objects.filter(kind="test.reminder").count() == 1
    run = TimerRun.objects.get(name="test.reminder", day=dt.date(2026, 10, 9))
    assert run.acted == 1
    assert run.finished_at is not None


@time_machine.travel(at("2026-10-09 10:00"), tick=False)
def test_force_runs_again_but_the_timer_itself_sends_nothing_twice(reminder):
    timers.run_timers(dt.date(2026, 10, 9))
    (again,) = timers.run_timers(dt.date(2026, 10, 9), force=True)
    assert (again.status, again.acted) == ("done", 0)
    assert len(reminder) == 2
    assert Notification.objects.filter(kind="test.reminder").count() == 1


@time_machine.travel(at("2026-10-09 10:00"), tick=False)
def test_on_a_holiday_only_escalations_run(reminder, escalation):
    outcomes = {o.name: o.status for o in timers.run_timers(dt.date(2026, 10, 3))}  # National Day
    assert outcomes == {"test.escalate": "done", "test.reminder": "skipped_rest_day"}
    assert reminder == []
    assert escalation == [dt.date(2026, 10, 3)]
    # The reminder was not claimed: nothing prevents running it for a working day.
    assert not TimerRun.objects.filter(name="test.reminder").exists()


@time_machine.travel(at("2026-10-10 10:00"), tick=False)
def test_a_make_up_working_saturday_gets_reminders(reminder):
    (outcome,) = timers.run_timers(dt.date(2026, 10, 10))
    assert outcome.status == "done"


@time_machine.travel(at("2026-10-09 00:05"), tick=False)
def test_no_reminders_at_midnight_even_on_a_working_day(reminder, escalation):
    outcomes = {o.name: o.status for o in timers.run_timers(dt.date(2026, 10, 9))}
    assert outcomes == {"test.escalate": "done", "test.reminder": "skipped_before_send_time"}
    assert not Notification.objects.exists()
    # A past working day can be caught up at any hour.
    assert {o.status for o in timers.run_timers(dt.date(2026, 10, 8))} == {"done"}


def test_is_send_time():
    assert timers.is_send_time(at("2026-10-09 09:00"))
    assert timers.is_send_time(at("2026-10-09 17:30"))
    assert not timers.is_send_time(at("2026-10-09 08:59"))
    assert not timers.is_send_time(at("2026-10-09 00:00"))
    assert not timers.is_send_time(at("2026-10-03 10:00"))  # National Day
    assert timers.is_send_time(at("2026-10-10 09:30"))  # make-up Saturday
    assert timers.is_send_time(dt.datetime(2026, 10, 9, 1, 0, tzinfo=dt.UTC))  # 09:00 in Shanghai
    assert not timers.is_send_time(dt.datetime(2026, 10, 9, 0, 59, tzinfo=dt.UTC))


@time_machine.travel(at("2026-10-09 10:00"), tick=False)
def test_a_failing_timer_is_reported_released_and_does_not_stop_the_others(timer_registry, escalation):
    def broken(as_of):
        raise RuntimeError("boom")

    timers.register("test.broken", broken)
    outcomes = {o.name: o for o in timers.run_timers(dt.date(2026, 10, 9))}
    assert outcomes["test.broken"].status == "error"
    assert "boom" in outcomes["test.broken"].message
    assert outcomes["test.escalate"].status == "done"
    assert not TimerRun.objects.filter(name="test.broken").exists()


@time_machine.travel(at("2026-10-12 10:00"), tick=False)
def test_run_timers_command_as_of_a_date_and_by_name(reminder, escalation, capsys):
    call_command("run_timers", "--as-of", "2026-10-09", "--name", "test.reminder")
    assert reminder == [dt.date(2026, 10, 9)]
    assert escalation == []
    out = capsys.readouterr().out
    assert "2026-10-09 test.reminder: 处理 1 项" in out

    call_command("run_timers", "--as-of", "2026-10-09")
    out = capsys.readouterr().out
    assert "test.reminder: 未运行（该日已运行）" in out
    assert "test.escalate: 处理 1 项" in out

    call_command("run_timers", "--as-of", "2026-10-09", "--force")
    assert reminder == [dt.date(2026, 10, 9), dt.date(2026, 10, 9)]
    assert Notification.objects.count() == 1

    call_command("run_timers")  # today, 2026-10-12
    assert reminder[-1] == dt.date(2026, 10, 12)


def test_run_timers_command_refuses_bad_input(reminder):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("run_timers", "--as-of", "09/10/2026")
    with pytest.raises(CommandError, match=r"test\.reminder"):
        call_command("run_timers", "--as-of", "2026-10-09", "--name", "nope")


def test_next_run_is_nine_oclock_of_the_next_working_day():
    assert timers.next_run_at(at("2026-09-30 09:00")) == at("2026-10-08 09:00")  # over National Day
    assert timers.next_run_at(at("2026-10-09 09:00")) == at("2026-10-10 09:00")  # make-up Saturday
    assert timers.next_run_at(at("2026-10-10 09:00")) == at("2026-10-12 09:00")
    # A year nobody has entered: the chain goes on the next day rather than stop.
    assert timers.next_run_at(at("2030-05-06 09:00")) == at("2030-05-07 09:00")


@time_machine.travel(at("2026-10-09 10:00"), tick=False)
def test_what_a_timer_records_is_the_systems_even_inside_a_users_request(cast, timer_registry):
    from tuijin.audit.context import client_ip
    from tuijin.audit.models import AuditEvent
    from tuijin.audit.queries import verify_chain
    from tuijin.audit.services import record

    def touch(as_of: dt.date) -> int:
        record(actor=cast.supervisor, action="update", obj=cast.zone, changes={"name": ["a", "b"]}, note="自动处理")
        return 1

    timers.register("test.touch", touch, working_days_only=False)
    token = client_ip.set("10.8.8.8")  # run by hand from a supervisor's request
    try:
        timers.run_timers(dt.date(2026, 10, 9))
    finally:
        client_ip.reset(token)
    event = AuditEvent.objects.latest("id")
    assert (event.actor, event.actor_username, event.ip_address) == (None, "", None)
    assert event.get_system_actor_display() == "系统（定时任务）"
    assert event.note == "自动处理"
    assert verify_chain().ok
