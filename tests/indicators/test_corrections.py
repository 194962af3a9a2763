"""After the lock: a correction needs a reason and the supervisor's approval, and keeps history."""

from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from tests.indicators.reporting_support import AFTER_DEADLINE, filling_clock, submit
from tuijin.audit.models import AuditEvent
from tuijin.indicators.models import CorrectionRequest, Report, ReportRevision, RevisionKind
from tuijin.indicators.services import reporting


@pytest.fixture
def fai_report(cast, catalogue):
    with filling_clock():
        submit(cast, catalogue)
    return Report.objects.get(unit=cast.county_a, indicator=catalogue.fai)


@pytest.fixture(autouse=True)
def _after_deadline(fai_report):
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        yield


def request_correction(cast, report, value=Decimal(32), reason="统计局反馈口径调整", actor=None):
    return reporting.correction_request(
        actor=actor or cast.reporter_a, report=report, proposed_value=value,
        proposed_last_year_value=report.last_year_value, reason=reason,
    )  # fmt: skip


def test_reporter_requests_and_supervisor_approves_a_correction_with_history(cast, fai_report):
    correction = request_correction(cast, fai_report)
    assert Report.objects.get(pk=fai_report.pk).value == Decimal(30)  # unchanged until approved
    reporting.correction_approve(actor=cast.supervisor, correction=correction, note="同意")
    fai_report.refresh_from_db()
    correction.refresh_from_db()
    assert fai_report.value == Decimal(32)
    assert (correction.status, correction.decided_by) == (CorrectionRequest.Status.APPROVED, cast.supervisor)
    revision = ReportRevision.objects.get(report=fai_report)
    assert (revision.kind, revision.old_value, revision.new_value) == (RevisionKind.CORRECTION, 30, 32)
    assert revision.reason == "统计局反馈口径调整"
    report_event = AuditEvent.objects.get(object_type="indicators.report", object_id=str(fai_report.pk))
    assert report_event.changes["value"] == ["30", "32"]


def test_supervisor_rejects_with_a_note_and_the_value_stays(cast, fai_report):
    correction = request_correction(cast, fai_report)
    with pytest.raises(ValidationError):
        reporting.correction_reject(actor=cast.supervisor, correction=correction, note="")
    reporting.correction_reject(actor=cast.supervisor, correction=correction, note="无佐证材料")
    correction.refresh_from_db()
    fai_report.refresh_from_db()
    assert (correction.status, correction.decision_note) == (CorrectionRequest.Status.REJECTED, "无佐证材料")
    assert fai_report.value == Decimal(30)
    assert not ReportRevision.objects.exists()


def test_a_correction_needs_a_reason(cast, fai_report):
    with pytest.raises(ValidationError) as exc:
        request_correction(cast, fai_report, reason=" ")
    assert "reason" in exc.value.message_dict
    assert not CorrectionRequest.objects.exists()


def test_only_one_pending_correction_per_figure(cast, fai_report):
    request_correction(cast, fai_report)
    with pytest.raises(ValidationError, match="待审批"):
        request_correction(cast, fai_report, value=Decimal(33))
    assert CorrectionRequest.objects.count() == 1


def test_a_decided_correction_cannot_be_decided_again(cast, fai_report):
    correction = request_correction(cast, fai_report)
    reporting.correction_approve(actor=cast.supervisor, correction=correction)
    with pytest.raises(ValidationError, match="已处理"):
        reporting.correction_reject(actor=cast.supervisor, correction=correction, note="x")
    assert ReportRevision.objects.count() == 1


def test_another_units_reporter_cannot_request_a_correction(cast, fai_report):
    with pytest.raises(PermissionDenied):
        request_correction(cast, fai_report, actor=cast.reporter_b)
    assert not CorrectionRequest.objects.exists()


@pytest.mark.parametrize("who", ["head_a", "reporter_a", "leader"])
def test_only_a_supervisor_decides_a_correction(cast, fai_report, who):
    correction = request_correction(cast, fai_report)
    with pytest.raises(PermissionDenied):
        reporting.correction_approve(actor=getattr(cast, who), correction=correction)
    fai_report.refresh_from_db()
    assert fai_report.value == Decimal(30)


def test_before_the_lock_there_is_nothing_to_correct(cast, fai_report):
    with filling_clock(), pytest.raises(ValidationError, match="尚未锁定"):
        request_correction(cast, fai_report)
