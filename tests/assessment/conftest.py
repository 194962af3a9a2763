"""The assessment on top of the shared cast and the indicator catalogue.

A third county "C-C" (丙县) joins the county group G-CTY so rankings have ties and steps to
show. `FakeFigures` is the figures provider with its numbers stated in the test; the real
provider (`DatabaseFigures`) is exercised with reports written by `make_report`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from tests.indicators.conftest import YEAR, build_catalogue, make_report, make_target  # noqa: F401
from tuijin.assessment import services
from tuijin.assessment.figures import IndicatorFigures, UnitFigure
from tuijin.assessment.models import RuleKind
from tuijin.orgs import services as org_services
from tuijin.orgs.models import UnitType

D = Decimal


@dataclass
class FakeFigures:
    """Figures by indicator code and unit code, as a test states them."""

    indicators: dict[str, dict[str, UnitFigure]] = field(default_factory=dict)
    ranked: dict[str, int] = field(default_factory=dict)
    overdue: dict[str, int] = field(default_factory=dict)
    listed: dict[str, int] = field(default_factory=dict)
    calls: list = field(default_factory=list)

    def indicator(self, indicator, year, month, group) -> IndicatorFigures:
        self.calls.append(("indicator", indicator.code, year, month, group.code))
        by_code = self.indicators.get(indicator.code, {})
        units = {u.pk: by_code[u.code] for u in group.units.all() if u.code in by_code}
        ranked = self.ranked.get(indicator.code, sum(1 for f in units.values() if f.rank is not None))
        return IndicatorFigures(month, D(month) / 12, ranked, units)

    def overdue_answers(self, unit, start: dt.date, end: dt.date) -> int:
        self.calls.append(("overdue", unit.code, start, end))
        return self.overdue.get(unit.code, 0)

    def listed_items(self, unit, as_of: dt.date) -> int:
        self.calls.append(("listed", unit.code, as_of))
        return self.listed.get(unit.code, 0)


def figure(value=None, target=None, completion=None, time_progress=None, pace_gap=None, rank=None) -> UnitFigure:
    def dec(x):
        return None if x is None else D(str(x))

    return UnitFigure(dec(value), dec(target), dec(completion), dec(time_progress), dec(pace_gap), rank)


@pytest.fixture
def county_c(cast):
    unit = org_services.unit_create(
        actor=cast.sysadmin, code="C-C", name="丙县", type=UnitType.COUNTY, parent=cast.city
    )
    cast.counties.units.add(unit)
    return unit


@pytest.fixture
def catalogue(cast):
    return build_catalogue(cast)


@pytest.fixture
def scheme(cast, catalogue, county_c):
    """A draft 2026 scheme for G-CTY with one item of every rule (weights 100)."""
    s = services.scheme_create(actor=cast.supervisor, year=YEAR, group=cast.counties, name="2026年度目标责任制考核")
    add = lambda **f: services.item_create(actor=cast.supervisor, scheme=s, **f)  # noqa: E731
    add(
        order=1,
        name="固定资产投资完成率",
        kind=RuleKind.COMPLETION,
        indicator=catalogue.fai,
        weight=D(30),
        cap=D("1.2"),
    )
    add(order=2, name="合同外资排名", kind=RuleKind.RANK, indicator=catalogue.fdi, weight=D(30), step=D(10))
    add(order=3, name="固定资产投资时序进度", kind=RuleKind.PACE, indicator=catalogue.fai, weight=D(20))
    add(order=4, name="工作联系单按时答复", kind=RuleKind.DEDUCTION_SHEETS, weight=D(5), amount=D(1), cap=D(5))
    add(order=5, name="挂牌督办", kind=RuleKind.DEDUCTION_LISTED, weight=D(0), amount=D(2), cap=D(4))
    add(order=6, name="创新工作加分", kind=RuleKind.BONUS, weight=D(15))
    s.refresh_from_db()
    return s


@pytest.fixture
def fake():
    """C-A: FAI 75% behind pace (80%), FDI rank 1, 2 overdue answers; C-B: FAI 150% (capped), FDI rank 2
    (tied with C-C), 7 overdue answers (capped), 1 listed item; C-C: FAI 未报, 3 listed items (capped)."""
    return FakeFigures(
        indicators={
            "FAI": {
                "C-A": figure(value=225, target=300, completion="0.75", time_progress="0.8", pace_gap="-5", rank=2),
                "C-B": figure(
                    value=150, target=100, completion="1.5", time_progress="0.8333", pace_gap="66.67", rank=1
                ),
            },
            "FDI": {
                "C-A": figure(
                    value=5000, target=8000, completion="0.625", time_progress="0.8333", pace_gap="-20.8", rank=1
                ),
                "C-B": figure(
                    value=3000, target=6000, completion="0.5", time_progress="0.8333", pace_gap="-33.3", rank=2
                ),
                "C-C": figure(
                    value=2500, target=5000, completion="0.5", time_progress="0.8333", pace_gap="-33.3", rank=2
                ),
            },
        },
        overdue={"C-A": 2, "C-B": 7},
        listed={"C-B": 1, "C-C": 3},
    )
