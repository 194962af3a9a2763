"""Scoring a scheme: for every unit of its group, one line per item with its points and why.

`score(scheme, items, units, month, figures)` applies the rules of `metrics` to the figures
the provider gives and returns, per unit, the lines the compute service stores. The
`explanation` of a line is plain JSON (decimals as strings, unrounded) so that the drill-down,
the API and the exports read the very figures the points came from:

    {"rule": kind, "weight": "20", "missing": bool, "capped": bool, ...the rule's figures...,
     "evidence": [...bonus entries...]}

Queries: one ranking per indicator item, one per deduction item and unit (the liaison count),
one for the listed items, one for the bonuses.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from tuijin.assessment import metrics
from tuijin.assessment.figures import Figures, IndicatorFigures, unit_ratio
from tuijin.assessment.models import Bonus, RuleKind, Scheme, SchemeItem
from tuijin.orgs.models import Unit


@dataclass(frozen=True)
class LineScore:
    item: SchemeItem
    points: Decimal  # as stored: four decimal places
    explanation: dict


def period_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def text(number) -> str | None:
    """A JSON-safe exact figure: Decimal → its string, None stays None."""
    return None if number is None else str(number)


def score(
    scheme: Scheme, items: Sequence[SchemeItem], units: Sequence[Unit], month: int, figures: Figures
) -> dict[int, list[LineScore]]:
    """Lines per unit id, in item order."""
    lines: dict[int, list[LineScore]] = {u.pk: [] for u in units}
    bonuses = _bonuses(items, units)
    for item in items:
        scores = _item_scores(scheme, item, units, month, figures, bonuses)
        for unit, (points, explanation) in zip(units, scores, strict=True):
            explanation = {"rule": item.kind, "weight": text(item.weight), **explanation}
            lines[unit.pk].append(LineScore(item, metrics.stored(points), explanation))
    return lines


def _item_scores(scheme, item, units, month, figures, bonuses) -> list[tuple[Decimal, dict]]:
    if item.kind in (RuleKind.COMPLETION, RuleKind.RANK, RuleKind.PACE):
        data = figures.indicator(item.indicator, scheme.year, month, scheme.group)
        rule = {RuleKind.COMPLETION: _completion, RuleKind.RANK: _rank, RuleKind.PACE: _pace}[item.kind]
        return [rule(item, data, unit, len(units), scheme.year, month) for unit in units]
    if item.kind == RuleKind.BONUS:
        return [_bonus(item, bonuses.get((item.pk, unit.pk), [])) for unit in units]
    start, end = dt.date(scheme.year, 1, 1), period_end(scheme.year, month)
    if item.kind == RuleKind.DEDUCTION_SHEETS:
        counts = [figures.overdue_answers(unit, start, end) for unit in units]
    else:
        counts = [figures.listed_items(unit, end) for unit in units]
    return [_deduction(item, count, start, end) for count in counts]


def _indicator_facts(item: SchemeItem, data: IndicatorFigures, unit: Unit, year: int, month: int) -> dict:
    figure = data.units.get(unit.pk)
    indicator = item.indicator
    return {
        "indicator": indicator.code, "indicator_name": indicator.name, "measure": indicator.measure,
        "kind": indicator.kind, "direction": indicator.direction, "year": year, "month": month,
        "data_month": data.data_month,
        "value": text(figure.value if figure else None), "target": text(figure.target if figure else None),
        "completion": text(figure.completion if figure else None),
        "ratio": text(unit_ratio(indicator, figure)),
        "time_progress": text(figure.time_progress if figure else data.time_progress),
        "pace_gap": text(figure.pace_gap if figure else None),
        "rank": figure.rank if figure else None, "ranked": data.ranked,
        "missing": figure is None,
    }  # fmt: skip


def _completion(item, data, unit, group_size, year, month) -> tuple[Decimal, dict]:
    facts = _indicator_facts(item, data, unit, year, month)
    ratio = unit_ratio(item.indicator, data.units.get(unit.pk))
    points = metrics.completion_points(item.weight, ratio, item.cap)
    capped = ratio is not None and item.cap is not None and ratio > item.cap
    return points, {**facts, "cap": text(item.cap), "capped": capped}


def _rank(item, data, unit, group_size, year, month) -> tuple[Decimal, dict]:
    facts = _indicator_facts(item, data, unit, year, month)
    step = item.step if item.step is not None else metrics.default_step(item.weight, group_size)
    points = metrics.rank_points(item.weight, step, facts["rank"])
    tied = facts["rank"] is not None and sum(1 for f in data.units.values() if f.rank == facts["rank"]) > 1
    extra = {"step": text(step), "step_default": item.step is None, "group_size": group_size, "tied": tied}
    return points, {**facts, **extra, "capped": False}


def _pace(item, data, unit, group_size, year, month) -> tuple[Decimal, dict]:
    facts = _indicator_facts(item, data, unit, year, month)
    figure = data.units.get(unit.pk)
    ratio = unit_ratio(item.indicator, figure)
    progress = figure.time_progress if figure else None
    achieved, expected = metrics.pace_terms(item.indicator.kind, item.indicator.direction, ratio, progress)
    gap = figure.pace_gap if figure else None
    points = metrics.pace_points(item.weight, gap, achieved, expected)
    on_pace = gap is not None and gap >= 0
    return points, {**facts, "achieved": text(achieved), "expected": text(expected), "on_pace": on_pace,
                    "capped": False}  # fmt: skip


def _deduction(item: SchemeItem, count: int, start: dt.date, end: dt.date) -> tuple[Decimal, dict]:
    taken = metrics.deduction_taken(count, item.amount, item.cap)
    capped = item.cap is not None and count * item.amount > item.cap
    facts = {"count": count, "amount": text(item.amount), "cap": text(item.cap), "taken": text(taken),
             "start": start.isoformat(), "end": end.isoformat(), "missing": False, "capped": capped}  # fmt: skip
    return metrics.deduction_points(item.weight, count, item.amount, item.cap), facts


def _bonus(item: SchemeItem, entries: list[Bonus]) -> tuple[Decimal, dict]:
    total = sum((b.points for b in entries), metrics.ZERO)
    evidence = [
        {"id": b.pk, "points": text(b.points), "reason": b.reason, "evidence": b.evidence,
         "attachment": b.attachment.name or "", "by": str(b.entered_by), "at": b.entered_at.isoformat()}
        for b in entries
    ]  # fmt: skip
    points = metrics.bonus_points(item.weight, (b.points for b in entries))
    return points, {"sum": text(total), "evidence": evidence, "missing": False, "capped": total > item.weight}


def _bonuses(items: Sequence[SchemeItem], units: Sequence[Unit]) -> dict[tuple[int, int], list[Bonus]]:
    bonus_items = [i.pk for i in items if i.kind == RuleKind.BONUS]
    found: dict[tuple[int, int], list[Bonus]] = defaultdict(list)
    if not bonus_items:
        return found
    qs = Bonus.objects.filter(item_id__in=bonus_items, unit__in=units).select_related("entered_by")
    for bonus in qs.order_by("entered_at", "id"):
        found[(bonus.item_id, bonus.unit_id)].append(bonus)
    return found
