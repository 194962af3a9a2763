"""Reporting periods: which month a unit reports now, when a period locks.

Period M is due by day N (default 5, `ReportingRule` per year) of month M+1; from the day
after, it is locked: figures change only through a correction the supervisor approves, or a
supervisor's bulk import with a reason. Dates are Asia/Shanghai dates.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tuijin.indicators.models import DEFAULT_DEADLINE_DAY, ReportingRule, period_deadline


def deadline_day(year: int) -> int:
    rule = ReportingRule.objects.filter(year=year).values_list("deadline_day", flat=True).first()
    return rule or DEFAULT_DEADLINE_DAY


def deadline(year: int, month: int) -> dt.date:
    return period_deadline(year, month, deadline_day(year))


def is_locked(year: int, month: int, today: dt.date | None = None) -> bool:
    return (today or timezone.localdate()) > deadline(year, month)


def previous_period(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def current_period(today: dt.date | None = None) -> tuple[int, int]:
    """The period reporters fill today: last month (in the first days of a month, its form is due)."""
    today = today or timezone.localdate()
    return previous_period(today.year, today.month)


def latest_locked_period(today: dt.date | None = None) -> tuple[int, int]:
    """The newest period whose figures are final (past its deadline): where analytics open, so
    a page never opens on a month that is still being filled."""
    today = today or timezone.localdate()
    year, month = current_period(today)
    while not is_locked(year, month, today):
        year, month = previous_period(year, month)
    return year, month


def validate_period(year: int, month: int) -> None:
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    if not (1 <= month <= 12):
        raise ValidationError(_("月份须在 1 到 12 之间。"))
    if not (2000 <= year <= 2100):
        raise ValidationError(_("年度超出范围。"))
