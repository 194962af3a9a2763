"""The demo city's indicator system: the four key works, targets, and this year's and last
year's figures.

The demo is laid out relative to the day it is loaded (`timeline`): its year is that of the
latest locked period L, its figures run from January to L (last year's to December), the
period after L is open. Written through the catalogue and import services as the demo
supervisor (so the figures carry their import batch and history), with a realistic spread:
some units ahead of the calendar, some behind, 云溪县 missing L, one correction approved after
the lock and one pending, and two forms of L still in the workflow. Deterministic (seeded) and
idempotent.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from tuijin.indicators import periods
from tuijin.indicators.models import Indicator, Kind, Report, Submission, SubmissionStatus
from tuijin.indicators.services import catalogue, imports, reporting
from tuijin.orgs.models import RankingGroup, Unit, User

REASON = "示例数据初始化（历史数据导入）"


@dataclass(frozen=True)
class Timeline:
    """Where the demo's periods fall for the day it is loaded."""

    today: dt.date
    year: int  # the demo's reporting year: the year of the latest locked period
    last: int  # the latest locked month of `year`: figures are final up to here
    open: tuple[int, int]  # the period after it, still open (its window running, or yet to come)


def timeline(today: dt.date | None = None) -> Timeline:
    today = today or timezone.localdate()
    year, last = periods.latest_locked_period(today)
    return Timeline(today=today, year=year, last=last, open=periods.next_period(year, last))


KEY_WORKS = [("INV", "扩大有效投入"), ("ATT", "招商引资"), ("PRJ", "项目推进"), ("ECO", "生态治理")]


@dataclass(frozen=True)
class Spec:
    code: str
    name: str
    measure: str
    kind: str
    key_work: str
    decimals: int = 1
    extra: tuple = ()
    target: tuple[float, float] = (100, 300)  # county range; zones get 60%


SPECS = [
    Spec("FAI", "固定资产投资", "亿元", Kind.CUMULATIVE, "INV", target=(180, 420)),
    Spec("IND_INV", "工业投资", "亿元", Kind.CUMULATIVE, "INV", target=(70, 160)),
    Spec("GDP", "地区生产总值增速", "%", Kind.RATE, "INV", extra=(("rank_key", "value"),), target=(6.5, 7.5)),
    Spec("FDI_C", "合同外资", "万美元", Kind.CUMULATIVE, "ATT", decimals=0, target=(20000, 60000)),
    Spec("FDI_A", "实到外资", "万美元", Kind.CUMULATIVE, "ATT", decimals=0, target=(8000, 24000)),
    Spec("DOM", "省外内资到位", "亿元", Kind.CUMULATIVE, "ATT", target=(30, 80)),
    Spec(
        "PARK",
        "新增小微企业园",
        "个",
        Kind.COUNT,
        "ATT",
        decimals=0,
        extra=(("frequency", "quarterly"),),
        target=(3, 8),
    ),
    Spec("PRJ_INV", "重大项目完成投资", "亿元", Kind.CUMULATIVE, "PRJ", extra=(("fed_by_projects", True),)),
    Spec(
        "NEW_PRJ",
        "新开工重大项目",
        "个",
        Kind.COUNT,
        "PRJ",
        decimals=0,
        target=(4, 9),
        extra=(("fed_by_projects", True), ("project_figure", "started")),
    ),
    Spec(
        "PM25",
        "PM2.5平均浓度",
        "微克/立方米",
        Kind.LEVEL,
        "ECO",
        extra=(("direction", "lower"), ("rank_key", "value")),
        target=(33, 36),
    ),
    Spec("WATER", "地表水水质达标率", "%", Kind.LEVEL, "ECO", target=(88, 92)),
]
# How each unit runs against the calendar (1.0 = exactly on pace).
PACE = {"SL-DH": 1.08, "SL-XS": 0.93, "SL-NJ": 1.02, "SL-BL": 0.86, "SL-QC": 1.0, "SL-YX": 0.95, "SL-LH": 1.12,
        "SL-GX": 1.05, "SL-KF": 0.9}  # fmt: skip
