"""Corrections of a project's monthly investment after the lock: one kind of the shared state
machine (`tuijin.indicators.services.corrections`). The project unit's reporter asks, a
supervisor in scope (`project.manage`) decides; an approval keeps the superseded figure in
`ProgressRevision` and asks for the projects-fed indicator values to be summed again."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuijin.audit.models import AuditAction
from tuijin.audit.services import record
from tuijin.core.concurrency import lock_current
from tuijin.indicators.services import corrections
from tuijin.orgs.models import User
from tuijin.projects.models import ProgressCorrection, ProgressRevision, ProjectProgress
from tuijin.projects.services.progress import RevisionKind, clean_investment, enqueue_feed, require_reporter_of


class ProgressCorrections(corrections.Flow):
    model = ProgressCorrection
    target = "progress"
    decider = "project.manage"
    open_message = gettext_lazy("本期尚未锁定：请在进展填报页直接修改。")
    pending_message = gettext_lazy("该月进展已有待审批的更正申请。")

    def require_requester(self, actor: User, row: ProjectProgress) -> None:
        require_reporter_of(actor, row.project)

    def check(self, row: ProjectProgress, proposed: dict) -> tuple[dict, dict[str, list[str]]]:
        try:
            investment = clean_investment(proposed["proposed_investment"], "proposed_investment")
        except ValidationError as exc:
            return proposed, exc.message_dict
        if investment == row.investment:
            return proposed, {"proposed_investment": [_("更正后的投资额与当前值相同。")]}
        return {"proposed_investment": investment}, {}

    def created(self, row: ProjectProgress, proposed: dict) -> dict:
        return {"progress": row.pk, "proposed_investment": str(proposed["proposed_investment"])}

    def apply(self, *, actor: User, correction: ProgressCorrection) -> None:
        progress = lock_current(correction.progress, None)
        old = progress.investment
        ProgressRevision.objects.create(
            progress=progress, kind=RevisionKind.CORRECTION, old_investment=old,
            new_investment=correction.proposed_investment, reason=correction.reason, changed_by=actor,
        )  # fmt: skip
        progress.investment = correction.proposed_investment
        progress.version += 1
        progress.save()
        record(
            actor=actor, action=AuditAction.UPDATE, obj=progress, note=correction.reason,
            changes={"investment": [str(old), str(progress.investment)]},
        )  # fmt: skip
        enqueue_feed(actor=actor, year=progress.year, month=progress.month, units=[progress.project.unit])


PROGRESS_CORRECTIONS = ProgressCorrections()


def correction_request(
    *, actor: User, progress: ProjectProgress, proposed_investment: Decimal | None, reason: str
) -> ProgressCorrection:
    """After the lock, the project unit's reporter asks to correct a month's investment."""
    proposed = {"proposed_investment": proposed_investment}
    return corrections.correction_request(
        PROGRESS_CORRECTIONS, actor=actor, row=progress, reason=reason, proposed=proposed
    )


def correction_approve(*, actor: User, correction: ProgressCorrection, note: str = "") -> ProgressCorrection:
    """The supervisor approves: the investment changes and the superseded figure stays in history."""
    return corrections.correction_approve(PROGRESS_CORRECTIONS, actor=actor, correction=correction, note=note)


def correction_reject(*, actor: User, correction: ProgressCorrection, note: str) -> ProgressCorrection:
    """The supervisor rejects with a note; the investment stays as it was."""
    return corrections.correction_reject(PROGRESS_CORRECTIONS, actor=actor, correction=correction, note=note)
