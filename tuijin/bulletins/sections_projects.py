"""The bulletin's section on major projects (重大项目推进情况).

Figures from the projects app's own functions, never recomputed: `tuijin.projects.stats`
(figures of a scope and of each batch, the rows of a ranking group, the lagging batches, the
迟迟不开工 and 开而未建 lists) — the numbers `/api/v1/analytics/projects/` gives — and the cells
and headers of `stats_tables`. Each figure cell keeps its exact number (the Decimal, not the
spreadsheet's float) so the bulletin's tables equal the API.
"""

from __future__ import annotations

from tuijin.bulletins import charts, phrases
from tuijin.bulletins.document import Document, cell
from tuijin.indicators import analytics_tables as at
from tuijin.orgs.models import RankingGroup, Unit
from tuijin.projects import metrics as project_metrics
from tuijin.projects import stats, stats_tables
from tuijin.projects.models import Batch, Project

LIST_LIMIT = 30  # rows of a project list shown in the bulletin; the rest are counted
FIGURES = ("planned_start", "started", "start_rate", "planned_completion", "completed", "completion_rate",
           "planned_investment", "ytd_investment", "investment_completion")  # fmt: skip
RANK_KEY = "start_rate"  # the per-unit tables rank by the start rate


def figure_cells(f: project_metrics.Figures) -> list[dict]:
    """The nine figure cells of a row (counts, rates, money) with their exact numbers."""
    return [cell(c, getattr(f, name)) for c, name in zip(stats_tables.figure_cells(f), FIGURES, strict=True)]


def _scope(scope_unit: Unit | None) -> stats.Scope:
    if scope_unit is None:
        return stats.ALL
    return stats.Scope("unit", scope_unit.code, scope_unit.name, unit=scope_unit)


def section(doc: Document, ctx, number: int) -> None:
    doc.h1(f"{phrases.ordinal(number)}、重大项目推进情况")
    year, month = ctx.period.year, ctx.period.month
    projects = _scope(ctx.scope_unit).apply(Project.objects.all())
    figures = stats.figures(projects, year, month)
    f = figures.annual
    doc.p("projects.summary", phrases.project_sentence(
        subject=ctx.who, planned_start=f.planned_start, started=f.started, start_rate=f.start_rate,
        planned_completion=f.planned_completion, completed=f.completed, completion_rate=f.completion_rate,
        investment_completion=f.investment_completion,
    ))  # fmt: skip
    table = stats_tables.figures_table(ctx.who, year, month, figures)
    rows = [[cell(label[0]), *figure_cells(fig)] for label, fig in zip(table.rows, (f, figures.due), strict=True)]
    doc.table("projects.figures", table, rows=rows, label=0)
    _units(doc, ctx)
    _batches(doc, ctx, projects)
    _flag_lists(doc, ctx, projects)


def _units(doc: Document, ctx) -> None:
    """Per ranking group: its members' figures, ranked by start rate; one chart for the first group."""
    year, month = ctx.period.year, ctx.period.month
    charted = False
    for group in ctx.groups:
        rows = stats.unit_rows(group, year, month, None)
        if not rows:
            continue
        rows = sorted(rows, key=lambda r: (r.placings[RANK_KEY].rank is None, r.placings[RANK_KEY].rank or 0,
                                           r.unit.path))  # fmt: skip
        title = f"{group.name}重大项目开工、竣工和投资情况（{ctx.period.span}）"
        table = stats_tables.unit_table(title, [], "annual", RANK_KEY)  # the title and headers
        doc.table(f"projects.units.{group.code}", table, rows=[_unit_row(r) for r in rows])
        if not charted and any(r.figures.annual.start_rate is not None for r in rows):
            charted = True
            doc.chart(f"chart.projects.{group.code}", f"重大项目开工率（{group.name}）", _start_rate_chart(group, rows))


def _unit_row(r: stats.UnitRow) -> list[dict]:
    placing = r.placings[RANK_KEY]
    rank = at.text(str(placing.rank) if placing.rank else at.DASH)
    mark = at.text(stats_tables.mark_label(placing))
    return [cell(rank), cell(at.text(r.unit.name)), *figure_cells(r.figures.annual), cell(mark)]


def _start_rate_chart(group: RankingGroup, rows: list[stats.UnitRow]) -> bytes:
    rates = [r.figures.annual.start_rate for r in rows]
    return charts.bars(
        title=f"重大项目开工率（{group.name}）", labels=[r.unit.name for r in rows],
        values=[float(x * 100) if x is not None else None for x in rates],
    )  # fmt: skip


def _batches(doc: Document, ctx, projects) -> None:
    year, month = ctx.period.year, ctx.period.month
    batches = list(Batch.objects.filter(projects__in=projects.values("pk")).distinct().order_by("launch_date", "code"))
    if batches:
        table = at.Table(f"集中开工批次推进情况（{ctx.period.span}）", ["批次", *stats_tables.figure_headers()[1:]])
        rows = [[cell(at.text(b.name)), *figure_cells(stats.figures(projects.filter(batch=b), year, month).annual)]
                for b in batches]  # fmt: skip
        doc.table("projects.batches", table, rows=rows, label=0)
    # Without the laggards' names (a province's batch can hold hundreds); the 迟迟不开工 list names them.
    lagging = stats.lagging_batches(projects, ctx.as_of, with_laggards=False)
    if lagging:
        headers = ["批次", "集中开工日期", "全部开工期限", "项目数", "期限内未开工", "开工率"]
        table = at.Table("未按期全部开工的批次", headers)
        rows = []
        for b in lagging:
            rate = project_metrics.rate(b.total - b.not_started, b.total)
            rows.append([
                cell(at.text(b.name)), cell(at.text(b.launch_date.isoformat())),
                cell(at.text(b.start_deadline.isoformat())), cell(at.Cell(str(b.total), b.total, "0")),
                cell(at.Cell(str(b.not_started), b.not_started, "0")), cell(at.percent(rate), rate),
            ])  # fmt: skip
        doc.table("projects.lagging_batches", table, rows=rows, label=0)


def _flag_lists(doc: Document, ctx, projects) -> None:
    year, month = ctx.period.year, ctx.period.month
    slow = stats.slow_to_start(projects, year, ctx.as_of)
    idle = stats.idle(projects, year, month, ctx.as_of)
    n_slow, n_idle = slow.count(), idle.count()
    doc.p("projects.flags", phrases.flags_sentence(slow=n_slow, idle=n_idle))
    if n_slow:
        title = _limited("迟迟不开工项目", n_slow)
        doc.table("projects.slow", stats_tables.slow_to_start_table(title, slow[:LIST_LIMIT], ctx.as_of), label=0)
    if n_idle:
        doc.table(
            "projects.idle", stats_tables.idle_table(_limited("开而未建项目", n_idle), idle[:LIST_LIMIT]), label=0
        )


def _limited(title: str, count: int) -> str:
    more = f"，列前 {LIST_LIMIT} 个" if count > LIST_LIMIT else ""
    return f"{title}（共 {count} 个{more}）"
