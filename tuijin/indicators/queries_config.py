"""Reads for the configuration pages and the Excel downloads; each scopes itself to the user."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from tuijin.indicators.models import ImportBatch, Indicator, KeyWork, Report, Target
from tuijin.indicators.queries import due_frequencies
from tuijin.orgs import policy
from tuijin.orgs.models import RankingGroup, Unit, User


def indicators_for(*, key_work: str = "", kind: str = "", active: str = "") -> QuerySet[Indicator]:
    qs = Indicator.objects.select_related("key_work").prefetch_related("ranking_groups")
    if key_work:
        qs = qs.filter(key_work__code=key_work)
    if kind:
        qs = qs.filter(kind=kind)
    if active in ("1", "0"):
        qs = qs.filter(is_active=active == "1")
    return qs


def key_works() -> QuerySet[KeyWork]:
    return KeyWork.objects.all()


def template_indicators(unit: Unit, month: int) -> list[Indicator]:
    """What the unit's form asks for in this month: active, due, reported by one of its groups,
    and not derived from projects (最多报一次)."""
    return list(
        Indicator.objects.filter(
            is_active=True, fed_by_projects=False, frequency__in=due_frequencies(month), ranking_groups__units=unit
        )
        .distinct()
        .select_related("key_work")
        .order_by("key_work__sort_order", "sort_order", "code")
    )


def unit_reports(unit: Unit, year: int, month: int) -> dict[int, Report]:
    return {r.indicator_id: r for r in Report.objects.filter(unit=unit, year=year, month=month)}


def workbook_pairs(user: User, month: int) -> list[tuple[Unit, Indicator]]:
    """Unit × indicator lines of the all-units workbook: every unit in scope × what it reports this month."""
    indicators = list(
        Indicator.objects.filter(is_active=True, fed_by_projects=False, frequency__in=due_frequencies(month))
        .prefetch_related("ranking_groups")
        .order_by("key_work__sort_order", "sort_order", "code")
    )
    units = policy.visible_units(user).active().filter(ranking_groups__isnull=False).distinct()
    pairs = []
    for unit in units.prefetch_related("ranking_groups"):
        groups = {g.pk for g in unit.ranking_groups.all()}
        pairs += [(unit, i) for i in indicators if groups & {g.pk for g in i.ranking_groups.all()}]
    return pairs


def period_reports(units: list[Unit], year: int, month: int) -> dict[tuple[int, int], Report]:
    reports = Report.objects.filter(unit__in=units, year=year, month=month)
    return {(r.unit_id, r.indicator_id): r for r in reports}


def groups_for(user: User) -> list[RankingGroup]:
    """Ranking groups with at least one unit in the user's scope."""
    units = policy.visible_units(user)
    return list(RankingGroup.objects.filter(units__in=units).distinct().order_by("sort_order", "code"))


@dataclass
class TargetGrid:
    year: int
    group: RankingGroup
    units: list[Unit]
    indicators: list[Indicator]
    targets: dict[tuple[int, int], Target] = field(default_factory=dict)

    def pairs(self) -> list[tuple[Unit, Indicator]]:
        return [(u, i) for u in self.units for i in self.indicators]


def target_grid(user: User, year: int, group: RankingGroup) -> TargetGrid:
    units = list(policy.visible_units(user).active().filter(ranking_groups=group).order_by("path"))
    indicators = list(
        group.indicators.filter(is_active=True)
        .select_related("key_work")
        .order_by("key_work__sort_order", "sort_order", "code")
    )
    targets = Target.objects.filter(year=year, unit__in=units, indicator__in=indicators)
    return TargetGrid(year, group, units, indicators, {(t.unit_id, t.indicator_id): t for t in targets})


def batches_for(user: User) -> QuerySet[ImportBatch]:
    """Import batches started by people in the user's scope."""
    return policy.scope(ImportBatch.objects.select_related("created_by"), user, "created_by__unit")
