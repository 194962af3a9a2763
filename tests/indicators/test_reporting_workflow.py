"""The monthly form's workflow through the services: draft → submitted → approved → accepted,
returns with a reason, refusals by role, unit and state, optimistic locking, the lock."""

from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from tests.indicators.reporting_support import (
    AFTER_DEADLINE,
    GOOD_MARCH,
    MONTH,
    YEAR,
    accept,
    approve,
    d,
    entries,
    filling_clock,
    save,
    submit,
)
from tuijin.audit.models import AuditAction, AuditEvent
from tuijin.core.concurrency import StaleEditError
from tuijin.indicators import queries
from tuijin.indicators.models import Report, ReportRevision, RevisionKind, Submission, SubmissionStatus
from tuijin.indicators.services import reporting


@pytest.fixture(autouse=True)
def _clock():
    with filling_clock():
        yield


def status_of(submission):
    submission.refresh_from_db()
    return submission.status


# --- drafts --------------------------------------------------------------------------------------


def test_reporter_saves_a_draft_of_their_own_unit(cast, catalogue):
    submission = save(cast, catalogue, {"fai": (30, 28, "开局良好")})
    assert submission.status == SubmissionStatus.DRAFT
    report = Report.objects.get(unit=cast.county_a, indicator=catalogue.fai, year=YEAR, month=MONTH)
    assert (report.value, report.last_year_value, report.remark) == (Decimal(30), Decimal(28), "开局良好")
    event = AuditEvent.objects.filter(object_type="indicators.submission", object_id=str(submission.pk)).last()
    assert event.changes["FAI.value"] == [None, "30"]


def test_a_draft_may_be_incomplete_and_break_remark_rules(cast, catalogue):
    submission = save(cast, catalogue, {"fai": (30, 10, "")})  # YoY +200% with no remark
    assert submission.reports.count() == 1


def test_saving_unchanged_values_again_writes_nothing_new(cast, catalogue):
    first = save(cast, catalogue)
    report = Report.objects.get(unit=cast.county_a, indicator=catalogue.fai, year=YEAR, month=MONTH)
    save(cast, catalogue, version=first.version)
    report.refresh_from_db()
    assert report.version == 1


def test_reporter_cannot_save_for_another_unit(cast, catalogue):
    with pytest.raises(PermissionDenied):
        save(cast, catalogue, actor=cast.reporter_b, unit=cast.county_a)
    assert not Submission.objects.exists()


def test_county_reporter_cannot_fill_the_form_of_a_town_below(cast, catalogue):
    with pytest.raises(PermissionDenied):
        save(cast, catalogue, actor=cast.reporter_a, unit=cast.town_a1)


@pytest.mark.parametrize("who", ["head_a", "supervisor", "leader", "handler"])
def test_only_reporters_fill_the_form(cast, catalogue, who):
    with pytest.raises(PermissionDenied):
        save(cast, catalogue, actor=getattr(cast, who))
    assert not Report.objects.exists()


def test_a_figure_the_unit_does_not_report_is_refused_by_code(cast, catalogue):
    catalogue.fdi.ranking_groups.set([cast.zones])
    with pytest.raises(ValidationError) as exc:
        save(cast, catalogue, {"fai": (30, 28, ""), "fdi": (1, 1, "")})
    assert "FDI" in exc.value.message_dict
    assert not Report.objects.exists()


def test_figures_fed_by_projects_are_not_asked_for(cast, catalogue):
    catalogue.fai.fed_by_projects = True
    catalogue.fai.save()
    with pytest.raises(ValidationError) as exc:
        save(cast, catalogue, {"fai": (30, 28, "")})
    assert list(exc.value.message_dict) == ["FAI"]
    rows = queries.form_rows(cast.county_a, YEAR, MONTH)
    assert [r.indicator.code for r in rows if not r.fillable] == ["FAI"]


def test_a_malformed_number_is_refused_by_code(cast, catalogue):
    with pytest.raises(ValidationError) as exc:
        save(cast, catalogue, {"fai": (Decimal("1.123456"), None, "")})
    assert "FAI" in exc.value.message_dict


