"""Reporting periods and the lock after the deadline."""

import datetime as dt

import pytest
import time_machine

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
