"""One contact sheet: write and edit the draft, the sheet page with its timeline and the actions
the user may take, each action a POST to its own URL, and the attachments (never public files).

Thin: every sheet, part and attachment is fetched through `queries.*_or_404` (outside the scope
they do not exist), every write goes through `services`, which check the role, the unit, the
state and the version again (403 and nothing changed when the user may not).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuijin.core.downloads import protected_file_response
from tuijin.core.forms import apply_validation_error
from tuijin.liaison import attachments as checks
from tuijin.liaison import queries, services
from tuijin.liaison.forms import (
    AcceptForm,
    DecisionForm,
    InstructForm,
    NoteForm,
    ReasonForm,
    ResolveForm,
    SheetForm,
    TransferForm,
)
from tuijin.liaison.models import AWAITING_ANSWER, AWAITING_SOLUTION, HANDLING_STATUSES, OPEN_ASSIGNMENT
from tuijin.liaison.services.common import (
    is_agenda_keeper,
    is_escalation_leader,
    is_handler,
    is_sender,
    require_sender,
)
from tuijin.orgs import policy


def _detail(sheet) -> str:
    return reverse("liaison:sheet_detail", args=[sheet.pk])


# --- write -------------------------------------------------------------------------------------


@policy.permission("sheet.write")
def sheet_create(request):
    form = SheetForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = _sheet_data(form)
        try:
            with transaction.atomic():
                sheet = services.sheet_create(actor=request.user, **data)
                services.attachments_add(actor=request.user, sheet=sheet, uploads=form.cleaned_data["attachments"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return _saved(request, sheet)
    return render(request, "liaison/sheet_form.html", {"form": form, "sheet": None}, status=400 if form.errors else 200)


@policy.permission("sheet.write")
def sheet_edit(request, pk):
    sheet = queries.get_visible_sheet_or_404(request.user, pk)
    require_sender(request.user, sheet)
    if not sheet.is_editable:
        messages.error(request, _("联系单已发送，不能再修改。"))
        return redirect(_detail(sheet))
    initial = {
        "title": sheet.title, "project": sheet.project, "key_work": sheet.key_work, "problem": sheet.problem,
        "request": sheet.request, "departments": sheet.departments.all(), "copies": sheet.copies.all(),
        "version": sheet.version,
    }  # fmt: skip
    form = SheetForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = _sheet_data(form)
        try:
            with transaction.atomic():
                sheet = services.sheet_update(
                    actor=request.user, sheet=sheet, expected_version=form.cleaned_data["version"], **data
                )
                services.attachments_add(actor=request.user, sheet=sheet, uploads=form.cleaned_data["attachments"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return _saved(request, sheet)
    context = {"form": form, "sheet": sheet, "attachments": sheet.attachments.all()}
    return render(request, "liaison/sheet_form.html", context, status=400 if form.errors else 200)


def _sheet_data(form) -> dict:
    names = ("title", "problem", "request", "project", "key_work", "departments", "copies")
    return {name: form.cleaned_data[name] for name in names}


def _saved(request, sheet):
    if "send" not in request.POST:
        messages.success(request, _("联系单草稿已保存。"))
        return redirect(_detail(sheet))
    try:
        services.sheet_send(actor=request.user, sheet=sheet)
    except ValidationError as exc:
        messages.error(request, _("草稿已保存，但未能发送：%(e)s") % {"e": " ".join(exc.messages)})
    else:
        messages.success(request, _("联系单已发送。"))
    return redirect(_detail(sheet))


# --- the sheet page ----------------------------------------------------------------------------


@policy.permission("sheet.view")
def sheet_detail(request, pk):
    sheet = queries.get_visible_sheet_or_404(request.user, pk)
    return _sheet_page(request, sheet)


def _sheet_page(request, sheet, refused: tuple | None = None):
    """The sheet page. `refused` = (slot, bound form): an action the services or the form refused,
    shown again in place of its empty form with what was typed and the message at the field
    (a slot is a context key, or `(part pk, key)` for a department's action). None when the
    refused form has no place on the page any more (the state moved on): the caller redirects."""
    today = timezone.localdate()
    parts = queries.sheet_parts(sheet)
    user = request.user
    handling = sheet.status in HANDLING_STATUSES
    leader = is_escalation_leader(user, sheet) and handling
    rows = [_part_row(user, p, parts, leader, today) for p in parts]
    context = {
        "sheet": sheet, "rows": rows, "today": today, "timeline": queries.sheet_timeline(sheet),
        "attachments": sheet.attachments.select_related("uploaded_by"), "departments": sheet.departments.all(),
        "copies": sheet.copies.all(), "sender": is_sender(user, sheet),
        "overdue": any(p.is_overdue(today) for p in parts), "leader": leader,
        "agenda_keeper": is_agenda_keeper(user) and sheet.on_agenda and not sheet.decision,
        "confirm_form": NoteForm(initial={"version": sheet.version}),
        "reopen_form": ReasonForm(initial={"version": sheet.version}),
        "instruct_form": InstructForm(initial={"version": sheet.version}),
        "agenda_form": NoteForm(initial={"version": sheet.version}),
        "decision_form": DecisionForm(initial={"version": sheet.version, "decided_on": today,
                                               "owner_unit": _first_open_department(parts)}),
        "escalated_to": sheet.escalated_to.all(), "supervision": queries.sheet_assignments(sheet),
    }  # fmt: skip
    if refused is None:
        return render(request, "liaison/sheet_detail.html", context)
    (slot, form), target = refused, context
    if isinstance(slot, tuple):
        part_pk, slot = slot
        target = next((row for row in rows if row["part"].pk == part_pk), {})
    if slot not in target:
        return None
    target[slot] = form
    return render(request, "liaison/sheet_detail.html", context, status=400)


def _first_open_department(parts):
    """The decision's default owner: the first department still handling the sheet."""
    return next((p.department for p in parts if p.status in OPEN_ASSIGNMENT), None)


def _part_row(user, part, parts, leader: bool, today) -> dict:
    mine = is_handler(user, part)
    row = {"part": part, "mine": mine, "overdue": part.is_overdue(today)}
    initial = {"version": part.version}
    if mine and part.status in AWAITING_ANSWER:
        row |= {
            "accept_form": AcceptForm(initial=initial | {"promised_on": today}),
            "transfer_form": _transfer_form(part, parts, "t", initial=initial),
            "return_form": ReasonForm(initial=initial),
        }  # fmt: skip
    if mine and part.status in AWAITING_SOLUTION:
        row["resolve_form"] = ResolveForm(initial=initial)
    if leader and part.status in OPEN_ASSIGNMENT:
        row["reassign_form"] = _transfer_form(part, parts, "r", initial=initial)
    return row


def _transfer_form(part, parts, prefix: str, data=None, initial=None) -> TransferForm:
    """转办 (prefix "t") or 改派 ("r"): any department but the sender and those already handling it."""
    busy = [p.department for p in parts if p.status in OPEN_ASSIGNMENT]
    return TransferForm(data, initial=initial, exclude=[*busy, part.sheet.sender_unit], prefix=f"{prefix}{part.pk}")


# --- actions -----------------------------------------------------------------------------------


def _act(request, sheet, form, call, success: str, slot):
    """Validate the posted form and call the service. Done: say so, back to the sheet. Refused:
    the sheet page again (400) with the form as typed and the message at its field, so nothing
    typed is lost; only when the form has no place left on the page, the message and back."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, success)
            return redirect(_detail(sheet))
    page = _sheet_page(request, sheet, refused=(slot, form))
    if page is not None:
        return page
    messages.error(request, " ".join(_labelled(form, name, m) for name, errors in form.errors.items() for m in errors))
    return redirect(_detail(sheet))


def _labelled(form, name: str, message: str) -> str:
    """'理由：该字段是必填项。' — the message alone does not say which box it is about."""
    field = form.fields.get(name)
    return f"{field.label}：{message}" if field is not None and field.label else message


@require_POST
@policy.permission("sheet.write")
def sheet_send(request, pk):
    sheet = queries.get_visible_sheet_or_404(request.user, pk)

    def call(d):
        services.sheet_send(actor=request.user, sheet=sheet, expected_version=d["version"])

    return _act(request, sheet, NoteForm(request.POST), call, _("联系单已发送。"), "send_form")


@require_POST
@policy.permission("sheet.write")
def sheet_confirm(request, pk):
    sheet = queries.get_visible_sheet_or_404(request.user, pk)

    def call(d):
        services.sheet_confirm(actor=request.user, sheet=sheet, note=d["note"], expected_version=d["version"])

    return _act(request, sheet, NoteForm(request.POST), call, _("联系单已销号。"), "confirm_form")


@require_POST
@policy.permission("sheet.write")
def sheet_reopen(request, pk):
    sheet = queries.get_visible_sheet_or_404(request.user, pk)

    def call(d):
        services.sheet_reopen(actor=request.user, sheet=sheet, reason=d["reason"], expected_version=d["version"])

    return _act(request, sheet, ReasonForm(request.POST), call, _("已退回承办部门重新办理。"), "reopen_form")


@require_POST
@policy.permission("sheet.handle")
def assignment_accept(request, pk):
    part = queries.assignment_or_404(request.user, pk)

    def call(d):
        services.assignment_accept(
            actor=request.user, assignment=part, answer=d["answer"], promised_on=d["promised_on"],
            expected_version=d["version"],
        )  # fmt: skip

    return _act(request, part.sheet, AcceptForm(request.POST), call, _("已受理。"), (part.pk, "accept_form"))


@require_POST
@policy.permission("sheet.handle")
def assignment_transfer(request, pk):
    part = queries.assignment_or_404(request.user, pk)

    def call(d):
        services.assignment_transfer(
            actor=request.user, assignment=part, to_department=d["to_department"], reason=d["reason"],
            expected_version=d["version"],
        )  # fmt: skip

    form = _transfer_form(part, queries.sheet_parts(part.sheet), "t", request.POST)
    return _act(request, part.sheet, form, call, _("已转办。"), (part.pk, "transfer_form"))


@require_POST
@policy.permission("sheet.handle")
def assignment_return(request, pk):
    part = queries.assignment_or_404(request.user, pk)

    def call(d):
        services.assignment_return(
            actor=request.user, assignment=part, reason=d["reason"], expected_version=d["version"]
        )

    return _act(request, part.sheet, ReasonForm(request.POST), call, _("已退回发起单位。"), (part.pk, "return_form"))


@require_POST
@policy.permission("sheet.handle")
def assignment_resolve(request, pk):
    part = queries.assignment_or_404(request.user, pk)

    def call(d):
        services.assignment_resolve(
            actor=request.user, assignment=part, result=d["result"], expected_version=d["version"]
        )

    return _act(request, part.sheet, ResolveForm(request.POST), call, _("已办结。"), (part.pk, "resolve_form"))


@require_POST
@policy.permission("sheet.escalation")
def sheet_instruct(request, pk):
    sheet = queries.get_visible_sheet_or_404(request.user, pk)

    def call(d):
        services.sheet_instruct(actor=request.user, sheet=sheet, text=d["text"], expected_version=d["version"])

    return _act(request, sheet, InstructForm(request.POST), call, _("批示已送达承办部门。"), "instruct_form")


@require_POST
@policy.permission("sheet.escalation")
def assignment_reassign(request, pk):
    part = queries.assignment_or_404(request.user, pk)

    def call(d):
        services.assignment_reassign(
            actor=request.user, assignment=part, to_department=d["to_department"], reason=d["reason"],
            expected_version=d["version"],
        )  # fmt: skip

    form = _transfer_form(part, queries.sheet_parts(part.sheet), "r", request.POST)
    return _act(request, part.sheet, form, call, _("已改派承办部门。"), (part.pk, "reassign_form"))


@require_POST
@policy.permission("sheet.escalation")
def sheet_agenda(request, pk):
    sheet = queries.get_visible_sheet_or_404(request.user, pk)

    def call(d):
        services.sheet_put_on_agenda(actor=request.user, sheet=sheet, note=d["note"], expected_version=d["version"])

    return _act(request, sheet, NoteForm(request.POST), call, _("已列入市长办公会议议题。"), "agenda_form")


@require_POST
@policy.permission("sheet.agenda")
def sheet_decision(request, pk):
    sheet = queries.get_visible_sheet_or_404(request.user, pk)

    def call(d):
        services.sheet_record_decision(
            actor=request.user, sheet=sheet, decision=d["decision"], decided_on=d["decided_on"],
            expected_version=d["version"], to_assignment=d["to_assignment"], owner_unit=d["owner_unit"],
            deadline=d["deadline"], co_units=d["co_units"],
        )  # fmt: skip

    return _act(request, sheet, DecisionForm(request.POST), call, _("会议决定已记录。"), "decision_form")


# --- attachments -------------------------------------------------------------------------------


@policy.permission("sheet.view")
def attachment_download(request, pk):
    """The file, for users who may see its sheet (never a public media URL)."""
    item = queries.attachment_or_404(request.user, pk)
    response = protected_file_response(item.file, content_type=checks.CONTENT_TYPES[item.kind], as_attachment=True,
                                       filename=item.name)  # fmt: skip
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@policy.permission("sheet.write")
def attachment_delete(request, pk):
    item = queries.attachment_or_404(request.user, pk)
    sheet = item.sheet
    try:
        services.attachment_delete(actor=request.user, attachment=item)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已删除附件。"))
    return redirect(reverse("liaison:sheet_edit", args=[sheet.pk]) if sheet.is_editable else _detail(sheet))


urlpatterns = [
    path("new/", sheet_create, name="sheet_create"),
    path("<int:pk>/", sheet_detail, name="sheet_detail"),
    path("<int:pk>/edit/", sheet_edit, name="sheet_edit"),
    path("<int:pk>/send/", sheet_send, name="sheet_send"),
    path("<int:pk>/confirm/", sheet_confirm, name="sheet_confirm"),
    path("<int:pk>/reopen/", sheet_reopen, name="sheet_reopen"),
    path("<int:pk>/instruct/", sheet_instruct, name="sheet_instruct"),
    path("<int:pk>/agenda/", sheet_agenda, name="sheet_agenda"),
    path("<int:pk>/decision/", sheet_decision, name="sheet_decision"),
    path("parts/<int:pk>/accept/", assignment_accept, name="assignment_accept"),
    path("parts/<int:pk>/transfer/", assignment_transfer, name="assignment_transfer"),
    path("parts/<int:pk>/return/", assignment_return, name="assignment_return"),
    path("parts/<int:pk>/resolve/", assignment_resolve, name="assignment_resolve"),
    path("parts/<int:pk>/reassign/", assignment_reassign, name="assignment_reassign"),
    path("attachments/<int:pk>/", attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/delete/", attachment_delete, name="attachment_delete"),
]