def test_a_future_period_cannot_be_filled(cast, catalogue):
    with pytest.raises(ValidationError, match="尚未开始"):
        save(cast, catalogue, month=6)


# --- which indicators are due ------------------------------------------------------------------


def test_quarterly_indicators_are_asked_for_only_in_quarter_months(cast, catalogue):
    codes = lambda month: [r.indicator.code for r in queries.form_rows(cast.county_a, YEAR, month)]  # noqa: E731
    assert "PARK" in codes(3)
    assert "PARK" not in codes(2)
    assert "PARK" not in codes(4)
    assert "FAI" in codes(2)


def test_a_quarterly_value_in_another_month_is_refused(cast, catalogue):
    with time_machine.travel("2026-05-02 10:00 +0800", tick=False), pytest.raises(ValidationError) as exc:
        save(cast, catalogue, {"parks": (1, 1, "")}, month=4)
    assert "PARK" in exc.value.message_dict


def test_submitting_in_a_non_quarter_month_does_not_ask_for_the_quarterly_figure(cast, catalogue):
    april = {k: v for k, v in GOOD_MARCH.items() if k != "parks"}
    with time_machine.travel("2026-05-02 10:00 +0800", tick=False):
        submission = save(cast, catalogue, april, month=4)
        submission = reporting.submission_submit(
            actor=cast.reporter_a, submission=submission, expected_version=submission.version
        )
    assert submission.status == SubmissionStatus.SUBMITTED


def test_units_outside_the_indicators_groups_report_nothing(cast, catalogue):
    assert queries.form_rows(cast.department, YEAR, MONTH) == []


# --- the transitions ---------------------------------------------------------------------------


def test_reporter_submits_a_complete_form(cast, catalogue):
    submission = submit(cast, catalogue)
    assert status_of(submission) == SubmissionStatus.SUBMITTED
    assert submission.submitted_by == cast.reporter_a
    event = AuditEvent.objects.filter(action=AuditAction.TRANSITION, object_id=str(submission.pk)).get()
    assert event.changes == {"status": ["draft", "submitted"]}


def test_a_missing_value_blocks_submission(cast, catalogue):
    partial = {k: v for k, v in GOOD_MARCH.items() if k != "gdp"}
    submission = save(cast, catalogue, partial)
    with pytest.raises(ValidationError) as exc:
        reporting.submission_submit(actor=cast.reporter_a, submission=submission, expected_version=submission.version)
    assert exc.value.message_dict == {"GDP": ["请填写本期值。"]}
    assert status_of(submission) == SubmissionStatus.DRAFT


def test_unit_head_approves_and_supervisor_accepts(cast, catalogue):
    submission = accept(cast, catalogue)
    assert status_of(submission) == SubmissionStatus.ACCEPTED
    assert (submission.approved_by, submission.accepted_by) == (cast.head_a, cast.supervisor)
    transitions = AuditEvent.objects.filter(action=AuditAction.TRANSITION, object_id=str(submission.pk))
    assert [e.changes["status"] for e in transitions.order_by("id")] == [
        ["draft", "submitted"], ["submitted", "approved"], ["approved", "accepted"],
    ]  # fmt: skip


def test_county_supervisor_accepts_in_their_county(cast, catalogue):
    submission = approve(cast, catalogue)
    reporting.submission_accept(
        actor=cast.county_supervisor, submission=submission, expected_version=submission.version
    )
    assert status_of(submission) == SubmissionStatus.ACCEPTED


@pytest.mark.parametrize("who", ["reporter_a", "supervisor", "leader", "reporter_b"])
def test_only_the_units_head_approves(cast, catalogue, who):
    submission = submit(cast, catalogue)
    with pytest.raises(PermissionDenied):
        reporting.submission_approve(
            actor=getattr(cast, who), submission=submission, expected_version=submission.version
        )
    assert status_of(submission) == SubmissionStatus.SUBMITTED


