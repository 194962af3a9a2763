"""The project numbers of DESIGN.md ("The numbers"), as pure functions: the reference `stats` is held to.

No Django here: plain values in, Decimal (or None for "undefined", shown as —) out; nothing is
rounded. For a year Y and a period month M ("period end" = the last day of M):

- Planned to start: the year's plans of kind 新开工. Started: of them, `started_on` ≤ period end
  (a project of Y's plan that actually started in December of Y−1 counts as started).
  Start rate = started / planned; undefined when nothing is planned.
- Planned to complete: the year's plans of kind 竣工, or of any kind with a planned completion
  month. Completed: `completed_on` ≤ period end. Completion rate = completed / planned.
- Investment: planned = the sum of the year's plans' planned investment; YTD = the sum of the
  scope's monthly investments of Y, months 1..M. Investment completion = YTD / planned.
- "Due" variants: only plans whose planned month is ≤ M (a plan without a month is due in
  December, so the due variant of December equals the annual one); for investment the planned
  amount is pro rata of the calendar, planned × M / 12 (linear, like time progress).
- 迟迟不开工: a 新开工 plan of Y, not started by the as-of date, and the as-of date minus the
  planned start date (the project's own date, else the first day of the plan's start month)
  is more than 30 days: exactly 30 days late is not listed, 31 is.
- 开而未建: started (a started stage, started on or before the as-of date), not completed by it,
  started at least two months before M (start month ≤ M−2), and no investment > 0 reported for
  M or M−1 (January looks back into December of Y−1).
The as-of date is the period end for a past period and today for the current one.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from tuijin.indicators import metrics as indicator_metrics

# The vocabulary of tuijin.projects.models, repeated as plain strings (no Django import).
NEW, CONTINUING, COMPLETING, PREPARATORY = "new", "continuing", "completing", "preparatory"
CONCEPT, PREPARATION, STARTED, REGISTERED = "concept", "preparation", "started", "registered"
COMPLETED, OPERATING, SUSPENDED, TERMINATED = "completed", "operating", "suspended", "terminated"
STARTED_STAGES = frozenset({STARTED, REGISTERED, COMPLETED, OPERATING})

LATE_START_DAYS = 30
IDLE_MONTHS = 2
ZERO = Decimal(0)


# --- the calendar -------------------------------------------------------------------------


def period_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def as_of_date(year: int, month: int, today: dt.date) -> dt.date:
    """The period end for a past period; today for the current (or a future) one."""
    return min(period_end(year, month), today)


def month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def previous_months(year: int, month: int, n: int = IDLE_MONTHS) -> list[tuple[int, int]]:
    """(year, month) of M and the n−1 months before it, most recent first."""
    out = []
    for i in range(n):
        y, m = divmod(month_index(year, month) - i, 12)
        out.append((y, m + 1))
    return out


# --- rates ----------------------------------------------------------------------------------


def rate(numerator: int | Decimal, denominator: int | Decimal) -> Decimal | None:
    if not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator)


def due_month(month: int | None) -> int:
    """The month by which a plan is due: its own, or December when it names none."""
    return month or 12


def plans_to_start(kind: str | None) -> bool:
    return kind == NEW


def plans_to_complete(kind: str | None, completion_month: int | None) -> bool:
    return kind == COMPLETING or (kind is not None and completion_month is not None)


def is_done_by(day: dt.date | None, end: dt.date) -> bool:
    return day is not None and day <= end


def due_planned_investment(planned: Decimal, month: int) -> Decimal:
    """The share of the annual plan the calendar asks for by month M: planned × M / 12."""
    return planned * month / 12


# --- one project as the rules see it ----------------------------------------------------------


@dataclass(frozen=True)
class ProjectFacts:
    """One project for one year: its plan (kind None: no plan that year) and what happened."""

    kind: str | None = None
    planned_investment: Decimal = ZERO
    planned_start_month: int | None = None
    planned_completion_month: int | None = None
    stage: str = PREPARATION
    planned_start_on: dt.date | None = None
    started_on: dt.date | None = None
    completed_on: dt.date | None = None
    investments: Mapping[tuple[int, int], Decimal] = field(default_factory=dict)  # (year, month) → 本月投资


@dataclass(frozen=True)
class Figures:
    """The counts and rates of one variant (annual or due) for one scope and period."""

    planned_start: int = 0
    started: int = 0
    planned_completion: int = 0
    completed: int = 0
    planned_investment: Decimal = ZERO
    ytd_investment: Decimal = ZERO

    @property
    def start_rate(self) -> Decimal | None:
        return rate(self.started, self.planned_start)

    @property
    def completion_rate(self) -> Decimal | None:
        return rate(self.completed, self.planned_completion)

    @property
    def investment_completion(self) -> Decimal | None:
        return rate(self.ytd_investment, self.planned_investment)


@dataclass(frozen=True)
class ScopeFigures:
    annual: Figures
    due: Figures


def ytd_investment(investments: Mapping[tuple[int, int], Decimal], year: int, month: int) -> Decimal:
    return sum((v for (y, m), v in investments.items() if y == year and m <= month), ZERO)


def scope_figures(projects: Iterable[ProjectFacts], year: int, month: int) -> ScopeFigures:
    """Annual and due figures of a scope's projects for period (year, month)."""
    end = period_end(year, month)
    annual = {"planned_start": 0, "started": 0, "planned_completion": 0, "completed": 0}
    due = dict(annual)
    planned, ytd = ZERO, ZERO
    for p in projects:
        ytd += ytd_investment(p.investments, year, month)
        if p.kind is None:
            continue
        planned += p.planned_investment
        if plans_to_start(p.kind):
            started = is_done_by(p.started_on, end)
            _count(annual, "planned_start", "started", started)
            if due_month(p.planned_start_month) <= month:
                _count(due, "planned_start", "started", started)
        if plans_to_complete(p.kind, p.planned_completion_month):
            completed = is_done_by(p.completed_on, end)
            _count(annual, "planned_completion", "completed", completed)
            if due_month(p.planned_completion_month) <= month:
                _count(due, "planned_completion", "completed", completed)
    return ScopeFigures(
        annual=Figures(**annual, planned_investment=planned, ytd_investment=ytd),
        due=Figures(**due, planned_investment=due_planned_investment(planned, month), ytd_investment=ytd),
    )