# DESIGN.md's worked example: a zone's contracted foreign capital 13,955 of 23,978 after July.
WORKED = ("SL-GX", "FDI_C", 23978, {7: 13955})


def load(people: dict[str, User]) -> None:
    supervisor = people["demo-supervisor"]
    if Indicator.objects.filter(code="FAI").exists():
        return
    rng = random.Random(20260701)  # noqa: S311 (demo figures, not secrets)
    t = timeline()
    indicators = _catalogue(supervisor)
    units = list(Unit.objects.filter(code__in=PACE).order_by("path"))
    targets = _targets(supervisor, units, t.year, rng)
    if t.open[0] != t.year:  # January is open: next year's targets are set already
        _targets(supervisor, units, t.open[0], random.Random(t.open[0]))  # noqa: S311
    _workflow_states(units, t)
    rows = _figures(units, indicators, targets, t, rng)
    imports.reports_import(actor=supervisor, rows=rows, reason=REASON, source=imports.SOURCE_API)
    _corrections(people, t)


def _catalogue(supervisor: User) -> dict[str, Indicator]:
    works = {}
    for order, (code, name) in enumerate(KEY_WORKS, start=1):
        works[code] = catalogue.keywork_create(actor=supervisor, code=code, name=name, sort_order=order)
    groups = list(RankingGroup.objects.filter(code__in=["G-COUNTY", "G-ZONE"]))
    found = {}
    for order, spec in enumerate(SPECS, start=1):
        found[spec.code] = catalogue.indicator_create(
            actor=supervisor, ranking_groups=groups, code=spec.code, name=spec.name, measure=spec.measure,
            kind=spec.kind, key_work=works[spec.key_work], decimals=spec.decimals, sort_order=order, **dict(spec.extra),
        )  # fmt: skip
    return found


def _targets(supervisor, units, year: int, rng) -> dict[tuple[str, str], Decimal]:
    targets, rows = {}, []
    for unit in units:
        for spec in SPECS:
            if spec.code == "PRJ_INV":
                low, high = 60, 140  # the projects' planned investment is of this order
            else:
                low, high = spec.target
            value = rng.uniform(low, high) * (0.6 if unit.type == "zone" and spec.kind in SUMMING else 1)
            if (unit.code, spec.code) == WORKED[:2]:
                value = WORKED[2]
            value = _round(value, spec.decimals if spec.kind != Kind.COUNT else 0)
            targets[(unit.code, spec.code)] = value
            row = {"unit": unit.code, "indicator": spec.code, "year": year, "value": str(value)}
            if spec.code == "FAI":
                row["milestones"] = {"6": "55"}  # 上半年 55%
            rows.append(row)
    imports.targets_import(actor=supervisor, rows=rows, reason=REASON, source=imports.SOURCE_API)
    return targets


SUMMING = (Kind.CUMULATIVE, Kind.COUNT)


def _workflow_states(units, t: Timeline) -> None:
    # The latest locked month's forms of two units are still in the workflow (handed in before
    # the lock, not yet through it): the demo replays a state the services no longer let anyone
    # create after the deadline, so these two rows are written directly.
    by_code = {u.code: u for u in units}
    Submission.objects.create(unit=by_code["SL-NJ"], year=t.year, month=t.last, status=SubmissionStatus.SUBMITTED)
    Submission.objects.create(unit=by_code["SL-BL"], year=t.year, month=t.last, status=SubmissionStatus.APPROVED)


def _figures(units, indicators, targets, t: Timeline, rng) -> list[dict]:
    rows = []
    for unit in units:
        pace = PACE[unit.code]
        for spec in SPECS:
            if dict(spec.extra).get("fed_by_projects"):
                continue  # 最多报一次: derived from the project library, never entered
            indicator, target = indicators[spec.code], targets[(unit.code, spec.code)]
            growth = rng.uniform(-0.04, 0.22)
            last_growth = rng.uniform(-0.02, 0.15)
            series = _series(spec, target, pace, t.last, rng)
            last_year: dict[int, Decimal] = {}
            for month, value in series.items():
                if not indicator.is_due(month):
                    continue
                if unit.code == "SL-YX" and month == t.last:
                    continue  # 云溪县 has not reported the latest month (未报)
                if (unit.code, spec.code) == WORKED[:2] and month in WORKED[3]:
                    value = Decimal(WORKED[3][month])
                last = last_year[month] = _last_year(spec, value, growth)
                rows.append(_row(unit, spec, t.year, month, value, last))
                rows.append(_row(unit, spec, t.year - 1, month, last, _last_year(spec, last, last_growth)))
            rows.extend(_rest_of_last_year(unit, spec, indicator, last_year, t))
    return rows


