"""The sender's side of a sheet: write and edit the draft, attach files, send, confirm, reopen.

Only a reporter or unit head of the sender unit itself writes (`sheet.write`, `actor.unit` is the
sheet's unit). A draft is edited and sent; a sheet every department returned is edited and sent
again. Sending starts each addressed department's clock: received today, the answer due N days
later by the working-day calendar (a due date in a year the calendar does not know refuses the
send with the calendar's message).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from tuijin.audit.models import AuditAction
from tuijin.audit.services import created, diff, record, snapshot
from tuijin.core.concurrency import lock_current
from tuijin.indicators.models import KeyWork
from tuijin.liaison import attachments as checks
from tuijin.liaison import conf, people
from tuijin.liaison.models import (
    EDITABLE_STATUSES,
    AssignmentStatus,
    ContactSheet,
    EventKind,
    SheetAssignment,
    SheetAttachment,
    SheetStatus,
)
from tuijin.liaison.services.common import (
    Kinds,
    answer_due,
    clean_department,
    clean_text,
    done,
    log,
    notify,
    require_sender,
    require_state,
    today,
)
from tuijin.orgs import policy
from tuijin.orgs.models import Unit, User
from tuijin.projects.models import Project
from tuijin.projects.queries import visible_projects

FIELDS = ("title", "problem", "request", "project", "key_work", "departments", "copies")
MAX_TITLE = 200


# --- the draft -------------------------------------------------------------------------------


@transaction.atomic
def sheet_create(
    *,
    actor: User,
    title: str,
    problem: str,
    request: str,
    departments: Iterable[Unit] = (),
    copies: Iterable[Unit] = (),
    project: Project | None = None,
    key_work: KeyWork | None = None,
) -> ContactSheet:
    """A new draft of the actor's own unit."""
    policy.require(actor, "sheet.write")
    if actor.unit is None:
        raise ValidationError(_("您的账号尚未归属单位，不能起草联系单。"))
    sheet = ContactSheet(sender_unit=actor.unit, author=actor)
    values = _clean(actor, sheet, title, problem, request, departments, copies, project, key_work)
    _assign(sheet, values)
    sheet.save()
    sheet.departments.set(values["departments"])
    sheet.copies.set(values["copies"])
    log(sheet, EventKind.CREATED, actor, audit_action=AuditAction.CREATE, changes=created(snapshot(sheet, FIELDS)))
    return sheet


@transaction.atomic
def sheet_update(
    *,
    actor: User,
    sheet: ContactSheet,
    title: str,
    problem: str,
    request: str,
    departments: Iterable[Unit] = (),
    copies: Iterable[Unit] = (),
    project: Project | None = None,
    key_work: KeyWork | None = None,
    expected_version: int | None = None,
) -> ContactSheet:
    """Edit a draft (or a sheet every department returned) of the actor's own unit."""
    require_sender(actor, sheet)
    sheet = lock_current(sheet, expected_version)
    require_state(sheet.status, EDITABLE_STATUSES, _("联系单已发送，不能再修改。"))
    values = _clean(actor, sheet, title, problem, request, departments, copies, project, key_work)
    before = snapshot(sheet, FIELDS)
    _assign(sheet, values)
    sheet.departments.set(values["departments"])
    sheet.copies.set(values["copies"])
    changes = diff(before, snapshot(sheet, FIELDS))
    if changes:
        sheet.version += 1
        sheet.save()
        log(sheet, EventKind.UPDATED, actor, audit_action=AuditAction.UPDATE, changes=changes)
    return sheet


