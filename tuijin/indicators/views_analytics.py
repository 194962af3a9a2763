"""对标对表 pages: the matrix, one indicator's ranking, a unit's cockpit, the early-warning list.

Thin: read the period and the group or unit (scoped), ask `analytics`, render the table that
`analytics_tables` builds — the same table the "导出 Excel" link writes.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from tuijin.core.excel import xlsx_response
from tuijin.indicators import (
    analytics,
    analytics_cockpit,
    analytics_matrix,
    analytics_warnings,
    metrics,
    periods,
    queries,
)
from tuijin.indicators import analytics_tables as tables
from tuijin.indicators.models import Indicator
from tuijin.orgs import policy
from tuijin.orgs.models import Unit

PAGE_SIZE = 25


def _group(request):
    """The group asked for among those the user may rank (?group=CODE), else the first of them;
    None when the user's unit takes part in no ranking (the page then says so)."""
    groups = analytics.groups_for(request.user)
    code = request.GET.get("group")
    group = groups.filter(code=code).first() if code else groups.first()
    if group is None and code:
        raise Http404(_("没有可查看的排名组。"))
    return group, groups


def _nothing_to_rank(request, title: str, reason: str):
    """An analytics page with nothing to show for the user's unit: say why, not 404."""
    return render(request, "indicators/analytics_empty.html", {"title": title, "reason": reason})


def _not_ranked(request, title: str):
    return _nothing_to_rank(request, title, _("本单位不参加分类排名，暂无排名。"))


def _filters(request, year, month, group, groups, **extra) -> dict:
    return {"year": year, "month": month, "months": range(1, 13), "group": group, "groups": groups, **extra}


def _progress(units, indicators, year: int, month: int) -> queries.ReportingProgress | None:
    """The open-period banner's figures (已报 / 应报); None for a locked period, whose figures are final."""
    if periods.is_locked(year, month):
        return None
    return queries.reporting_progress(units, indicators, year, month)


def _noted(table: tables.Table, progress: queries.ReportingProgress | None) -> tables.Table:
    table.note = progress.note if progress else ""
    return table


def _export(request, table):
    if request.GET.get("export") == "xlsx":
        return xlsx_response(tables.workbook(table), f"{table.title}.xlsx")
    return None


@policy.permission("analytics.view")
def matrix(request):
    year, month = periods.asked_period(request.GET, periods.latest_locked_period)
    group, groups = _group(request)
    if group is None:
        return _not_ranked(request, _("完成矩阵"))
    units = analytics_matrix.matrix_units(request.user, group)
    progress = _progress(units, analytics.group_indicators(group), year, month)  # read only when open
    if request.GET.get("export") == "xlsx":
        return _export(
            request, _noted(tables.matrix_table(analytics_matrix.matrix(group, year, month, list(units))), progress)
        )
    page_obj = Paginator(units, PAGE_SIZE).get_page(request.GET.get("page"))
    table = tables.matrix_table(analytics_matrix.matrix(group, year, month, list(page_obj.object_list)))
    context = _filters(request, year, month, group, groups, table=table, page_obj=page_obj, progress=progress)
    template = "indicators/analytics_matrix.html#results" if request.htmx else "indicators/analytics_matrix.html"
    return render(request, template, context)


@policy.permission("analytics.view")
def ranking(request):
    year, month = periods.asked_period(request.GET, periods.latest_locked_period)
    group, groups = _group(request)
    if group is None:
        return _not_ranked(request, _("单项排名"))
    indicators = list(analytics.group_indicators(group))
    code = request.GET.get("indicator")
    if not code and not indicators:
        return _nothing_to_rank(
            request, _("单项排名"), _("%(group)s还没有排名指标，暂无排名。") % {"group": group.name}
        )
    indicator = next((i for i in indicators if i.code == code), None) if code else indicators[0]
    if indicator is None:
        raise Http404(_("该排名组没有此指标。"))
    result = analytics.indicator_ranking(indicator, year, month, group)
    progress = _progress(group.units.filter(is_active=True), [indicator], year, month)
    table = _noted(tables.ranking_table(result), progress)
    if response := _export(request, table):
        return response
    context = _filters(request, year, month, group, groups, indicators=indicators, indicator=indicator,
                       result=result, table=table, chart=_ranking_chart(result), progress=progress,
                       time_progress=tables.percent(result.time_progress),
                       total=tables.amount(result.total, indicator.decimals),
                       average=tables.amount(result.average, indicator.decimals))  # fmt: skip
    return render(request, "indicators/analytics_ranking.html", context)


