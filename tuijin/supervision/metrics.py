"""The pure rules of assignments: colours (三色预警), overdue levels, progress cycles.

No Django here: `queries.py` reads the thresholds from the settings, annotates the same rules
in SQL for lists, and a property test holds the SQL to these functions.

Days are natural days counted from the current deadline: day 0 is the deadline itself.
- Colour of an open item: red once overdue (day ≥ 1); yellow when the deadline is at most
  `yellow_days` away (days −3…0 by default) or a missed progress cycle was caught up late;
  green otherwise. Items waiting for the supervisor's close-out or closed have no colour.
- Overdue level of an open item: 催办 from the deadline day (day ≥ `remind_days`, 0), 督办 from
  `supervise_days` (7) after it, 挂牌督办 from `list_days` (30) after it.
- Progress cycles follow the calendar: weekly cycles run Monday–Sunday, biweekly cycles are two
  such weeks counted from the week the item was assigned, monthly cycles are calendar months;
  the first cycle starts on the day the item was assigned in Tuijin (its creation, which may be
  later than the decision it carries out: `Assignment.reporting_from`). A cycle is missed when it has ended and no
  update was posted within it; an update posted later for it catches it up (marked late, and
  the item turns yellow) and it is no longer counted as missed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

GREEN, YELLOW, RED = "green", "yellow", "red"
COLOURS = (GREEN, YELLOW, RED)
NONE, REMIND, SUPERVISE, LISTED = "", "remind", "supervise", "listed"
LEVELS = (NONE, REMIND, SUPERVISE, LISTED)  # in rising order; the index is the level's rank
WEEKLY, BIWEEKLY, MONTHLY = "weekly", "biweekly", "monthly"


@dataclass(frozen=True)
class Thresholds:
    yellow_days: int = 3
    remind_days: int = 0
    supervise_days: int = 7
    list_days: int = 30


DEFAULT = Thresholds()


def days_overdue(deadline: dt.date, today: dt.date) -> int:
    """Natural days past the deadline: 0 on the deadline day, negative before it."""
    return (today - deadline).days


def overdue_level(deadline: dt.date, today: dt.date, active: bool = True, th: Thresholds = DEFAULT) -> str:
    if not active:
        return NONE
    days = days_overdue(deadline, today)
    if days >= th.list_days:
        return LISTED
    if days >= th.supervise_days:
        return SUPERVISE
    if days >= th.remind_days:
        return REMIND
    return NONE


def level_rank(level: str) -> int:
    return LEVELS.index(level)


def colour(
    deadline: dt.date, today: dt.date, *, caught_up_late: bool = False, active: bool = True, th: Thresholds = DEFAULT
) -> str:
    """The traffic light of an item ("" when it is no longer open)."""
    if not active:
        return ""
    days = days_overdue(deadline, today)
    if days >= 1:
        return RED
    if -days <= th.yellow_days or caught_up_late:
        return YELLOW
    return GREEN


# --- progress cycles -----------------------------------------------------------------------------


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def cycle_of(day: dt.date, assigned_on: dt.date, cycle: str) -> tuple[dt.date, dt.date]:
    """(first, last) day of the cycle that holds `day` (clipped to start at `assigned_on`)."""
    if day < assigned_on:
        raise ValueError("a day before the assignment belongs to no cycle")
    if cycle == MONTHLY:
        start, end = _month_start(day), _next_month(day) - dt.timedelta(days=1)
    elif cycle in (WEEKLY, BIWEEKLY):
        length = 7 if cycle == WEEKLY else 14
        origin = assigned_on - dt.timedelta(days=assigned_on.weekday())  # Monday of the first week
        start = origin + dt.timedelta(days=(day - origin).days // length * length)
        end = start + dt.timedelta(days=length - 1)
    else:
        raise ValueError(f"unknown cycle {cycle!r}")
    return max(start, assigned_on), end


def cycles(assigned_on: dt.date, until: dt.date, cycle: str) -> list[tuple[dt.date, dt.date]]:
    """Every cycle from the assignment up to the one holding `until`, in order."""
    found: list[tuple[dt.date, dt.date]] = []
    day = assigned_on
    while day <= until:
        start, end = cycle_of(day, assigned_on, cycle)
        found.append((start, end))
        day = end + dt.timedelta(days=1)
    return found


def missed_cycles(
    assigned_on: dt.date,
    today: dt.date,
    cycle: str,
    posted: Iterable[dt.date],
    stop: dt.date | None = None,
    caught_up: Iterable[dt.date] = (),
) -> list[tuple[dt.date, dt.date]]:
    """Ended cycles with no update posted within them and not caught up since (`caught_up`: the
    first days of the cycles answered late). `stop`: the day reporting stopped (close-out
    requested or closed); cycles that end on or after it are not owed."""
    dates = sorted(set(posted))
    answered_late = set(caught_up)
    last = today - dt.timedelta(days=1)
    if stop is not None:
        last = min(last, stop - dt.timedelta(days=1))
    missed = []
    for start, end in cycles(assigned_on, last, cycle) if last >= assigned_on else []:
        if end > last:
            break
        if start not in answered_late and not any(start <= d <= end for d in dates):
            missed.append((start, end))
    return missed
