"""Reporting periods and the lock after the deadline."""

import datetime as dt

import pytest

from tuijin.indicators import periods
from tuijin.indicators.models import ReportingRule


@pytest.mark.django_db
def test_period_locks_the_day_after_the_fifth_of_the_next_month():
    assert periods.deadline(2026, 10) == dt.date(2026, 11, 5)
    assert not periods.is_locked(2026, 10, today=dt.date(2026, 11, 5))
    assert periods.is_locked(2026, 10, today=dt.date(2026, 11, 6))


@pytest.mark.django_db
def test_december_is_due_in_january_of_the_next_year():
    assert periods.deadline(2026, 12) == dt.date(2027, 1, 5)


@pytest.mark.django_db
def test_the_deadline_day_is_a_setting_per_year():
    ReportingRule.objects.create(year=2026, deadline_day=8)
    assert periods.deadline(2026, 3) == dt.date(2026, 4, 8)
    assert periods.deadline(2025, 3) == dt.date(2025, 4, 5)


def test_current_period_is_last_month():
    assert periods.current_period(dt.date(2026, 11, 3)) == (2026, 10)
    assert periods.current_period(dt.date(2027, 1, 2)) == (2026, 12)