def _clean(actor, sheet, title, problem, request, departments, copies, project, key_work) -> dict:
    title = clean_text(title, "title", label=_("标题"))
    if len(title) > MAX_TITLE:
        raise ValidationError({"title": [_("标题不能超过 %(n)d 字。") % {"n": MAX_TITLE}]})
    departments = list(dict.fromkeys(departments))
    for unit in departments:
        clean_department(unit, "departments", sheet)
    copies = [u for u in dict.fromkeys(copies) if u not in departments]
    for unit in copies:
        if not unit.is_active or unit.pk == sheet.sender_unit_id:
            raise ValidationError({"copies": [_("不能抄送 %(u)s。") % {"u": unit.name}]})
    if project is not None and not visible_projects(actor).filter(pk=project.pk).exists():
        raise ValidationError({"project": [_("只能就本单位可见的项目发起联系单。")]})
    return {
        "title": title, "problem": clean_text(problem, "problem", label=_("问题描述")),
        "request": clean_text(request, "request", label=_("需协调解决的事项")), "project": project,
        "key_work": key_work, "departments": departments, "copies": copies,
    }  # fmt: skip


def _assign(sheet: ContactSheet, values: dict) -> None:
    for name in ("title", "problem", "request", "project", "key_work"):
        setattr(sheet, name, values[name])


# --- attachments -----------------------------------------------------------------------------


@transaction.atomic
def attachments_add(*, actor: User, sheet: ContactSheet, uploads: Sequence) -> list[SheetAttachment]:
    """Attach files to a draft (content-checked, size-limited); all of them or none."""
    require_sender(actor, sheet)
    sheet = lock_current(sheet, None)
    require_state(sheet.status, EDITABLE_STATUSES, _("联系单已发送，不能再添加附件。"))
    if not uploads:
        return []
    limit = conf.SHEET_ATTACHMENTS_PER_SHEET
    if sheet.attachments.count() + len(uploads) > limit:
        raise ValidationError({"attachments": [_("每张联系单最多 %(n)d 个附件。") % {"n": limit}]})
    checked = []
    for upload in uploads:
        try:
            checked.append(checks.check_upload(upload))
        except ValidationError as exc:
            name = (getattr(upload, "name", "") or "")[:80]
            raise ValidationError(
                {"attachments": [f"{name}：{exc.messages[0]}" if name else exc.messages[0]]}
            ) from None
    stored: list[SheetAttachment] = []
    try:
        for item in checked:
            stored.append(_store(actor, sheet, item))
        names = [a.name for a in stored]
        log(sheet, EventKind.ATTACHED, actor, text="、".join(names), audit_action=AuditAction.CREATE,
            changes={"attachments": [None, names]})  # fmt: skip
    except Exception:
        _delete_files(stored)  # the transaction rolls the rows back; the files go with them
        raise
    return stored


def _store(actor: User, sheet: ContactSheet, item: checks.CheckedFile) -> SheetAttachment:
    # The user's file name is only displayed: on disk a generated name with the proven extension.
    attachment = SheetAttachment(sheet=sheet, name=item.name, kind=item.kind, size=item.size, uploaded_by=actor)
    attachment.file.save(f"{uuid.uuid4().hex}.{item.kind}", ContentFile(item.data), save=False)
    try:
        attachment.save()
    except Exception:
        _delete_files([attachment])
        raise
    return attachment


def _delete_files(items: Iterable[SheetAttachment]) -> None:
    for item in items:
        if item.file and item.file.name:
            item.file.storage.delete(item.file.name)


@transaction.atomic
def attachment_delete(*, actor: User, attachment: SheetAttachment) -> None:
    sheet = attachment.sheet
    require_sender(actor, sheet)
    sheet = lock_current(sheet, None)
    require_state(sheet.status, EDITABLE_STATUSES, _("联系单已发送，不能再删除附件。"))
    storage, name, label = attachment.file.storage, attachment.file.name, attachment.name
    attachment.delete()
    log(sheet, EventKind.DETACHED, actor, text=label, audit_action=AuditAction.DELETE,
        changes={"attachments": [label, None]})  # fmt: skip
    transaction.on_commit(lambda: storage.delete(name))  # the file goes once the deletion is committed


# --- send ----------------------------------------------------------------------------------


