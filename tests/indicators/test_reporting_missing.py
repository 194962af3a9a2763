"""Missing reports (未报) per period and the one-click reminder by email."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from tests.indicators.reporting_support import MONTH, YEAR, filling_clock, save, submit
from tuijin.audit.models import AuditEvent
from tuijin.indicators import queries
from tuijin.indicators.models import Submission
from tuijin.indicators.services import reminders
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