def _ranking_chart(result: analytics.Ranking) -> dict:
    """ECharts data: the ranked units' rank key (% or measure), coloured by pace, and the pace line."""
    ind = result.indicator
    scale = 1 if ind.rank_key == metrics.BY_VALUE else float(metrics.key_gap_scale(ind.kind, ind.rank_key))
    bars = [r for r in result.rows if r.rank is not None]
    pace = float(result.time_progress) * 100 if ind.rank_key == metrics.BY_COMPLETION and ind.sums else None
    return {
        "kind": "ranking",
        "title": f"{ind.name}（{_rank_key_label(ind)}）",
        "units": [r.unit.display_name for r in bars],
        "values": [float(r.rank_key) * scale for r in bars],
        "rag": [r.rag or "none" for r in bars],
        "pace": pace,
        "paceLabel": _("时序进度"),
    }


def _rank_key_label(ind: Indicator) -> str:
    if ind.rank_key == metrics.BY_VALUE:
        return ind.measure
    if ind.rank_key == metrics.BY_YOY:
        return _("同比增速 %")
    return _("完成率 %") if ind.sums else _("高于目标（百分点）")


@policy.permission("analytics.view")
def cockpit(request, unit_code):
    unit = policy.get_in_scope_or_404(Unit.objects.all(), request.user, None, code=unit_code)
    year, month = periods.asked_period(request.GET, periods.latest_locked_period)
    result = analytics_cockpit.cockpit(unit, year, month)
    progress = _progress(analytics_cockpit.cockpit_peers(unit), [line.indicator for line in result.lines], year, month)
    table = _noted(tables.cockpit_table(result), progress)
    if response := _export(request, table):
        return response
    context = {"unit": unit, "year": year, "month": month, "months": range(1, 13), "result": result,
               "table": table, "chart": _cockpit_chart(result), "progress": progress}  # fmt: skip
    return render(request, "indicators/analytics_cockpit.html", context)


def _cockpit_chart(result: analytics_cockpit.Cockpit) -> dict:
    """Per indicator: the year's completion (or value) by month against the pace (or target) line."""
    charts = []
    for line in result.lines:
        ind = line.indicator
        if ind.sums:
            actual = {p.month: _pct(p.completion) for p in line.points}
            pace = {p.month: _pct(p.time_progress) for p in line.points}
            labels = [_("完成率 %"), _("时序进度 %")]
        else:
            actual = {p.month: float(p.value) for p in line.points}
            pace = {p.month: None if p.target is None else float(p.target) for p in line.points}
            labels = [_("本期值"), _("年度目标")]
        months = sorted(actual)
        charts.append({"title": ind.name, "months": [f"{m}月" for m in months], "labels": labels,
                       "actual": [actual[m] for m in months], "pace": [pace[m] for m in months]})  # fmt: skip
    return {"kind": "cockpit", "charts": charts}


def _pct(fraction):
    return None if fraction is None else float(fraction) * 100


@policy.permission("analytics.view")
def warning_list(request):
    year, month = periods.asked_period(request.GET, periods.latest_locked_period)
    listing = analytics_warnings.warnings(request.user, year, month)
    progress = _progress(analytics_warnings.ranked_units(request.user), None, year, month)
    headers = tables.warning_headers()
    if request.GET.get("export") == "xlsx":
        rows = [tables.warning_row(w) for w in listing]
        title = _("进度预警 %(y)s-%(m)02d") % {"y": year, "m": month}
        return _export(request, _noted(tables.Table(title, headers, rows), progress))
    page_obj = listing.page(request.GET.get("page"), PAGE_SIZE)
    rows = [tables.warning_row(w) for w in page_obj.object_list]
    context = {"year": year, "month": month, "months": range(1, 13), "page_obj": page_obj,
               "table": tables.Table("", headers, rows), "progress": progress}  # fmt: skip
    template = "indicators/analytics_warnings.html#results" if request.htmx else "indicators/analytics_warnings.html"
    return render(request, template, context)


urlpatterns = [
    path("analytics/matrix/", matrix, name="matrix"),
    path("analytics/ranking/", ranking, name="ranking"),
    path("analytics/cockpit/<str:unit_code>/", cockpit, name="cockpit"),
    path("analytics/warnings/", warning_list, name="warnings"),
]
