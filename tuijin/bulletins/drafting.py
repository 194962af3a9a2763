"""Drafting a bulletin from the data: every figure comes from the apps' own functions.

- Indicators: `tuijin.indicators.analytics.indicator_ranking` per (indicator, ranking group) —
  the same rows the 对标对表 pages and `/api/v1/analytics/indicator/` show; cells through
  `analytics_tables` (rounded at display only).
- Headline figures of the scope (全市…): the scope unit's own ranked row where it is a member of a
  group; else the sums of the rows of the members in scope, put through `indicators.metrics`
  (completion, YoY, growth change) — sums only for kinds that sum.
- Projects: `tuijin.projects.stats` and `stats_tables` (see `sections_projects`).
- Contact sheets and assignments: `tuijin.liaison.stats` and `tuijin.supervision.queries` (see
  `sections_liaison`).

The result is a `document.Document`: items, generated texts per block, and chart PNGs.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from tuijin.bulletins import charts, conf, phrases, sections_projects
from tuijin.bulletins.document import Document, cell
from tuijin.indicators import analytics, metrics, periods
from tuijin.indicators import analytics_tables as at
from tuijin.indicators.models import Indicator, Report
from tuijin.orgs.models import RankingGroup, Unit
from tuijin.projects import stats

CLOSE_RACE_PP = Decimal(1)  # "仅高于 …" is said when the top two are closer than this
ordinal = phrases.ordinal


@dataclass(frozen=True)
class Period:
    year: int
    period_type: str  # "month" | "quarter"
    period: int

    @property
    def month(self) -> int:
        return self.period if self.period_type == "month" else self.period * 3

    @property
    def label(self) -> str:
        if self.period_type == "month":
            return f"{self.year}年{self.period}月"
        return f"{self.year}年第{ordinal(self.period)}季度"

    @property
    def span(self) -> str:
        return f"{self.year}年1—{self.month}月"


def subject(scope_unit: Unit | None) -> str:
    """全市 for the whole (the root's kind: 市, 省, 县), else the scope unit's name."""
    if scope_unit is not None:
        return scope_unit.name
    root = Unit.objects.filter(depth=1, is_active=True).order_by("path").first()
    return f"全{root.name[-1]}" if root and root.name else "全市"


def title(period: Period, scope_unit: Unit | None) -> str:
    prefix = scope_unit.name if scope_unit is not None else ""
    return f"{prefix}{period.label}重点工作和重大项目推进情况通报"


def scope_groups(scope_unit: Unit | None, codes: list[str] | None = None) -> list[RankingGroup]:
    """The ranking groups with an active member in scope (a ranking compares all its members),
    limited to `codes` when given."""
    members = Unit.objects.filter(is_active=True)
    if scope_unit is not None:
        members = members.filter(path__startswith=scope_unit.path)
    qs = RankingGroup.objects.filter(pk__in=RankingGroup.objects.filter(units__in=members).values("pk"))
    if codes:
        qs = qs.filter(code__in=codes)
    return list(qs.order_by("sort_order", "code"))


# --- the indicator rankings ---------------------------------------------------------------------


@dataclass
class IndicatorRankings:
    indicator: Indicator
    rankings: list[analytics.Ranking] = field(default_factory=list)


def rankings(
    groups: list[RankingGroup], year: int, month: int, codes: list[str] | None = None
) -> list[IndicatorRankings]:
    """Every (indicator, group) ranking of the period (of the indicators `codes`, when given), by key
    work and indicator order."""
    by_indicator: dict[int, IndicatorRankings] = {}
    for group in groups:
        indicators = analytics.group_indicators(group)
        for indicator in indicators.filter(code__in=codes) if codes else indicators:
            entry = by_indicator.setdefault(indicator.pk, IndicatorRankings(indicator))
            entry.rankings.append(analytics.indicator_ranking(indicator, year, month, group))
    return sorted(
        by_indicator.values(),
        key=lambda e: (e.indicator.key_work.sort_order, e.indicator.key_work.code, e.indicator.sort_order,
                       e.indicator.code),
    )  # fmt: skip


def named(result: analytics.Ranking) -> tuple[set[int], set[int]]:
    """The unit ids the bulletin names first and last in a ranking (`phrases.ranked_names`):
    前N / 后N where the group has more than 2N ranked units, else the first and the last."""
    ranked = [(r.unit.pk, r.rank) for r in result.rows if r.rank is not None]
    top, bottom = phrases.ranked_names(ranked, analytics.mark_n())
    return set(top), set(bottom)


def mark_label(row: analytics.RankingRow, top: set[int], bottom: set[int], count: int) -> str:
    n = analytics.mark_n()
    if phrases.marks_named(count, n):
        word = at.chinese_number(n)
        return f"前{word}" if row.unit.pk in top else f"后{word}" if row.unit.pk in bottom else ""
    return "第一" if row.unit.pk in top else "末位" if row.unit.pk in bottom else ""


def change_header(ind: Indicator) -> str:
    """Summing kinds grow (同比增速); rates and levels move in points, never grow."""
    if ind.sums:
        return "同比增速"
    return "比去年同期（百分点）" if ind.measure == "%" else f"比去年同期（{ind.measure}）"


def change_cell(ind: Indicator, r: analytics.RankingRow) -> dict:
    if ind.sums:
        return cell(at.percent(r.yoy), r.yoy)
    diff = phrases.change_points(r.value, r.last_year_value)
    return cell(at.points(diff) if ind.measure == "%" else at.amount(diff, ind.decimals), diff)


def ranking_headers(ind: Indicator) -> list[str]:
    return ["名次", "单位", f"本期值（{ind.measure}）", "完成率" if ind.sums else "高于目标（百分点）",
            "进度差（百分点）", change_header(ind), "标记"]  # fmt: skip


def ranking_rows(result: analytics.Ranking) -> list[list[dict]]:
    ind = result.indicator
    top, bottom = named(result)
    rows = []
    for r in result.rows:
        rows.append([
            cell(at.text(str(r.rank) if r.rank else at.DASH)), cell(at.text(r.unit.name)),
            cell(at.amount(r.value, ind.decimals), r.value), cell(at.completion_cell(ind, r.completion), r.completion),
            cell(at.points(r.pace_gap, r.rag), r.pace_gap), change_cell(ind, r),
            cell(at.text(mark_label(r, top, bottom, result.ranked_count))),
        ])  # fmt: skip
    for unit in result.missing:
        rows.append([cell(at.text("未报")), cell(at.text(unit.name)), *[cell(at.text(at.DASH))] * 5])
    return rows


def ranking_paragraph(result: analytics.Ranking) -> str:
    ind = result.indicator
    sentence = phrases.ranking_sentence(
        name=ind.name, group=result.group.name, ranks=[(r.unit.name, r.rank) for r in result.rows],
        missing=[u.name for u in result.missing], n=analytics.mark_n(),
    )  # fmt: skip
    ranked = [r for r in result.rows if r.rank is not None]
    if len(ranked) >= 2 and ind.rank_key != "value" and ranked[1].gap_to_above is not None:
        leader, second = ranked[0], ranked[1]
        if leader.rank != second.rank and second.gap_to_above < CLOSE_RACE_PP:
            close = phrases.close_race_sentence(
                leader=leader.unit.name, runner_up=second.unit.name, gap_pp=second.gap_to_above
            )
            sentence = phrases.SEP.join([sentence, f"第一名{close}"])
    return sentence


# --- the headline figures of the scope --------------------------------------------------------------


@dataclass
class Headline:
    indicator: Indicator
    value: Decimal | None
    target: Decimal | None
    completion: Decimal | None
    time_progress: Decimal | None
    pace_gap: Decimal | None
    yoy: Decimal | None
    growth_change: Decimal | None
    reported: int
    met: int = 0  # rates and levels: units at or above target
    own: analytics.RankingRow | None = None
    data_month: int | None = None  # a quarterly figure's quarter end, read alike for the city and its units


def _in_scope(rows: list[analytics.RankingRow], scope_unit: Unit | None) -> list[analytics.RankingRow]:
    seen: dict[int, analytics.RankingRow] = {}
    for r in rows:
        if scope_unit is None or r.unit.path.startswith(scope_unit.path):
            seen.setdefault(r.unit.pk, r)
    # A member nested below another member would count twice: keep the outermost.
    paths = [r.unit.path for r in seen.values()]
    return [r for r in seen.values() if not any(r.unit.path != p and r.unit.path.startswith(p) for p in paths)]


def _prev_sums(indicator: Indicator, year: int, month: int, unit_ids: list[int]) -> tuple:
    """Last year's counted figures of the same month for these units (for the growth change)."""
    sums = Report.objects.filter(
        analytics.counted(), indicator=indicator, year=year - 1, month=month, unit_id__in=unit_ids,
        last_year_value__isnull=False,
    ).aggregate(value=Sum("value"), last=Sum("last_year_value"))  # fmt: skip
    return sums["value"], sums["last"]


def headline(entry: IndicatorRankings, scope_unit: Unit | None, year: int, month: int) -> Headline | None:
    ind = entry.indicator
    due = [r for r in entry.rankings if r.is_due]
    if not due:
        return None
    data_month = due[0].data_month
    # The time progress of the month the figures stand for: a quarterly indicator in November
    # reads September's figures against September's calendar, as its units' rows do.
    progress = analytics.period_time_progress(ind, year, data_month)
    rows = _in_scope([row for r in due for row in r.rows], scope_unit)
    if scope_unit is not None and (own := next((r for r in rows if r.unit.pk == scope_unit.pk), None)):
        return Headline(ind, own.value, own.target, own.completion, own.time_progress, own.pace_gap, own.yoy,
                        own.growth_change, 1, own=own, data_month=data_month)  # fmt: skip
    if not rows:
        return None
    if not ind.sums:
        met = sum(1 for r in rows if r.completion is not None and r.completion >= 0)
        return Headline(ind, None, None, None, progress, None, None, None, len(rows), met=met, data_month=data_month)
    value = sum((r.value for r in rows), Decimal(0))
    with_target = [r for r in rows if r.target is not None]
    target = sum((r.target for r in with_target), Decimal(0)) if with_target else None
    completion = metrics.completion(ind.kind, ind.direction, sum((r.value for r in with_target), Decimal(0)), target)
    with_last = [r for r in rows if r.last_year_value is not None]
    this, last = sum((r.value for r in with_last), Decimal(0)), sum((r.last_year_value for r in with_last), Decimal(0))
    prev_value, prev_last = _prev_sums(ind, year, due[0].data_month, [r.unit.pk for r in with_last])
    return Headline(
        ind, value, target, completion, progress, metrics.pace_gap(ind.kind, ind.direction, completion, progress),
        metrics.yoy(this, last) if with_last else None,
        metrics.growth_change(this, last, prev_value, prev_last) if with_last else None, len(rows),
        data_month=data_month,
    )  # fmt: skip


def headline_sentence(h: Headline, who: str, month: int, *, provisional: bool = False, year: int = 0) -> str:
    ind = h.indicator
    data_month = h.data_month or month
    span = f"{year}年1—{data_month}月" if year and data_month != month else ""
    if ind.sums and h.value is not None:
        return phrases.cumulative_sentence(
            subject=who, name=ind.name, value=h.value, decimals=ind.decimals, measure=ind.measure, yoy=h.yoy,
            growth_change=h.growth_change, completion=h.completion, time_progress=h.time_progress,
            month=data_month, verb="" if ind.kind == "count" else "完成",
            wording=conf.BULLETIN_WORDING.get(ind.code, ""), provisional=provisional, span=span,
        )  # fmt: skip
    if h.own is not None:
        return phrases.level_sentence(
            subject=who, name=ind.name, value=h.own.value, decimals=ind.decimals, measure=ind.measure,
            target=h.own.target, lower_is_better=ind.direction == "lower", last=h.own.last_year_value,
        )  # fmt: skip
    return phrases.targets_met_sentence(subject=who, name=ind.name, met=h.met, reported=h.reported)


def overview_headers(month: int) -> list[str]:
    headers = ["指标", "计量单位", "累计完成", "完成率", "时序进度", "进度差（百分点）", "同比增速"]
    return [*headers, "时间过半、任务过半"] if month == phrases.MID_YEAR_MONTH else headers


def overview_row(h: Headline, month: int) -> list[dict]:
    ind = h.indicator
    row = [
        cell(at.text(ind.name)), cell(at.text(ind.measure)), cell(at.amount(h.value, ind.decimals), h.value),
        cell(at.completion_cell(ind, h.completion), h.completion), cell(at.percent(h.time_progress), h.time_progress),
        cell(at.points(h.pace_gap, metrics.rag(h.pace_gap, analytics.amber_pp())), h.pace_gap),
        cell(at.percent(h.yoy), h.yoy),
    ]  # fmt: skip
    if month == phrases.MID_YEAR_MONTH:
        verdict = phrases.is_half_and_half(h.completion, h.time_progress, month) if ind.sums else None
        row.append(cell(at.text({True: "是", False: "否", None: at.DASH}[verdict])))
    return row


# --- the sections ----------------------------------------------------------------------------------------


@dataclass
class Context:
    period: Period
    scope_unit: Unit | None
    groups: list[RankingGroup]
    entries: list[IndicatorRankings]
    who: str
    as_of: dt.date
    today: dt.date | None = None


def section_overview(doc: Document, ctx: Context, number: int) -> None:
    doc.h1(f"{ordinal(number)}、总体情况")
    month = ctx.period.month
    headlines = [h for e in ctx.entries if (h := headline(e, ctx.scope_unit, ctx.period.year, month))]
    if not headlines:
        doc.p("overview.none", f"{ctx.period.span}暂无已报送的指标数据")
        return
    locked = periods.is_locked(ctx.period.year, month, ctx.today)
    missing = unreported(ctx)
    provisional = not locked or bool(missing)
    if provisional:
        doc.p("overview.provisional", provisional_note(ctx, locked, missing))
    for h in headlines:
        doc.p(f"overview.{h.indicator.code}", headline_sentence(h, ctx.who, month, provisional=provisional,
                                                                  year=ctx.period.year))  # fmt: skip
    # The headline sums the members of the bulletin's groups in scope: say how many they are.
    members = Unit.objects.filter(ranking_groups__in=ctx.groups, is_active=True)
    if ctx.scope_unit is not None:
        members = members.filter(path__startswith=ctx.scope_unit.path)
    n = members.distinct().count()
    mark = "，暂计" if provisional else ""
    table = at.Table(f"{ctx.who}主要指标完成情况（{ctx.period.span}，{n} 个排名单位{mark}）", overview_headers(month))
    doc.table("overview.table", table, rows=[overview_row(h, month) for h in headlines], label=0)


def unreported(ctx: Context) -> list[str]:
    """The units in scope that have reported none of the bulletin's due indicators (未报), in
    the order of the rankings."""
    missing: dict[int, str] = {}
    reported: set[int] = set()
    for e in ctx.entries:
        for result in e.rankings:
            if result.is_due:
                reported.update(r.unit.pk for r in result.rows)
                missing.update((u.pk, u.name) for u in result.missing if _unit_in_scope(u, ctx.scope_unit))
    return [name for pk, name in missing.items() if pk not in reported]


def _unit_in_scope(unit: Unit, scope_unit: Unit | None) -> bool:
    return scope_unit is None or unit.path.startswith(scope_unit.path)


def provisional_note(ctx: Context, locked: bool, missing: list[str]) -> str:
    """截至X月X日，N 个应报单位中 M 个已报送（the analytics pages' count, `reporting_progress`）…"""
    from tuijin.indicators import queries as indicator_queries  # read on use, as the pages do

    today = ctx.today or timezone.localdate()
    units = Unit.objects.filter(is_active=True, pk__in=Unit.objects.filter(ranking_groups__in=ctx.groups).values("pk"))
    if ctx.scope_unit is not None:
        units = units.filter(path__startswith=ctx.scope_unit.path)
    progress = indicator_queries.reporting_progress(units, None, ctx.period.year, ctx.period.month, today=today)
    return phrases.provisional_sentence(
        as_of_month=today.month, as_of_day=today.day, reported=progress.reported, expected=progress.expected,
        missing=missing, locked=locked,
    )  # fmt: skip


def section_rankings(doc: Document, ctx: Context, number: int) -> None:
    doc.h1(f"{ordinal(number)}、重点工作推进情况")
    by_work: dict[str, list[IndicatorRankings]] = defaultdict(list)
    for e in ctx.entries:
        by_work[e.indicator.key_work.name].append(e)
    charted: set[int] = set()
    for i, (work, entries) in enumerate(by_work.items(), start=1):
        doc.h2(f"（{ordinal(i)}）{work}")
        for e in entries:
            for result in e.rankings:
                if not result.is_due or not result.rows:
                    continue  # nothing reported in the group (e.g. a figure the projects feed later)
                key = f"{e.indicator.code}.{result.group.code}"
                doc.p(f"rank.{key}", ranking_paragraph(result))
                span = f"{ctx.period.year}年1—{result.data_month}月"  # a quarterly figure: its quarter end
                title = f"{e.indicator.name}（{result.group.name}，{span}）"
                doc.table(f"rank.{key}", at.Table(title, ranking_headers(e.indicator)), rows=ranking_rows(result))
                if e.indicator.sums and result.group.pk not in charted and result.ranked_count:
                    charted.add(result.group.pk)  # one chart per group: its first summing indicator
                    doc.chart(f"chart.{key}", f"{e.indicator.name}完成率（{result.group.name}）", ranking_chart(result))


def ranking_chart(result: analytics.Ranking) -> bytes:
    ranked = [r for r in result.rows if r.rank is not None]
    return charts.bars(
        title=f"{result.indicator.name}完成率（{result.group.name}）", labels=[r.unit.name for r in ranked],
        values=[float(r.completion * 100) if r.completion is not None else None for r in ranked],
        colours=[r.rag for r in ranked], line_label="时序进度",
        line=float(analytics.period_time_progress(result.indicator, result.year, result.data_month) * 100),
    )  # fmt: skip


def honour_lists(ctx: Context) -> list[tuple[str, str, list[str], list[str]]]:
    """红黑榜 per (indicator, group): 红榜 = named first (前N, or the first of a small group, see
    `named`) and on pace; 黑榜 = named last and behind pace."""
    out = []
    for e in ctx.entries:
        for result in e.rankings:
            top, bottom = named(result)
            red = [r.unit.name for r in result.rows if r.unit.pk in top and (r.pace_gap is None or r.pace_gap >= 0)]
            black = [r.unit.name for r in result.rows
                     if r.unit.pk in bottom and r.pace_gap is not None and r.pace_gap < 0]  # fmt: skip
            if red or black:
                out.append((e.indicator.name, result.group.name, red, black))
    return out


def section_honours(doc: Document, ctx: Context, number: int) -> None:
    doc.h1(f"{ordinal(number)}、红黑榜")
    lists = honour_lists(ctx)
    red = Counter(name for *_, reds, _blacks in lists for name in reds)
    black = Counter(name for *_, blacks in lists for name in blacks)
    doc.p("honours.summary", phrases.honour_sentence(
        red=[n for n, _ in red.most_common()], black=[n for n, _ in black.most_common()]
    ))  # fmt: skip
    n = at.chinese_number(analytics.mark_n())
    small = at.chinese_number(2 * analytics.mark_n() + 1)
    table = at.Table(
        f"红黑榜（红榜：前{n}且进度达标，黑榜：后{n}且滞后于时序进度；排名单位不足{small}个的组以第一、末位计）",
        ["指标", "排名组", "红榜", "黑榜"],
    )
    for name, group, reds, blacks in lists:
        table.rows.append([at.text(name), at.text(group), at.text("、".join(reds) or at.DASH),
                           at.text("、".join(blacks) or at.DASH)])  # fmt: skip
    if table.rows:
        doc.table("honours.table", table, label=0)


# --- the whole ---------------------------------------------------------------------------------------


def draft(
    *, period: Period, scope_unit: Unit | None, selection: dict | None = None, today: dt.date | None = None
) -> Document:
    """The bulletin of `period` for `scope_unit` (None: all), from the data as it is now; `selection`
    may name the indicators and ranking groups it covers (see `Bulletin.selection`)."""
    selection = selection or {}
    groups = scope_groups(scope_unit, selection.get("groups"))
    ctx = Context(
        period, scope_unit, groups, rankings(groups, period.year, period.month, selection.get("indicators")),
        subject(scope_unit),
        stats.as_of(period.year, period.month, today), today,
    )  # fmt: skip
    from tuijin.bulletins import sections_liaison  # the liaison and supervision apps, read on use

    doc = Document()
    sections = [section_overview, section_rankings, sections_projects.section, sections_liaison.section,
                section_honours]  # fmt: skip
    for number, section in enumerate(sections, start=1):
        section(doc, ctx, number)
    return doc
