"""The state machine of a correction after the lock, written once for every kind of it.

A locked period's figure changes only through a correction: the requester asks with a reason,
a decider in scope approves (the figure changes, its old value stays in the kind's history) or
rejects with a note, once. Report figures (`reporting.REPORT_CORRECTIONS`) and a project's
monthly investment (`projects.services.progress_corrections`) are two kinds of it.

A kind is a `Flow`: its model (a `Correction`), the field naming the corrected row, the policy
action of its decider, two messages, and the hooks the side supplies: `require_requester` (who
may ask), `check` (the proposed figures: cleaned, or errors by field), `created` (the audit
changes of a request) and `apply` (what an approval writes: the row, its revision, its audit
event). Everything else is here: the row is locked and must be in a locked period, a reason
is required, one request per row may wait, a decider decides once, a rejection needs a note,
and every step is audited (CREATE for a request, TRANSITION for a decision).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.audit.models import AuditAction
from tuijin.audit.services import created, record
from tuijin.core.concurrency import lock_current
from tuijin.indicators import periods
from tuijin.indicators.models import Correction, CorrectionStatus
from tuijin.orgs import policy
from tuijin.orgs.models import Unit, User

MAX_TEXT = 2000  # a reason or a decision note


class Flow(ABC):
    """One kind of correction; a subclass names its parts and supplies the hooks."""

    model: type[Correction]
    target: str  # the field of `model` naming the corrected row (it has `year` and `month`)
    decider: str  # the policy action of who approves or rejects
    open_message: str  # the row's period is not locked yet: edit it directly
    pending_message: str  # a request for the row is already waiting

    @abstractmethod
    def require_requester(self, actor: User, row: models.Model) -> None:
        """Refuse (PermissionDenied) an actor who may not ask to correct `row`."""

    @abstractmethod
    def check(self, row: models.Model, proposed: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
        """The proposed figures as stored, and the errors by field (none: an empty dict)."""

    @abstractmethod
    def created(self, row: models.Model, proposed: dict[str, Any]) -> dict[str, Any]:
        """What the request's audit event records (besides its reason, the event's note)."""

    @abstractmethod
    def apply(self, *, actor: User, correction: Correction) -> None:
        """Write the approved figures to the locked row, with its revision and audit event."""

    def unit_of(self, correction: Correction) -> Unit:
        """The unit whose decider may decide `correction` (its `unit_path`, followed)."""
        obj: Any = correction
        for name in correction.unit_path.split("__"):
            obj = getattr(obj, name)
        return obj


@transaction.atomic
def correction_request(
    flow: Flow, *, actor: User, row: models.Model, reason: str, proposed: dict[str, Any]
) -> Correction:
    """After the lock, the requester asks to correct `row` to `proposed`, with a reason.

    A ValidationError by field (`reason`, a proposed field, "__all__" for a waiting twin) refuses
    it; an open period is refused as a whole (the row is edited directly then)."""
    flow.require_requester(actor, row)
    row = lock_current(row, None)
    if not periods.is_locked(row.year, row.month):
        raise ValidationError(str(flow.open_message))
    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("请填写更正原因。")]
    proposed, proposal_errors = flow.check(row, proposed)
    errors.update(proposal_errors)
    if flow.model.objects.filter(**{flow.target: row}, status=CorrectionStatus.PENDING).exists():
        errors[NON_FIELD_ERRORS] = [str(flow.pending_message)]
    if errors:
        raise ValidationError(errors)
    correction = flow.model(**{flow.target: row}, **proposed, reason=reason[:MAX_TEXT], requested_by=actor)
    correction.full_clean(validate_constraints=False)
    correction.save()
    changes = created(flow.created(row, proposed))
    record(actor=actor, action=AuditAction.CREATE, obj=correction, changes=changes, note=correction.reason)
    return correction


@transaction.atomic
def correction_approve(flow: Flow, *, actor: User, correction: Correction, note: str = "") -> Correction:
    """A decider in scope approves: the side's `apply` changes the row (keeping the old value)."""
    correction = _lock_pending(flow, actor, correction)
    flow.apply(actor=actor, correction=correction)
    return _decide(correction, CorrectionStatus.APPROVED, actor, note)


@transaction.atomic
def correction_reject(flow: Flow, *, actor: User, correction: Correction, note: str) -> Correction:
    """A decider in scope rejects with a note; the row stays as it was."""
    correction = _lock_pending(flow, actor, correction)
    if not (note or "").strip():
        raise ValidationError({"decision_note": [_("请填写驳回意见。")]})
    return _decide(correction, CorrectionStatus.REJECTED, actor, note)


def _lock_pending(flow: Flow, actor: User, correction: Correction) -> Correction:
    policy.require(actor, flow.decider, flow.unit_of(correction))
    correction = flow.model.objects.select_for_update().select_related(flow.target).get(pk=correction.pk)
    if correction.status != CorrectionStatus.PENDING:
        raise ValidationError(_("该更正申请已处理。"))
    return correction


def _decide(correction: Correction, status: str, actor: User, note: str) -> Correction:
    old = correction.status
    correction.status, correction.decided_by, correction.decided_at = status, actor, timezone.now()
    correction.decision_note = (note or "").strip()[:MAX_TEXT]
    correction.save()
    record(
        actor=actor, action=AuditAction.TRANSITION, obj=correction, changes={"status": [old, status]},
        note=correction.decision_note,
    )  # fmt: skip
    return correction
