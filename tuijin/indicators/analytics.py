"""对标对表 in the database: completion, pace, growth and ranks as ORM expressions.

`figures(qs, year)` annotates counted `Report` rows with every per-unit figure of
`metrics` (same names, same units), and the functions below read rankings from it (the
matrix is `analytics_matrix`, a unit's cockpit `analytics_cockpit`); `pace_figures` is its
pace part alone, what the early-warning list (`analytics_warnings`) shows. Ranks are window
functions; only the ≤ ~100 rows of one group are post-processed in Python (labels, the gap to
the unit above).
`tests/indicators/test_analytics.py` holds every number here to `metrics.evaluate_group`.

Numbers on both databases: values are scaled to whole units of 1/10 000 (VALUE_DIGITS has four
decimal places) and cast to double precision before any arithmetic, so SQLite and PostgreSQL
compute the same floats and equal ratios compare equal (1/3 and 2/6 tie, as they must).
Derived numbers come back as Decimal built from those floats, unrounded.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    FilteredRelation,
    FloatField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Rank, Round

from tuijin.core import sqlcache
from tuijin.indicators import conf, metrics
from tuijin.indicators.models import (
    COUNTED_STATUSES,
    Direction,
    Frequency,
    Indicator,
    Kind,
    RankKey,
    Report,
    TimeProgressMode,
)
from tuijin.orgs import policy
from tuijin.orgs.models import RankingGroup, Unit, User

SCALE = 10_000  # 1 / 10^VALUE_DIGITS["decimal_places"]
SUMMING = (Kind.CUMULATIVE, Kind.COUNT)
FLOAT = FloatField()


def amber_pp() -> Decimal:
    """The red line: amber while behind the calendar by less, red from here (a setting)."""
    return Decimal(conf.PACE_RED_PP)


def ahead_pp() -> Decimal:
    """The 优势 line: ahead of the calendar by at least this many points (a setting)."""
    return Decimal(conf.PACE_AHEAD_PP)


def mark_n() -> int:
    return conf.RANK_MARK_N


def as_decimal(number) -> Decimal | None:
    """A database float (or Decimal) as Decimal, through its shortest repr; None stays None."""
    if number is None or isinstance(number, Decimal):
        return number
    return Decimal(repr(float(number)))


# --- the expressions -----------------------------------------------------------------------


def counted(prefix: str = "") -> Q:
    """Reports whose figures count: not empty, and handed in (submitted, approved, accepted) or
    derived from the project library (最多报一次: a fed figure counts on its own, never waiting
    for the unit's form). With a prefix (another report of the same indicator, joined through
    `_last_year`), the indicator is the row's own, so its flag is read without a further join."""
    handed_in = Q(**{f"{prefix}submission__status__in": COUNTED_STATUSES})
    return Q(**{f"{prefix}value__isnull": False}) & (handed_in | Q(indicator__fed_by_projects=True))


def _scaled(name: str) -> Cast:
    return Cast(Round(F(name) * Value(SCALE)), FLOAT)


def _float(number) -> Value:
    return Value(float(number), output_field=FLOAT)


def _by_month(year: int, of_month) -> Case:
    """A per-row constant of the calendar: of_month(year, month) for the row's month."""
    return Case(*[When(month=m, then=_float(of_month(year, m))) for m in range(1, 13)], output_field=FLOAT)


def _last_year(year: int, month, only: list[int] | None = None) -> FilteredRelation:
    # Last year's report of the same unit and indicator; whether it counts is checked on use.
    # The year is a constant (every row of `figures` is of `year`), so the database can use
    # the (unit, indicator, year, month) index instead of hashing every report of every year.
    # `only`: the indicators whose reports are wanted (all when None). The others' rows join on a
    # NULL indicator, which SQLite does not even look up, and PostgreSQL hashes `only`'s reports alone.
    indicator = F("indicator") if only is None else Case(When(indicator__in=only, then=F("indicator")))
    condition = Q(unit__reports__indicator=indicator, unit__reports__year=year - 1) & Q(unit__reports__month=month)
    if only is not None:
        condition &= Q(unit__reports__indicator__in=only)
    return FilteredRelation("unit__reports", condition=condition)


def _counted_value(alias: str, column: str) -> Case:
    return Case(When(counted(f"{alias}__"), then=_scaled(f"{alias}__{column}")), output_field=FLOAT)


