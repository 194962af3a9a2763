"""Where the scores' figures come from: one provider object the scoring asks for each figure.

`DatabaseFigures` (the default) reads the indicator figures from the 对标对表 ranking of the
group (`tuijin.indicators.analytics.indicator_ranking`: the same numbers and ranks the
ranking pages show), the overdue contact-sheet answers from `tuijin.liaison.stats` and the
挂牌督办 items from `tuijin.supervision.queries`. Tests hand the compute service their own
provider with the same three methods.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from tuijin.assessment import metrics
from tuijin.indicators import analytics
from tuijin.indicators.models import Indicator
from tuijin.liaison.stats import overdue_answers
from tuijin.orgs.models import RankingGroup, Unit
from tuijin.supervision.queries import listed_items


@dataclass(frozen=True)
class UnitFigure:
    """One unit's figures for one indicator and period (None where undefined)."""

    value: Decimal | None
    target: Decimal | None
    completion: Decimal | None  # as 对标对表 shows it (fraction, or pp above target for rates/levels)
    time_progress: Decimal | None
    pace_gap: Decimal | None  # percentage points
    rank: int | None


@dataclass(frozen=True)
class IndicatorFigures:
    data_month: int | None  # the month whose figures stand for the period (quarterly: quarter end)
    time_progress: Decimal | None
    ranked: int  # how many units have a rank
    units: dict[int, UnitFigure] = field(default_factory=dict)  # by unit id; absent: 未报


class Figures(Protocol):
    def indicator(self, indicator: Indicator, year: int, month: int, group: RankingGroup) -> IndicatorFigures: ...

    def overdue_answers(self, unit: Unit, start: dt.date, end: dt.date) -> int: ...

    def listed_items(self, unit: Unit, as_of: dt.date) -> int: ...


class DatabaseFigures:
    """The figures as the rest of Tuijin computes them (one ranking query per indicator)."""

    def __init__(self) -> None:
        self._listed: dict[dt.date, dict[int, int]] = {}

    def indicator(self, indicator: Indicator, year: int, month: int, group: RankingGroup) -> IndicatorFigures:
        ranking = analytics.indicator_ranking(indicator, year, month, group)
        units = {
            row.unit.pk: UnitFigure(
                value=row.value,
                target=row.target,
                completion=row.completion,
                time_progress=row.time_progress,
                pace_gap=row.pace_gap,
                rank=row.rank,
            )
            for row in ranking.rows
        }
        return IndicatorFigures(ranking.data_month, ranking.time_progress, ranking.ranked_count, units)

    def overdue_answers(self, unit: Unit, start: dt.date, end: dt.date) -> int:
        return overdue_answers(unit=unit, start=start, end=end)

    def listed_items(self, unit: Unit, as_of: dt.date) -> int:
        # One query for the whole group: the list is city-wide, counted per owner unit.
        if as_of not in self._listed:
            counts: dict[int, int] = {}
            for owner_id in listed_items(as_of=as_of).values_list("owner_unit_id", flat=True):
                counts[owner_id] = counts.get(owner_id, 0) + 1
            self._listed[as_of] = counts
        return self._listed[as_of].get(unit.pk, 0)


def unit_ratio(indicator: Indicator, figure: UnitFigure | None) -> Decimal | None:
    if figure is None:
        return None
    return metrics.completion_ratio(indicator.kind, indicator.direction, figure.value, figure.target)
