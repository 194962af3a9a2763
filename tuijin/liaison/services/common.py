"""What every sheet service shares: the guards (policy, unit, state, version), the timeline event
with its audit record, and the notifications. Call the writers inside the caller's transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.audit.models import AuditAction
from tuijin.audit.services import record
from tuijin.core.concurrency import StaleEditError
from tuijin.liaison import conf
from tuijin.liaison.models import ContactSheet, EventKind, SheetAssignment, SheetEvent
from tuijin.orgs import policy
from tuijin.orgs.models import Unit, UnitType, User
from tuijin.workdays import workcalendar

MAX_TEXT = 5000


# --- guards --------------------------------------------------------------------------------


def is_sender(user: User, sheet: ContactSheet) -> bool:
    """A reporter or unit head of the sheet's own unit (not a unit above or below)."""
    return policy.allows(user, "sheet.write", sheet.sender_unit) and user.unit_id == sheet.sender_unit_id


def is_handler(user: User, assignment: SheetAssignment) -> bool:
    """A handler or head of the addressed department: only it answers its part."""
    department = assignment.department
    return policy.allows(user, "sheet.handle", department) and user.unit_id == department.pk


def is_escalation_leader(user: User, sheet: ContactSheet) -> bool:
    """A leader the sheet was escalated to, or a city-level leader (who sees every sheet)."""
    if not policy.allows(user, "sheet.escalation") or sheet.escalated_at is None:
        return False
    return policy.sees_all(user) or sheet.escalated_to.filter(pk=user.pk).exists()


def is_agenda_keeper(user: User) -> bool:
    """A city-level supervisor keeps the mayor's office meeting agenda."""
    return policy.allows(user, "sheet.agenda") and policy.sees_all(user)


def require_sender(user: User, sheet: ContactSheet) -> None:
    policy.require(user, "sheet.write", sheet.sender_unit)
    if user.unit_id != sheet.sender_unit_id:
        raise PermissionDenied(_("只有发起单位可以进行此操作。"))


def require_handler(user: User, assignment: SheetAssignment) -> None:
    policy.require(user, "sheet.handle", assignment.department)
    if user.unit_id != assignment.department_id:
        raise PermissionDenied(_("只有承办单位可以答复本单位承办的事项。"))


def require_escalation_leader(user: User, sheet: ContactSheet) -> None:
    policy.require(user, "sheet.escalation")
    if sheet.escalated_at is None:
        raise ValidationError(_("该联系单尚未升级至领导，不能进行此操作。"), code="state")
    if not is_escalation_leader(user, sheet):
        raise PermissionDenied(_("该联系单未升级至您。"))


def require_agenda_keeper(user: User) -> None:
    policy.require(user, "sheet.agenda")
    if not policy.sees_all(user):
        raise PermissionDenied(_("市长办公会议议题由市级督查员管理。"))


def require_state(current: str, allowed: Iterable[str], message: str) -> None:
    if current not in allowed:
        raise ValidationError(message, code="state")


def check_version(obj, expected_version: int | None) -> None:
    """`obj` is a freshly locked row; refuse a caller who read an older version."""
    if expected_version is not None and obj.version != int(expected_version):
        raise StaleEditError()


def lock_sheet(sheet: ContactSheet) -> ContactSheet:
    # Rows are always locked sheet first, then its assignments by id: no deadlocks.
    related = ContactSheet.objects.select_related("sender_unit", "project", "author")
    return related.select_for_update(of=("self",)).get(pk=sheet.pk)


def lock_assignment(assignment: SheetAssignment) -> tuple[ContactSheet, SheetAssignment]:
    sheet = lock_sheet(assignment.sheet)
    fresh = SheetAssignment.objects.select_related("department").select_for_update(of=("self",)).get(pk=assignment.pk)
    return sheet, fresh


# --- values --------------------------------------------------------------------------------


def clean_text(value: str | None, field: str, *, required: bool = True, label: str = "") -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError({field: [_("请填写%(label)s。") % {"label": label or _("内容")}]})
    if len(text) > MAX_TEXT:
        raise ValidationError({field: [_("不能超过 %(n)d 字。") % {"n": MAX_TEXT}]})
    return text


