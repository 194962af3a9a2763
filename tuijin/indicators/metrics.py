"""The formulas of 对标对表, as pure functions: the definition the SQL in `analytics` is held to.

No Django here: Decimal (or None for "undefined", shown as —) in, Decimal or None out.
Units of the results, everywhere in Tuijin:
- completion: a fraction (0.582) for kinds that sum (cumulative, count); percentage points
  above target (flipped for lower-is-better) for rate and level kinds, whose values are in %.
- time progress, YoY growth: fractions. Pace gap and growth change: percentage points.
Nothing is rounded here; rounding happens at display only.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Hashable, Mapping, Sequence, Set
from dataclasses import dataclass
from decimal import Decimal

# The vocabulary of tuijin.indicators.models, repeated as plain strings (no Django import).
CUMULATIVE, RATE, LEVEL, COUNT = "cumulative", "rate", "level", "count"
SUMMING_KINDS = frozenset({CUMULATIVE, COUNT})
HIGHER, LOWER = "higher", "lower"
BY_COMPLETION, BY_YOY, BY_VALUE = "completion", "yoy", "value"
LINEAR, DAYS, SEASONAL = "linear", "days", "seasonal"
MONTHLY, QUARTERLY = "monthly", "quarterly"
QUARTER_MONTHS = (3, 6, 9, 12)

GREEN, AMBER, RED = "green", "amber", "red"
AHEAD, STEADY, LAGGING = "ahead", "steady", "lagging"  # 优势 / 平稳 / 滞后
DEFAULT_AMBER_PP = Decimal(5)
DEFAULT_AHEAD_PP = Decimal(5)
DEFAULT_MARK_N = 3

HUNDRED = Decimal(100)
ZERO = Decimal(0)


# --- periods -----------------------------------------------------------------------------


def due_month(frequency: str, month: int) -> int | None:
    """The month whose figures stand for period `month`: itself, or the last quarter end before it.

    A quarterly indicator read in July shows June's figures; in January and February it has none.
    """
    if frequency != QUARTERLY:
        return month
    ends = [m for m in QUARTER_MONTHS if m <= month]
    return ends[-1] if ends else None


# --- one unit ----------------------------------------------------------------------------


def completion(kind: str, direction: str, value: Decimal | None, target: Decimal | None) -> Decimal | None:
    if value is None or target is None:
        return None
    if kind in SUMMING_KINDS:
        return value / target if target > 0 else None
    return value - target if direction == HIGHER else target - value


def time_progress_linear(month: int) -> Decimal:
    return Decimal(month) / 12


def days_elapsed(year: int, month: int) -> int:
    """Days from 1 January to the period's last day, both included."""
    return dt.date(year, month, calendar.monthrange(year, month)[1]).timetuple().tm_yday


