"""China's working-day calendar and the statutory deadline rule.

A day is a working day by, in order: an administrator's `CalendarDay` entry; the
`chinesecalendar` package (statutory holidays and 调休 working weekends) for the years it
knows; the weekly rhythm for a year an administrator has declared (`CalendarYear`). A date in
any other year is refused with `UnknownCalendarYear`, naming the year: a deadline is never
guessed.

Deadlines: `due_date(start, n, "natural")` is the statutory rule — the start day is not
counted, n natural days later, and a last day that falls on a rest day or public holiday moves
to the next working day. `"working"` counts n working days after the start.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import chinese_calendar
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

Mode = Literal["natural", "working"]
MODES = ("natural", "working")
MAX_DAYS = 366


class UnknownCalendarYear(ValidationError):
    def __init__(self, year: int):
        self.year = year
        message = _(
            "系统尚无 %(year)d 年的法定节假日安排，无法计算期限。请系统管理员先录入该年度的节假日和调休上班日。"
        )
        super().__init__(message % {"year": year}, code="unknown_calendar_year")


class Calendar:
    """Working days, with one database read per year (a Calendar lives for one computation)."""

    def __init__(self):
        self._years: dict[int, tuple[dict[dt.date, bool], bool]] = {}

    def is_working_day(self, day: dt.date) -> bool:
        overrides, declared = self._year(day.year)
        if day in overrides:
            return overrides[day]
        if package_knows(day.year):
            return chinese_calendar.is_workday(day)
        if declared:
            return day.weekday() < 5
        raise UnknownCalendarYear(day.year)

    def next_working_day(self, day: dt.date) -> dt.date:
        """`day` itself when it is a working day, else the first working day after it."""
        for _step in range(MAX_DAYS):
            if self.is_working_day(day):
                return day
            day += dt.timedelta(days=1)
        raise ValidationError(_("一年内没有工作日，请检查节假日设置。"))

    def due_date(self, start: dt.date, days: int, mode: Mode = "natural") -> dt.date:
        if mode not in MODES:
            raise ValidationError(_("计算方式须为 natural（自然日）或 working（工作日）。"))
        if not (0 <= days <= MAX_DAYS):
            raise ValidationError(_("天数须在 0 到 %(n)d 之间。") % {"n": MAX_DAYS})
        if mode == "natural":
            return self.next_working_day(start + dt.timedelta(days=days))
        day, counted = start, 0
        while counted < days:
            day += dt.timedelta(days=1)
            counted += self.is_working_day(day)
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (0 when end ≤ start)."""
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_working_day(day)
        return count

    def _year(self, year: int) -> tuple[dict[dt.date, bool], bool]:
        if year not in self._years:
            from tuijin.workdays.models import CalendarDay, CalendarYear

            days = CalendarDay.objects.filter(date__year=year).values_list("date", "is_working_day")
            # Whether an administrator declared the year matters only where the package is silent.
            declared = not package_knows(year) and CalendarYear.objects.filter(year=year).exists()
            self._years[year] = (dict(days), declared)
        return self._years[year]


def package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def is_working_day(day: dt.date) -> bool:
    return Calendar().is_working_day(day)


def next_working_day(day: dt.date) -> dt.date:
    return Calendar().next_working_day(day)


def due_date(start: dt.date, days: int, mode: Mode = "natural") -> dt.date:
    return Calendar().due_date(start, days, mode)


def working_days_between(start: dt.date, end: dt.date) -> int:
    return Calendar().working_days_between(start, end)