@transaction.atomic
def sheet_send(*, actor: User, sheet: ContactSheet, expected_version: int | None = None) -> ContactSheet:
    """Send the draft (or the returned sheet, again): one assignment per addressed department,
    each received today with its answer due N days later."""
    require_sender(actor, sheet)
    sheet = lock_current(sheet, expected_version)
    require_state(sheet.status, EDITABLE_STATUSES, _("联系单已发送。"))
    departments = list(sheet.departments.order_by("path"))
    if not departments:
        raise ValidationError({"departments": [_("请至少选择一个承办部门。")]})
    for unit in departments:
        clean_department(unit, "departments", sheet)
    received = today()
    due = answer_due(received)  # UnknownCalendarYear refuses the send, naming the year
    created_rows = [
        SheetAssignment.objects.create(sheet=sheet, department=unit, received_on=received, due_on=due)
        for unit in departments
    ]
    before = sheet.status
    sheet.status, sheet.version = SheetStatus.SENT, sheet.version + 1
    sheet.sent_on = sheet.sent_on or received
    sheet.save()
    if not sheet.number:
        sheet.number = f"LX{received.year}{sheet.pk:06d}"
        sheet.save(update_fields=["number"])
    names = "、".join(u.display_name for u in departments)
    log(sheet, EventKind.SENT, actor, text=_("承办：%(d)s；答复期限 %(due)s") % {"d": names, "due": due.isoformat()},
        data={"departments": [u.code for u in departments], "due_on": due.isoformat()},
        changes={"status": [before, sheet.status], "due_on": [None, due.isoformat()]})  # fmt: skip
    for row in created_rows:
        notify(people.department_people(row.department), Kinds.SENT,
               _("请答复工作联系单：%(t)s（%(due)s 前）") % {"t": sheet.title, "due": due.isoformat()},
               sheet=sheet, obj=row, body=sheet.request)  # fmt: skip
    done(sheet, Kinds.ANSWERED)
    return sheet


# --- the sender decides ------------------------------------------------------------------------


@transaction.atomic
def sheet_confirm(*, actor: User, sheet: ContactSheet, note: str = "", expected_version: int | None = None):
    """销号: the sender is satisfied with every department's result."""
    require_sender(actor, sheet)
    sheet = lock_current(sheet, expected_version)
    require_state(sheet.status, (SheetStatus.RESOLVED,), _("只有已办结的联系单可以销号。"))
    note = clean_text(note, "note", required=False)
    sheet.status, sheet.confirmed_on, sheet.version = SheetStatus.CONFIRMED, today(), sheet.version + 1
    sheet.save()
    log(sheet, EventKind.CONFIRMED, actor, text=note,
        changes={"status": [SheetStatus.RESOLVED, SheetStatus.CONFIRMED]})  # fmt: skip
    done(sheet, *Kinds.SENDER_KINDS)
    return sheet


@transaction.atomic
def sheet_reopen(*, actor: User, sheet: ContactSheet, reason: str, expected_version: int | None = None):
    """不满意: the sender sends every resolved part back to its department, with the reason."""
    require_sender(actor, sheet)
    sheet = lock_current(sheet, expected_version)
    require_state(sheet.status, (SheetStatus.RESOLVED,), _("只有已办结的联系单可以退回重办。"))
    reason = clean_text(reason, "reason", label=_("不满意的理由"))
    parts = list(sheet.assignments.select_for_update().filter(status=AssignmentStatus.RESOLVED).order_by("pk"))
    for part in parts:
        part.status, part.resolved_on, part.version = AssignmentStatus.REOPENED, None, part.version + 1
        part.save()
    sheet.status, sheet.resolved_on, sheet.version = SheetStatus.REOPENED, None, sheet.version + 1
    sheet.save()
    log(sheet, EventKind.REOPENED, actor, text=reason,
        changes={"status": [SheetStatus.RESOLVED, SheetStatus.REOPENED]})  # fmt: skip
    done(sheet, *Kinds.SENDER_KINDS)
    for part in parts:
        notify(people.department_people(part.department), Kinds.REOPENED,
               _("联系单办理结果未获认可，请重新办理：%(t)s") % {"t": sheet.title}, sheet=sheet, obj=part,
               body=reason)  # fmt: skip
    return sheet


def record_export(actor: User, note: str) -> None:
    record(actor=actor, action=AuditAction.EXPORT, object_type="liaison.contactsheet", note=note)
