"""Assignments from creation to the owner's progress reports (close-out: `closeout`, extensions:
`extensions`). Each write checks the policy (`common`), validates, locks the row where it
changes one, writes, records the audit event and a timeline event, and notifies in the same
transaction (`tuijin.notifications.services.notify`; deliveries leave after the commit).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.audit.models import AuditAction
from tuijin.audit.services import created, diff, record, snapshot
from tuijin.core.concurrency import lock_current
from tuijin.notifications.services import resolve
from tuijin.orgs import policy
from tuijin.orgs.models import Role, Unit, User
from tuijin.supervision import files, metrics, people, sources
from tuijin.supervision.models import (
    SINGLE_SOURCE_KINDS,
    Assignment,
    Attachment,
    Cycle,
    EventKind,
    ProgressUpdate,
    SourceKind,
    Status,
)
from tuijin.supervision.services.common import (
    KIND,
    clean_text,
    event,
    lock,
    owners_and_leader,
    require_manage,
    require_report,
    store,
    tell,
)

EDITABLE = ("title", "content", "co_units", "leader", "responsibility", "cycle", "on_task_list")


# --- create and edit -----------------------------------------------------------------------------


def _check_leader(leader: User | None, errors: dict) -> None:
    if leader is not None and not (leader.is_active and leader.has_role(Role.LEADER)):
        errors["leader"] = [_("责任领导须为在岗的领导账号。")]


def _check_co_units(actor: User, owner_unit: Unit, co_units: Sequence[Unit], errors: dict) -> list[Unit]:
    units = [u for u in dict.fromkeys(co_units) if u.pk != owner_unit.pk]
    if any(not policy.in_scope(actor, u) for u in units):
        errors["co_units"] = [_("配合单位须在您的管辖范围内。")]
    return units


def _check_source(actor: User, kind: str, source_obj, errors: dict) -> None:
    if kind not in SourceKind.values:
        errors["source_kind"] = [_("请选择来源。")]
    elif source_obj is not None and (sources.type_of(source_obj) is None or sources.type_of(source_obj).kind != kind):
        raise ValueError(f"{source_obj._meta.label} is not a registered source of kind {kind!r}")
    elif source_obj is not None and not sources.may_link(actor, source_obj):
        errors["source_kind"] = [_("来源不在您的管辖范围内。")]
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
    later) is when it was decided — a meeting's date, say; the deadline may not precede it. The
    progress cycles start today all the same (`Assignment.reporting_from`).
    `source_obj` links the source (a record of a registered `sources.SourceType` of `source_kind`:
    a decision, a review problem, a contact sheet, a bulletin) whose scope meets the actor's;
    a decision or a review problem becomes at most one assignment."""
    if owner_unit is None:
        raise ValidationError({"owner_unit": [_("请选择牵头单位。")]})
    policy.require(actor, "assignment.manage", owner_unit)
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    assigned_on = assigned_on or today
    title = clean_text(title, "title", errors, limit=200)
    content = clean_text(content, "content", errors)
    responsibility = clean_text(responsibility, "responsibility", errors, required=False, limit=100)
    _check_source(actor, source_kind, source_obj, errors)
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
    event(assignment, EventKind.CREATED, actor, source_label)
    body = _("办结时限：%(d)s") % {"d": deadline.isoformat()}
    told = [*owners_and_leader(assignment), *people.owners_of(units)]  # co-units work with the owner
    tell(told, "created", _("新交办事项：%(t)s") % {"t": title}, assignment, body)
    return assignment


@transaction.atomic
def assignment_update(*, actor: User, assignment: Assignment, expected_version: int | None, **values) -> Assignment:
    """The supervisor edits what was assigned (not the deadline: that moves only by extension)."""
    require_manage(actor, assignment)
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    assignment = lock(assignment, expected_version)
    if assignment.status == Status.CLOSED:
        raise ValidationError(_("事项已销号，不能修改。"))
    errors: dict[str, list[str]] = {}
    before = snapshot(assignment, EDITABLE)
    if "title" in values:
        assignment.title = clean_text(values["title"], "title", errors, limit=200)
    if "content" in values:
        assignment.content = clean_text(values["content"], "content", errors)
    if "responsibility" in values:
        assignment.responsibility = clean_text(
            values["responsibility"], "responsibility", errors, required=False, limit=100
        )
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
        event(assignment, EventKind.UPDATED, actor, "、".join(str(Assignment._meta.get_field(k).verbose_name)
                                                               for k in changes))  # fmt: skip
    return assignment


# --- progress ------------------------------------------------------------------------------------


def _cycle_answered(assignment: Assignment, today: dt.date, cycle_start: dt.date | None) -> tuple[dt.date, dt.date]:
    """The cycle an update answers: the current one by default, or an earlier one that was missed
    (caught up late). An earlier cycle answered within it is not caught up again."""
    if cycle_start is None:
        return metrics.cycle_of(today, assignment.reporting_from, assignment.cycle)
    for start, end in metrics.cycles(assignment.reporting_from, today, assignment.cycle):
        if start != cycle_start:
            continue
        if end < today and assignment.updates.filter(posted_on__gte=start, posted_on__lte=end).exists():
            raise ValidationError({"cycle_start": [_("该周期已按时报送进展，新的进展请在当前周期报送。")]})
        return start, end
    raise ValidationError({"cycle_start": [_("所选报送周期不存在。")]})


@transaction.atomic
def progress_post(
    *, actor: User, assignment: Assignment, text: str, attachments: Sequence = (), cycle_start: dt.date | None = None
) -> ProgressUpdate:
    """The owner unit reports progress for a cycle (the current one, or a missed one: `late`)."""
    require_report(actor, assignment)
    assignment = lock_current(assignment, None)
    if assignment.status != Status.OPEN:
        raise ValidationError(_("事项已申请销号或已销号，不再报送进展。"), code="state")
    errors: dict[str, list[str]] = {}
    text = clean_text(text, "text", errors)
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
    store(actor, assignment, checked, Attachment.Purpose.PROGRESS, update)
    note = _("%(s)s 至 %(e)s 周期") % {"s": start.isoformat(), "e": end.isoformat()}
    event(assignment, EventKind.PROGRESS, actor, note + (_("（逾期补报）") if update.late else ""))
    resolve(obj=assignment, kinds=[f"{KIND}.progress_due"])
    return update
