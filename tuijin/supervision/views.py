"""Pages listing assignments (督办事项): the filtered list with its Excel export, the counts by
owner, leader, source and level, the owner unit's own items, the printable 任务清单/责任清单 of a
year. One item's pages are in `views_item`. Reads go through `queries` (scoped to the user)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuijin.audit.models import AuditAction
from tuijin.audit.services import record
from tuijin.core.excel import build_sheet, xlsx_response
from tuijin.core.html import options
from tuijin.orgs import policy
from tuijin.supervision import metrics, queries
from tuijin.supervision.labels import COLOUR_LABELS, LEVEL_LABELS, colour_label, level_label
from tuijin.supervision.models import SourceKind, Status

PAGE_SIZE = 30


# --- lists ---------------------------------------------------------------------------------------


def _filter_context(request, f: queries.AssignmentFilter) -> dict:
    return {
        "f": f, "leaders": queries.leaders(),
        "unit_options": options(
            policy.visible_units(request.user).filter(is_active=True).order_by("path").values_list("code", "name"),
            f.owner,
        ),
        "sources": SourceKind.choices, "statuses": Status.choices,
        "levels": [(lv, LEVEL_LABELS[lv]) for lv in metrics.LEVELS[1:]],
        "colours": [(c, COLOUR_LABELS[c]) for c in metrics.COLOURS],
    }  # fmt: skip


@policy.permission("assignment.view")
def assignment_list(request):
    f = queries.AssignmentFilter.from_query(request.GET)
    items = queries.assignment_list(request.user, f)
    if request.GET.get("export") == "xlsx":
        return _xlsx(request, items)
    rows = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    context = _filter_context(request, f) | {
        "page_obj": rows, "rows": _rows(rows), "can_manage": policy.allows(request.user, "assignment.manage"),
    }  # fmt: skip
    template = "supervision/assignment_list.html#results" if request.htmx else "supervision/assignment_list.html"
    return render(request, template, context)


def _rows(items) -> list[dict]:
    today = timezone.localdate()
    return [
        {"a": a, "missed": len(queries.missed_cycles(a, today)), "level_label": level_label(a.level),
         "colour_label": colour_label(a.colour), "days_over": metrics.days_overdue(a.deadline, today)}
        for a in items
    ]  # fmt: skip


XLSX_HEADERS = (
    gettext_lazy("编号"),
    gettext_lazy("事项"),
    gettext_lazy("来源"),
    gettext_lazy("来源说明"),
    gettext_lazy("牵头单位"),
    gettext_lazy("配合单位"),
    gettext_lazy("责任领导"),
    gettext_lazy("责任人"),
    gettext_lazy("交办日期"),
    gettext_lazy("原定时限"),
    gettext_lazy("办结时限"),
    gettext_lazy("报送周期"),
    gettext_lazy("状态"),
    gettext_lazy("预警"),
    gettext_lazy("督办等级"),
    gettext_lazy("逾期天数"),
    gettext_lazy("漏报周期数"),
    gettext_lazy("任务清单"),
)


def _xlsx(request, items):
    today = timezone.localdate()
    rows = (
        [a.pk, a.title, a.get_source_kind_display(), a.source_label, a.owner_unit.name,
         "、".join(u.name for u in a.co_units.all()), str(a.leader or ""), a.responsibility, a.assigned_on,
         a.original_deadline, a.deadline, a.get_cycle_display(), a.get_status_display(), colour_label(a.colour),
         level_label(a.level), max(metrics.days_overdue(a.deadline, today), 0) if a.status == Status.OPEN else None,
         len(queries.missed_cycles(a, today)), _("是") if a.on_task_list else ""]
        for a in items
    )  # fmt: skip
    record(actor=request.user, action=AuditAction.EXPORT, object_type="supervision.assignment", note=_("导出督办事项"))
    return xlsx_response(build_sheet(_("督办事项"), [str(h) for h in XLSX_HEADERS], rows), f"assignments-{today}.xlsx")


BY_LABELS = {
    "owner": gettext_lazy("按牵头单位"),
    "leader": gettext_lazy("按责任领导"),
    "source": gettext_lazy("按来源"),
    "level": gettext_lazy("按督办等级"),
}


# The columns of the counts table and its export, in order: (key in `queries.counts_by`, heading).
COUNT_COLUMNS = (
    ("total", gettext_lazy("合计")), ("open", gettext_lazy("办理中")), ("requested", gettext_lazy("申请销号")),
    ("closed", gettext_lazy("已销号")), ("red", gettext_lazy("逾期")), ("yellow", gettext_lazy("黄色预警")),
    ("remind", gettext_lazy("催办")), ("supervise", gettext_lazy("督办")), ("listed", gettext_lazy("挂牌督办")),
    ("extended", gettext_lazy("延期")), ("on_time", gettext_lazy("按原定时限办结")),
    ("late_original", gettext_lazy("超原定时限")),
)  # fmt: skip


@policy.permission("assignment.view")
def assignment_counts(request):
    by = request.GET.get("by", "owner")
    by = by if by in queries.GROUPINGS else "owner"
    f = queries.AssignmentFilter.from_query(request.GET)
    today = timezone.localdate()
    qs = queries.filter_assignments(queries.annotate_state(queries.visible_assignments(request.user), today), f)
    rows = queries.counts_by(qs, by, today)
    sources = dict(SourceKind.choices)
    for row in rows:
        row["label"] = _count_label(by, row, sources)
        row["cells"] = [row[key] for key, _heading in COUNT_COLUMNS]
    totals = [sum(row[key] for row in rows) for key, _heading in COUNT_COLUMNS]
    if request.GET.get("export") == "xlsx":
        return _counts_xlsx(request, by, rows, totals)
    context = _filter_context(request, f) | {
        "rows": rows, "totals": totals, "columns": [h for _k, h in COUNT_COLUMNS], "by": by,
        "by_labels": BY_LABELS.items(),
    }  # fmt: skip
    return render(request, "supervision/assignment_counts.html", context)


def _counts_xlsx(request, by: str, rows: list[dict], totals: list[int]):
    headers = [str(BY_LABELS[by]), *(str(h) for _k, h in COUNT_COLUMNS)]
    body = [[row["label"], *row["cells"]] for row in rows] + [[_("合计"), *totals]]
    record(actor=request.user, action=AuditAction.EXPORT, object_type="supervision.assignment",
           note=_("导出督办事项统计"))  # fmt: skip
    name = f"assignment-counts-{by}-{timezone.localdate()}.xlsx"
    return xlsx_response(build_sheet(_("督办事项统计"), headers, body), name)


def _count_label(by: str, row: dict, sources: dict) -> str:
    if by == "owner":
        return row["owner_unit__name"]
    if by == "leader":
        return row["leader__full_name"] or (_("未指定") if row["leader_id"] is None else str(row["leader_id"]))
    if by == "source":
        return str(sources.get(row["source_kind"], row["source_kind"]))
    return level_label(row["level"]) or _("未逾期")


@policy.permission("assignment.view")
def my_assignments(request):
    items = list(queries.my_assignments(request.user))
    return render(request, "supervision/my_assignments.html", {"rows": _rows(items)})


@policy.permission("assignment.view")
def task_list(request):
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else timezone.localdate().year
    items = list(queries.task_list(request.user, year))
    return render(request, "supervision/task_list.html", {"rows": _rows(items), "year": year})
