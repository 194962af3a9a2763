"""The contact-sheet figures per department, as pure functions: the definition the SQL in
`stats.py` is held to (no Django import).

For the parts (one department's share of a sheet) a department RECEIVED in a period, as of a day:

- answered: the department gave its written answer — accepted (受理), transferred (转办) or
  returned (退回) — on `answered_on`; on time when `answered_on ≤ due_on`.
- answer due: answered, or not answered with the due date already past (`due_on < as_of`).
  Answered on time % = answered on time / answer due (a part not yet due is not counted).
- solved: resolved (办结) on `resolved_on`; on time when `resolved_on ≤ promised_on`.
  Solve due: a promised date was given and the part is solved or the date has passed.
  Solved on time % = solved on time / solve due.
- average days to answer: mean of `answered_on − received_on` in natural days, over the answered.
- overdue open: parts still awaiting the answer past `due_on`, or the solution past `promised_on`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

AWAITING_ANSWER = frozenset({"pending"})
AWAITING_SOLUTION = frozenset({"accepted", "reopened"})


@dataclass(frozen=True)
class Part:
    status: str
    received_on: dt.date
    due_on: dt.date
    answered_on: dt.date | None = None
    promised_on: dt.date | None = None
    resolved_on: dt.date | None = None


@dataclass(frozen=True)
class Figures:
    received: int
    answered: int
    answered_on_time: int
    answer_due: int
    solved: int
    solved_on_time: int
    solve_due: int
    answer_days_total: int
    overdue_open: int

    @property
    def answered_on_time_pct(self) -> float | None:
        return pct(self.answered_on_time, self.answer_due)

    @property
    def solved_on_time_pct(self) -> float | None:
        return pct(self.solved_on_time, self.solve_due)

    @property
    def average_answer_days(self) -> float | None:
        return self.answer_days_total / self.answered if self.answered else None


def pct(part: int, whole: int) -> float | None:
    """A percentage, unrounded (rounding is for display only); None when there is nothing to count."""
    return part * 100 / whole if whole else None


def is_overdue(p: Part, as_of: dt.date) -> bool:
    if p.status in AWAITING_ANSWER:
        return p.due_on < as_of
    return p.status in AWAITING_SOLUTION and p.promised_on is not None and p.promised_on < as_of


def figures(parts: Iterable[Part], as_of: dt.date) -> Figures:
    parts = list(parts)
    answered = [p for p in parts if p.answered_on is not None]
    solved = [p for p in parts if p.resolved_on is not None]
    return Figures(
        received=len(parts),
        answered=len(answered),
        answered_on_time=sum(p.answered_on <= p.due_on for p in answered),
        answer_due=sum(p.answered_on is not None or p.due_on < as_of for p in parts),
        solved=len(solved),
        solved_on_time=sum(p.promised_on is not None and p.resolved_on <= p.promised_on for p in solved),
        solve_due=sum(
            p.promised_on is not None and (p.resolved_on is not None or p.promised_on < as_of) for p in parts
        ),
        answer_days_total=sum((p.answered_on - p.received_on).days for p in answered),
        overdue_open=sum(is_overdue(p, as_of) for p in parts),
    )
