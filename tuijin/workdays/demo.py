"""The demo city's working-day calendar: the years around today that nobody knows yet.

Idempotent: a year the package knows or an administrator has entered is left alone."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tuijin.workdays.models import CalendarYear
from tuijin.workdays.services import add_day, declare_year
from tuijin.workdays.workcalendar import package_knows

# The demo is laid out around the day it is loaded, which may lie in a year the installed
# `chinesecalendar` does not know yet. The demo administrator then enters that year as an
# office would, with the fixed-date holidays only (the lunar ones need the State Council's
# notice): an illustrative calendar for the fictional city, marked so in its source.
DEMO_CALENDAR_SOURCE = "示例数据：演示用节假日安排（仅含元旦、劳动节、国庆节，非国务院正式通知）"
FIXED_HOLIDAYS = [
    ((1, 1), "元旦"),
    *[((5, d), "劳动节") for d in range(1, 6)],
    *[((10, d), "国庆节") for d in range(1, 8)],
]


def declare_calendar(people: dict) -> list[int]:
    """Enter the years around today that neither the package nor an administrator knows."""
    admin, this_year = people["demo-sysadmin"], timezone.localdate().year
    declared = []
    for year in (this_year - 1, this_year, this_year + 1):
        if package_knows(year) or CalendarYear.objects.filter(year=year).exists():
            continue
        declare_year(actor=admin, year=year, source=DEMO_CALENDAR_SOURCE)
        for (month, day), name in FIXED_HOLIDAYS:
            add_day(actor=admin, date=dt.date(year, month, day), is_working_day=False, name=name)
        declared.append(year)
    return declared