def _count(counts: dict, planned: str, done: str, is_done: bool) -> None:
    counts[planned] += 1
    counts[done] += is_done


# --- the lists leaders act on -----------------------------------------------------------------


def planned_start_date(planned_start_on: dt.date | None, year: int, planned_start_month: int | None) -> dt.date | None:
    """The project's own planned start date, else the first day of its plan's start month."""
    if planned_start_on is not None:
        return planned_start_on
    return dt.date(year, planned_start_month, 1) if planned_start_month else None


def days_late(planned: dt.date | None, as_of: dt.date) -> int | None:
    return None if planned is None else (as_of - planned).days


def is_slow_to_start(p: ProjectFacts, year: int, as_of: dt.date, grace_days: int = LATE_START_DAYS) -> bool:
    """迟迟不开工: a 新开工 plan of `year`, not started by `as_of`, more than `grace_days` past its start."""
    if not plans_to_start(p.kind) or is_done_by(p.started_on, as_of):
        return False
    late = days_late(planned_start_date(p.planned_start_on, year, p.planned_start_month), as_of)
    return late is not None and late > grace_days


def is_idle(p: ProjectFacts, year: int, month: int, as_of: dt.date, months: int = IDLE_MONTHS) -> bool:
    """开而未建: started (and not completed) by `as_of` at least `months` months before M, no investment since."""
    if p.stage not in STARTED_STAGES or not is_done_by(p.started_on, as_of) or is_done_by(p.completed_on, as_of):
        return False
    if month_index(year, month) - month_index(p.started_on.year, p.started_on.month) < months:
        return False
    return not any(p.investments.get(period, ZERO) > 0 for period in previous_months(year, month, months))


def is_milestone_overdue(planned_on: dt.date | None, actual_on: dt.date | None, as_of: dt.date) -> bool:
    return planned_on is not None and actual_on is None and planned_on < as_of


def batch_laggards(start_deadline: dt.date, as_of: dt.date, started_ons: Sequence[dt.date | None]) -> list[int] | None:
    """Indices of a batch's projects not started by its deadline, once the deadline has passed.

    None while the deadline has not passed; an empty list for a batch that started in full.
    """
    if not start_deadline < as_of:
        return None
    return [i for i, day in enumerate(started_ons) if not is_done_by(day, start_deadline)]


# --- ranking inside a group -------------------------------------------------------------------


@dataclass(frozen=True)
class Placing:
    rank: int | None  # competition ranking (1, 2, 2, 4); None where the rate is undefined
    is_top: bool  # 前N
    is_bottom: bool  # 后N


def placings(rates: Sequence[Decimal | None], mark_n: int = indicator_metrics.DEFAULT_MARK_N) -> list[Placing]:
    """Ranks and marks of the units' rates (higher is better), by the indicator ranking rules."""
    ranks = indicator_metrics.competition_ranks(rates, higher_first=True)
    marks = indicator_metrics.marks(rates, higher_first=True, n=mark_n)
    return [Placing(r, top, bottom) for r, (top, bottom) in zip(ranks, marks, strict=True)]
