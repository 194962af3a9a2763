"""Reminders (催报) to units that have not handed in a period: by hand (one click) or by the
daily timer on the configured working days before the deadline.

A reminder reaches the unit's reporters and head in the inbox and through the unit's DingTalk /
WeCom robot (notifications.notify, deduplicated per period and day), and by email. It is
written in the caller's transaction; the email goes out from a task after commit, and the
delivery claims the reminder first, so a rerun or a second worker sends nothing.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.audit.models import AuditAction
from tuijin.audit.services import record
from tuijin.indicators import conf, periods, queries
from tuijin.indicators.models import Submission
from tuijin.indicators.services import reporting
from tuijin.notifications.services import email_enabled, notify
from tuijin.orgs import policy
from tuijin.orgs.models import Role, Unit, User
from tuijin.workdays import workcalendar

KIND = "indicators.reminder"


@transaction.atomic
def submission_remind(*, actor: User | None, unit: Unit, year: int, month: int) -> Submission:
    """Remind a unit that has not handed in the period; the email goes out after commit.

    `actor` None is the daily timer (the system), which needs no permission. The reminder is
    kept on the period's submission (an empty draft is opened if the unit has not started), so
    the list shows when the unit was last reminded.
    """
    if actor is not None:
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
        note=_("催报") if actor is not None else _("自动催报"),
    )  # fmt: skip
    _notify_unit(submission)
    from tuijin.indicators.tasks import send_submission_reminder

    transaction.on_commit(lambda: send_submission_reminder.enqueue(submission.pk))
    return submission


def _recipients(unit: Unit):
    return unit.users.filter(is_active=True, role_grants__role__in=[Role.REPORTER, Role.UNIT_HEAD]).distinct()


def _notify_unit(submission: Submission) -> None:
    day = timezone.localdate(submission.reminded_at).isoformat()
    notify(
        recipients=list(_recipients(submission.unit)), kind=KIND, title=_reminder_subject(submission),
        body=_reminder_body(submission), url=reverse("indicators:fill"), obj=submission,
        dedupe_key=f"remind:{submission.year}-{submission.month}:{day}",
    )  # fmt: skip


def remind_before_deadline(as_of: dt.date) -> int:
    """The daily timer: on each configured working day before the open period's deadline
    (`TUIJIN_REPORT_REMINDER_DAYS`, 0 = the deadline day), remind every unit that has not handed
    it in. Idempotent: a unit already reminded that day is skipped. Returns how many were reminded."""
    year, month = periods.current_period(as_of)
    if not conf.REPORT_REMINDER_DAYS or periods.is_locked(year, month, as_of):
        return 0
    deadline = periods.deadline(year, month)
    if workcalendar.working_days_between(as_of, deadline) not in conf.REPORT_REMINDER_DAYS:
        return 0
    acted = 0
    for missing in queries.missing_units(queries.reporting_units(month), year, month):
        reminded = missing.submission and missing.submission.reminded_at
        if reminded and timezone.localdate(reminded) == as_of:
            continue
        submission_remind(actor=None, unit=missing.unit, year=year, month=month)
        acted += 1
    return acted


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
    if email_enabled():
        return 0  # the inbox item's own email delivery carries it (notifications.notify)
    people = _recipients(submission.unit)
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
