"""The monthly form and its workflow: reporter → unit head → supervisor, reminders, corrections.

One function per state change. Each checks the policy, validates, writes, and records its audit
event inside one transaction; each that edits a submission locks its row and checks the
version the caller's form was built from (optimistic locking), so a second save from the same
version is refused and nothing is overwritten.

Figures are edited only in draft or returned status and only before the period's deadline.
After it, a figure changes only through a correction request the supervisor approves, and the
superseded value stays in `ReportRevision`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuijin.audit.models import AuditAction
from tuijin.audit.services import record
from tuijin.core.concurrency import StaleEditError, lock_current
from tuijin.indicators import periods, queries
from tuijin.indicators.models import (
    SUBMISSION_TRANSITIONS,
    CorrectionRequest,
    Indicator,
    Report,
    RevisionKind,
    Submission,
    SubmissionStatus,
)
from tuijin.indicators.services import corrections, figures
from tuijin.orgs import policy
from tuijin.orgs.models import Unit, User

EDITABLE_STATUSES = (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)
REPORT_FIELDS = ("value", "last_year_value", "remark")


@dataclass(frozen=True)
class Entry:
    """One figure as a reporter enters it (form, API or the pre-filled Excel template)."""

    indicator: Indicator
    value: Decimal | None
    last_year_value: Decimal | None
    remark: str = ""


# --- guards --------------------------------------------------------------------------------------


def _require_reporter_of(actor: User, unit: Unit) -> None:
    """A reporter fills their own unit's form only (not a unit above or below it)."""
    policy.require(actor, "report.fill", unit)
    if actor.unit_id != unit.pk:
        raise PermissionDenied(_("只能填报本单位的数据。"))


def _require_head_of(actor: User, unit: Unit) -> None:
    policy.require(actor, "report.approve", unit)
    if actor.unit_id != unit.pk:
        raise PermissionDenied(_("只能审核本单位的月报。"))


def _require_open(year: int, month: int) -> None:
    if (year, month) > figures.open_period():
        raise _form_error(figures.future_message(year, month, figures.open_period()))
    if periods.is_locked(year, month):
        raise _form_error(figures.locked_message(year, month))


def _form_error(message: str) -> ValidationError:
    """A form-level error, keyed "__all__" like the per-indicator ones (the shared interface)."""
    return ValidationError({NON_FIELD_ERRORS: [message]})


def _transition(submission: Submission, new: str, *, actor: User, note: str = "", **fields) -> Submission:
    """Move a locked submission to `new` if the table allows it; bump its version; audit."""
    old = submission.status
    _check_transition(submission, new)
    submission.status = new
    for name, value in fields.items():
        setattr(submission, name, value)
    submission.version += 1
    submission.save()
    record(actor=actor, action=AuditAction.TRANSITION, obj=submission, changes={"status": [old, new]}, note=note)
    return submission


def _check_transition(submission: Submission, new: str) -> None:
    if new not in SUBMISSION_TRANSITIONS[submission.status]:
        raise ValidationError(
            _("“%(old)s”状态的月报不能变为“%(new)s”。")
            % {"old": SubmissionStatus(submission.status).label, "new": SubmissionStatus(new).label}
        )


def submission_for_update(unit: Unit, year: int, month: int, expected_version: int | None) -> Submission:
    """The period's submission (created empty if absent), locked and checked against `expected_version`.
    Call inside `transaction.atomic`.

    A form built when no submission existed carries version 0: if someone created it
    meanwhile, the save is stale.
    """
    existing = Submission.objects.filter(unit=unit, year=year, month=month).first()
    if existing is not None:
        return lock_current(existing, expected_version)
    try:
        with transaction.atomic():
            return Submission.objects.create(unit=unit, year=year, month=month)
    except IntegrityError:
        raise StaleEditError() from None  # created concurrently by another save


# --- the reporter's draft ----------------------------------------------------------------------


