"""Reporting periods: which month a unit reports now, when a period locks.

Period M is due by day N (default 5, `ReportingRule` per year) of month M+1, read on the
working calendar like every other deadline (`TUIJIN_REPORTING_DEADLINE_RULE`): either day N,
moved to the next working day when it is a rest day or holiday ("moved", the default), or the
Nth working day of the month ("working"). From the day after, the period is locked: figures
change only through a correction the supervisor approves, or a supervisor's bulk import with a
reason. A deadline in a year the calendar does not know raises `UnknownCalendarYear` (never
guessed); a period whose deadline month has not begun is open whatever the calendar. Dates are
Asia/Shanghai dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.indicators import conf
from tuijin.indicators.models import DEFAULT_DEADLINE_DAY, ReportingRule, period_deadline
from tuijin.workdays.workcalendar import Calendar, UnknownCalendarYear

RULES = ("moved", "working")

# Deadlines are read on almost every page; they change only when an administrator edits the
# reporting rule or the holidays (`forget_deadlines` runs then, on this host). Other hosts keep
# a computed deadline at most CACHE_SECONDS.
CACHE_SECONDS = 60
_GENERATION_KEY = "periods:generation"


def deadline_day(year: int) -> int:
    key = f"periods:day:{cache.get_or_set(_GENERATION_KEY, 0)}:{year}"
    day = cache.get(key)
    if day is None:
        rule = ReportingRule.objects.filter(year=year).values_list("deadline_day", flat=True).first()
        day = rule or DEFAULT_DEADLINE_DAY
        cache.set(key, day, CACHE_SECONDS)
    return day


def deadline_rule() -> str:
    return conf.REPORTING_DEADLINE_RULE


def deadline(year: int, month: int, *, calendar: Calendar | None = None, day: int | None = None) -> dt.date:
    """The last day on which period (year, month) may be handed in, on the working calendar."""
    if calendar is not None or day is not None:
        return _deadline(year, month, calendar, day)
    key = f"periods:deadline:{cache.get_or_set(_GENERATION_KEY, 0)}:{deadline_rule()}:{year}:{month}"
    found = cache.get(key)
    if found is None:
        found = _deadline(year, month, None, None)
        cache.set(key, found, CACHE_SECONDS)
    return found


def forget_deadlines(**_kwargs) -> None:
    """Drop the cached deadlines (a receiver of the rule's and the calendar's saves and deletes)."""
    try:
        cache.incr(_GENERATION_KEY)
    except ValueError:
        cache.set(_GENERATION_KEY, 1)


def _deadline(year: int, month: int, calendar: Calendar | None, day: int | None) -> dt.date:
    nominal = period_deadline(year, month, day or deadline_day(year))
    calendar = calendar or Calendar()
    if deadline_rule() == "working":
        return calendar.due_date(nominal.replace(day=1) - dt.timedelta(days=1), nominal.day, "working")
    return calendar.next_working_day(nominal)


def deadlines(year: int) -> dict[int, dt.date | None]:
    """The deadlines of the twelve periods of `year` (one rule read, one calendar); None where
    the deadline falls in a year the calendar does not know yet (shown as 待定, never guessed)."""
    calendar, day = Calendar(), deadline_day(year)
    found: dict[int, dt.date | None] = {}
    for month in range(1, 13):
        try:
            found[month] = deadline(year, month, calendar=calendar, day=day)
        except UnknownCalendarYear:
            found[month] = None
    return found


def is_locked(year: int, month: int, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    if today <= period_deadline(year, month, deadline_day(year)):
        # Neither rule puts the deadline before day N of the next month (the Nth working day is
        # day N at the earliest): no calendar needed, so an unknown next year does not stop this.
        return False
    return today > deadline(year, month)


def locked_periods(periods: set[tuple[int, int]], today: dt.date | None = None) -> set[tuple[int, int]]:
    """The locked ones among `periods` (for loops over many rows: each period is decided once)."""
    return {p for p in periods if is_locked(*p, today)}


def previous_period(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def next_period(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def current_period(today: dt.date | None = None) -> tuple[int, int]:
    """The period reporters fill today: last month (in the first days of a month, its form is due)."""
    today = today or timezone.localdate()
    return previous_period(today.year, today.month)


def latest_locked_period(today: dt.date | None = None) -> tuple[int, int]:
    """The newest period whose figures are final: last month once its deadline has passed, else
    the month before (whose deadline lay in last month, so it is always past)."""
    today = today or timezone.localdate()
    period = current_period(today)
    return period if is_locked(*period, today) else previous_period(*period)


def open_period(today: dt.date | None = None) -> tuple[int, int]:
    """The oldest period still open: the one after the latest locked period."""
    return next_period(*latest_locked_period(today))


def validate_period(year: int, month: int) -> None:
    if not (1 <= month <= 12):
        raise ValidationError(_("月份须在 1 到 12 之间。"))
    if not (2000 <= year <= 2100):
        raise ValidationError(_("年度超出范围。"))


def asked_period(params, default: Callable[[], tuple[int, int]]) -> tuple[int, int]:
    """The period a page's query asks for (?year=&month=), a part it leaves out taken from `default()`.

    `default` is called only when a part is missing (the latest locked period costs a query). A bad
    period is a bad link, not a server error: 404.
    """
    asked_year, asked_month = params.get("year"), params.get("month")
    year, month = (None, None) if asked_year and asked_month else default()
    try:
        year = int(asked_year or year)
        month = int(asked_month or month)
        validate_period(year, month)
    except (ValueError, ValidationError) as exc:
        raise Http404(_("期间无效。")) from exc
    return year, month
