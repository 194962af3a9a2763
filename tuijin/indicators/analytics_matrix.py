"""The matrix (对标对表总表): the units × indicators of a ranking group, each cell a value, completion,
pace gap and colour, read from `analytics.figures` in one query."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    QuerySet,
)

from tuijin.indicators import metrics
from tuijin.indicators.analytics import amber_pp, as_decimal, figures, group_indicators, period_filter
from tuijin.indicators.models import (
    Indicator,
    Report,
)
from tuijin.orgs import policy
from tuijin.orgs.models import RankingGroup, Unit, User


@dataclass
class Cell:
    value: Decimal | None
    completion: Decimal | None
    pace_gap: Decimal | None
    rag: str | None
    reported: bool = True


@dataclass
class Matrix:
    group: RankingGroup
    year: int
    month: int
    indicators: list[Indicator]
    units: list[Unit]
    cells: dict[tuple[int, int], Cell]

    def row(self, unit: Unit) -> list[Cell | None]:
        """Cells of one unit in indicator order; None where the indicator is not due this period."""
        out = []
        for ind in self.indicators:
            if metrics.due_month(ind.frequency, self.month) is None:
                out.append(None)
            else:
                out.append(self.cells.get((unit.pk, ind.pk)) or Cell(None, None, None, None, reported=False))
        return out


def matrix(group: RankingGroup, year: int, month: int, units: list[Unit]) -> Matrix:
    """Completion, pace gap and colour per (unit, indicator) for the given units: one query."""
    indicators = list(group_indicators(group))
    qs = Report.objects.filter(period_filter(month), year=year, unit__in=units, indicator__in=indicators)
    cells = {
        (d["unit_id"], d["indicator_id"]): _cell(d)
        for d in figures(qs, year).values("unit_id", "indicator_id", "value", "completion", "pace_gap")
    }
    return Matrix(group, year, month, indicators, list(units), cells)


def _cell(d: dict) -> Cell:
    gap = as_decimal(d["pace_gap"])
    return Cell(d["value"], as_decimal(d["completion"]), gap, metrics.rag(gap, amber_pp()))


def matrix_units(user: User, group: RankingGroup) -> QuerySet[Unit]:
    """The group's active members the user may see, in tree order (the matrix's rows)."""
    return policy.scope(group.units.filter(is_active=True), user, unit_field=None).order_by("path")
