"""A small indicator catalogue on top of the shared cast, and a direct report writer.

`make_report` writes rows straight to the tables (no workflow) so analytics tests can state
their data briefly; the workflow itself is tested through the services.
"""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from tuijin.indicators.models import (
    Direction,
    Frequency,
    Indicator,
    KeyWork,
    Kind,
    RankKey,
    Report,
    Submission,
    SubmissionStatus,
    Target,
)

YEAR = 2026


@dataclass
class Catalogue:
    investment: KeyWork
    attraction: KeyWork
    fai: Indicator  # 固定资产投资, cumulative, 亿元
    fdi: Indicator  # 合同外资, cumulative, 万美元
    gdp: Indicator  # GDP 增速, rate, %
    hitech: Indicator  # 高新技术产业占比, level, %
    pm25: Indicator  # PM2.5 浓度, level, lower is better
    parks: Indicator  # 新增小微企业园, count, quarterly


def build_catalogue(cast) -> Catalogue:
    investment = KeyWork.objects.create(code="INV", name="扩大有效投入", sort_order=1)
    attraction = KeyWork.objects.create(code="ATT", name="招商引资", sort_order=2)

    def indicator(code, name, measure, kind, key_work, **extra):
        ind = Indicator.objects.create(code=code, name=name, measure=measure, kind=kind, key_work=key_work, **extra)
        ind.ranking_groups.set([cast.counties, cast.zones])
        return ind

    return Catalogue(
        investment=investment,
        attraction=attraction,
        fai=indicator("FAI", "固定资产投资", "亿元", Kind.CUMULATIVE, investment, decimals=1),
        fdi=indicator("FDI", "合同外资", "万美元", Kind.CUMULATIVE, attraction, decimals=0),
        gdp=indicator("GDP", "GDP增速", "%", Kind.RATE, investment, rank_key=RankKey.VALUE),
        hitech=indicator("HT", "高新技术产业占比", "%", Kind.LEVEL, investment),
        pm25=indicator("PM25", "PM2.5平均浓度", "微克/立方米", Kind.LEVEL, investment, direction=Direction.LOWER),
        parks=indicator("PARK", "新增小微企业园", "个", Kind.COUNT, attraction, frequency=Frequency.QUARTERLY),
    )


@pytest.fixture
def catalogue(cast) -> Catalogue:
    return build_catalogue(cast)


@pytest.fixture
def make_target():
    def make(unit, indicator, value, year=YEAR, milestones=None):
        return Target.objects.create(
            unit=unit, indicator=indicator, year=year, value=Decimal(str(value)), milestones=milestones or {}
        )

    return make


@pytest.fixture
def make_report():
    def make(unit, indicator, month, value, last_year=None, year=YEAR, status=SubmissionStatus.SUBMITTED, remark=""):
        submission, _ = Submission.objects.get_or_create(unit=unit, year=year, month=month, defaults={"status": status})
        return Report.objects.create(
            submission=submission, unit=unit, indicator=indicator, year=year, month=month,
            value=None if value is None else Decimal(str(value)),
            last_year_value=None if last_year is None else Decimal(str(last_year)), remark=remark,
        )  # fmt: skip

    return make
