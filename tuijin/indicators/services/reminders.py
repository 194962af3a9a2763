"""Reminders (催报) to units that have not handed in a period, and their delivery by email.

The reminder is written in the request's transaction; the email goes out from a task after
commit, and the delivery claims the reminder first, so a rerun or a second worker sends nothing.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.audit.models import AuditAction
from tuijin.audit.services import record
from tuijin.core import policy
from tuijin.indicators import periods, queries
from tuijin.indicators.models import Submission
from tuijin.indicators.services import reporting
from tuijin.orgs.models import Role, Unit, User


@transaction.atomic
def submission_remind(*, actor: User, unit: Unit, year: int, month: int) -> Submission:
    """Remind a unit that has not handed in the period; the email goes out after commit.

    The reminder is kept on the period's submission (an empty draft is opened if the unit has
    not started), so the list shows when the unit was last reminded.
    """
    policy.require(actor, "report.accept", unit)
    periods.validate_period(year, month)
    if not queries.reporting_units(month).filter(pk=unit.pk).exists():
        raise ValidationError(_("%(unit)s本月没有需要填报的指标。") % {"unit": unit.name})
    submission = reporting.submission_for_update(unit, year, month, None)
    if submission.status not in queries.MISSING_STATUSES:
        raise ValidationError(_("%(unit)s已报送本月数据，无需催报。") % {"unit": unit.name})
    previous = submission.reminded_at
    submission.reminded_at = timezone.now()
    submission.save(update_fields=["reminded_at", "updated_at"])  # not a content change: version kept
    record(
        actor=actor, action=AuditAction.UPDATE, obj=submission,
        changes={"reminded_at": [previous and previous.isoformat(), submission.reminded_at.isoformat()]},
        note=_("催报"),
    )  # fmt: skip
    from tuijin.indicators.tasks import send_submission_reminder

    transaction.on_commit(lambda: send_submission_reminder.enqueue(submission.pk))
    return submission


def submission_remind_all(*, actor: User, year: int, month: int) -> list[Submission]:
    """Remind every unit in the actor's scope that has not handed in the period."""
    policy.require(actor, "report.accept")
    return [
        submission_remind(actor=actor, unit=m.unit, year=year, month=month)
        for m in queries.missing_for(actor, year, month)
    ]


@transaction.atomic
def reminder_deliver(*, submission_id: int) -> int:
    """Email the latest reminder of a submission to its unit's reporters and head, once.

    Idempotent: the delivery claims the reminder with a conditional update of
    `reminder_sent_at`, so a rerun or a second worker sends nothing. A unit that handed in
    meanwhile is not emailed. Returns the number of recipients.
    """
    unclaimed = Q(reminder_sent_at__isnull=True) | Q(reminder_sent_at__lt=F("reminded_at"))
    claimed = (
        Submission.objects.filter(unclaimed, pk=submission_id, reminded_at__isnull=False)
        .update(reminder_sent_at=F("reminded_at"))
    )  # fmt: skip
    submission = Submission.objects.select_related("unit").filter(pk=submission_id).first()
    if not claimed or submission is None or submission.status not in queries.MISSING_STATUSES:
        return 0
    people = submission.unit.users.filter(is_active=True, role_grants__role__in=[Role.REPORTER, Role.UNIT_HEAD])
    recipients = sorted(set(people.exclude(email="").values_list("email", flat=True)))
    if recipients:
        send_mail(_reminder_subject(submission), _reminder_body(submission), None, recipients)
    return len(recipients)


def _reminder_subject(submission: Submission) -> str:
    return _("【推进】请报送%(year)d年%(month)d月指标月报") % {"year": submission.year, "month": submission.month}


def _reminder_body(submission: Submission) -> str:
    return _(
        "%(unit)s：\n\n贵单位%(year)d年%(month)d月的指标月报尚未报送，截止日为%(deadline)s。"
        "请登录推进平台，在“指标填报”中填写并提交。\n\n市督查办"
    ) % {
        "unit": submission.unit.name, "year": submission.year, "month": submission.month,
        "deadline": periods.deadline(submission.year, submission.month).isoformat(),
    }  # fmt: skip