@pytest.mark.parametrize("who", ["head_a", "reporter_a", "leader"])
def test_only_a_supervisor_accepts(cast, catalogue, who):
    submission = approve(cast, catalogue)
    with pytest.raises(PermissionDenied):
        reporting.submission_accept(actor=getattr(cast, who), submission=submission, expected_version=None)
    assert status_of(submission) == SubmissionStatus.APPROVED


def test_a_supervisor_of_another_county_cannot_accept(cast, catalogue):
    from tuijin.orgs import services as org_services
    from tuijin.orgs.models import Role

    other = org_services.user_create(
        actor=cast.sysadmin, username="sup_b", password="Tuijin-Test-2026!", unit=cast.county_b, full_name="sup_b"
    )
    other = org_services.roles_set(actor=cast.secadmin, user=other, roles=[Role.SUPERVISOR])
    submission = approve(cast, catalogue)
    with pytest.raises(PermissionDenied):
        reporting.submission_accept(actor=other, submission=submission, expected_version=None)
    assert status_of(submission) == SubmissionStatus.APPROVED


def test_a_draft_cannot_be_approved_or_accepted(cast, catalogue):
    submission = save(cast, catalogue)
    with pytest.raises(ValidationError, match="不能变为"):
        reporting.submission_approve(actor=cast.head_a, submission=submission, expected_version=None)
    with pytest.raises(ValidationError, match="不能变为"):
        reporting.submission_accept(actor=cast.supervisor, submission=submission, expected_version=None)
    assert status_of(submission) == SubmissionStatus.DRAFT


def test_a_submitted_month_cannot_be_accepted_before_the_head_approves(cast, catalogue):
    submission = submit(cast, catalogue)
    with pytest.raises(ValidationError):
        reporting.submission_accept(actor=cast.supervisor, submission=submission, expected_version=None)


def test_an_accepted_month_cannot_be_returned(cast, catalogue):
    submission = accept(cast, catalogue)
    with pytest.raises(ValidationError, match="不能变为"):
        reporting.submission_return(actor=cast.head_a, submission=submission, reason="x", expected_version=None)
    with pytest.raises(ValidationError):
        reporting.submission_return(actor=cast.supervisor, submission=submission, reason="x", expected_version=None)
    assert status_of(submission) == SubmissionStatus.ACCEPTED


def test_a_submitted_month_cannot_be_edited_or_submitted_again(cast, catalogue):
    submission = submit(cast, catalogue)
    with pytest.raises(ValidationError, match="已报送"):
        save(cast, catalogue, {"fai": (31, 28, "")})
    with pytest.raises(ValidationError):
        reporting.submission_submit(actor=cast.reporter_a, submission=submission, expected_version=None)
    assert Report.objects.get(indicator=catalogue.fai).value == Decimal(30)


def test_head_returns_with_a_reason_and_the_reporter_resubmits_with_history(cast, catalogue):
    submission = submit(cast, catalogue)
    submission = reporting.submission_return(
        actor=cast.head_a, submission=submission, reason="固投口径有误", expected_version=submission.version
    )
    assert (submission.status, submission.returned_reason) == (SubmissionStatus.RETURNED, "固投口径有误")
    changed = {**GOOD_MARCH, "fai": (29, 28, "")}
    submission = save(cast, catalogue, changed, version=submission.version)
    revision = ReportRevision.objects.get()
    assert (revision.kind, revision.old_value, revision.new_value) == (RevisionKind.RETURN, d(30), d(29))
    assert "固投口径有误" in revision.reason
    reporting.submission_submit(actor=cast.reporter_a, submission=submission, expected_version=submission.version)
    assert status_of(submission) == SubmissionStatus.SUBMITTED


def test_supervisor_returns_an_approved_month_but_the_head_cannot(cast, catalogue):
    submission = approve(cast, catalogue)
    with pytest.raises(PermissionDenied):
        reporting.submission_return(actor=cast.head_a, submission=submission, reason="x", expected_version=None)
    reporting.submission_return(
        actor=cast.supervisor, submission=submission, reason="外资数据待核", expected_version=None
    )
    assert status_of(submission) == SubmissionStatus.RETURNED


