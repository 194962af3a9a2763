"""The working-day calendar and the statutory deadline rule, on hand-worked dates.

2026: National Day 10-01..10-07 off, make-up working days Sun 09-20 and Sat 10-10;
Spring Festival 02-15..02-23 off, make-up working days Sat 02-14 and Sat 02-28.
"""

import datetime as dt

import pytest

from tuijin.workdays import workcalendar
from tuijin.workdays.models import CalendarDay, CalendarYear
from tuijin.workdays.workcalendar import UnknownCalendarYear, due_date

D = dt.date


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "days", "mode", "due"),
    [
        # Natural days; a last day in the holiday moves to the first working day after it.
        (D(2026, 9, 26), 7, "natural", D(2026, 10, 8)),
        # ...but a make-up Saturday is a working day: the deadline stays on it.
        (D(2026, 10, 3), 7, "natural", D(2026, 10, 10)),
        (D(2026, 2, 9), 7, "natural", D(2026, 2, 24)),
        (D(2026, 2, 21), 7, "natural", D(2026, 2, 28)),
        # An ordinary week: the start day is not counted.
        (D(2026, 11, 20), 7, "natural", D(2026, 11, 27)),
        # A last day on an ordinary Sunday moves to Monday.
        (D(2026, 11, 15), 7, "natural", D(2026, 11, 23)),
        # Working days: the holiday and the weekend do not count, the make-up days do.
        (D(2026, 9, 28), 7, "working", D(2026, 10, 13)),
        (D(2026, 2, 12), 3, "working", D(2026, 2, 24)),
        (D(2026, 9, 18), 1, "working", D(2026, 9, 20)),
    ],
)
def test_due_dates_around_national_day_and_spring_festival(start, days, mode, due):
    assert due_date(start, days, mode) == due


@pytest.mark.django_db
def test_a_year_nobody_has_entered_is_refused_naming_the_year():
    with pytest.raises(UnknownCalendarYear) as info:
        due_date(D(2027, 2, 1), 7)
    assert "2027" in info.value.messages[0]


@pytest.mark.django_db
def test_a_deadline_that_crosses_into_an_unknown_year_is_refused():
    with pytest.raises(UnknownCalendarYear, match="2027"):
        due_date(D(2026, 12, 28), 7)


@pytest.mark.django_db
def test_an_administrator_declares_next_year_with_its_holidays_and_make_up_days(cast):
    CalendarYear.objects.create(year=2027, source="国务院办公厅通知", declared_by=cast.sysadmin)
    for day in (D(2027, 2, 5), D(2027, 2, 8), D(2027, 2, 9)):
        CalendarDay.objects.create(date=day, is_working_day=False, name="春节", created_by=cast.sysadmin)
    CalendarDay.objects.create(date=D(2027, 2, 6), is_working_day=True, name="春节调休上班", created_by=cast.sysadmin)
    assert not workcalendar.is_working_day(D(2027, 2, 5))
    assert workcalendar.is_working_day(D(2027, 2, 6))  # a Saturday made a working day
    assert not workcalendar.is_working_day(D(2027, 2, 7))  # an ordinary Sunday
    assert due_date(D(2027, 1, 29), 7) == D(2027, 2, 6)  # 02-05 is off; the make-up Saturday works
    assert due_date(D(2026, 12, 28), 7) == D(2027, 1, 4)


@pytest.mark.django_db
def test_an_entry_overrides_the_package_for_a_known_year(cast):
    CalendarDay.objects.create(date=D(2026, 11, 27), is_working_day=False, name="台风停工", created_by=cast.sysadmin)
    assert due_date(D(2026, 11, 20), 7) == D(2026, 11, 30)


@pytest.mark.django_db
def test_working_days_between_counts_after_the_start_up_to_the_end():
    assert workcalendar.working_days_between(D(2026, 9, 30), D(2026, 10, 10)) == 3  # 09-30 excluded; 10-08/09/10
    assert workcalendar.working_days_between(D(2026, 10, 10), D(2026, 10, 1)) == 0


@pytest.mark.django_db
@pytest.mark.parametrize(("days", "mode"), [(-1, "natural"), (400, "natural"), (3, "calendar")])
def test_bad_arguments_are_refused(days, mode):
    with pytest.raises(workcalendar.ValidationError):
        due_date(D(2026, 3, 2), days, mode)