@transaction.atomic
def submission_save_draft(
    *, actor: User, unit: Unit, year: int, month: int, entries: Sequence[Entry], expected_version: int | None
) -> Submission:
    """Save the reporter's figures for the period (creating the submission if needed).

    Drafts may be incomplete and may break remark rules: only figures the unit does not report
    this month, malformed numbers, a locked period or a handed-in submission refuse the save,
    as a ValidationError keyed by indicator code ("__all__" for the form).
    """
    _require_reporter_of(actor, unit)
    try:
        periods.validate_period(year, month)
    except ValidationError as exc:
        raise _form_error(exc.messages[0]) from None
    _require_open(year, month)
    submission = submission_for_update(unit, year, month, expected_version)
    if submission.status not in EDITABLE_STATUSES:
        raise _form_error(_("月报已报送，不能再修改；如需修改，请联系审核人退回。"))
    asked = set(queries.asked_indicators(unit, month).values_list("pk", flat=True))
    errors = {e.indicator.code: [_("本单位本月无需填报该指标。")] for e in entries if e.indicator.pk not in asked}
    if errors:
        raise ValidationError(errors)
    writes = [
        figures.Write(unit.pk, e.indicator.pk, year, month, e.value, e.last_year_value, (e.remark or "").strip())
        for e in entries
    ]
    returned = submission.status == SubmissionStatus.RETURNED
    reason = _("退回后修改：%(reason)s") % {"reason": submission.returned_reason} if returned else ""
    try:
        outcome = figures.figures_write(
            actor=actor,
            writes=writes,
            source=REPORTER,
            reason=reason,
            indicators={e.indicator.pk: e.indicator for e in entries},
        )
    except figures.FiguresRejected as exc:
        raise _entry_errors(exc, entries) from None
    submission.version += 1
    submission.save()
    record(actor=actor, action=AuditAction.UPDATE, obj=submission, changes=_changes(outcome, entries))
    return submission


# The reporter writes the unit's own open month; a change after a return keeps its old value.
REPORTER = figures.Source(revision_kind=RevisionKind.RETURN)


def _entry_errors(exc: figures.FiguresRejected, entries: Sequence[Entry]) -> ValidationError:
    """The service's errors keyed by indicator code, as the form shows them ("__all__" for the form)."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        key = NON_FIELD_ERRORS if error.field == NON_FIELD_ERRORS else entries[error.index].indicator.code
        errors.setdefault(key, []).append(error.message)
    return ValidationError(errors)


def _changes(outcome: figures.Outcome, entries: Sequence[Entry]) -> dict[str, list]:
    """Audit changes {"FAI.value": [old, new]} of the figures that changed."""
    codes = {e.indicator.pk: e.indicator.code for e in entries}
    changes: dict[str, list] = {}
    for write, old, last, remark in outcome.changes:
        before = (old.value, old.last_year_value, old.remark) if old else (None, None, "")
        for name, a, b in zip(REPORT_FIELDS, before, (write.value, last, remark), strict=True):
            if a != b:
                changes[f"{codes[write.indicator_id]}.{name}"] = [_plain(a), _plain(b)]
    return changes


def _plain(value):
    return queries.plain(value) if isinstance(value, Decimal) else value


# --- transitions ---------------------------------------------------------------------------------


@transaction.atomic
def submission_submit(*, actor: User, submission: Submission, expected_version: int | None) -> Submission:
    """Hand the month in. Every due figure must be present, pass the error rules and carry a
    remark where a remark rule asks for one; otherwise a ValidationError keyed by indicator code."""
    _require_reporter_of(actor, submission.unit)
    submission = lock_current(submission, expected_version)
    _require_open(submission.year, submission.month)
    _check_transition(submission, SubmissionStatus.SUBMITTED)
    rows = [r for r in queries.form_rows(submission.unit, submission.year, submission.month) if r.fillable]
    if not rows:
        raise ValidationError(_("本单位本月没有需要填报的指标。"))
    errors = queries.check_rows(rows)
    if errors:
        raise ValidationError(errors)
    return _transition(
        submission, SubmissionStatus.SUBMITTED, actor=actor, submitted_by=actor, submitted_at=timezone.now()
    )


@transaction.atomic
def submission_approve(*, actor: User, submission: Submission, expected_version: int | None) -> Submission:
    """The unit head approves their own unit's handed-in month."""
    _require_head_of(actor, submission.unit)
    submission = lock_current(submission, expected_version)
    return _transition(
        submission, SubmissionStatus.APPROVED, actor=actor, approved_by=actor, approved_at=timezone.now()
    )


@transaction.atomic
def submission_accept(*, actor: User, submission: Submission, expected_version: int | None) -> Submission:
    """A supervisor in scope accepts a month its unit head has approved."""
    policy.require(actor, "report.accept", submission.unit)
    submission = lock_current(submission, expected_version)
    return _transition(
        submission, SubmissionStatus.ACCEPTED, actor=actor, accepted_by=actor, accepted_at=timezone.now()
    )


@transaction.atomic
def submission_return(*, actor: User, submission: Submission, reason: str, expected_version: int | None) -> Submission:
    """Send a month back to the reporter with a reason.

    A handed-in month is returned by its unit head or a supervisor in scope; an approved one
    by a supervisor only. A locked period is not returned (its figures could not be edited):
    corrections take that path.
    """
    submission = lock_current(submission, expected_version)
    if not _may_return(actor, submission):
        raise PermissionDenied(_("您没有退回该月报的权限。"))
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("请填写退回原因。")]})
    _require_open(submission.year, submission.month)
    return _transition(
        submission, SubmissionStatus.RETURNED, actor=actor, note=reason.strip(),
        returned_reason=reason.strip(), returned_by=actor, returned_at=timezone.now(),
    )  # fmt: skip


