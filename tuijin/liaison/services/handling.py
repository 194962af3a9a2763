"""The departments' side: accept (受理), transfer (转办), return (退回), resolve (办结).

Only a handler or head of the addressed department answers its own part (`sheet.handle`,
`actor.unit` is the assignment's department). Each part is locked (sheet first, then the part)
and checked against the version the caller read. Accepting, transferring and returning are all
written answers: the answer date and the days it took are recorded for the statistics. When no
part is open any more the sheet settles: resolved when at least one department resolved its
part, returned when every department returned it.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tuijin.audit.models import AuditAction
from tuijin.audit.services import record
from tuijin.liaison import conf, people
from tuijin.liaison.models import (
    AWAITING_ANSWER,
    AWAITING_SOLUTION,
    HANDED_ON,
    HANDLING_STATUSES,
    OPEN_ASSIGNMENT,
    AssignmentStatus,
    ContactSheet,
    EventKind,
    SheetAssignment,
    SheetStatus,
)
from tuijin.liaison.services.common import (
    Kinds,
    answer_due,
    check_version,
    clean_department,
    clean_text,
    done,
    lock_assignment,
    log,
    notify,
    require_handler,
    require_state,
    today,
)
from tuijin.orgs.models import Unit, User


def _answered(part: SheetAssignment, on: dt.date) -> None:
    part.answered_on, part.answer_days = on, (on - part.received_on).days


def _open_for(sheet: ContactSheet, department: Unit) -> bool:
    return sheet.assignments.filter(department=department, status__in=OPEN_ASSIGNMENT).exists()


@transaction.atomic
def assignment_accept(
    *, actor: User, assignment: SheetAssignment, answer: str, promised_on: dt.date | None,
    expected_version: int | None = None,
) -> SheetAssignment:  # fmt: skip
    """受理: the department's written opinion and the date it promises to solve the problem by
    (not before the answer date, i.e. today)."""
    require_handler(actor, assignment)
    sheet, part = lock_assignment(assignment)
    check_version(part, expected_version)
    require_state(part.status, AWAITING_ANSWER, _("该事项已答复，不能重复受理。"))
    answer = clean_text(answer, "answer", label=_("受理意见"))
    on = today()
    if promised_on is None:
        raise ValidationError({"promised_on": [_("请填写承诺办结日期。")]})
    if promised_on < on:
        raise ValidationError({"promised_on": [_("承诺办结日期不能早于答复日期（%(d)s）。") % {"d": on.isoformat()}]})
    _answered(part, on)
    part.status, part.answer, part.promised_on, part.version = (
        AssignmentStatus.ACCEPTED, answer, promised_on, part.version + 1,
    )  # fmt: skip
    part.save()
    late = part.answered_on > part.due_on
    log(sheet, EventKind.ACCEPTED, actor, assignment=part, text=answer,
        data={"promised_on": promised_on.isoformat(), "late": late},
        changes={"status": [AssignmentStatus.PENDING, part.status],
                 "promised_on": [None, promised_on.isoformat()]})  # fmt: skip
    _touch(sheet)
    done(part, *Kinds.DEPARTMENT_KINDS)
    notify(people.sender_people(sheet), Kinds.ANSWERED,
           _("%(d)s已受理联系单，承诺 %(p)s 前办结：%(t)s")
           % {"d": part.department.display_name, "p": promised_on.isoformat(), "t": sheet.title},
           sheet=sheet, body=answer)  # fmt: skip
    return part


@transaction.atomic
def assignment_transfer(
    *, actor: User, assignment: SheetAssignment, to_department: Unit | None, reason: str,
    expected_version: int | None = None,
) -> SheetAssignment:  # fmt: skip
    """转办: the department hands its part to the department that should answer, with the reason.
    Returns the new department's part; its clock restarts or carries on (a setting)."""
    require_handler(actor, assignment)
    sheet, part = lock_assignment(assignment)
    check_version(part, expected_version)
    require_state(part.status, AWAITING_ANSWER, _("只有待受理的事项可以转办。"))
    reason = clean_text(reason, "reason", label=_("转办理由"))
    to_department = clean_department(to_department, "to_department", sheet)
    if to_department.pk == part.department_id or _open_for(sheet, to_department):
        raise ValidationError({"to_department": [_("%(u)s 已在办理该联系单。") % {"u": to_department.name}]})
    on = today()
    _answered(part, on)
    part.status, part.reason, part.version = AssignmentStatus.TRANSFERRED, reason, part.version + 1
    part.save()
    successor = _hand_on(sheet, part, to_department, restart=conf.SHEET_TRANSFER_RESTARTS_CLOCK)
    log(sheet, EventKind.TRANSFERRED, actor, assignment=part,
        text=_("转 %(u)s：%(r)s") % {"u": to_department.display_name, "r": reason},
        data={"to": to_department.code, "due_on": successor.due_on.isoformat()},
        changes={"status": [AssignmentStatus.PENDING, part.status], "department": [part.department.code,
                 to_department.code]})  # fmt: skip
    _touch(sheet)
    done(part, *Kinds.DEPARTMENT_KINDS)
    notify(people.sender_people(sheet), Kinds.ANSWERED,
           _("%(d)s已将联系单转 %(u)s 办理：%(t)s")
           % {"d": part.department.display_name, "u": to_department.display_name, "t": sheet.title},
           sheet=sheet, body=reason)  # fmt: skip
    return successor


