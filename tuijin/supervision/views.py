"""Pages of assignments (督办事项): lists and counts, one item with its timeline and actions,
the printable 督办 notice, the 任务清单/责任清单 of a year, the owner unit's own items, files.

Thin: every item is fetched through `queries.get_visible_or_404` (outside the scope it does
not exist); every write goes through `services`, which checks the role and the unit again.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tuijin.audit.models import AuditAction
from tuijin.audit.services import record
from tuijin.core import policy
from tuijin.core.excel import build_sheet, xlsx_response
from tuijin.core.forms import apply_validation_error
from tuijin.supervision import metrics, queries, services
from tuijin.supervision.forms import AssignmentForm, CloseoutForm, ExtensionForm, ProgressForm, ReasonForm
from tuijin.supervision.models import Assignment, Attachment, ExtensionRequest, SourceKind, Status

PAGE_SIZE = 30
LEVEL_LABELS = {
    metrics.NONE: "",
    metrics.REMIND: gettext_lazy("催办"),
    metrics.SUPERVISE: gettext_lazy("督办"),
    metrics.LISTED: gettext_lazy("挂牌督办"),
}
COLOUR_LABELS = {
    metrics.GREEN: gettext_lazy("正常推进"),
    metrics.YELLOW: gettext_lazy("临期预警"),
    metrics.RED: gettext_lazy("逾期"),
    "": "",
}


def level_label(level: str) -> str:
    return str(LEVEL_LABELS.get(level, ""))


def colour_label(colour: str) -> str:
    return str(COLOUR_LABELS.get(colour, ""))


def _version(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _detail(pk: int):
    return redirect("supervision:detail", pk=pk)


def _errors(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


# --- lists ---------------------------------------------------------------------------------------


def _filter_context(request, f: queries.AssignmentFilter) -> dict:
    return {
        "f": f, "units": policy.visible_units(request.user).filter(is_active=True), "leaders": queries.leaders(),
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


XLSX_HEADERS = tuple(
    gettext_lazy(h)
    for h in ("编号", "事项", "来源", "来源说明", "牵头单位", "配合单位", "责任领导", "责任人", "交办日期", "原定时限",
              "办结时限", "报送周期", "状态", "预警", "督办等级", "逾期天数", "漏报周期数", "任务清单")
)  # fmt: skip


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


@policy.permission("assignment.view")
def assignment_counts(request):
    by = request.GET.get("by", "owner")
    by = by if by in queries.GROUPINGS else "owner"
    f = queries.AssignmentFilter.from_query(request.GET)
    qs = queries.filter_assignments(queries.annotate_state(queries.visible_assignments(request.user)), f)
    rows = queries.counts_by(qs, by)
    sources = dict(SourceKind.choices)
    for row in rows:
        row["label"] = _count_label(by, row, sources)
    context = _filter_context(request, f) | {"rows": rows, "by": by, "by_labels": BY_LABELS.items()}
    return render(request, "supervision/assignment_counts.html", context)


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


# --- one item ------------------------------------------------------------------------------------


def _cycle_rows(a: Assignment, updates: list, today: dt.date) -> list[dict]:
    stop = a.closed_on or a.closeout_requested_on or today
    rows = []
    for start, end in metrics.cycles(a.assigned_on, min(today, stop), a.cycle):
        within = any(start <= u.posted_on <= end for u in updates)
        late = any(u.cycle_start == start and u.late for u in updates)
        state = "current" if end >= today else "ok" if within else "late" if late else "missed"
        rows.append({"start": start, "end": end, "state": state})
    return rows


def _detail_context(request, a: Assignment) -> dict:
    today = timezone.localdate()
    updates = list(queries.updates(a))
    cycle_rows = _cycle_rows(a, updates, today)
    choices = [(r["start"], f"{r['start']} ~ {r['end']}") for r in reversed(cycle_rows) if r["state"] in
               ("current", "missed")]  # fmt: skip
    pending = a.extensions.filter(status=ExtensionRequest.Status.PENDING).first()
    can_report, can_manage = services.may_report(request.user, a), services.may_manage(request.user, a)
    return {
        "a": a, "timeline": queries.timeline(a), "updates": updates, "cycle_rows": cycle_rows,
        "missed": sum(r["state"] == "missed" for r in cycle_rows),
        "closeout_files": a.attachments.filter(purpose=Attachment.Purpose.CLOSEOUT),
        "extensions": a.extensions.select_related("requested_by", "decided_by"), "pending": pending,
        "level_label": level_label(a.level), "colour_label": colour_label(a.colour),
        "days_over": metrics.days_overdue(a.deadline, today), "co_units": a.co_units.all(),
        "open": a.status == Status.OPEN, "requested": a.status == Status.CLOSEOUT_REQUESTED,
        "can_report": can_report, "can_manage": can_manage,
        "progress_form": ProgressForm(cycles=choices), "closeout_form": CloseoutForm(initial={"version": a.version}),
        "extension_form": ExtensionForm(), "reason_form": ReasonForm(initial={"version": a.version}),
    }  # fmt: skip


@policy.permission("assignment.view")
def assignment_detail(request, pk):
    a = queries.annotated(queries.get_visible_or_404(request.user, pk))
    return render(request, "supervision/assignment_detail.html", _detail_context(request, a))


@policy.permission("assignment.view")
def notice(request, pk):
    """督办通知书, printable: the item, how late it is, what is required and by when."""
    a = queries.annotated(queries.get_visible_or_404(request.user, pk))
    today = timezone.localdate()
    context = {"a": a, "today": today, "days_over": metrics.days_overdue(a.deadline, today),
               "level_label": level_label(a.level), "reply_by": today + dt.timedelta(days=3)}  # fmt: skip
    return render(request, "supervision/notice.html", context)


@policy.permission("assignment.manage")
def assignment_create(request):
    form = AssignmentForm(request.POST or None, user=request.user, initial={"assigned_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            a = services.assignment_create(actor=request.user, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已交办。"))
            return _detail(a.pk)
    return render(request, "supervision/assignment_form.html", {"form": form}, status=400 if form.errors else 200)


@policy.permission("assignment.manage")
def assignment_edit(request, pk):
    a = queries.get_visible_or_404(request.user, pk)
    if not services.may_manage(request.user, a):
        raise Http404
    initial = {"title": a.title, "content": a.content, "co_units": a.co_units.all(), "leader": a.leader,
               "responsibility": a.responsibility, "cycle": a.cycle, "on_task_list": a.on_task_list,
               "version": a.version}  # fmt: skip
    form = AssignmentForm(request.POST or None, user=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.assignment_update(actor=request.user, assignment=a, expected_version=version, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return _detail(a.pk)
    context = {"form": form, "a": a}
    return render(request, "supervision/assignment_form.html", context, status=400 if form.errors else 200)


# --- transitions ---------------------------------------------------------------------------------


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


@require_POST
@policy.permission("assignment.report")
def progress_post(request, pk):
    a = queries.get_visible_or_404(request.user, pk)
    try:
        services.progress_post(
            actor=request.user, assignment=a, text=request.POST.get("text", ""),
            attachments=request.FILES.getlist("attachments"), cycle_start=_date(request.POST.get("cycle_start", "")),
        )  # fmt: skip
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("进展已报送。"))
    return _detail(a.pk)


@require_POST
@policy.permission("assignment.report")
def closeout_request(request, pk):
    a = queries.get_visible_or_404(request.user, pk)
    try:
        services.closeout_request(
            actor=request.user, assignment=a, evidence=request.POST.get("evidence", ""),
            attachments=request.FILES.getlist("attachments"), expected_version=_version(request.POST.get("version")),
        )  # fmt: skip
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("已申请销号，待督查员审核。"))
    return _detail(a.pk)


@require_POST
@policy.permission("assignment.manage")
def closeout_approve(request, pk):
    a = queries.get_visible_or_404(request.user, pk)
    try:
        services.closeout_approve(actor=request.user, assignment=a, note=request.POST.get("reason", ""),
                                  expected_version=_version(request.POST.get("version")))  # fmt: skip
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("已销号。"))
    return _detail(a.pk)


@require_POST
@policy.permission("assignment.manage")
def closeout_return(request, pk):
    a = queries.get_visible_or_404(request.user, pk)
    try:
        services.closeout_return(actor=request.user, assignment=a, reason=request.POST.get("reason", ""),
                                 expected_version=_version(request.POST.get("version")))  # fmt: skip
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("已退回牵头单位。"))
    return _detail(a.pk)


@require_POST
@policy.permission("assignment.report")
def extension_request(request, pk):
    a = queries.get_visible_or_404(request.user, pk)
    try:
        services.extension_request(actor=request.user, assignment=a, reason=request.POST.get("reason", ""),
                                   new_deadline=_date(request.POST.get("new_deadline", "")))  # fmt: skip
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("延期申请已提交。"))
    return _detail(a.pk)


@require_POST
@policy.permission("assignment.manage")
def extension_grant(request, pk):
    extension = queries.extension_or_404(request.user, pk)
    try:
        services.extension_grant(actor=request.user, extension=extension, note=request.POST.get("reason", ""))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("已同意延期。"))
    return _detail(extension.assignment_id)


@require_POST
@policy.permission("assignment.manage")
def extension_refuse(request, pk):
    extension = queries.extension_or_404(request.user, pk)
    try:
        services.extension_refuse(actor=request.user, extension=extension, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("已不同意延期。"))
    return _detail(extension.assignment_id)


@policy.permission("assignment.view")
def attachment_download(request, pk):
    """A file of an item the user may see (never a public media URL)."""
    attachment = queries.attachment_or_404(request.user, pk)
    try:
        handle = attachment.file.storage.open(attachment.file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=attachment.content_type, as_attachment=True, filename=attachment.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


app_name = "supervision"
urlpatterns = [
    path("", assignment_list, name="list"),
    path("counts/", assignment_counts, name="counts"),
    path("mine/", my_assignments, name="mine"),
    path("task-list/", task_list, name="task_list"),
    path("new/", assignment_create, name="create"),
    path("<int:pk>/", assignment_detail, name="detail"),
    path("<int:pk>/edit/", assignment_edit, name="edit"),
    path("<int:pk>/notice/", notice, name="notice"),
    path("<int:pk>/progress/", progress_post, name="progress_post"),
    path("<int:pk>/closeout/", closeout_request, name="closeout_request"),
    path("<int:pk>/closeout/approve/", closeout_approve, name="closeout_approve"),
    path("<int:pk>/closeout/return/", closeout_return, name="closeout_return"),
    path("<int:pk>/extension/", extension_request, name="extension_request"),
    path("extensions/<int:pk>/grant/", extension_grant, name="extension_grant"),
    path("extensions/<int:pk>/refuse/", extension_refuse, name="extension_refuse"),
    path("files/<int:pk>/", attachment_download, name="attachment"),
]