def _target_row() -> FilteredRelation:
    return FilteredRelation(
        "unit__targets", condition=Q(unit__targets__indicator=F("indicator"), unit__targets__year=F("year"))
    )


def figures(qs: QuerySet[Report], year: int) -> QuerySet[Report]:
    """Annotate report rows (of `year`) with the metrics, scaled floats, see the module doc.

    Adds: target; completion, time_progress, pace_gap (pp), yoy, growth_change (pp), and
    rank_score — the rank key, negated where a smaller key ranks first, so larger is better.
    """
    summing = Q(indicator__kind__in=SUMMING)
    lower = Q(indicator__direction=Direction.LOWER)
    qs = qs.filter(counted()).annotate(
        target_row=_target_row(), prev=_last_year(year, F("month")), prev_dec=_last_year(year, 12)
    )
    qs = qs.annotate(
        target=F("target_row__value"),
        s_value=_scaled("value"),
        s_target=_scaled("target_row__value"),
        s_last=_scaled("last_year_value"),
        s_prev=_counted_value("prev", "value"),
        s_prev_last=_counted_value("prev", "last_year_value"),
        s_prev_dec=_counted_value("prev_dec", "value"),
    )
    hundred = _float(100)
    qs = pace(qs, year).annotate(
        yoy=Case(When(s_last__gt=0, then=(F("s_value") - F("s_last")) / F("s_last")), output_field=FLOAT),
        prev_yoy=Case(
            When(s_prev_last__gt=0, then=(F("s_prev") - F("s_prev_last")) / F("s_prev_last")), output_field=FLOAT
        ),
    )
    qs = qs.annotate(
        growth_change=ExpressionWrapper((F("yoy") - F("prev_yoy")) * hundred, output_field=FLOAT),
        rank_key=Case(
            When(indicator__rank_key=RankKey.YOY, then=F("yoy")),
            When(indicator__rank_key=RankKey.VALUE, then=F("s_value")),
            default=F("completion"),
            output_field=FLOAT,
        ),
    )
    # metrics.higher_ranks_first, in SQL: completion of rate/level kinds is already flipped.
    smaller_first = lower & ~(Q(indicator__rank_key=RankKey.COMPLETION) & ~summing)
    return qs.annotate(
        rank_score=Case(When(smaller_first, then=F("rank_key") * _float(-1)), default=F("rank_key"), output_field=FLOAT)
    )


def pace(qs: QuerySet[Report], year: int) -> QuerySet[Report]:
    """Add completion, time_progress and pace_gap to rows annotated with the scaled s_value,
    s_target, s_prev and s_prev_dec (last year's same month and December, counted or NULL)."""
    summing = Q(indicator__kind__in=SUMMING)
    lower = Q(indicator__direction=Direction.LOWER)
    hundred = _float(100)
    seasonal = Q(indicator__time_progress_mode=TimeProgressMode.SEASONAL, s_prev_dec__gt=0, s_prev__isnull=False)
    days = Q(indicator__time_progress_mode=TimeProgressMode.DAYS)
    qs = qs.annotate(
        completion=Case(
            When(summing & Q(s_target__gt=0), then=F("s_value") / F("s_target")),
            When(~summing & ~lower, then=(F("s_value") - F("s_target")) / _float(SCALE)),
            When(~summing & lower, then=(F("s_target") - F("s_value")) / _float(SCALE)),
            output_field=FLOAT,
        ),
        # Time progress as a fraction num / den of whole numbers, so that the pace gap below is
        # one division of exact numbers: a gap of exactly −5 pp is −5.0, not −4.999…, and is red.
        tp_num=Case(
            When(seasonal, then=F("s_prev")),
            When(days, then=_by_month(year, metrics.days_elapsed)),
            default=Cast(F("month"), FLOAT),
            output_field=FLOAT,
        ),
        tp_den=Case(
            When(seasonal, then=F("s_prev_dec")),
            When(days, then=_float(metrics.days_in_year(year))),
            default=_float(12),
            output_field=FLOAT,
        ),
    )
    ahead = F("s_value") * F("tp_den") - F("tp_num") * F("s_target")  # (completion − progress) × st × den
    return qs.annotate(
        time_progress=ExpressionWrapper(F("tp_num") / F("tp_den"), output_field=FLOAT),
        pace_gap=Case(
            When(summing & ~lower & Q(s_target__gt=0), then=hundred * ahead / (F("s_target") * F("tp_den"))),
            When(summing & lower & Q(s_target__gt=0), then=hundred * -ahead / (F("s_target") * F("tp_den"))),
            When(~summing, then=F("completion")),
            output_field=FLOAT,
        ),
    )


