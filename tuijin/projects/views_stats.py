"""Project statistics pages: a scope's figures and its units' ranking, a batch, the lagging lists,
the portfolio timeline.

Thin: read the period and the scope (`?year=&month=&scope=unit:CODE|batch:CODE|tag:NAME|all`, the
scope always within the user's projects), ask `stats`, render the table `stats_tables` builds —
the same table the "导出 Excel" link writes.
"""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.core.excel import xlsx_response
from tuijin.indicators import analytics as indicator_analytics
from tuijin.indicators import periods
from tuijin.indicators.analytics_tables import Table, workbook
from tuijin.orgs import policy
from tuijin.projects import metrics, stats
from tuijin.projects import stats_tables as tables
from tuijin.projects.models import Batch, Designation, Stage

PAGE_SIZE = 25
PORTFOLIO_PAGE_SIZE = 200
TABS = ("slow", "idle", "milestones", "batches")


def _scope(request) -> stats.Scope:
    try:
        return stats.resolve_scope(request.user, request.GET.get("scope"))
    except stats.ScopeError as exc:
        raise Http404(str(exc)) from exc


def _scope_choices(user, scope: stats.Scope) -> dict:
    """The scope picker: (value, label, selected) for the units the user sees, the batches, the tags.

    Built as plain tuples: a province has well over a thousand units, and the template loop
    should not compare each of them with the scope."""

    def options(kind, rows):
        return [(f"{kind}:{key}", label, scope.kind == kind and scope.key == key) for key, label in rows]

    units = policy.visible_units(user).filter(is_active=True).values_list("code", "name")
    tags = [(name, name) for name in Designation.objects.values_list("name", flat=True)]
    if scope.designation is not None:
        scope = stats.Scope("tag", scope.designation.name)  # picked by code or by name: show it selected
    return {
        "unit_options": options("unit", units),
        "batch_options": options("batch", Batch.objects.values_list("code", "name")),
        "tag_options": options("tag", tags),
    }


def _base_context(request, year, month, scope, **extra) -> dict:
    label = scope.label or _("全部项目")
    return {"year": year, "month": month, "months": range(1, 13), "scope": scope, "scope_label": label,
            **_scope_choices(request.user, scope), **extra}  # fmt: skip


def _xlsx(table: Table):
    return xlsx_response(workbook(table), f"{table.title}.xlsx")


# --- the statistics page ------------------------------------------------------------------------------


def _rank_choice(request) -> tuple[str, str]:
    key = request.GET.get("rank") if request.GET.get("rank") in stats.RATES else "start_rate"
    variant = request.GET.get("variant") if request.GET.get("variant") in stats.VARIANTS else "annual"
    return key, variant


def _unit_link(year: int, month: int):
    def link(unit):
        return f"{reverse('projects:stats')}?scope=unit:{unit.code}&year={year}&month={month}"

    return link


def _flag_counts(projects, year: int, month: int, on: dt.date) -> dict:
    return {
        "slow": stats.slow_to_start(projects, year, on).count(),
        "idle": stats.idle(projects, year, month, on).count(),
        "milestones": stats.overdue_milestones(projects, on).count(),
        "batches": stats.lagging_batches(projects, on).count(),
    }


def _rates_chart(rows: list[stats.UnitRow], variant: str, key: str) -> dict:
    """ECharts data: each member's rate (%) of the chosen variant, best first; unranked last."""
    full_key = key if variant == "annual" else f"due_{key}"
    ordered = sorted(rows, key=lambda r: (r.placings[full_key].rank is None, r.placings[full_key].rank or 0))
    values = [r.rate(full_key) for r in ordered]
    return {
        "kind": "rates",
        "title": f"{tables.rate_label(key)}（{tables.variant_label(variant)}，%）",
        "units": [r.unit.display_name for r in ordered],
        "values": [None if v is None else float(v) * 100 for v in values],
    }


@policy.permission("project.view")
def stats_page(request):
    year, month = periods.asked_period(request.GET, periods.current_period)
    scope = _scope(request)
    projects = stats.scope_projects(request.user, scope)
    result = stats.figures(projects, year, month)
    label = scope.label or _("全部项目")
    figures = tables.figures_table(label, year, month, result)
    if request.GET.get("export") == "xlsx":
        return _xlsx(figures)
    groups = indicator_analytics.groups_for(request.user)
    code = request.GET.get("group")
    group = groups.filter(code=code).first() if code else groups.first()
    key, variant = _rank_choice(request)
    rows = stats.unit_rows(group, year, month, scope) if group else []
    title = _("%(g)s %(y)s年1–%(m)s月 %(k)s排名") % {"g": group.name if group else "", "y": year, "m": month,
                                                   "k": tables.rate_label(key)}  # fmt: skip
    unit_table = tables.unit_table(title, rows, variant, key, _unit_link(year, month))
    if request.GET.get("export") == "units":
        return _xlsx(unit_table)
    on = stats.as_of(year, month)
    context = _base_context(
        request, year, month, scope, result=result, figures=figures, groups=groups, group=group,
        rank=key, variant=variant, rates=[(k, tables.rate_label(k)) for k in stats.RATES],
        unit_table=unit_table, chart=_rates_chart(rows, variant, key), as_of=on,
        flags=_flag_counts(projects, year, month, on),
    )  # fmt: skip
    return render(request, "projects/stats_scope.html", context)