def _hand_on(sheet: ContactSheet, part: SheetAssignment, to: Unit, *, restart: bool) -> SheetAssignment:
    """Open the next department's part (transfer or reassignment) and tell its people."""
    received = today()
    if restart:
        due = answer_due(received)
    else:
        received, due = part.received_on, part.due_on
    successor = SheetAssignment.objects.create(
        sheet=sheet, department=to, received_on=received, due_on=due, previous=part
    )
    notify(people.department_people(to), Kinds.SENT,
           _("请答复工作联系单：%(t)s（%(due)s 前）") % {"t": sheet.title, "due": due.isoformat()},
           sheet=sheet, obj=successor, body=sheet.request)  # fmt: skip
    return successor


@transaction.atomic
def assignment_return(
    *, actor: User, assignment: SheetAssignment, reason: str, expected_version: int | None = None
) -> SheetAssignment:
    """退回: the department gives the sheet back (not its business, not clear), with the reason."""
    require_handler(actor, assignment)
    sheet, part = lock_assignment(assignment)
    check_version(part, expected_version)
    require_state(part.status, AWAITING_ANSWER, _("只有待受理的事项可以退回。"))
    reason = clean_text(reason, "reason", label=_("退回理由"))
    _answered(part, today())
    part.status, part.reason, part.version = AssignmentStatus.RETURNED, reason, part.version + 1
    part.save()
    log(sheet, EventKind.RETURNED, actor, assignment=part, text=reason,
        changes={"status": [AssignmentStatus.PENDING, part.status]})  # fmt: skip
    done(part, *Kinds.DEPARTMENT_KINDS)
    notify(people.sender_people(sheet), Kinds.ANSWERED,
           _("%(d)s退回了联系单：%(t)s") % {"d": part.department.display_name, "t": sheet.title},
           sheet=sheet, body=reason)  # fmt: skip
    settle(sheet, actor)
    return part


@transaction.atomic
def assignment_resolve(
    *, actor: User, assignment: SheetAssignment, result: str, expected_version: int | None = None
) -> SheetAssignment:
    """办结: the department's written result. The sheet is resolved when every part is."""
    require_handler(actor, assignment)
    sheet, part = lock_assignment(assignment)
    check_version(part, expected_version)
    require_state(part.status, AWAITING_SOLUTION, _("只有已受理的事项可以办结。"))
    result = clean_text(result, "result", label=_("办理结果"))
    before = part.status
    on = today()
    part.status, part.result, part.resolved_on, part.version = AssignmentStatus.RESOLVED, result, on, part.version + 1
    part.save()
    late = part.promised_on is not None and on > part.promised_on
    log(sheet, EventKind.RESOLVED, actor, assignment=part, text=result, data={"late": late},
        changes={"status": [before, part.status]})  # fmt: skip
    done(part, *Kinds.DEPARTMENT_KINDS)
    notify(people.sender_people(sheet), Kinds.RESOLVED,
           _("%(d)s已办结联系单：%(t)s") % {"d": part.department.display_name, "t": sheet.title},
           sheet=sheet, body=result)  # fmt: skip
    settle(sheet, actor)
    return part


def settle(sheet: ContactSheet, actor: User | None) -> ContactSheet:
    """Once no part is open, the sheet is resolved (some part resolved) or returned (all returned).
    `sheet` is locked by the caller."""
    _touch(sheet)
    if sheet.status not in HANDLING_STATUSES or _has_open(sheet):
        return sheet
    statuses = set(sheet.assignments.values_list("status", flat=True))
    before = sheet.status
    if AssignmentStatus.RESOLVED in statuses:
        sheet.status, sheet.resolved_on = SheetStatus.RESOLVED, today()
        sheet.save()
        notify(people.sender_people(sheet), Kinds.TO_CONFIRM,
               _("联系单已全部办结，请确认销号或提出不满意：%(t)s") % {"t": sheet.title}, sheet=sheet)  # fmt: skip
        done(sheet, Kinds.ESCALATED)
    elif statuses <= {AssignmentStatus.RETURNED, *HANDED_ON}:
        sheet.status = SheetStatus.RETURNED
        sheet.save()
    if sheet.status != before:
        record(actor=actor, action=AuditAction.TRANSITION, obj=sheet, changes={"status": [before, sheet.status]},
               note=str(SheetStatus(sheet.status).label))  # fmt: skip
    return sheet


def _has_open(sheet: ContactSheet) -> bool:
    return sheet.assignments.filter(status__in=OPEN_ASSIGNMENT).exists()


def _touch(sheet: ContactSheet) -> None:
    # A change to any part is a change to the sheet: forms built before it are stale.
    sheet.version += 1
    sheet.save(update_fields=["version", "updated_at"])