def pace_figures(qs: QuerySet[Report], year: int, seasonal: list[int]) -> QuerySet[Report]:
    """The counted reports (of `year`) with `pace`'s figures alone: target, completion, time
    progress and pace gap, for lists that need no growth rates and no ranks (the early warnings).

    Last year's reports are joined only for the `seasonal` indicators (those of `qs` whose time
    progress mode is seasonal): the time progress of the others never reads them.
    """
    qs = qs.filter(counted()).annotate(target_row=_target_row())
    if seasonal:
        qs = qs.annotate(prev=_last_year(year, F("month"), seasonal), prev_dec=_last_year(year, 12, seasonal))
        prev, prev_dec = _counted_value("prev", "value"), _counted_value("prev_dec", "value")
    else:
        prev = prev_dec = Value(None, output_field=FLOAT)
    qs = qs.annotate(target=F("target_row__value"), s_value=_scaled("value"), s_target=_scaled("target_row__value"),
                     s_prev=prev, s_prev_dec=prev_dec)  # fmt: skip
    return pace(qs, year)


def ranked(qs: QuerySet[Report], partition: list | None = None) -> QuerySet[Report]:
    """Add `rank` (1, 2, 2, 4 among defined keys), group `n_reported`/`value_sum`."""
    partition = partition or [F("indicator_id")]
    return qs.annotate(
        rank=Window(Rank(), partition_by=partition, order_by=F("rank_score").desc(nulls_last=True)),
        n_reported=Window(Count("id"), partition_by=partition),
        value_sum=Window(Sum("value"), partition_by=partition),
    )


def period_filter(indicators_month: int, prefix: str = "") -> Q:
    """Reports standing for period `month`: monthly ones of the month, quarterly of its quarter end."""
    q = Q(**{f"{prefix}indicator__frequency": Frequency.MONTHLY, f"{prefix}month": indicators_month})
    quarter = metrics.due_month(Frequency.QUARTERLY, indicators_month)
    if quarter is not None:
        q |= Q(**{f"{prefix}indicator__frequency": Frequency.QUARTERLY, f"{prefix}month": quarter})
    return q


def period_time_progress(indicator: Indicator, year: int, month: int) -> Decimal:
    """The calendar line of the period: linear or by days (seasonal rows carry their own)."""
    mode = metrics.DAYS if indicator.time_progress_mode == TimeProgressMode.DAYS else metrics.LINEAR
    return metrics.time_progress(mode, year, month)


# --- one indicator, one group --------------------------------------------------------------


@dataclass
class RankingRow:
    unit: Unit
    value: Decimal
    target: Decimal | None
    last_year_value: Decimal | None
    completion: Decimal | None
    time_progress: Decimal | None
    pace_gap: Decimal | None
    rag: str | None
    band: str | None
    yoy: Decimal | None
    growth_change: Decimal | None
    rank_key: Decimal | None
    rank: int | None
    is_top: bool = False
    is_bottom: bool = False
    gap_to_above: Decimal | None = None
    above_unit: Unit | None = None


@dataclass
class Ranking:
    indicator: Indicator
    group: RankingGroup
    year: int
    month: int
    data_month: int | None  # the month whose figures stand for the period (quarterly: quarter end)
    time_progress: Decimal
    rows: list[RankingRow] = field(default_factory=list)  # ranked first, then reported but unranked
    missing: list[Unit] = field(default_factory=list)  # 未报
    total: Decimal | None = None
    average: Decimal | None = None
    best: list[Unit] = field(default_factory=list)

    @property
    def is_due(self) -> bool:
        return self.data_month is not None

    @property
    def ranked_count(self) -> int:
        return sum(1 for r in self.rows if r.rank is not None)


FLOAT_FIELDS = ("completion", "time_progress", "pace_gap", "yoy", "growth_change", "rank_key")


