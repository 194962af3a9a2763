"""Contact-sheet statistics for the pages, the bulletin and the assessment (shared interface).

- `department_stats(*, start, end, departments=None, as_of=None) -> list[DepartmentStats]`: per
  handling department, the parts it received from `start` to `end` (inclusive): received,
  answered, answered on time and its %, solved, solved on time and its %, average days to answer,
  overdue open — by the definitions in `metrics.py`, computed in one aggregate query.
- `overdue_sheets(*, as_of) -> QuerySet[ContactSheet]`: the sheets still being handled with a
  department overdue on `as_of` (city-wide: the caller scopes when it shows them to a user).
- `overdue_answers(*, unit, start, end, as_of=None) -> int`: the answers of that department due
  from `start` to `end` that came late or have not come although due (the assessment's count).

`as_of` defaults to today (Asia/Shanghai).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from tuijin.liaison import metrics
from tuijin.liaison.models import (
    HANDLING_STATUSES,
    ContactSheet,
    SheetAssignment,
    overdue_q,
)
from tuijin.orgs.models import Unit, UnitType


@dataclass(frozen=True)
class DepartmentStats(metrics.Figures):
    """One department's figures (and the % / average properties of `metrics.Figures`)."""

    department: Unit | None = None


def department_stats(
    *, start: dt.date, end: dt.date, departments: Iterable[Unit] | None = None, as_of: dt.date | None = None
) -> list[DepartmentStats]:
    as_of = as_of or timezone.localdate()
    units = list(departments) if departments is not None else list(
        Unit.objects.filter(type=UnitType.DEPARTMENT, is_active=True).order_by("sort_order", "path")
    )  # fmt: skip
    rows = {
        row["department_id"]: row
        for row in SheetAssignment.objects.filter(received_on__gte=start, received_on__lte=end, department__in=units)
        .values("department_id")
        .annotate(**_aggregates(as_of))
    }
    return [DepartmentStats(department=unit, **_counts(rows.get(unit.pk))) for unit in units]


def _aggregates(as_of: dt.date) -> dict:
    answered = Q(answered_on__isnull=False)
    solved = Q(resolved_on__isnull=False)
    promised = Q(promised_on__isnull=False)
    return {
        "received": Count("pk"),
        "answered": Count("pk", filter=answered),
        "answered_on_time": Count("pk", filter=answered & Q(answered_on__lte=F("due_on"))),
        "answer_due": Count("pk", filter=answered | Q(due_on__lt=as_of)),
        "solved": Count("pk", filter=solved),
        "solved_on_time": Count("pk", filter=solved & promised & Q(resolved_on__lte=F("promised_on"))),
        "solve_due": Count("pk", filter=promised & (solved | Q(promised_on__lt=as_of))),
        "answer_days_total": Sum("answer_days", filter=answered, default=0),
        "overdue_open": Count("pk", filter=overdue_q(as_of)),
    }


def _counts(row: dict | None) -> dict[str, int]:
    return {name: int((row or {}).get(name) or 0) for name in metrics.Figures.__dataclass_fields__}


def overdue_sheets(*, as_of: dt.date) -> QuerySet[ContactSheet]:
    return ContactSheet.objects.filter(status__in=HANDLING_STATUSES).overdue(as_of)


def overdue_answers(*, unit: Unit, start: dt.date, end: dt.date, as_of: dt.date | None = None) -> int:
    as_of = as_of or timezone.localdate()
    late = Q(answered_on__gt=F("due_on")) | Q(answered_on__isnull=True, due_on__lt=as_of)
    return SheetAssignment.objects.filter(late, department=unit, due_on__gte=start, due_on__lte=end).count()
