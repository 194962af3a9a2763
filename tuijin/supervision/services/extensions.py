"""Deadline extensions (延期申请): the owner asks, the supervisor grants or refuses.

A grant moves `Assignment.deadline` and leaves `original_deadline` as first set (the statistics
keep it); the overdue ladder starts again from the new deadline (`notified_rank` reset).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.audit.models import AuditAction
from tuijin.audit.services import created, record
from tuijin.core.concurrency import lock_current
from tuijin.notifications.services import resolve
from tuijin.orgs.models import User
from tuijin.supervision import people
from tuijin.supervision.models import Assignment, EventKind, ExtensionRequest, Status
from tuijin.supervision.services.common import (
    KIND,
    MAX_TEXT,
    clean_text,
    event,
    require_manage,
    require_report,
    tell,
)


@transaction.atomic
def extension_request(
    *, actor: User, assignment: Assignment, new_deadline: dt.date | None, reason: str
) -> ExtensionRequest:
    """延期申请: the owner asks for a later deadline, with a reason (one pending request at a time)."""
    require_report(actor, assignment)
    assignment = lock_current(assignment, None)
    if assignment.status != Status.OPEN:
        raise ValidationError(_("事项已申请销号或已销号，不能申请延期。"), code="state")
    errors: dict[str, list[str]] = {}
    reason = clean_text(reason, "reason", errors)
    if new_deadline is None:
        errors["new_deadline"] = [_("请填写申请延至的日期。")]
    elif new_deadline <= assignment.deadline:
        errors["new_deadline"] = [_("申请延至的日期须晚于当前时限（%(d)s）。") % {"d": assignment.deadline.isoformat()}]
    if assignment.extensions.filter(status=ExtensionRequest.Status.PENDING).exists():
        errors["__all__"] = [_("已有待审批的延期申请。")]
    if errors:
        raise ValidationError(errors)
    extension = ExtensionRequest.objects.create(
        assignment=assignment, old_deadline=assignment.deadline, new_deadline=new_deadline, reason=reason,
        requested_by=actor,
    )  # fmt: skip
    changes = created({"old_deadline": extension.old_deadline.isoformat(), "new_deadline": new_deadline.isoformat()})
    record(actor=actor, action=AuditAction.CREATE, obj=extension, changes=changes, note=reason)
    event(
        assignment, EventKind.EXTENSION_REQUESTED, actor, _("申请延至 %(d)s：%(r)s") % {"d": new_deadline, "r": reason}
    )
    tell(people.supervisors_over(assignment.owner_unit), "extension_requested",
          _("延期申请待审批：%(t)s") % {"t": assignment.title}, assignment, reason)  # fmt: skip
    return extension


def _lock_pending(
    actor: User, extension: ExtensionRequest, expected_version: int | None = None
) -> tuple[ExtensionRequest, Assignment]:
    require_manage(actor, extension.assignment)
    assignment = lock_current(extension.assignment, expected_version)
    extension = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    if extension.status != ExtensionRequest.Status.PENDING:
        raise ValidationError(_("该延期申请已处理。"), code="state")
    return extension, assignment


def _decide(actor: User, extension: ExtensionRequest, status: str, note: str) -> ExtensionRequest:
    old = extension.status
    extension.status, extension.decided_by, extension.decided_at = status, actor, timezone.now()
    extension.decision_note = note
    extension.save()
    record(actor=actor, action=AuditAction.TRANSITION, obj=extension, changes={"status": [old, status]}, note=note)
    resolve(obj=extension.assignment, kinds=[f"{KIND}.extension_requested"])
    return extension


@transaction.atomic
def extension_grant(
    *, actor: User, extension: ExtensionRequest, note: str = "", expected_version: int | None = None
) -> ExtensionRequest:
    """The supervisor grants: the deadline moves, the original deadline stays beside it, and the
    overdue ladder starts again from the new deadline (checked against the assignment's version)."""
    extension, assignment = _lock_pending(actor, extension, expected_version)
    if assignment.status == Status.CLOSED:
        raise ValidationError(_("事项已销号。"), code="state")
    note = (note or "").strip()[:MAX_TEXT]
    old = assignment.deadline
    assignment.deadline, assignment.notified_rank = extension.new_deadline, 0
    assignment.version += 1
    assignment.save()
    record(actor=actor, action=AuditAction.UPDATE, obj=assignment, note=note,
           changes={"deadline": [old.isoformat(), assignment.deadline.isoformat()]})  # fmt: skip
    extension = _decide(actor, extension, ExtensionRequest.Status.GRANTED, note)
    event(
        assignment,
        EventKind.EXTENSION_GRANTED,
        actor,
        _("时限由 %(o)s 延至 %(n)s") % {"o": old, "n": assignment.deadline},
    )
    tell(people.owners(assignment.owner_unit), "extension_decided",
          _("延期申请已同意：%(t)s") % {"t": assignment.title}, assignment, note)  # fmt: skip
    return extension


@transaction.atomic
def extension_refuse(*, actor: User, extension: ExtensionRequest, reason: str) -> ExtensionRequest:
    errors: dict[str, list[str]] = {}
    reason = clean_text(reason, "reason", errors)
    if errors:
        raise ValidationError(errors)
    extension, assignment = _lock_pending(actor, extension)
    extension = _decide(actor, extension, ExtensionRequest.Status.REFUSED, reason)
    event(assignment, EventKind.EXTENSION_REFUSED, actor, reason)
    tell(people.owners(assignment.owner_unit), "extension_decided",
          _("延期申请未同意：%(t)s") % {"t": assignment.title}, assignment, reason)  # fmt: skip
    return extension