def _rest_of_last_year(unit, spec: Spec, indicator: Indicator, known: dict[int, Decimal], t: Timeline) -> list[dict]:
    """Last year's months after the latest one: flows keep their pace, levels and rates stay put."""
    if not known:
        return []  # a quarterly indicator before the first quarter's end: nothing to go on
    latest = max(known)
    rows = []
    for month in range(t.last + 1, 13):
        if not indicator.is_due(month):
            continue
        value = known[latest] * month / latest if spec.kind in SUMMING else known[latest]
        rows.append(_row(unit, spec, t.year - 1, month, _round(value, spec.decimals), None))
    return rows


def _series(spec: Spec, target: Decimal, pace: float, last: int, rng) -> dict[int, Decimal]:
    """January to the latest month: cumulative kinds grow month by month around pace × the calendar."""
    series, previous = {}, Decimal(0)
    for month in range(1, last + 1):
        if spec.kind in SUMMING:
            share = month / 12 * pace * rng.uniform(0.97, 1.03)
            value = max(previous, _round(float(target) * share, spec.decimals if spec.kind != Kind.COUNT else 0))
            previous = value
        elif spec.kind == Kind.RATE:
            value = _round(float(target) * (0.85 + 0.2 * pace) * rng.uniform(0.96, 1.04), 1)
        else:
            worse = pace if spec.code != "PM25" else 2 - pace  # lower PM2.5 is better
            value = _round(float(target) * (0.9 + 0.1 * worse) * rng.uniform(0.98, 1.02), 1)
        series[month] = value
    return series


def _last_year(spec: Spec, value: Decimal, growth: float) -> Decimal:
    if spec.kind == Kind.RATE:
        return _round(float(value) - growth * 10, 1)
    if spec.kind == Kind.LEVEL:
        return _round(float(value) * (1 + growth / 10), 1)
    return _round(float(value) / (1 + growth), spec.decimals if spec.kind != Kind.COUNT else 0)


def _row(unit, spec, year, month, value, last) -> dict:
    row = {"unit": unit.code, "indicator": spec.code, "year": year, "month": month, "value": str(value)}
    if last is not None:
        row["last_year_value"] = str(last)
    return row


def _corrections(people: dict[str, User], t: Timeline) -> None:
    """One correction approved after the lock (东湖区, the month before the latest), one waiting
    (西山区, the latest month)."""
    supervisor = people["demo-supervisor"]
    earlier = max(t.last - 1, 1)
    before = Report.objects.get(unit__code="SL-DH", indicator__code="FAI", year=t.year, month=earlier)
    request = reporting.correction_request(
        actor=people["demo-reporter"], report=before, proposed_value=before.value + Decimal("3.2"),
        proposed_last_year_value=before.last_year_value,
        reason=f"统计局反馈：漏报一个续建项目 {earlier} 月投资 3.2 亿元",
    )  # fmt: skip
    reporting.correction_approve(actor=supervisor, correction=request, note="经核对统计局数据，同意更正")
    latest = Report.objects.get(unit__code="SL-XS", indicator__code="FDI_C", year=t.year, month=t.last)
    reporting.correction_request(
        actor=people["demo-reporter2"], report=latest, proposed_value=latest.value + 1200,
        proposed_last_year_value=latest.last_year_value,
        reason=f"一家外资企业增资合同 {t.last} 月 28 日已签约，补报 1200 万美元",
    )  # fmt: skip


def _round(value, decimals: int) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
