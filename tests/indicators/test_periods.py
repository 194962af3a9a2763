"""Reporting periods and the lock after the deadline."""

import datetime as dt

import pytest
import time_machine
from django.http import Http404, QueryDict

from tuijin.indicators import periods
from tuijin.indicators.models import ReportingRule
from tuijin.workdays.models import CalendarDay, CalendarYear
from tuijin.workdays.workcalendar import UnknownCalendarYear


@pytest.mark.django_db
def test_period_locks_the_day_after_the_fifth_of_the_next_month():
    assert periods.deadline(2026, 10) == dt.date(2026, 11, 5)
    assert not periods.is_locked(2026, 10, today=dt.date(2026, 11, 5))
    assert periods.is_locked(2026, 10, today=dt.date(2026, 11, 6))


@pytest.mark.django_db
def test_december_is_due_in_january_of_the_next_year():
    assert periods.deadline(2025, 12) == dt.date(2026, 1, 5)


@pytest.mark.django_db
def test_a_deadline_in_a_year_the_calendar_does_not_know_is_refused_until_entered(cast):
    with pytest.raises(UnknownCalendarYear):
        periods.deadline(2026, 12)  # due in January 2027, whose holidays are not known yet
    # Until January begins, December is open whatever the calendar says.
    assert not periods.is_locked(2026, 12, today=dt.date(2026, 12, 31))
    with pytest.raises(UnknownCalendarYear):
        periods.is_locked(2026, 12, today=dt.date(2027, 1, 10))
    assert periods.deadlines(2026)[12] is None  # the calendar page shows 待定
    CalendarYear.objects.create(year=2027, source="国务院办公厅通知", declared_by=cast.sysadmin)
    assert periods.deadline(2026, 12) == dt.date(2027, 1, 5)  # a Tuesday


@pytest.mark.django_db
def test_a_deadline_in_the_national_day_holiday_moves_to_the_next_working_day():
    # September's figures were due on 5 October 2026, in the holiday (1–7 October).
    assert periods.deadline(2026, 9) == dt.date(2026, 10, 8)
    assert not periods.is_locked(2026, 9, today=dt.date(2026, 10, 8))
    assert periods.is_locked(2026, 9, today=dt.date(2026, 10, 9))
    # A deadline on a Saturday moves to Monday; one on a working day stays.
    assert periods.deadline(2026, 11) == dt.date(2026, 12, 7)
    assert periods.deadline(2026, 1) == dt.date(2026, 2, 5)
    # 5 May 2026 is in the Labour Day holiday.
    assert periods.deadline(2026, 4) == dt.date(2026, 5, 6)


@pytest.mark.django_db
def test_the_deadline_can_be_the_nth_working_day(settings):
    settings.TUIJIN_REPORTING_DEADLINE_RULE = "working"
    # The 5th working day of October 2026: the 8th, 9th and 10th (a make-up Saturday) count,
    # then Monday the 12th and Tuesday the 13th.
    assert periods.deadline(2026, 9) == dt.date(2026, 10, 13)
    assert periods.deadline(2026, 10) == dt.date(2026, 11, 6)  # 2, 3, 4, 5, 6 November


@pytest.mark.django_db
def test_an_administrator_holiday_moves_the_deadline(cast):
    CalendarDay.objects.create(
        date=dt.date(2026, 11, 5), is_working_day=False, name="台风停工", created_by=cast.sysadmin
    )
    assert periods.deadline(2026, 10) == dt.date(2026, 11, 6)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("today", "locked", "open_"),
    [
        (dt.date(2026, 12, 7), (2026, 10), (2026, 11)),  # November's deadline day (moved from Saturday)
        (dt.date(2026, 12, 8), (2026, 11), (2026, 12)),
        (dt.date(2026, 10, 8), (2026, 8), (2026, 9)),  # the day after National Day: September still open
        (dt.date(2026, 10, 9), (2026, 9), (2026, 10)),
        (dt.date(2026, 1, 1), (2025, 11), (2025, 12)),
        (dt.date(2026, 11, 30), (2026, 10), (2026, 11)),  # month end: November not yet due
    ],
)
def test_the_latest_locked_and_the_open_period(today, locked, open_):
    assert periods.latest_locked_period(today) == locked
    assert periods.open_period(today) == open_


@pytest.mark.django_db
def test_the_deadline_day_is_a_setting_per_year():
    ReportingRule.objects.create(year=2026, deadline_day=8)
    assert periods.deadline(2026, 3) == dt.date(2026, 4, 8)
    assert periods.deadline(2025, 3) == dt.date(2025, 4, 7)  # the 5th was in the Qingming holiday


def test_current_period_is_last_month():
    assert periods.current_period(dt.date(2026, 11, 3)) == (2026, 10)
    assert periods.current_period(dt.date(2027, 1, 2)) == (2026, 12)


@pytest.mark.django_db
def test_the_latest_locked_period_is_the_newest_past_its_deadline():
    assert periods.latest_locked_period(dt.date(2026, 11, 5)) == (2026, 9)  # October is still being filled
    assert periods.latest_locked_period(dt.date(2026, 11, 6)) == (2026, 10)
    assert periods.latest_locked_period(dt.date(2027, 1, 3)) == (2026, 11)


@pytest.mark.django_db
def test_analytics_and_the_bulletin_draft_open_on_the_latest_locked_period(cast, client_for):
    from django.urls import reverse

    with time_machine.travel("2026-11-03 10:00 +0800", tick=False):
        supervisor = client_for(cast.supervisor)
        for name in ("matrix", "warnings"):
            response = supervisor.get(reverse(f"indicators:{name}"))
            assert (response.context["year"], response.context["month"]) == (2026, 9), name
        form = supervisor.get(reverse("bulletins:create")).context["form"]
        assert (form.initial["year"], form.initial["period"]) == (2026, 9)


def test_the_asked_period_fills_a_missing_part_from_the_default_and_refuses_a_bad_one():
    calls = []

    def default():
        calls.append(1)
        return (2026, 9)

    assert periods.asked_period(QueryDict("year=2025&month=3"), default) == (2025, 3)
    assert calls == []  # both parts given: the default (a query) is not worked out
    assert periods.asked_period(QueryDict(""), default) == (2026, 9)
    assert periods.asked_period(QueryDict("month=4"), default) == (2026, 4)
    for bad in ("year=2026&month=13", "year=abc&month=1", "year=1999&month=1"):
        with pytest.raises(Http404):
            periods.asked_period(QueryDict(bad), default)