def _row_from(data: dict, unit: Unit) -> RankingRow:
    numbers = {name: as_decimal(data[name]) for name in FLOAT_FIELDS}
    if numbers["rank_key"] is not None and data["indicator__rank_key"] == RankKey.VALUE:
        numbers["rank_key"] = data["value"]  # the exact figure rather than its scaled float
    gap = numbers["pace_gap"]
    defined = data["rank_score"] is not None
    return RankingRow(
        unit=unit, value=data["value"], target=data["target"], last_year_value=data["last_year_value"],
        rag=metrics.rag(gap, amber_pp()), band=metrics.band(gap, ahead_pp()), rank=data["rank"] if defined else None,
        **numbers,
    )  # fmt: skip


def group_members(group: RankingGroup) -> list[Unit]:
    return list(group.units.filter(is_active=True).order_by("path"))


def indicator_ranking(indicator: Indicator, year: int, month: int, group: RankingGroup) -> Ranking:
    """Every unit of `group` for one indicator and period: figures, ranks, marks and benchmarks.

    Two queries: the group's members, and the ranked reports (one window query). Ranks compare
    all members of the group; scope checks are the caller's (see `groups_for`).
    """
    data_month = metrics.due_month(indicator.frequency, month)
    result = Ranking(indicator, group, year, month, data_month, period_time_progress(indicator, year, month))
    members = group_members(group)
    if data_month is None:
        return result
    by_id = {u.pk: u for u in members}
    data = _ranking_values(indicator.pk, group.pk, year, data_month)
    rows = [_row_from(d, by_id[d["unit_id"]]) for d in data]
    _mark(rows, mark_n())
    _link_above(rows, metrics.key_gap_scale(indicator.kind, indicator.rank_key))
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.unit.path))
    reported = {d["unit_id"] for d in data}
    result.rows, result.missing = rows, [u for u in members if u.pk not in reported]
    if data:
        value_sum = data[0]["value_sum"]
        result.total = value_sum if indicator.sums else None
        result.average = value_sum / data[0]["n_reported"]
    result.best = [r.unit for r in rows if r.rank == 1]
    return result


RANKING_COLUMNS = ("unit_id", "value", "target", "last_year_value", "rank_score", "rank",
                   "n_reported", "value_sum", "indicator__rank_key", *FLOAT_FIELDS)  # fmt: skip


def _ranking_values(indicator_id: int, group_id: int, year: int, data_month: int) -> list[dict]:
    """The ranked figures of one indicator in one group (one window query, compiled once per period)."""

    def build(ids):
        qs = Report.objects.filter(
            indicator_id=ids["indicator"], year=year, month=data_month,
            unit__ranking_groups=ids["group"], unit__is_active=True,
        )  # fmt: skip
        return ranked(figures(qs, year)).values(*RANKING_COLUMNS)

    key = ("indicator_ranking", connection.vendor, connection.alias, year, data_month)
    return sqlcache.values(key, build, {"indicator": indicator_id, "group": group_id})


def _mark(rows: list[RankingRow], n: int) -> None:
    # The rule of metrics.marks, applied to the ranks the database computed.
    count = sum(1 for row in rows if row.rank is not None)
    for row in rows:
        if row.rank is None:
            continue
        row.is_top = row.rank <= n
        row.is_bottom = not row.is_top and row.rank > count - n


def _link_above(rows: list[RankingRow], scale: Decimal) -> None:
    """The unit ranked just above each unit (nearest better rank; first by path when tied)."""
    by_rank: dict[int, list[RankingRow]] = defaultdict(list)
    for row in rows:
        if row.rank is not None:
            by_rank[row.rank].append(row)
    ranks = sorted(by_rank)
    for before, rank in itertools.pairwise(ranks):
        above = min(by_rank[before], key=lambda r: r.unit.path)
        for row in by_rank[rank]:
            row.above_unit = above.unit
            row.gap_to_above = abs(above.rank_key - row.rank_key) * scale


# --- scope -----------------------------------------------------------------------------------


def groups_for(user: User) -> QuerySet[RankingGroup]:
    """Groups the user may rank: those with a member in scope (a ranking compares all members)."""
    qs = RankingGroup.objects.order_by("sort_order", "code")
    if policy.sees_all(user):
        return qs
    return qs.filter(pk__in=RankingGroup.objects.filter(units__in=policy.visible_units(user)).values("pk"))


def group_indicators(group: RankingGroup) -> QuerySet[Indicator]:
    return (
        group.indicators.filter(is_active=True)
        .select_related("key_work")
        .order_by("key_work__sort_order", "sort_order", "code")
    )
