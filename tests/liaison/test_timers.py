"""Reminders two days before a due date (on the last working day on or before it) and on the day,
the daily overdue digests, and the registered timers run twice acting once."""

import datetime as dt

import pytest
import time_machine

from tests.liaison.conftest import part_of, write
from tuijin.liaison import services, timers
from tuijin.notifications.models import Notification
from tuijin.notifications.timers import registered, run_timers

pytestmark = pytest.mark.django_db
D = dt.date


def on(day: dt.date, hour: int = 2):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=dt.UTC), tick=False)


def items(user, kind):
    return list(Notification.objects.filter(recipient=user, kind=kind).order_by("pk").values_list("title", flat=True))


@pytest.fixture
def sheet(world):
    """Sent Tuesday 2026-03-10; the answer is due Tuesday 2026-03-17."""
    with on(D(2026, 3, 10)):
        return write(world.cast.reporter_a, world.dept_d, project=world.project)


def test_the_timers_are_registered_with_their_calendars():
    timers_ = registered()
    assert timers_["liaison.escalate"].working_days_only is False
    assert timers_["liaison.agenda"].working_days_only is False
    assert timers_["liaison.reminders"].working_days_only is True
    assert timers_["liaison.digests"].working_days_only is True


def test_the_early_reminder_day_is_the_last_working_day_on_or_before_two_days_ahead(db):
    from tuijin.workdays.workcalendar import Calendar

    calendar = Calendar()
    assert timers.early_reminder_day(D(2026, 3, 19), calendar) == D(2026, 3, 17)  # Thursday → Tuesday
    assert timers.early_reminder_day(D(2026, 3, 17), calendar) == D(2026, 3, 13)  # Sunday 15th → Friday 13th
    assert timers.early_reminder_day(D(2026, 10, 9), calendar) == D(2026, 9, 30)  # across National Day


def test_reminders_two_days_before_and_on_the_day(world, sheet):
    assert timers.send_reminders(D(2026, 3, 12)) == 0
    assert timers.send_reminders(D(2026, 3, 13)) == 2  # the handler and the head of 市资规局
    assert items(world.handler_d, "sheet.reminder") == ["联系单将于 2026-03-17 到答复期限：用地指标协调"]
    assert timers.send_reminders(D(2026, 3, 16)) == 0  # already told
    assert timers.send_reminders(D(2026, 3, 17)) == 2
    assert items(world.handler_d, "sheet.reminder")[-1] == "今天是联系单答复期限：用地指标协调"
    assert timers.send_reminders(D(2026, 3, 17)) == 0
    assert items(world.cast.reporter_a, "sheet.reminder") == []


def test_a_promised_date_is_reminded_too_and_the_answer_is_not_any_more(world, sheet):
    with on(D(2026, 3, 11)):
        services.assignment_accept(actor=world.handler_d, assignment=part_of(sheet, world.dept_d), answer="受理",
                                   promised_on=D(2026, 3, 25))  # fmt: skip
    assert timers.send_reminders(D(2026, 3, 17)) == 0
    assert timers.send_reminders(D(2026, 3, 23)) == 2
    assert items(world.handler_d, "sheet.reminder") == ["联系单将于 2026-03-25 到承诺办结日期：用地指标协调"]


def test_the_overdue_digest_goes_to_the_department_head_and_the_lead_leader_once_a_day(world, sheet):
    assert timers.send_digests(D(2026, 3, 17)) == 0
    assert timers.send_digests(D(2026, 3, 18)) == 2
    assert items(world.head_d, "sheet.digest") == ["市资规局有 1 件联系单逾期（2026-03-18）"]
    assert items(world.cast.leader, "sheet.digest") == ["您领衔或督办的联系单有 1 件逾期（2026-03-18）"]
    assert items(world.handler_d, "sheet.digest") == []
    assert timers.send_digests(D(2026, 3, 18)) == 0
    assert timers.send_digests(D(2026, 3, 19)) == 2


def test_running_the_timers_twice_sends_once(world, sheet):
    with on(D(2026, 3, 18), hour=3):  # 11:00 in Shanghai, a working day
        first = {o.name: o.acted for o in run_timers(D(2026, 3, 18)) if o.name.startswith("liaison.")}
        count = Notification.objects.count()
        again = {o.name: o.acted for o in run_timers(D(2026, 3, 18), force=True) if o.name.startswith("liaison.")}
    assert first["liaison.escalate"] == 1
    assert first["liaison.digests"] == 2
    assert set(again.values()) == {0}
    assert Notification.objects.count() == count


def test_reminders_wait_for_a_working_day(world, sheet):
    with on(D(2026, 3, 15), hour=3):  # a Sunday
        outcomes = {o.name: o.status for o in run_timers(D(2026, 3, 15))}
    assert outcomes["liaison.reminders"] == "skipped_rest_day"
    assert outcomes["liaison.escalate"] == "done"
