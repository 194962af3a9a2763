"""A unit's cockpit (单位驾驶舱): each of its indicators with value, completion, pace gap, colour, band,
its rank in each ranking group and the months of the year as a series — read from `analytics.figures`."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Q,
    QuerySet,
)

from tuijin.indicators import metrics
from tuijin.indicators.analytics import ahead_pp, amber_pp, as_decimal, figures, period_filter, ranked
from tuijin.indicators.models import (
    Indicator,
    Report,
)
from tuijin.orgs.models import RankingGroup, Unit


@dataclass
class SeriesPoint:
    month: int
    value: Decimal
    target: Decimal | None
    completion: Decimal | None
    time_progress: Decimal | None
    pace_gap: Decimal | None


@dataclass
class CockpitLine:
    indicator: Indicator
    points: list[SeriesPoint]
    current: SeriesPoint | None  # the figures of the period (its due month)
    rag: str | None
    band: str | None
    ranks: list[tuple[RankingGroup, int | None, int]]  # (group, rank, units ranked)


@dataclass
class Cockpit:
    unit: Unit
    year: int
    month: int
    lines: list[CockpitLine]


def cockpit_indicators(unit: Unit, year: int) -> QuerySet[Indicator]:
    """Indicators the unit's groups report, and any other it reported this year."""
    reported = Report.objects.filter(unit=unit, year=year).values("indicator_id")
    return (
        Indicator.objects.filter(Q(ranking_groups__units=unit) | Q(pk__in=reported), is_active=True)
        .distinct()
        .select_related("key_work")
        .order_by("key_work__sort_order", "sort_order", "code")
    )


def cockpit_peers(unit: Unit) -> QuerySet[Unit]:
    """The units a cockpit's ranks compare: the active members of the unit's groups (or the unit)."""
    peers = Unit.objects.filter(is_active=True, ranking_groups__in=unit.ranking_groups.all())
    return Unit.objects.filter(Q(pk=unit.pk) | Q(pk__in=peers.values("pk")))


def cockpit(unit: Unit, year: int, month: int) -> Cockpit:
    """A unit's year up to `month`: per indicator the monthly series, the pace line and its ranks.

    Queries: indicators, the unit's groups, the series (one), the ranks (one per group).
    """
    indicators = list(cockpit_indicators(unit, year))
    qs = Report.objects.filter(unit=unit, year=year, month__lte=month, indicator__in=indicators)
    series: dict[int, list[SeriesPoint]] = defaultdict(list)
    for d in (
        figures(qs, year)
        .order_by("month")
        .values("indicator_id", "month", "value", "target", "completion", "time_progress", "pace_gap")
    ):
        series[d.pop("indicator_id")].append(SeriesPoint(**{**d, **_decimals(d)}))
    ranks = _unit_ranks(unit, year, month, indicators)
    lines = []
    for ind in indicators:
        due = metrics.due_month(ind.frequency, month)
        current = next((p for p in series[ind.pk] if p.month == due), None)
        gap = current.pace_gap if current else None
        lines.append(
            CockpitLine(
                ind, series[ind.pk], current, metrics.rag(gap, amber_pp()), metrics.band(gap, ahead_pp()), ranks[ind.pk]
            )
        )
    return Cockpit(unit, year, month, lines)


def _decimals(d: dict) -> dict:
    return {k: as_decimal(d[k]) for k in ("completion", "time_progress", "pace_gap")}


def _unit_ranks(unit: Unit, year: int, month: int, indicators: list[Indicator]) -> dict[int, list]:
    """The unit's rank per indicator in each of its groups, from one window query per group."""
    out: dict[int, list] = defaultdict(list)
    for group in unit.ranking_groups.order_by("sort_order", "code"):
        members = group.units.filter(is_active=True).values("pk")
        qs = Report.objects.filter(period_filter(month), year=year, unit__in=members, indicator__in=indicators)
        rows = ranked(figures(qs, year)).values("unit_id", "indicator_id", "rank", "rank_score")
        counts: dict[int, int] = defaultdict(int)
        mine: dict[int, int | None] = {}
        for r in rows:
            defined = r["rank_score"] is not None
            counts[r["indicator_id"]] += defined
            if r["unit_id"] == unit.pk:
                mine[r["indicator_id"]] = r["rank"] if defined else None
        for ind in indicators:
            if ind.pk in mine:
                out[ind.pk].append((group, mine[ind.pk], counts[ind.pk]))
    return out
