"""Pages of one assignment: the item with its cycles, timeline and actions, the printable 督办
notice, the supervisor's form, each transition (POST), the files.

Thin: every item is fetched through `queries.get_visible_or_404` (outside the scope it does
not exist); every write goes through `services`, which checks the role and the unit again.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuijin.core.downloads import protected_file_response
from tuijin.core.forms import apply_validation_error
from tuijin.orgs import policy
from tuijin.supervision import conf, metrics, queries, services
from tuijin.supervision.forms import AssignmentForm, CloseoutForm, ExtensionForm, ProgressForm, ReasonForm
from tuijin.supervision.labels import colour_label, level_label
from tuijin.supervision.models import Assignment, Attachment, ExtensionRequest, Status
from tuijin.workdays import workcalendar


def _detail(pk: int):
    return redirect("supervision:detail", pk=pk)


def _errors(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


# --- one item ------------------------------------------------------------------------------------


def _cycle_rows(a: Assignment, updates: list, today: dt.date) -> list[dict]:
    """Every cycle so far: "ok" (answered within it), "late" (caught up later), "missed", or
    "current" (not ended yet, or not owed because reporting stopped with the close-out request)."""
    missed = set(queries.missed_cycles(a, today))
    stop = (a.closed_on or a.closeout_requested_on) if a.status != Status.OPEN else None
    rows = []
    for start, end in metrics.cycles(a.reporting_from, min(today, stop) if stop else today, a.cycle):
        if any(start <= u.posted_on <= end for u in updates):
            state = "ok"
        elif any(u.cycle_start == start and u.late for u in updates):
            state = "late"
        else:
            state = "missed" if (start, end) in missed else "current"
        rows.append({"start": start, "end": end, "state": state})
    return rows


def _cycle_choices(cycle_rows: list[dict]) -> list[tuple]:
    """The cycles progress may be reported for: the current one first, then the missed ones."""
    return [(r["start"], f"{r['start']} ~ {r['end']}") for r in reversed(cycle_rows) if r["state"] in
            ("current", "missed")]  # fmt: skip


def _detail_context(request, a: Assignment) -> dict:
    today = timezone.localdate()
    updates = list(queries.updates(a))
    cycle_rows = _cycle_rows(a, updates, today)
    choices = _cycle_choices(cycle_rows)
    pending = a.extensions.filter(status=ExtensionRequest.Status.PENDING).first()
    can_report, can_manage = services.may_report(request.user, a), services.may_manage(request.user, a)
    return {
        "a": a, "timeline": queries.timeline(a), "updates": updates, "cycle_rows": cycle_rows,
        "missed": sum(r["state"] == "missed" for r in cycle_rows),
        "closeout_files": a.attachments.filter(purpose=Attachment.Purpose.CLOSEOUT),
        "extensions": a.extensions.select_related("requested_by", "decided_by"), "pending": pending,
        "source": queries.source_link(a),
        "level_label": level_label(a.level), "colour_label": colour_label(a.colour),
        "days_over": metrics.days_overdue(a.deadline, today), "co_units": a.co_units.all(),
        "open": a.status == Status.OPEN, "requested": a.status == Status.CLOSEOUT_REQUESTED,
        "can_report": can_report, "can_manage": can_manage,
        "progress_form": ProgressForm(cycles=choices), "closeout_form": CloseoutForm(initial={"version": a.version}),
        "extension_form": ExtensionForm(), "reason_form": ReasonForm(initial={"version": a.version}),
        "extension_reason_form": ReasonForm(auto_id="x_%s"),
    }  # fmt: skip


@policy.permission("assignment.view")
def assignment_detail(request, pk):
    a = queries.annotated(queries.get_visible_or_404(request.user, pk))
    return render(request, "supervision/assignment_detail.html", _detail_context(request, a))


NOTICE_LEVELS = (metrics.SUPERVISE, metrics.LISTED)


@policy.permission("assignment.view")
def notice(request, pk):
    """督办通知书 (挂牌督办通知书 once listed), printable, for an item at that level only. It is
    dated the day the level was reached, states how late the item was on that day, and asks for
    a written reply within `TUIJIN_ASSIGNMENT_NOTICE_REPLY_DAYS` days on the working calendar."""
    a = queries.annotated(queries.get_visible_or_404(request.user, pk))
    if a.level not in NOTICE_LEVELS:
        raise Http404
    th = queries.thresholds()
    issued = a.deadline + dt.timedelta(days=th.list_days if a.level == metrics.LISTED else th.supervise_days)
    days = conf.ASSIGNMENT_NOTICE_REPLY_DAYS
    try:
        reply_by, calendar_error = workcalendar.due_date(issued, days), ""
    except ValidationError as exc:  # a year the calendar does not know: say so, never guess
        reply_by, calendar_error = None, exc.messages[0]
    context = {
        "a": a, "issued": issued, "days_over": metrics.days_overdue(a.deadline, issued),
        "listed": a.level == metrics.LISTED, "reply_by": reply_by, "calendar_error": calendar_error,
    }  # fmt: skip
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


def _act(request, item_pk: int, call, success: str, form=None, slot: str = ""):
    """Run one transition of an item's page. Done: say so, back to the item. Refused: with a
    `form`, the item's page again (400) with the form as typed in its `slot` and the message at
    the field (chosen files must be chosen again: a browser never sends them back); without
    one, or when the form has no place left on the page, the message and back to the item."""
    if form is not None and not form.is_valid():
        return _refused(request, item_pk, form, slot)
    try:
        call(form.cleaned_data if form is not None else None)
    except ValidationError as exc:
        if form is None:
            _errors(request, exc)
            return _detail(item_pk)
        apply_validation_error(form, exc)
        return _refused(request, item_pk, form, slot)
    messages.success(request, success)
    return _detail(item_pk)


def _refused(request, item_pk: int, form, slot: str):
    a = queries.annotated(queries.get_visible_or_404(request.user, item_pk))
    context = _detail_context(request, a)
    shown = {"progress_form": context["can_report"] and context["open"],
             "closeout_form": context["can_report"] and context["open"],
             "extension_form": context["can_report"] and context["open"] and not context["pending"],
             "reason_form": context["can_manage"] and context["requested"],
             "extension_reason_form": context["can_manage"] and bool(context["pending"])}  # fmt: skip
    if not shown.get(slot):
        _errors(request, ValidationError(form.errors.get(NON_FIELD_ERRORS) or _flat(form)))
        return _detail(item_pk)
    context[slot] = form
    return render(request, "supervision/assignment_detail.html", context, status=400)


def _flat(form) -> list[str]:
    return [f"{form.fields[n].label}：{m}" if n in form.fields else m for n, ms in form.errors.items() for m in ms]


@require_POST
@policy.permission("assignment.report")
def progress_post(request, pk):
    a = queries.get_visible_or_404(request.user, pk)
    choices = _cycle_choices(_cycle_rows(a, list(queries.updates(a)), timezone.localdate()))
    form = ProgressForm(request.POST, cycles=choices)
    return _act(request, a.pk, lambda d: services.progress_post(
        actor=request.user, assignment=a, text=d["text"], attachments=request.FILES.getlist("attachments"),
        cycle_start=d["cycle_start"],
    ), _("进展已报送。"), form, "progress_form")  # fmt: skip


@require_POST
@policy.permission("assignment.report")
def closeout_request(request, pk):
    a = queries.get_visible_or_404(request.user, pk)
    return _act(request, a.pk, lambda d: services.closeout_request(
        actor=request.user, assignment=a, evidence=d["evidence"],
        attachments=request.FILES.getlist("attachments"), expected_version=d["version"],
    ), _("已申请销号，待督查员审核。"), CloseoutForm(request.POST), "closeout_form")  # fmt: skip


@require_POST
@policy.permission("assignment.manage")
def closeout_approve(request, pk):
    a = queries.get_visible_or_404(request.user, pk)
    return _act(request, a.pk, lambda d: services.closeout_approve(
        actor=request.user, assignment=a, note=d["reason"], expected_version=d["version"],
    ), _("已销号。"), ReasonForm(request.POST), "reason_form")  # fmt: skip


@require_POST
@policy.permission("assignment.manage")
def closeout_return(request, pk):
    a = queries.get_visible_or_404(request.user, pk)
    return _act(request, a.pk, lambda d: services.closeout_return(
        actor=request.user, assignment=a, reason=d["reason"], expected_version=d["version"],
    ), _("已退回牵头单位。"), ReasonForm(request.POST), "reason_form")  # fmt: skip


@require_POST
@policy.permission("assignment.report")
def extension_request(request, pk):
    a = queries.get_visible_or_404(request.user, pk)
    return _act(request, a.pk, lambda d: services.extension_request(
        actor=request.user, assignment=a, reason=d["reason"], new_deadline=d["new_deadline"],
    ), _("延期申请已提交。"), ExtensionForm(request.POST), "extension_form")  # fmt: skip


@require_POST
@policy.permission("assignment.manage")
def extension_grant(request, pk):
    extension = queries.extension_or_404(request.user, pk)
    return _act(request, extension.assignment_id, lambda d: services.extension_grant(
        actor=request.user, extension=extension, note=d["reason"],
    ), _("已同意延期。"), ReasonForm(request.POST, auto_id="x_%s"), "extension_reason_form")  # fmt: skip


@require_POST
@policy.permission("assignment.manage")
def extension_refuse(request, pk):
    extension = queries.extension_or_404(request.user, pk)
    return _act(request, extension.assignment_id, lambda d: services.extension_refuse(
        actor=request.user, extension=extension, reason=d["reason"],
    ), _("已不同意延期。"), ReasonForm(request.POST, auto_id="x_%s"), "extension_reason_form")  # fmt: skip


@policy.permission("assignment.view")
def attachment_download(request, pk):
    """A file of an item the user may see (never a public media URL)."""
    attachment = queries.attachment_or_404(request.user, pk)
    response = protected_file_response(
        attachment.file, content_type=attachment.content_type, as_attachment=True, filename=attachment.name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