def clean_department(unit: Unit | None, field: str, sheet: ContactSheet) -> Unit:
    if unit is None:
        raise ValidationError({field: [_("请选择承办部门。")]})
    if unit.type != UnitType.DEPARTMENT or not unit.is_active:
        raise ValidationError({field: [_("%(u)s 不是在用的部门，不能承办联系单。") % {"u": unit.name}]})
    if unit.pk == sheet.sender_unit_id:
        raise ValidationError({field: [_("不能交由发起单位自己承办。")]})
    return unit


def answer_due(received_on: dt.date) -> dt.date:
    """The answer's due date: N days after receipt by the calendar (a year it does not know is
    refused with its message, never guessed)."""
    return workcalendar.due_date(received_on, conf.SHEET_ANSWER_DAYS, conf.SHEET_DAY_MODE)


# The clock of the services. The demo loader (and any import of historical sheets) replays past
# days inside `replaying(day)`; nothing a user sends can set it: views and the API never do.
_replay: ContextVar[dt.date | None] = ContextVar("liaison_replay", default=None)


@contextmanager
def replaying(day: dt.date):
    token = _replay.set(day)
    try:
        yield
    finally:
        _replay.reset(token)


def today() -> dt.date:
    return _replay.get() or timezone.localdate()


def now() -> dt.datetime:
    day = _replay.get()
    if day is None:
        return timezone.now()
    return dt.datetime.combine(day, dt.time(10, 0), tzinfo=timezone.get_current_timezone())


def sheet_url(sheet: ContactSheet) -> str:
    return reverse("liaison:sheet_detail", args=[sheet.pk])


# --- timeline, audit, notifications ---------------------------------------------------------


def log(
    sheet: ContactSheet,
    kind: str,
    actor: User | None,
    *,
    assignment: SheetAssignment | None = None,
    text: str = "",
    data: dict[str, Any] | None = None,
    audit_action: str = AuditAction.TRANSITION,
    changes: dict[str, Any] | None = None,
) -> SheetEvent:
    """One step of the sheet: a timeline event and its audit record, in the caller's transaction."""
    event = SheetEvent.objects.create(
        sheet=sheet, assignment=assignment, kind=kind, actor=actor, actor_unit=getattr(actor, "unit", None),
        text=text, data=data or {}, at=now(),
    )  # fmt: skip
    note = f"{EventKind(kind).label}" + (f"：{text}" if text else "")
    record(actor=actor, action=audit_action, obj=sheet, changes=changes or {}, note=note)
    return event


def notify(
    recipients, kind: str, title: str, *, sheet: ContactSheet, obj=None, body: str = "", dedupe_key: str = "",
    url: str = "",
):  # fmt: skip
    from tuijin.notifications.services import notify as send

    people = [u for u in recipients if u is not None]
    if not people:
        return []
    return send(
        recipients=people, kind=kind, title=title, body=body, url=url or sheet_url(sheet), obj=obj or sheet,
        dedupe_key=dedupe_key,
    )  # fmt: skip


def done(obj, *kinds: str) -> int:
    """Mark the open inbox items about `obj` as done (the action they asked for was taken)."""
    from tuijin.notifications.services import resolve

    return resolve(obj=obj, kinds=list(kinds) or None)


class Kinds:
    """Notification kinds of the sheets (the inbox groups and resolves by these)."""

    SENT = "sheet.sent"  # to a department: answer it
    ANSWERED = "sheet.answered"  # to the sender: a department accepted, transferred or returned
    RESOLVED = "sheet.resolved"  # to the sender: a department resolved its part
    TO_CONFIRM = "sheet.to_confirm"  # to the sender: every part resolved, confirm or reopen
    REOPENED = "sheet.reopened"  # to a department: the sender was not satisfied
    ESCALATED = "sheet.escalated"  # to the leader: decide
    INSTRUCTION = "sheet.instruction"  # to a department: the leader's instruction
    AGENDA = "sheet.agenda"  # to the supervisors: on the mayor's office meeting agenda
    DECISION = "sheet.decision"  # to everyone concerned: the meeting decided
    REMINDER = "sheet.reminder"  # to a department: due in two days / today
    DIGEST = "sheet.digest"  # to a department head or lead leader: today's overdue list

    SENDER_KINDS = (ANSWERED, RESOLVED, TO_CONFIRM)
    DEPARTMENT_KINDS = (SENT, REOPENED, INSTRUCTION, REMINDER)