def days_in_year(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


def time_progress_days(year: int, month: int) -> Decimal:
    return Decimal(days_elapsed(year, month)) / days_in_year(year)


def time_progress_seasonal(month: int, last_same_month: Decimal | None, last_december: Decimal | None) -> Decimal:
    """Last year's share of its annual total reached by the same month; linear without last year."""
    if last_same_month is None or last_december is None or last_december <= 0:
        return time_progress_linear(month)
    return last_same_month / last_december


def time_progress(
    mode: str,
    year: int,
    month: int,
    last_same_month: Decimal | None = None,
    last_december: Decimal | None = None,
) -> Decimal:
    if mode == DAYS:
        return time_progress_days(year, month)
    if mode == SEASONAL:
        return time_progress_seasonal(month, last_same_month, last_december)
    return time_progress_linear(month)


def pace_gap(kind: str, direction: str, completion_: Decimal | None, progress: Decimal | None) -> Decimal | None:
    """Percentage points ahead (+) or behind (−) the calendar; on pace iff ≥ 0.

    Summing kinds compare completion with time progress; for a lower-is-better flow (a cap
    such as energy use) staying under the calendar is being on pace, so the sign flips.
    Rate and level kinds have no calendar: the gap is the completion, pp above target.
    """
    if completion_ is None:
        return None
    if kind not in SUMMING_KINDS:
        return completion_
    if progress is None:
        return None
    gap = (completion_ - progress) * HUNDRED
    return gap if direction == HIGHER else -gap


def rag(gap: Decimal | None, amber_pp: Decimal = DEFAULT_AMBER_PP) -> str | None:
    """三色预警: green on pace, amber within `amber_pp` behind, red further behind."""
    if gap is None:
        return None
    if gap >= 0:
        return GREEN
    return AMBER if gap > -amber_pp else RED


def band(gap: Decimal | None, ahead_pp: Decimal = DEFAULT_AHEAD_PP) -> str | None:
    """优势 (gap ≥ +5 pp) / 平稳 (0 ≤ gap < +5) / 滞后 (gap < 0)."""
    if gap is None:
        return None
    if gap >= ahead_pp:
        return AHEAD
    return STEADY if gap >= 0 else LAGGING


def yoy(value: Decimal | None, last: Decimal | None) -> Decimal | None:
    if value is None or last is None or last <= 0:
        return None
    return (value - last) / last


def growth_change(
    value: Decimal | None, last: Decimal | None, prev_value: Decimal | None, prev_last: Decimal | None
) -> Decimal | None:
    """This year's growth − last year's growth (from last year's report of the same month), in pp."""
    this, before = yoy(value, last), yoy(prev_value, prev_last)
    if this is None or before is None:
        return None
    return (this - before) * HUNDRED


# --- ranking -----------------------------------------------------------------------------


def higher_ranks_first(kind: str, direction: str, rank_key: str) -> bool:
    """Does a larger rank key rank first? The one place that decides the ranking's direction.

    Completion of rate/level kinds is already flipped for lower-is-better (target − value),
    so there a larger completion is always better; everywhere else the direction decides.
    """
    if rank_key == BY_COMPLETION and kind not in SUMMING_KINDS:
        return True
    return direction == HIGHER


def rank_order(kind: str, direction: str, rank_key: str):
    """A sort key for rank keys, best first, undefined last (for `sorted`)."""
    sign = 1 if higher_ranks_first(kind, direction, rank_key) else -1

    def key(x: Decimal | None):
        return (1, ZERO) if x is None else (0, -sign * x)

    return key


def select_rank_key(rank_key: str, completion_: Decimal | None, yoy_: Decimal | None, value: Decimal | None):
    return {BY_COMPLETION: completion_, BY_YOY: yoy_, BY_VALUE: value}[rank_key]


def key_gap_scale(kind: str, rank_key: str) -> Decimal:
    """Multiplier that expresses a difference of rank keys in pp (fractions) or in the measure."""
    if rank_key == BY_YOY or (rank_key == BY_COMPLETION and kind in SUMMING_KINDS):
        return HUNDRED
    return Decimal(1)


def competition_ranks(keys: Sequence[Decimal | None], higher_first: bool) -> list[int | None]:
    """Competition ranking ("1, 2, 2, 4"); undefined keys are unranked (None)."""
    ranks: list[int | None] = []
    for key in keys:
        if key is None:
            ranks.append(None)
            continue
        better = sum(1 for other in keys if other is not None and (other > key if higher_first else other < key))
        ranks.append(better + 1)
    return ranks


def marks(keys: Sequence[Decimal | None], higher_first: bool, n: int = DEFAULT_MARK_N) -> list[tuple[bool, bool]]:
    """(前N, 后N) per unit, from the competition ranks r among the c ranked units.

    前N: r ≤ N. 后N: r > c − N, i.e. the units whose official rank lies in the last N places
    (ranks 1, 2, 3, 4, 4, 6, 7 of 7: only 第6 and 第7 are 后三; the two 第4名 are not). So at most
    N units are 后N; fewer where a tie straddles the boundary; none where the units tied last are
    more than N (ranks 1–4 and four 第5名 of 8: no 后三, since naming four would break "三").
    Ties at the very end are all marked when they fit (1–4, 5, 5, 5 of 7: the three 第5名).
    A unit is never both: in a group of 2N or fewer the top mark wins and every other ranked
    unit is 后N, as before this rule (with c ≤ 2N every rank above N is past c − N anyway).
    """
    ranks = competition_ranks(keys, higher_first)
    count = sum(1 for r in ranks if r is not None)
    return [(r is not None and r <= n, r is not None and r > n and r > count - n) for r in ranks]


def gaps_to_above(
    keys: Sequence[Decimal | None], higher_first: bool, scale: Decimal = Decimal(1)
) -> list[tuple[Decimal | None, int | None]]:
    """Per unit: (how far behind the unit ranked just above, index of that unit); rank 1 → (None, None).

    "Just above" is the nearest strictly better key; among units tied there, the first listed.
    The gap is non-negative, in the rank key's terms times `scale` (pp for fractions).
    """
    result = []
    for key in keys:
        if key is None:
            result.append((None, None))
            continue
        better = [(i, k) for i, k in enumerate(keys) if k is not None and (k > key if higher_first else k < key)]
        if not better:
            result.append((None, None))
            continue
        nearest = min(k for _, k in better) if higher_first else max(k for _, k in better)
        index = next(i for i, k in better if k == nearest)
        result.append((abs(nearest - key) * scale, index))
    return result


# --- a group -----------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitInput:
    """What one unit reported for the period, and last year's figures the formulas need."""

    value: Decimal | None  # None: no counted report (未报)
    target: Decimal | None = None
    last_year_value: Decimal | None = None
    prev_value: Decimal | None = None  # last year's report, same month: its value …
    prev_last_year_value: Decimal | None = None  # … and its own same-period-last-year value
    prev_december: Decimal | None = None  # last year's December value (seasonal time progress)


@dataclass(frozen=True)
class UnitFigures:
    completion: Decimal | None
    time_progress: Decimal | None
    pace_gap: Decimal | None
    rag: str | None
    band: str | None
    yoy: Decimal | None
    growth_change: Decimal | None
    rank_key: Decimal | None
    rank: int | None
    is_top: bool
    is_bottom: bool
    gap_to_above: Decimal | None
    above: int | None  # index of the unit ranked just above


@dataclass(frozen=True)
class IndicatorSpec:
    kind: str
    direction: str = HIGHER
    rank_key: str = BY_COMPLETION
    time_progress_mode: str = LINEAR


@dataclass(frozen=True)
class GroupFigures:
    units: list[UnitFigures | None]  # None for a unit without a report (未报)
    total: Decimal | None  # only where the kind sums
    average: Decimal | None
    best: list[int]  # indices of the units ranked first
    reported: int


def unit_figures(
    spec: IndicatorSpec, year: int, month: int, unit: UnitInput, amber_pp=DEFAULT_AMBER_PP, ahead_pp=DEFAULT_AHEAD_PP
):
    """The per-unit figures before ranking (rank fields filled by `evaluate_group`)."""
    comp = completion(spec.kind, spec.direction, unit.value, unit.target)
    progress = time_progress(spec.time_progress_mode, year, month, unit.prev_value, unit.prev_december)
    gap = pace_gap(spec.kind, spec.direction, comp, progress)
    growth = yoy(unit.value, unit.last_year_value)
    change = growth_change(unit.value, unit.last_year_value, unit.prev_value, unit.prev_last_year_value)
    key = select_rank_key(spec.rank_key, comp, growth, unit.value)
    return comp, progress, gap, rag(gap, amber_pp), band(gap, ahead_pp), growth, change, key


def evaluate_group(
    spec: IndicatorSpec,
    year: int,
    month: int,
    units: Sequence[UnitInput],
    *,
    mark_n: int = DEFAULT_MARK_N,
    amber_pp: Decimal = DEFAULT_AMBER_PP,
    ahead_pp: Decimal = DEFAULT_AHEAD_PP,
) -> GroupFigures:
    """Everything 对标对表 says about one indicator, one period and one ranking group."""
    reported = [i for i, u in enumerate(units) if u.value is not None]
    partial = {i: unit_figures(spec, year, month, units[i], amber_pp, ahead_pp) for i in reported}
    keys = [partial[i][-1] for i in reported]
    higher_first = higher_ranks_first(spec.kind, spec.direction, spec.rank_key)
    ranks = competition_ranks(keys, higher_first)
    flags = marks(keys, higher_first, mark_n)
    gaps = gaps_to_above(keys, higher_first, key_gap_scale(spec.kind, spec.rank_key))
    figures: list[UnitFigures | None] = [None] * len(units)
    for pos, i in enumerate(reported):
        gap, above = gaps[pos]
        figures[i] = UnitFigures(
            *partial[i], rank=ranks[pos], is_top=flags[pos][0], is_bottom=flags[pos][1],
            gap_to_above=gap, above=None if above is None else reported[above],
        )  # fmt: skip
    values = [units[i].value for i in reported]
    total = sum(values, ZERO) if values else None
    return GroupFigures(
        units=figures,
        total=total if spec.kind in SUMMING_KINDS else None,
        average=total / len(values) if values else None,
        best=[reported[pos] for pos, r in enumerate(ranks) if r == 1],
        reported=len(reported),
    )


# --- how many units have reported an open period -------------------------------------------------


def units_reported(due: Mapping[Hashable, Mapping[Hashable, bool]], counted: Set[tuple]) -> tuple[int, int]:
    """(已报, 应报) of a period: the definition `queries.reporting_progress` is held to.

    `due`: per unit, the indicators due from it this period (those its ranking groups report),
    each with whether the project library feeds it; `counted`: the (unit, indicator) pairs with
    a figure that counts (handed in, or fed). A unit is expected where something is due from it.
    It has reported where it has a counted figure of an indicator it is asked for (its form is
    handed in: the 未报 rule of the ranking and of the missing list); a unit asked for nothing
    (all its figures are fed, 最多报一次) has reported once one fed figure counts.
    """
    expected = reported = 0
    for unit, indicators in due.items():
        if not indicators:
            continue
        expected += 1
        asked = [i for i, fed in indicators.items() if not fed]
        if any((unit, i) in counted for i in asked or indicators):
            reported += 1
    return reported, expected