def test_a_return_needs_a_reason(cast, catalogue):
    submission = submit(cast, catalogue)
    with pytest.raises(ValidationError) as exc:
        reporting.submission_return(actor=cast.head_a, submission=submission, reason="  ", expected_version=None)
    assert "reason" in exc.value.message_dict
    assert status_of(submission) == SubmissionStatus.SUBMITTED


def test_another_units_reporter_cannot_submit_or_return(cast, catalogue):
    submission = save(cast, catalogue)
    with pytest.raises(PermissionDenied):
        reporting.submission_submit(actor=cast.reporter_b, submission=submission, expected_version=None)
    submission = submit(cast, catalogue)
    with pytest.raises(PermissionDenied):
        reporting.submission_return(actor=cast.reporter_b, submission=submission, reason="x", expected_version=None)
    assert status_of(submission) == SubmissionStatus.SUBMITTED


def test_allowed_actions_follow_role_and_state(cast, catalogue):
    submission = submit(cast, catalogue)
    assert reporting.allowed_actions(cast.head_a, submission) == {"approve", "return"}
    assert reporting.allowed_actions(cast.supervisor, submission) == {"return"}
    assert reporting.allowed_actions(cast.reporter_b, submission) == set()
    submission.refresh_from_db()
    submission = reporting.submission_approve(actor=cast.head_a, submission=submission, expected_version=None)
    assert reporting.allowed_actions(cast.supervisor, submission) == {"accept", "return"}


# --- optimistic locking ------------------------------------------------------------------------


def test_two_saves_from_the_same_version_the_second_is_refused_and_the_first_kept(cast, catalogue):
    base = save(cast, catalogue)
    save(cast, catalogue, {"fai": (31, 28, "")}, version=base.version)
    with pytest.raises(StaleEditError, match="已被他人修改"):
        save(cast, catalogue, {"fai": (99, 28, "")}, version=base.version)
    assert Report.objects.get(indicator=catalogue.fai).value == Decimal(31)


def test_two_new_forms_the_second_is_refused(cast, catalogue):
    save(cast, catalogue, {"fai": (31, 28, "")}, version=0)
    with pytest.raises(StaleEditError):
        save(cast, catalogue, {"fai": (99, 28, "")}, version=0)
    assert Report.objects.get(indicator=catalogue.fai).value == Decimal(31)


def test_a_stale_approval_is_refused(cast, catalogue):
    submission = submit(cast, catalogue)
    stale = submission.version - 1
    with pytest.raises(StaleEditError):
        reporting.submission_approve(actor=cast.head_a, submission=submission, expected_version=stale)
    assert status_of(submission) == SubmissionStatus.SUBMITTED


# --- the lock after the deadline ---------------------------------------------------------------


def test_after_the_deadline_the_period_is_locked(cast, catalogue):
    submission = save(cast, catalogue)
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        with pytest.raises(ValidationError, match="锁定"):
            save(cast, catalogue, {"fai": (40, 28, "")}, version=submission.version)
        with pytest.raises(ValidationError, match="锁定"):
            reporting.submission_submit(actor=cast.reporter_a, submission=submission, expected_version=None)
    assert Report.objects.get(indicator=catalogue.fai).value == Decimal(30)


def test_the_deadline_day_itself_is_still_open(cast, catalogue):
    with time_machine.travel("2026-04-07 23:30 +0800", tick=False):  # the 5th, moved past Qingming
        assert submit(cast, catalogue).status == SubmissionStatus.SUBMITTED


def test_a_locked_month_is_not_returned(cast, catalogue):
    submission = submit(cast, catalogue)
    with time_machine.travel(AFTER_DEADLINE, tick=False), pytest.raises(ValidationError, match="锁定"):
        reporting.submission_return(actor=cast.head_a, submission=submission, reason="x", expected_version=None)
    assert status_of(submission) == SubmissionStatus.SUBMITTED


def test_entries_helper_matches_the_shared_interface(catalogue):
    (entry,) = entries(catalogue, {"fai": (1, None, "")})
    assert entry == reporting.Entry(catalogue.fai, Decimal(1), None, "")