def _may_return(actor: User, submission: Submission) -> bool:
    supervisor = policy.allows(actor, "report.accept", submission.unit)
    if submission.status == SubmissionStatus.APPROVED:
        return supervisor
    head = policy.allows(actor, "report.approve", submission.unit) and actor.unit_id == submission.unit_id
    return supervisor or head


def allowed_actions(user: User, submission: Submission) -> set[str]:
    """The transitions `user` may ask for on `submission` now (for the buttons; the services
    check again). Names: submit, approve, accept, return."""
    status, unit = submission.status, submission.unit
    actions = set()
    if status in EDITABLE_STATUSES and policy.allows(user, "report.fill", unit) and user.unit_id == unit.pk:
        actions.add("submit")
    if status == SubmissionStatus.SUBMITTED and policy.allows(user, "report.approve", unit) and user.unit_id == unit.pk:
        actions.add("approve")
    if status == SubmissionStatus.APPROVED and policy.allows(user, "report.accept", unit):
        actions.add("accept")
    if status in (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED) and _may_return(user, submission):
        actions.add("return")
    return actions


# --- corrections after the lock (the state machine: services.corrections) -----------------------


class ReportCorrections(corrections.Flow):
    """A figure of a locked month: the reporter of its unit asks, a supervisor in scope decides."""

    model = CorrectionRequest
    target = "report"
    decider = "report.accept"
    open_message = gettext_lazy("本期尚未锁定：请在填报页直接修改；已报送的月报请联系审核人退回。")
    pending_message = gettext_lazy("该数值已有待审批的更正申请。")

    def require_requester(self, actor: User, row: Report) -> None:
        _require_reporter_of(actor, row.unit)

    def check(self, row: Report, proposed: dict) -> tuple[dict, dict[str, list[str]]]:
        value, last = proposed["proposed_value"], proposed["proposed_last_year_value"]
        errors: dict[str, list[str]] = {}
        if value is None:
            errors["proposed_value"] = [_("请填写更正后的值。")]
        elif (value, last) == (row.value, row.last_year_value):
            errors["proposed_value"] = [_("更正后的值与当前值相同。")]
        for name, number in (("proposed_value", value), ("proposed_last_year_value", last)):
            message = None if number is None else figures.number_error(row.indicator, number)
            if message and name not in errors:
                errors[name] = [message]
        return proposed, errors

    def created(self, row: Report, proposed: dict) -> dict:
        return {"report": row.pk, **{name: _plain(number) for name, number in proposed.items()}}

    def apply(self, *, actor: User, correction: CorrectionRequest) -> None:
        """The figure changes through the one write path; its superseded value stays in history."""
        report = lock_current(correction.report, None)
        old = (report.value, report.last_year_value)
        write = figures.Write(
            report.unit_id, report.indicator_id, report.year, report.month, correction.proposed_value,
            correction.proposed_last_year_value,
        )  # fmt: skip
        try:
            figures.figures_write(actor=actor, writes=[write], source=CORRECTION, reason=correction.reason)
        except figures.FiguresRejected as exc:
            raise ValidationError([e.message for e in exc.errors]) from None
        report.refresh_from_db()
        record(
            actor=actor, action=AuditAction.UPDATE, obj=report, note=correction.reason,
            changes={"value": [_plain(old[0]), _plain(report.value)],
                     "last_year_value": [_plain(old[1]), _plain(report.last_year_value)]},
        )  # fmt: skip


REPORT_CORRECTIONS = ReportCorrections()
# An approved correction changes a locked figure; the superseded value stays in history.
CORRECTION = figures.Source(revision_kind=RevisionKind.CORRECTION, may_write_locked=True)


def correction_request(
    *, actor: User, report: Report, proposed_value: Decimal | None, proposed_last_year_value: Decimal | None,
    reason: str,
) -> CorrectionRequest:  # fmt: skip
    """After the lock, the reporter asks to correct one of the unit's figures, with a reason."""
    proposed = {"proposed_value": proposed_value, "proposed_last_year_value": proposed_last_year_value}
    return corrections.correction_request(REPORT_CORRECTIONS, actor=actor, row=report, reason=reason, proposed=proposed)


def correction_approve(*, actor: User, correction: CorrectionRequest, note: str = "") -> CorrectionRequest:
    """The supervisor approves: the figure changes and its superseded value stays in history."""
    return corrections.correction_approve(REPORT_CORRECTIONS, actor=actor, correction=correction, note=note)


def correction_reject(*, actor: User, correction: CorrectionRequest, note: str) -> CorrectionRequest:
    """The supervisor rejects with a note; the figure stays as it was."""
    return corrections.correction_reject(REPORT_CORRECTIONS, actor=actor, correction=correction, note=note)