# --- one batch ------------------------------------------------------------------------------------------


@policy.permission("project.view")
def batch_stats(request, code):
    batch = Batch.objects.filter(code=code).first()
    if batch is None:
        raise Http404(_("批次不存在。"))
    year, month = periods.asked_period(request.GET, periods.current_period)
    scope = stats.Scope("batch", batch.code, batch.name, batch=batch)
    projects = stats.scope_projects(request.user, scope)
    result = stats.figures(projects, year, month)
    listing = projects.select_related("unit").order_by("unit__path", "code")
    title = _("%(b)s 项目开工情况") % {"b": batch.name}
    if request.GET.get("export") == "xlsx":
        return _xlsx(tables.batch_projects_table(title, batch, listing))
    page_obj = Paginator(listing, PAGE_SIZE).get_page(request.GET.get("page"))
    started = projects.filter(started_on__lte=batch.start_deadline).count()
    context = _base_context(
        request, year, month, scope, batch=batch, result=result, page_obj=page_obj,
        figures=tables.figures_table(batch.name, year, month, result),
        table=tables.batch_projects_table(title, batch, page_obj.object_list),
        total=page_obj.paginator.count, started_by_deadline=started,
        deadline_passed=batch.start_deadline < timezone.localdate(),
    )  # fmt: skip
    template = "projects/stats_batch.html#results" if request.htmx else "projects/stats_batch.html"
    return render(request, template, context)


# --- the lagging lists ------------------------------------------------------------------------------------


def _tab_label(tab: str) -> str:
    return {"slow": _("迟迟不开工"), "idle": _("开而未建"), "milestones": _("节点逾期"),
            "batches": _("批次未按期全部开工")}[tab]  # fmt: skip


def _tab_rows(tab: str, projects, year: int, month: int, on: dt.date):
    if tab == "slow":
        return stats.slow_to_start(projects, year, on)
    if tab == "idle":
        return stats.idle(projects, year, month, on)
    if tab == "milestones":
        return stats.overdue_milestones(projects, on)
    return stats.lagging_batches(projects, on)


def _tab_table(tab: str, title: str, rows, on: dt.date) -> Table:
    if tab == "slow":
        return tables.slow_to_start_table(title, rows, on)
    if tab == "idle":
        return tables.idle_table(title, rows)
    if tab == "milestones":
        return tables.milestone_table(title, rows, on)
    return tables.batch_table(title, rows)


@policy.permission("project.view")
def lagging(request):
    year, month = periods.asked_period(request.GET, periods.current_period)
    scope = _scope(request)
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else "slow"
    projects = stats.scope_projects(request.user, scope)
    on = stats.as_of(year, month)
    rows = _tab_rows(tab, projects, year, month, on)
    title = f"{_tab_label(tab)} {scope.label or _('全部项目')} {year}-{month:02d}"
    if request.GET.get("export") == "xlsx":
        return _xlsx(_tab_table(tab, title, rows, on))
    page_obj = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    tabs = [(t, _tab_label(t)) for t in TABS]
    context = _base_context(request, year, month, scope, tab=tab, tabs=tabs, as_of=on, page_obj=page_obj,
                            table=_tab_table(tab, title, page_obj.object_list, on))  # fmt: skip
    template = "projects/lagging.html#results" if request.htmx else "projects/lagging.html"
    return render(request, template, context)


# --- the portfolio timeline -------------------------------------------------------------------------------


def _bar(start: dt.date | None, end: dt.date | None) -> list[str] | None:
    if start is None or end is None or end < start:
        return None
    return [start.isoformat(), end.isoformat()]


def _timeline(projects, year: int, today: dt.date) -> dict:
    """Per project: the planned bar (planned dates, else the plan's months) and the actual one
    (start to completion, or to today while building), coloured by stage."""
    items = []
    for p in projects:
        planned_start = p.planned_start_on or metrics.planned_start_date(None, year, p.plan_start_month)
        planned_end = p.planned_completion_on or (
            metrics.period_end(year, p.plan_completion_month) if p.plan_completion_month else None
        )
        actual_end = p.completed_on or (today if p.started_on else None)
        items.append({"code": p.code, "name": p.name, "unit": p.unit.display_name, "stage": p.stage,
                      "stageLabel": p.get_stage_display(), "planned": _bar(planned_start, planned_end),
                      "actual": _bar(p.started_on, actual_end)})  # fmt: skip
    return {"kind": "gantt", "today": today.isoformat(), "items": items,
            "labels": {"planned": _("计划"), "actual": _("实际")}}  # fmt: skip


@policy.permission("project.view")
def portfolio(request):
    year, month = periods.asked_period(request.GET, periods.current_period)
    scope = _scope(request)
    projects = stats.portfolio(stats.scope_projects(request.user, scope), year)
    page_obj = Paginator(projects, PORTFOLIO_PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    context = _base_context(request, year, month, scope, page_obj=page_obj,
                            chart=_timeline(page_obj.object_list, year, today),
                            stages=[(s.value, s.label) for s in Stage])  # fmt: skip
    return render(request, "projects/portfolio.html", context)


urlpatterns = [
    path("stats/", stats_page, name="stats"),
    path("stats/batch/<str:code>/", batch_stats, name="batch_stats"),
    path("lagging/", lagging, name="lagging"),
    path("portfolio/", portfolio, name="portfolio"),
]
