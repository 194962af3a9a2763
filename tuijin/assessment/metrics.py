"""The scoring rules of the assessment, as pure functions: the definition every score follows.

No Django here: Decimal in, Decimal out. Points are never rounded here (the service stores
them to four decimal places; pages show two). Each rule takes the item's weight (分值) and
the figures it reads; "undefined" figures (None: 未报, no target) score 0.

- completion: weight × min(completion ratio, cap), never below 0.
- rank: rank 1 gets the full weight, each rank below loses `step`, never below 0; ties share
  the points of their (competition) rank: 1, 2, 2, 4.
- pace: the full weight on pace (gap ≥ 0), otherwise weight × achieved / expected (pro rata).
- deductions: weight − min(count × amount, cap) (a weight of 0 makes a pure deduction).
- bonus: the sum of the supervisor's entries, capped at the weight.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal

from tuijin.indicators.metrics import HIGHER, SUMMING_KINDS, competition_ranks

ZERO = Decimal(0)
ONE = Decimal(1)
STORED = Decimal("0.0001")  # ResultLine.points and Result.total keep four decimal places


def stored(points: Decimal) -> Decimal:
    """Points as the database keeps them (four decimal places, half up)."""
    return points.quantize(STORED, rounding=ROUND_HALF_UP)


# --- the figures the rules read --------------------------------------------------------------


def completion_ratio(kind: str, direction: str, value: Decimal | None, target: Decimal | None) -> Decimal | None:
    """How much of the target is achieved, as a ratio (1 = the target exactly).

    Higher-is-better: value / target. Lower-is-better (PM2.5): target / value, so staying under
    the target scores above 1. For every kind alike: a growth rate of 7.7% against 7% is 1.1.
    Undefined without a value or with a non-positive denominator.
    """
    if value is None or target is None:
        return None
    numerator, denominator = (value, target) if direction == HIGHER else (target, value)
    if denominator <= 0:
        return None
    return numerator / denominator


def pace_terms(
    kind: str, direction: str, ratio: Decimal | None, time_progress: Decimal | None
) -> tuple[Decimal | None, Decimal | None]:
    """(achieved, expected) for the pro-rata share of a unit behind pace.

    A flow against the calendar: completion / time progress (a lower-is-better flow, such as
    a consumption cap, is behind when it runs ahead of the calendar: time progress / completion).
    Rates and levels have no calendar: the completion ratio against 1.
    """
    if kind not in SUMMING_KINDS:
        return ratio, ONE
    if ratio is None or time_progress is None:
        return None, None
    return (ratio, time_progress) if direction == HIGHER else (time_progress, ratio)


# --- the rules -----------------------------------------------------------------------------------


def completion_points(weight: Decimal, ratio: Decimal | None, cap: Decimal | None) -> Decimal:
    if ratio is None:
        return ZERO
    scored = max(ratio, ZERO)
    if cap is not None:
        scored = min(scored, cap)
    return weight * scored


def default_step(weight: Decimal, group_size: int) -> Decimal:
    """Points lost per rank when the item names no step: the weight shared over the group."""
    return weight / group_size if group_size > 0 else weight


def rank_points(weight: Decimal, step: Decimal, rank: int | None) -> Decimal:
    if rank is None:
        return ZERO
    return max(weight - (rank - 1) * step, ZERO)


def rank_points_for(
    keys: Sequence[Decimal | None], higher_first: bool, weight: Decimal, step: Decimal
) -> list[Decimal]:
    """Points per unit from their rank keys: competition ranks (ties share), undefined → 0."""
    return [rank_points(weight, step, rank) for rank in competition_ranks(keys, higher_first)]


def pace_points(
    weight: Decimal, pace_gap: Decimal | None, achieved: Decimal | None, expected: Decimal | None
) -> Decimal:
    if pace_gap is None or achieved is None:
        return ZERO
    if pace_gap >= 0:
        return weight
    if expected is None or expected <= 0:
        return ZERO
    return weight * min(max(achieved / expected, ZERO), ONE)


def deduction_taken(count: int, amount: Decimal, cap: Decimal | None) -> Decimal:
    taken = count * amount
    return taken if cap is None else min(taken, cap)


def deduction_points(weight: Decimal, count: int, amount: Decimal, cap: Decimal | None) -> Decimal:
    return weight - deduction_taken(count, amount, cap)


def bonus_points(weight: Decimal, entries: Iterable[Decimal]) -> Decimal:
    return min(sum(entries, ZERO), weight)


# --- the whole -----------------------------------------------------------------------------------


def total(lines: Iterable[Decimal], adjustments: Iterable[Decimal] = ()) -> Decimal:
    return sum(lines, ZERO) + sum(adjustments, ZERO)


def result_ranks(totals: Sequence[Decimal | None]) -> list[int | None]:
    """Competition ranking of the totals, highest first: 1, 2, 2, 4."""
    return competition_ranks(totals, higher_first=True)
