"""Assignments from creation to close-out: one function per transition.

Each checks the policy (`assignment.manage` — a supervisor with the owner unit in scope — or
`assignment.report` — a reporter, unit head or handler of the owner unit itself), locks the
row, checks the state against `TRANSITIONS` and the caller's `expected_version`, writes,
records the audit event and a timeline event, and notifies in the same transaction
(`tuijin.notifications.services.notify`; deliveries leave after the commit).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.audit.models import AuditAction
from tuijin.audit.services import created, diff, record, snapshot
from tuijin.core import policy
from tuijin.core.concurrency import lock_current
from tuijin.notifications.services import notify, resolve
from tuijin.orgs.models import Role, Unit, User
from tuijin.supervision import files, metrics, people
from tuijin.supervision.models import (
    SINGLE_SOURCE_KINDS,
    TRANSITIONS,
    Assignment,
    AssignmentEvent,
    Attachment,
    Cycle,
    EventKind,
    ProgressUpdate,
    SourceKind,
    Status,
)

MAX_TEXT = 4000
EDITABLE = ("title", "content", "co_units", "leader", "responsibility", "cycle", "on_task_list")
KIND = "assignment"  # notification kinds are "assignment.<what>"


# --- guards --------------------------------------------------------------------------------------


def may_manage(user: User, assignment: Assignment) -> bool:
    return policy.allows(user, "assignment.manage", assignment.owner_unit)


def may_report(user: User, assignment: Assignment) -> bool:
    """Only the people of the owner unit itself report (not a unit above it, not a co-unit)."""
    return policy.allows(user, "assignment.report", assignment.owner_unit) and user.unit_id == assignment.owner_unit_id


def _require_manage(actor: User, assignment: Assignment) -> None:
    policy.require(actor, "assignment.manage", assignment.owner_unit)


def _require_report(actor: User, assignment: Assignment) -> None:
    policy.require(actor, "assignment.report", assignment.owner_unit)
    if actor.unit_id != assignment.owner_unit_id:
        raise PermissionDenied(_("只有牵头单位的人员可以办理该事项。"))


def _text(value: str | None, field: str, errors: dict, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    if required and not text:
        errors[field] = [_("此项为必填项。")]
    elif len(text) > limit:
        errors[field] = [_("不能超过 %(n)d 字。") % {"n": limit}]
    return text


def _lock(assignment: Assignment, expected_version: int | None, *to: str) -> Assignment:
    """Lock the row, check the version and that each status in `to` may follow the current one."""
    fresh = lock_current(assignment, expected_version)
    for status in to:
        if status not in TRANSITIONS[fresh.status]:
            raise ValidationError(
                _("事项当前状态为“%(s)s”，不能执行此操作。") % {"s": Status(fresh.status).label}, code="state"
            )
    return fresh


def _set_status(actor: User, assignment: Assignment, status: str, note: str = "", **fields) -> Assignment:
    old = assignment.status
    assignment.status = status
    for name, value in fields.items():
        setattr(assignment, name, value)
    assignment.version += 1
    assignment.save()
    changes = {"status": [old, status]} | {k: [None, _json(v)] for k, v in fields.items()}
    record(actor=actor, action=AuditAction.TRANSITION, obj=assignment, changes=changes, note=note)
    return assignment


def _json(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def _event(assignment: Assignment, kind: str, actor: User | None, note: str = "") -> AssignmentEvent:
    return AssignmentEvent.objects.create(assignment=assignment, kind=kind, actor=actor, note=note[:MAX_TEXT])


def url_of(assignment: Assignment) -> str:
    return reverse("supervision:detail", args=[assignment.pk])


def _tell(recipients: Iterable[User], what: str, title: str, assignment: Assignment, body: str = "", key: str = ""):
    return notify(
        recipients=recipients, kind=f"{KIND}.{what}", title=title, body=body, url=url_of(assignment),
        obj=assignment, dedupe_key=key,
    )  # fmt: skip


def _owners_and_leader(assignment: Assignment) -> list[User]:
    return [*people.owners(assignment.owner_unit), *([assignment.leader] if assignment.leader else [])]


# --- create and edit -----------------------------------------------------------------------------


def _check_leader(leader: User | None, errors: dict) -> None:
    if leader is not None and not (leader.is_active and leader.has_role(Role.LEADER)):
        errors["leader"] = [_("责任领导须为在岗的领导账号。")]


def _check_co_units(actor: User, owner_unit: Unit, co_units: Sequence[Unit], errors: dict) -> list[Unit]:
    units = [u for u in dict.fromkeys(co_units) if u.pk != owner_unit.pk]
    if any(not policy.in_scope(actor, u) for u in units):
        errors["co_units"] = [_("配合单位须在您的管辖范围内。")]
    return units


def _check_source(kind: str, source_obj, errors: dict) -> None:
    if kind not in SourceKind.values:
        errors["source_kind"] = [_("请选择来源。")]
    elif kind in SINGLE_SOURCE_KINDS:
        if source_obj is None:
            errors["source_kind"] = [_("会议议定事项和点评问题须从会议中转为督办事项。")]
        elif Assignment.objects.filter(
            source_type=ContentType.objects.get_for_model(source_obj), source_id=source_obj.pk
        ).exists():
            errors["__all__"] = [_("该事项已转为督办事项。")]


@transaction.atomic
def assignment_create(
    *,
    actor: User,
    title: str,
    content: str,
    source_kind: str,
    source_obj: models.Model | None = None,
    owner_unit: Unit,
    co_units: Sequence[Unit] = (),
    leader: User | None = None,
    deadline: dt.date | None,
    cycle: str = Cycle.MONTHLY,
    on_task_list: bool = False,
    responsibility: str = "",
    assigned_on: dt.date | None = None,
    review=None,
    source_label: str = "",
) -> Assignment:
    """A supervisor assigns work to `owner_unit` (in scope). `assigned_on` (default today, never
    later) is when it was decided — a meeting's date, say; the deadline may not precede it.
    `source_obj` links the source (a decision, a review problem, a contact sheet, a finding);
    a decision or a review problem becomes at most one assignment."""
    if owner_unit is None:
        raise ValidationError({"owner_unit": [_("请选择牵头单位。")]})
    policy.require(actor, "assignment.manage", owner_unit)
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    assigned_on = assigned_on or today
    title = _text(title, "title", errors, limit=200)
    content = _text(content, "content", errors)
    responsibility = _text(responsibility, "responsibility", errors, required=False, limit=100)
    _check_source(source_kind, source_obj, errors)
    _check_leader(leader, errors)
    units = _check_co_units(actor, owner_unit, co_units, errors)
    if cycle not in Cycle.values:
        errors["cycle"] = [_("请选择进展报送周期。")]
    if assigned_on > today:
        errors["assigned_on"] = [_("交办日期不能晚于今天。")]
    if deadline is None:
        errors["deadline"] = [_("请填写办结时限。")]
    elif deadline < assigned_on:
        errors["deadline"] = [_("办结时限不能早于交办日期。")]
    if errors:
        raise ValidationError(errors)
    assignment = Assignment(
        title=title, content=content, source_kind=source_kind, source_label=source_label[:200], review=review,
        owner_unit=owner_unit, leader=leader, responsibility=responsibility, assigned_on=assigned_on,
        deadline=deadline, original_deadline=deadline, cycle=cycle, year=assigned_on.year,
        on_task_list=bool(on_task_list), created_by=actor,
    )  # fmt: skip
    if source_obj is not None:
        assignment.source = source_obj
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError:
        raise ValidationError({"__all__": [_("该事项已转为督办事项。")]}) from None
    assignment.co_units.set(units)
    fields = ("title", "source_kind", "owner_unit", "co_units", "leader", "deadline", "cycle", "on_task_list")
    record(actor=actor, action=AuditAction.CREATE, obj=assignment, changes=created(snapshot(assignment, fields)))
    _event(assignment, EventKind.CREATED, actor, source_label)
    body = _("办结时限：%(d)s") % {"d": deadline.isoformat()}
    _tell(_owners_and_leader(assignment), "created", _("新交办事项：%(t)s") % {"t": title}, assignment, body)
    return assignment


@transaction.atomic
def assignment_update(*, actor: User, assignment: Assignment, expected_version: int | None, **values) -> Assignment:
    """The supervisor edits what was assigned (not the deadline: that moves only by extension)."""
    _require_manage(actor, assignment)
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    assignment = _lock(assignment, expected_version)
    if assignment.status == Status.CLOSED:
        raise ValidationError(_("事项已销号，不能修改。"))
    errors: dict[str, list[str]] = {}
    before = snapshot(assignment, EDITABLE)
    if "title" in values:
        assignment.title = _text(values["title"], "title", errors, limit=200)
    if "content" in values:
        assignment.content = _text(values["content"], "content", errors)
    if "responsibility" in values:
        assignment.responsibility = _text(values["responsibility"], "responsibility", errors, required=False, limit=100)
    if "leader" in values:
        _check_leader(values["leader"], errors)
        assignment.leader = values["leader"]
    if "cycle" in values:
        if values["cycle"] not in Cycle.values:
            errors["cycle"] = [_("请选择进展报送周期。")]
        assignment.cycle = values["cycle"]
    if "on_task_list" in values:
        assignment.on_task_list = bool(values["on_task_list"])
    units = _check_co_units(actor, assignment.owner_unit, values.get("co_units", ()), errors)
    if errors:
        raise ValidationError(errors)
    if "co_units" in values:
        assignment.co_units.set(units)
    changes = diff(before, snapshot(assignment, EDITABLE))
    if changes:
        assignment.version += 1
        assignment.save()
        record(actor=actor, action=AuditAction.UPDATE, obj=assignment, changes=changes)
        _event(assignment, EventKind.UPDATED, actor, "、".join(str(Assignment._meta.get_field(k).verbose_name)
                                                               for k in changes))  # fmt: skip
    return assignment


# --- progress ------------------------------------------------------------------------------------


def _cycle_answered(assignment: Assignment, today: dt.date, cycle_start: dt.date | None) -> tuple[dt.date, dt.date]:
    """The cycle an update answers: the current one by default, or an earlier one being caught up."""
    if cycle_start is None:
        return metrics.cycle_of(today, assignment.assigned_on, assignment.cycle)
    for start, end in metrics.cycles(assignment.assigned_on, today, assignment.cycle):
        if start == cycle_start:
            return start, end
    raise ValidationError({"cycle_start": [_("所选报送周期不存在。")]})


@transaction.atomic
def progress_post(
    *, actor: User, assignment: Assignment, text: str, attachments: Sequence = (), cycle_start: dt.date | None = None
) -> ProgressUpdate:
    """The owner unit reports progress for a cycle (the current one, or a missed one: `late`)."""
    _require_report(actor, assignment)
    assignment = lock_current(assignment, None)
    if assignment.status != Status.OPEN:
        raise ValidationError(_("事项已申请销号或已销号，不再报送进展。"), code="state")
    errors: dict[str, list[str]] = {}
    text = _text(text, "text", errors)
    if errors:
        raise ValidationError(errors)
    checked = files.check_uploads(attachments)
    today = timezone.localdate()
    start, end = _cycle_answered(assignment, today, cycle_start)
    update = ProgressUpdate.objects.create(
        assignment=assignment, text=text, cycle_start=start, cycle_end=end, posted_on=today, late=today > end,
        posted_by=actor,
    )  # fmt: skip
    changes = created({"cycle_start": start.isoformat(), "cycle_end": end.isoformat(), "late": update.late})
    record(actor=actor, action=AuditAction.CREATE, obj=update, changes=changes)
    _store(actor, assignment, checked, Attachment.Purpose.PROGRESS, update)
    note = _("%(s)s 至 %(e)s 周期") % {"s": start.isoformat(), "e": end.isoformat()}
    _event(assignment, EventKind.PROGRESS, actor, note + (_("（逾期补报）") if update.late else ""))
    resolve(obj=assignment, kinds=[f"{KIND}.progress_due"])
    return update


# --- close-out -----------------------------------------------------------------------------------


@transaction.atomic
def closeout_request(
    *, actor: User, assignment: Assignment, evidence: str, attachments: Sequence = (), expected_version: int | None
) -> Assignment:
    """申请销号: the owner says the work is done and shows the evidence."""
    _require_report(actor, assignment)
    errors: dict[str, list[str]] = {}
    evidence = _text(evidence, "evidence", errors)
    if errors:
        raise ValidationError(errors)
    checked = files.check_uploads(attachments)
    assignment = _lock(assignment, expected_version, Status.CLOSEOUT_REQUESTED)
    today = timezone.localdate()
    _set_status(actor, assignment, Status.CLOSEOUT_REQUESTED, evidence, closeout_evidence=evidence,
                closeout_requested_on=today, return_reason="")  # fmt: skip
    _store(actor, assignment, checked, Attachment.Purpose.CLOSEOUT, None)
    _event(assignment, EventKind.CLOSEOUT_REQUESTED, actor, evidence)
    _tell(people.supervisors_over(assignment.owner_unit), "closeout_requested",
          _("申请销号待审核：%(t)s") % {"t": assignment.title}, assignment, evidence)  # fmt: skip
    return assignment


@transaction.atomic
def closeout_approve(
    *, actor: User, assignment: Assignment, note: str = "", expected_version: int | None
) -> Assignment:
    """销号: the supervisor closes the item out; its open inbox items are done."""
    _require_manage(actor, assignment)
    assignment = _lock(assignment, expected_version, Status.CLOSED)
    note = (note or "").strip()[:MAX_TEXT]
    _set_status(actor, assignment, Status.CLOSED, note, closed_on=timezone.localdate())
    _event(assignment, EventKind.CLOSED, actor, note)
    resolve(obj=assignment)
    _tell(_owners_and_leader(assignment), "closed", _("已销号：%(t)s") % {"t": assignment.title}, assignment, note)
    return assignment


@transaction.atomic
def closeout_return(*, actor: User, assignment: Assignment, reason: str, expected_version: int | None) -> Assignment:
    """The supervisor returns the close-out request with a reason; the item is open again."""
    _require_manage(actor, assignment)
    errors: dict[str, list[str]] = {}
    reason = _text(reason, "reason", errors)
    if errors:
        raise ValidationError(errors)
    assignment = _lock(assignment, expected_version, Status.OPEN)
    _set_status(actor, assignment, Status.OPEN, reason, return_reason=reason, closeout_requested_on=None)
    _event(assignment, EventKind.RETURNED, actor, reason)
    resolve(obj=assignment, kinds=[f"{KIND}.closeout_requested"])
    _tell(people.owners(assignment.owner_unit), "returned", _("销号申请被退回：%(t)s") % {"t": assignment.title},
          assignment, reason)  # fmt: skip
    return assignment


# --- attachments ---------------------------------------------------------------------------------


def _store(actor: User, assignment: Assignment, checked: list, purpose: str, update: ProgressUpdate | None) -> None:
    stored: list[Attachment] = []
    try:
        for item in checked:
            attachment = Attachment(
                assignment=assignment, update=update, purpose=purpose, name=item.name,
                content_type=item.content_type, size=item.size, uploaded_by=actor,
            )  # fmt: skip
            attachment.file.save(f"{uuid.uuid4().hex}.{item.extension}", ContentFile(item.data), save=False)
            attachment.save()
            stored.append(attachment)
            changes = created({"name": item.name, "content_type": item.content_type, "size": item.size})
            record(actor=actor, action=AuditAction.CREATE, obj=attachment, changes=changes)
    except Exception:
        for attachment in stored:
            attachment.file.storage.delete(attachment.file.name)
        raise
