"""The project statistics tables as shown: each builder feeds both the page and its Excel export.

Cells come from `tuijin.indicators.analytics_tables` (text rounded at display only: rates to
one decimal, 亿元 to two; the spreadsheet keeps the unrounded number under the same format).
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from tuijin.indicators import analytics as indicator_analytics
from tuijin.indicators.analytics_tables import DASH, Cell, Table, amount, chinese_number, percent, text
from tuijin.projects import metrics, stats

MONEY_DECIMALS = 2


def _count(n: int) -> Cell:
    return Cell(str(n), n, "0")


def _day(d: dt.date | None) -> Cell:
    return text(d.isoformat() if d else DASH)


def _project_cell(project) -> Cell:
    return Cell(project.name, href=reverse("projects:project_detail", args=[project.code]))


def rate_label(key: str) -> str:
    return {"start_rate": _("开工率"), "completion_rate": _("竣工率"), "investment_completion": _("投资完成率")}[key]


def variant_label(variant: str) -> str:
    return _("全年") if variant == "annual" else _("应完成")


# --- the figures of a scope -------------------------------------------------------------------------


def figure_headers() -> list[str]:
    return [_("口径"), _("计划新开工"), _("已开工"), _("开工率"), _("计划竣工"), _("已竣工"), _("竣工率"),
            _("计划投资（亿元）"), _("累计完成投资（亿元）"), _("投资完成率")]  # fmt: skip


def figure_cells(f: metrics.Figures) -> list[Cell]:
    return [
        _count(f.planned_start), _count(f.started), percent(f.start_rate),
        _count(f.planned_completion), _count(f.completed), percent(f.completion_rate),
        amount(f.planned_investment, MONEY_DECIMALS), amount(f.ytd_investment, MONEY_DECIMALS),
        percent(f.investment_completion),
    ]  # fmt: skip


def figures_table(scope_label: str, year: int, month: int, result: metrics.ScopeFigures) -> Table:
    title = _("%(scope)s %(y)s年1–%(m)s月 项目统计") % {"scope": scope_label, "y": year, "m": month}
    table = Table(title, figure_headers())
    table.rows.append([text(_("全年")), *figure_cells(result.annual)])
    table.rows.append([text(_("应完成（1–%(m)s月）") % {"m": month}), *figure_cells(result.due)])
    return table


# --- per unit of a ranking group ----------------------------------------------------------------------


def mark_label(placing: metrics.Placing) -> str:
    n = chinese_number(indicator_analytics.mark_n())
    if placing.is_top:
        return _("前%(n)s") % {"n": n}
    if placing.is_bottom:
        return _("后%(n)s") % {"n": n}
    return ""


def unit_table(title: str, rows: list[stats.UnitRow], variant: str, rank_key: str, link=None) -> Table:
    """Members of a group with the figures of `variant`, ranked by `rank_key` (a rate name)."""
    key = rank_key if variant == "annual" else f"due_{rank_key}"
    headers = [_("名次"), _("单位"), *figure_headers()[1:], _("标记")]
    table = Table(title, headers)
    ordered = sorted(rows, key=lambda r: (r.placings[key].rank is None, r.placings[key].rank or 0, r.unit.path))
    for row in ordered:
        placing = row.placings[key]
        unit_cell = Cell(row.unit.name, href=link(row.unit) if link else "")
        table.rows.append([
            text(str(placing.rank) if placing.rank else DASH), unit_cell,
            *figure_cells(getattr(row.figures, variant)), text(mark_label(placing)),
        ])  # fmt: skip
    return table


# --- the lists ------------------------------------------------------------------------------------------


def slow_to_start_table(title: str, projects, on: dt.date) -> Table:
    headers = [_("项目编号"), _("项目名称"), _("实施主体"), _("计划开工"), _("逾期天数"), _("阶段"), _("未开工原因")]
    table = Table(title, headers)
    for p in projects:
        late = metrics.days_late(p.planned_start, on)
        table.rows.append([
            text(p.code), _project_cell(p), text(p.unit.name), _day(p.planned_start), _count(late),
            text(p.get_stage_display()), text(p.delay_reason or DASH),
        ])  # fmt: skip
    return table


def _period_text(period: int | None) -> str:
    return _("从未报投资") if period is None else f"{period // 100}-{period % 100:02d}"


def idle_table(title: str, projects) -> Table:
    headers = [_("项目编号"), _("项目名称"), _("实施主体"), _("实际开工"), _("最近有投资的月份"), _("阶段")]
    table = Table(title, headers)
    for p in projects:
        table.rows.append([
            text(p.code), _project_cell(p), text(p.unit.name), _day(p.started_on), text(_period_text(p.last_invested)),
            text(p.get_stage_display()),
        ])  # fmt: skip
    return table


def milestone_table(title: str, milestones, on: dt.date) -> Table:
    headers = [_("项目编号"), _("项目名称"), _("实施主体"), _("节点"), _("计划完成"), _("逾期天数"), _("责任单位"),
               _("责任人")]  # fmt: skip
    table = Table(title, headers)
    for m in milestones:
        table.rows.append([
            text(m.project.code), _project_cell(m.project), text(m.project.unit.name), text(m.name), _day(m.planned_on),
            _count((on - m.planned_on).days), text(m.responsible_unit.name if m.responsible_unit else DASH),
            text(m.responsible_person or DASH),
        ])  # fmt: skip
    return table


def batch_table(title: str, batches) -> Table:
    headers = [_("批次"), _("集中开工日期"), _("全部开工期限"), _("项目数"), _("期限内未开工"), _("开工率"),
               _("未开工项目")]  # fmt: skip
    table = Table(title, headers)
    for b in batches:
        started = b.total - b.not_started
        table.rows.append([
            Cell(b.name, href=reverse("projects:batch_stats", args=[b.code])), _day(b.launch_date),
            _day(b.start_deadline), _count(b.total), _count(b.not_started), percent(metrics.rate(started, b.total)),
            text("、".join(f"{p.code} {p.name}" for p in b.laggards) or DASH),
        ])  # fmt: skip
    return table


def batch_projects_table(title: str, batch, projects) -> Table:
    headers = [_("项目编号"), _("项目名称"), _("实施主体"), _("阶段"), _("计划开工"), _("实际开工"), _("按期开工")]
    table = Table(title, headers)
    for p in projects:
        on_time = metrics.is_done_by(p.started_on, batch.start_deadline)
        table.rows.append([
            text(p.code), _project_cell(p), text(p.unit.name), text(p.get_stage_display()), _day(p.planned_start_on),
            _day(p.started_on), Cell(_("是") if on_time else _("否"), rag=None if on_time else "red"),
        ])  # fmt: skip
    return table
