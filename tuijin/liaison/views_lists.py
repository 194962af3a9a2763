"""The contact-sheet lists (sent by my unit, to my department, escalated to me, all I may see),
the mayor's office meeting agenda (printable) and the statistics per department; each with its
Excel export. Thin: the filters and the scope live in `queries`, the figures in `stats`.
"""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuijin.core.excel import build_sheet, xlsx_response
from tuijin.core.html import filters_set
from tuijin.liaison import queries, stats
from tuijin.liaison.forms import PeriodForm
from tuijin.liaison.models import ContactSheet, SheetStatus
from tuijin.liaison.services.common import require_agenda_keeper
from tuijin.liaison.services.sheets import record_export
from tuijin.orgs import policy
from tuijin.orgs.models import UnitType

PAGE_SIZE = 30
BOX_TITLES = {
    "sent": gettext_lazy("本单位发起的联系单"),
    "inbox": gettext_lazy("本部门承办的联系单"),
    "escalated": gettext_lazy("升级至我的联系单"),
    "all": gettext_lazy("全部联系单"),
}
BOX_URLS = {"sent": "liaison:sent", "inbox": "liaison:inbox", "escalated": "liaison:escalated", "all": "liaison:all"}


def _list(request, box: str, *, agenda: bool = False):
    today = timezone.localdate()
    f = queries.SheetFilter.from_query(request.GET, box)
    if agenda and not f.agenda:
        f.agenda = "pending" if "agenda" not in request.GET else ""
    sheets = queries.sheet_list(request.user, f, today)
    if agenda:
        sheets = sheets.filter(agenda_at__isnull=False).order_by("agenda_at", "pk")
    if request.GET.get("export") == "xlsx":
        return _xlsx(request, sheets, today, _("市长办公会议议题") if agenda else str(BOX_TITLES[box]))
    context = {
        "page_obj": Paginator(sheets, PAGE_SIZE).get_page(request.GET.get("page")), "f": f, "box": box,
        "title": _("市长办公会议议题") if agenda else BOX_TITLES[box], "today": today, "agenda": agenda,
        "list_url": "liaison:agenda" if agenda else BOX_URLS[box], "statuses": SheetStatus.choices,
        "departments": queries.departments(), "counts": queries.counts(sheets, today),
        "department_counts": queries.department_counts(sheets, today),
        "can_write": policy.allows(request.user, "sheet.write") and request.user.unit_id is not None,
        "filtered": filters_set(request.GET),
    }  # fmt: skip
    template = "liaison/sheet_list.html#results" if request.htmx else "liaison/sheet_list.html"
    return render(request, template, context)


@policy.permission("sheet.write")
def sent(request):
    return _list(request, "sent")


@policy.permission("sheet.handle")
def inbox(request):
    return _list(request, "inbox")


@policy.permission("sheet.escalation")
def escalated(request):
    return _list(request, "escalated")


@policy.permission("sheet.view")
def index(request):
    """/liaison/ opens the list the user works from: a department its inbox, a sender its own
    sheets, a leader the sheets escalated to them, everyone else all the sheets they may see."""
    user = request.user
    if policy.allows(user, "sheet.handle") and user.unit is not None and user.unit.type == UnitType.DEPARTMENT:
        box = "inbox"
    elif policy.allows(user, "sheet.write") and user.unit_id is not None:
        box = "sent"
    elif policy.allows(user, "sheet.escalation"):
        box = "escalated"
    else:
        box = "all"
    return redirect(BOX_URLS[box])


@policy.permission("sheet.view")
def all_sheets(request):
    return _list(request, "all")


@policy.permission("sheet.agenda")
def agenda(request):
    """The mayor's office meeting agenda (市长办公会议议题): a city-level supervisor prints it."""
    require_agenda_keeper(request.user)
    return _list(request, "all", agenda=True)


