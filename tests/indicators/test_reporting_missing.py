"""Missing reports (未报) per period, the one-click reminder and the automatic one before the deadline."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from tests.indicators.reporting_support import MONTH, YEAR, filling_clock, save, submit
from tuijin.audit.models import AuditEvent
from tuijin.indicators import queries
from tuijin.indicators.models import Submission
from tuijin.indicators.services import reminders
from tuijin.notifications.models import Delivery, Flavour, Notification, UnitChannel
from tuijin.orgs import services as org_services


@pytest.fixture(autouse=True)
def _clock():
    with filling_clock():
        yield


@pytest.fixture
def emails(cast):
    for user, email in ((cast.reporter_a, "a@example.cn"), (cast.head_a, "head@example.cn")):
        org_services.user_update(actor=cast.sysadmin, user=user, expected_version=None, email=email)
    org_services.user_update(actor=cast.sysadmin, user=cast.reporter_b, expected_version=None, email="b@example.cn")


def missing_codes(user):
    return [m.unit.code for m in queries.missing_for(user, YEAR, MONTH)]


def test_units_that_should_report_and_have_not_are_missing(cast, catalogue):
    assert missing_codes(cast.supervisor) == ["C-A", "C-B", "C-Z"]  # group members only: not towns or departments


def test_a_draft_is_still_missing_but_a_submitted_month_is_not(cast, catalogue):
    save(cast, catalogue)
    assert "C-A" in missing_codes(cast.supervisor)
    submit(cast, catalogue)
    assert missing_codes(cast.supervisor) == ["C-B", "C-Z"]


def test_a_county_supervisor_sees_only_their_county(cast, catalogue):
    assert missing_codes(cast.county_supervisor) == ["C-A"]


def test_reminder_emails_the_units_reporters_and_head_once(cast, catalogue, emails, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submission = reminders.submission_remind(actor=cast.supervisor, unit=cast.county_a, year=YEAR, month=MONTH)
    assert submission.reminded_at is not None
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == ["a@example.cn", "head@example.cn"]
    assert "2026年3月" in mail.outbox[0].subject
    assert AuditEvent.objects.filter(object_type="indicators.submission", note="催报").count() == 1
    assert reminders.reminder_deliver(submission_id=submission.pk) == 0  # a rerun sends nothing
    assert len(mail.outbox) == 1


def test_a_reminder_does_not_make_the_reporters_open_form_stale(cast, catalogue):
    draft = save(cast, catalogue, {"fai": (30, 28, "")})
    reminders.submission_remind(actor=cast.supervisor, unit=cast.county_a, year=YEAR, month=MONTH)
    save(cast, catalogue, version=draft.version)  # no StaleEditError


def test_a_unit_that_handed_in_is_not_reminded(cast, catalogue):
    submit(cast, catalogue)
    with pytest.raises(ValidationError, match="无需催报"):
        reminders.submission_remind(actor=cast.supervisor, unit=cast.county_a, year=YEAR, month=MONTH)


def test_remind_all_reminds_every_missing_unit_in_scope(cast, catalogue, emails, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reminded = reminders.submission_remind_all(actor=cast.supervisor, year=YEAR, month=MONTH)
    assert sorted(s.unit.code for s in reminded) == ["C-A", "C-B", "C-Z"]
    assert sorted(addr for m in mail.outbox for addr in m.to) == ["a@example.cn", "b@example.cn", "head@example.cn"]


@pytest.mark.parametrize("who", ["reporter_a", "head_a", "leader"])
def test_only_supervisors_remind(cast, catalogue, who):
    with pytest.raises(PermissionDenied):
        reminders.submission_remind(actor=getattr(cast, who), unit=cast.county_a, year=YEAR, month=MONTH)
    assert not Submission.objects.exists()


def test_a_county_supervisor_cannot_remind_another_county(cast, catalogue):
    with pytest.raises(PermissionDenied):
        reminders.submission_remind(actor=cast.county_supervisor, unit=cast.county_b, year=YEAR, month=MONTH)
    assert not Submission.objects.exists()


# --- 催报 in the inbox and the unit's robot, and automatically before the deadline -------------
# March 2026 is due on 5 April, a holiday (Qingming, 4–6 April): the deadline moves to the 7th.
# Working days before it: the 2nd (two left: 3rd, 7th), the 3rd (one left), the 7th (the day).


def remind_on(day: str) -> int:
    with time_machine.travel(f"{day} 09:00 +0800", tick=False):
        return reminders.remind_before_deadline(dt.date.fromisoformat(day))


def test_a_reminder_reaches_the_inbox_and_the_units_robot(cast, catalogue):
    UnitChannel.objects.create(unit=cast.county_a, webhook_url="https://oapi.dingtalk.com/robot/send?access_token=t",
                               flavour=Flavour.DINGTALK)  # fmt: skip
    reminders.submission_remind(actor=cast.supervisor, unit=cast.county_a, year=YEAR, month=MONTH)
    items = Notification.objects.filter(kind=reminders.KIND)
    assert sorted(items.values_list("recipient__username", flat=True)) == ["head_a", "reporter_a"]
    assert "2026年3月" in items.first().title
    assert Delivery.objects.filter(channel="webhook", unit_channel__unit=cast.county_a).count() == 1


def test_the_timer_reminds_every_missing_unit_on_the_configured_working_days(cast, catalogue, settings):
    settings.TUIJIN_REPORT_REMINDER_DAYS = (2, 0)
    submit(cast, catalogue)  # 甲县 has handed in: it is not reminded
    assert remind_on("2026-04-02") == 2  # two working days before the deadline
    assert set(Submission.objects.filter(reminded_at__isnull=False).values_list("unit__code", flat=True)) == {
        "C-B", "C-Z",
    }  # fmt: skip
    assert remind_on("2026-04-02") == 0  # never twice on one day
    assert remind_on("2026-04-03") == 0  # one working day left: not a reminder day
    assert remind_on("2026-04-07") == 2  # the deadline day itself
    assert Notification.objects.filter(kind=reminders.KIND, recipient=cast.reporter_b).count() == 2
    assert remind_on("2026-04-08") == 0  # locked: nothing to remind of
    event = AuditEvent.objects.filter(note="自动催报").first()
    assert event is not None
    assert event.actor is None


def test_no_reminder_days_means_no_automatic_reminders(cast, catalogue, settings):
    settings.TUIJIN_REPORT_REMINDER_DAYS = ()
    assert remind_on("2026-04-07") == 0
    assert not Notification.objects.filter(kind=reminders.KIND).exists()


def test_the_timer_runs_through_the_daily_timers_at_nine_on_working_days_only(cast, catalogue, settings):
    settings.TUIJIN_REPORT_REMINDER_DAYS = (0,)
    from tuijin.notifications import timers

    with time_machine.travel("2026-04-05 09:30 +0800", tick=False):  # a holiday: nothing is sent
        outcomes = {o.name: o.status for o in timers.run_timers(dt.date(2026, 4, 5))}
    assert outcomes["indicators.remind_before_deadline"] == "skipped_rest_day"
    with time_machine.travel("2026-04-07 09:30 +0800", tick=False):
        outcomes = {o.name: (o.status, o.acted) for o in timers.run_timers(dt.date(2026, 4, 7))}
    assert outcomes["indicators.remind_before_deadline"] == ("done", 3)
