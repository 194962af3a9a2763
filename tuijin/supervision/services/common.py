"""What every assignment write shares: the guards, the row lock with the state check, the status
write with its audit event, the timeline, the notices and the stored attachments.

Guards: `assignment.manage` is a supervisor with the owner unit in scope; `assignment.report`
is a reporter, unit head or handler of the owner unit itself (not a unit above it, not a co-unit).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils.translation import gettext as _

from tuijin.audit.models import AuditAction
from tuijin.audit.services import created, record
from tuijin.core.concurrency import lock_current
from tuijin.notifications.services import notify
from tuijin.orgs import policy
from tuijin.orgs.models import User
from tuijin.supervision import people
from tuijin.supervision.models import TRANSITIONS, Assignment, AssignmentEvent, Attachment, ProgressUpdate, Status

MAX_TEXT = 4000
KIND = "assignment"  # notification kinds are "assignment.<what>"


def may_manage(user: User, assignment: Assignment) -> bool:
    return policy.allows(user, "assignment.manage", assignment.owner_unit)


def may_report(user: User, assignment: Assignment) -> bool:
    """Only the people of the owner unit itself report (not a unit above it, not a co-unit)."""
    return policy.allows(user, "assignment.report", assignment.owner_unit) and user.unit_id == assignment.owner_unit_id


def require_manage(actor: User, assignment: Assignment) -> None:
    policy.require(actor, "assignment.manage", assignment.owner_unit)


def require_report(actor: User, assignment: Assignment) -> None:
    policy.require(actor, "assignment.report", assignment.owner_unit)
    if actor.unit_id != assignment.owner_unit_id:
        raise PermissionDenied(_("只有牵头单位的人员可以办理该事项。"))


def clean_text(value: str | None, field: str, errors: dict, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    if required and not text:
        errors[field] = [_("此项为必填项。")]
    elif len(text) > limit:
        errors[field] = [_("不能超过 %(n)d 字。") % {"n": limit}]
    return text


def lock(assignment: Assignment, expected_version: int | None, *to: str) -> Assignment:
    """Lock the row, check the version and that each status in `to` may follow the current one."""
    fresh = lock_current(assignment, expected_version)
    for status in to:
        if status not in TRANSITIONS[fresh.status]:
            raise ValidationError(
                _("事项当前状态为“%(s)s”，不能执行此操作。") % {"s": Status(fresh.status).label}, code="state"
            )
    return fresh


def set_status(actor: User, assignment: Assignment, status: str, note: str = "", **fields) -> Assignment:
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


def event(assignment: Assignment, kind: str, actor: User | None, note: str = "") -> AssignmentEvent:
    return AssignmentEvent.objects.create(assignment=assignment, kind=kind, actor=actor, note=note[:MAX_TEXT])


def url_of(assignment: Assignment) -> str:
    return reverse("supervision:detail", args=[assignment.pk])


def tell(recipients: Iterable[User], what: str, title: str, assignment: Assignment, body: str = "", key: str = ""):
    return notify(
        recipients=recipients, kind=f"{KIND}.{what}", title=title, body=body, url=url_of(assignment),
        obj=assignment, dedupe_key=key,
    )  # fmt: skip


def owners_and_leader(assignment: Assignment) -> list[User]:
    return [*people.owners(assignment.owner_unit), *([assignment.leader] if assignment.leader else [])]


def store(actor: User, assignment: Assignment, checked: list, purpose: str, update: ProgressUpdate | None) -> None:
    """Write the checked files under generated names; on any failure remove what was written."""
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