XLSX_HEADERS = [
    gettext_lazy("编号"), gettext_lazy("标题"), gettext_lazy("发起单位"), gettext_lazy("所涉项目"),
    gettext_lazy("承办部门及办理情况"), gettext_lazy("状态"), gettext_lazy("发送日期"), gettext_lazy("逾期"),
    gettext_lazy("升级"), gettext_lazy("会议决定"),
]  # fmt: skip


def _xlsx(request, sheets, today: dt.date, title: str):
    rows = (_xlsx_row(s, today) for s in sheets)
    record_export(request.user, _("导出%(t)s") % {"t": title})
    headers = [str(h) for h in XLSX_HEADERS]
    return xlsx_response(build_sheet(title, headers, rows), f"contact-sheets-{today.isoformat()}.xlsx")


def _xlsx_row(sheet: ContactSheet, today: dt.date) -> list:
    parts = "；".join(_part_text(p, today) for p in sheet.assignments.all())
    return [
        sheet.number, sheet.title, sheet.sender_unit.name, sheet.project.name if sheet.project else "", parts,
        sheet.get_status_display(), sheet.sent_on, _("逾期") if sheet.is_overdue else "",
        _("已升级") if sheet.escalated_at else "", sheet.decision,
    ]  # fmt: skip


def _part_text(part, today: dt.date) -> str:
    text = f"{part.department.display_name}：{part.get_status_display()}"
    if part.answer_overdue(today):
        text += _("（答复逾期，期限 %(d)s）") % {"d": part.due_on.isoformat()}
    elif part.promise_missed(today):
        text += _("（未按承诺办结，承诺 %(d)s）") % {"d": part.promised_on.isoformat()}
    elif part.promised_on:
        text += _("（承诺 %(d)s）") % {"d": part.promised_on.isoformat()}
    return text


# --- statistics --------------------------------------------------------------------------------


def _period(request) -> tuple[PeriodForm, dt.date, dt.date]:
    today = timezone.localdate()
    default = {"start": today.replace(month=1, day=1), "end": today}
    form = PeriodForm(request.GET if request.GET.get("start") else None, initial=default)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    return form, default["start"], default["end"]


STATS_HEADERS = [
    gettext_lazy("承办部门"), gettext_lazy("收到"), gettext_lazy("已答复"), gettext_lazy("按期答复"),
    gettext_lazy("按期答复率（%）"), gettext_lazy("已办结"), gettext_lazy("按承诺办结"),
    gettext_lazy("按期办结率（%）"), gettext_lazy("平均答复天数"), gettext_lazy("逾期未办"),
]  # fmt: skip


@policy.permission("sheet.view")
def department_statistics(request):
    """Per department for a period: received, answered on time %, solved on time %, average days."""
    form, start, end = _period(request)
    rows = stats.department_stats(start=start, end=end)
    if request.GET.get("export") == "xlsx":
        record_export(request.user, _("导出联系单办理统计"))
        body = ([r.department.name, r.received, r.answered, r.answered_on_time, _round(r.answered_on_time_pct),
                 r.solved, r.solved_on_time, _round(r.solved_on_time_pct), _round(r.average_answer_days),
                 r.overdue_open] for r in rows)  # fmt: skip
        sheet = build_sheet(_("联系单办理统计"), [str(h) for h in STATS_HEADERS], body)
        return xlsx_response(sheet, f"contact-sheet-stats-{start.isoformat()}-{end.isoformat()}.xlsx")
    context = {"form": form, "rows": rows, "start": start, "end": end}
    return render(request, "liaison/stats.html", context)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


urlpatterns = [
    path("", index, name="index"),
    path("all/", all_sheets, name="all"),
    path("sent/", sent, name="sent"),
    path("inbox/", inbox, name="inbox"),
    path("escalated/", escalated, name="escalated"),
    path("agenda/", agenda, name="agenda"),
    path("stats/", department_statistics, name="stats"),
]
