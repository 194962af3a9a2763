"""Close-out (销号): the owner asks with evidence, the supervisor closes the item out or returns it.

Asking for close-out withdraws a pending extension request: the owner says the work is done,
so there is no deadline left to move.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.audit.models import AuditAction
from tuijin.audit.services import record
from tuijin.notifications.services import resolve
from tuijin.orgs.models import User
from tuijin.supervision import files, people
from tuijin.supervision.models import Assignment, Attachment, EventKind, ExtensionRequest, Status
from tuijin.supervision.services.common import (
    KIND,
    MAX_TEXT,
    clean_text,
    event,
    lock,
    owners_and_leader,
    require_manage,
    require_report,
    set_status,
    store,
    tell,
)


@transaction.atomic
def closeout_request(
    *, actor: User, assignment: Assignment, evidence: str, attachments: Sequence = (), expected_version: int | None
) -> Assignment:
    """申请销号: the owner says the work is done and shows the evidence."""
    require_report(actor, assignment)
    errors: dict[str, list[str]] = {}
    evidence = clean_text(evidence, "evidence", errors)
    if errors:
        raise ValidationError(errors)
    checked = files.check_uploads(attachments)
    assignment = lock(assignment, expected_version, Status.CLOSEOUT_REQUESTED)
    today = timezone.localdate()
    set_status(actor, assignment, Status.CLOSEOUT_REQUESTED, evidence, closeout_evidence=evidence,
               closeout_requested_on=today, return_reason="")  # fmt: skip
    _withdraw_pending_extension(actor, assignment)
    store(actor, assignment, checked, Attachment.Purpose.CLOSEOUT, None)
    event(assignment, EventKind.CLOSEOUT_REQUESTED, actor, evidence)
    tell(people.supervisors_over(assignment.owner_unit), "closeout_requested",
         _("申请销号待审核：%(t)s") % {"t": assignment.title}, assignment, evidence)  # fmt: skip
    return assignment


def _withdraw_pending_extension(actor: User, assignment: Assignment) -> None:
    pending = ExtensionRequest.objects.select_for_update().filter(
        assignment=assignment, status=ExtensionRequest.Status.PENDING
    )
    for extension in pending:
        extension.status, extension.decided_at = ExtensionRequest.Status.WITHDRAWN, timezone.now()
        extension.decision_note = _("已申请销号，延期申请自动撤回。")
        extension.save()
        record(actor=actor, action=AuditAction.TRANSITION, obj=extension, note=extension.decision_note,
               changes={"status": [ExtensionRequest.Status.PENDING, ExtensionRequest.Status.WITHDRAWN]})  # fmt: skip
        resolve(obj=assignment, kinds=[f"{KIND}.extension_requested"])


@transaction.atomic
def closeout_approve(
    *, actor: User, assignment: Assignment, note: str = "", expected_version: int | None
) -> Assignment:
    """销号: the supervisor closes the item out; its open inbox items are done."""
    require_manage(actor, assignment)
    assignment = lock(assignment, expected_version, Status.CLOSED)
    note = (note or "").strip()[:MAX_TEXT]
    set_status(actor, assignment, Status.CLOSED, note, closed_on=timezone.localdate())
    event(assignment, EventKind.CLOSED, actor, note)
    resolve(obj=assignment)
    tell(owners_and_leader(assignment), "closed", _("已销号：%(t)s") % {"t": assignment.title}, assignment, note)
    return assignment


@transaction.atomic
def closeout_return(*, actor: User, assignment: Assignment, reason: str, expected_version: int | None) -> Assignment:
    """The supervisor returns the close-out request with a reason; the item is open again."""
    require_manage(actor, assignment)
    errors: dict[str, list[str]] = {}
    reason = clean_text(reason, "reason", errors)
    if errors:
        raise ValidationError(errors)
    assignment = lock(assignment, expected_version, Status.OPEN)
    set_status(actor, assignment, Status.OPEN, reason, return_reason=reason, closeout_requested_on=None)
    event(assignment, EventKind.RETURNED, actor, reason)
    resolve(obj=assignment, kinds=[f"{KIND}.closeout_requested"])
    tell(people.owners(assignment.owner_unit), "returned", _("销号申请被退回：%(t)s") % {"t": assignment.title},
         assignment, reason)  # fmt: skip
    return assignment
