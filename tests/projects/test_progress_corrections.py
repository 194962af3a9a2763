"""After the lock: a month's investment changes only through a correction the supervisor approves."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.projects.progress_support import MONTH, YEAR, after_deadline, filling_clock
from tuijin.audit.models import AuditEvent
from tuijin.projects.models import ProgressCorrection, ProgressRevision
from tuijin.projects.services import progress as services
from tuijin.projects.services import progress_corrections as corrections


@pytest.fixture
def progress(cast, make_project):
    project = make_project(cast.county_a, code="P-A1")
    with filling_clock():
        return services.progress_save(
            actor=cast.reporter_a, project=project, year=YEAR, month=MONTH, investment=Decimal("2.5")
        )


@pytest.fixture(autouse=True)
def _locked(progress):
    with after_deadline():
        yield


def request(cast, progress, value="2.8", reason="统计口径调整，补录设备购置", actor=None):
    return corrections.correction_request(
        actor=actor or cast.reporter_a, progress=progress, proposed_investment=Decimal(value), reason=reason
    )


def test_approved_correction_changes_the_investment_and_keeps_the_old_one(cast, progress):
    correction = request(cast, progress)
    progress.refresh_from_db()
    assert progress.investment == Decimal("2.5")  # unchanged until approved
    corrections.correction_approve(actor=cast.supervisor, correction=correction, note="同意")
    progress.refresh_from_db()
    correction.refresh_from_db()
    assert (progress.investment, progress.version) == (Decimal("2.8"), 2)
    assert (correction.status, correction.decided_by) == (ProgressCorrection.Status.APPROVED, cast.supervisor)
    revision = ProgressRevision.objects.get(progress=progress)
    assert (revision.kind, revision.old_investment, revision.new_investment) == (
        "correction",
        Decimal("2.5"),
        Decimal("2.8"),
    )
    assert revision.reason == "统计口径调整，补录设备购置"
    event = AuditEvent.objects.filter(object_type="projects.projectprogress", object_id=str(progress.pk)).first()
    assert event.changes["investment"] == ["2.5000", "2.8000"]


def test_rejection_needs_a_note_and_leaves_the_investment(cast, progress):
    correction = request(cast, progress)
    with pytest.raises(ValidationError):
        corrections.correction_reject(actor=cast.supervisor, correction=correction, note="")
    corrections.correction_reject(actor=cast.supervisor, correction=correction, note="无佐证材料")
    progress.refresh_from_db()
    correction.refresh_from_db()
    assert (correction.status, correction.decision_note) == (ProgressCorrection.Status.REJECTED, "无佐证材料")
    assert progress.investment == Decimal("2.5")
    assert not ProgressRevision.objects.exists()
    with pytest.raises(ValidationError, match="已处理"):
        corrections.correction_approve(actor=cast.supervisor, correction=correction)


def test_a_request_needs_a_reason_a_new_figure_and_no_pending_twin(cast, progress):
    with pytest.raises(ValidationError) as exc:
        request(cast, progress, value="2.5", reason="")
    assert set(exc.value.message_dict) == {"reason", "proposed_investment"}
    request(cast, progress)
    with pytest.raises(ValidationError, match="待审批"):
        request(cast, progress, value="3")
    assert ProgressCorrection.objects.count() == 1


def test_an_open_month_is_edited_directly_not_corrected(cast, progress):
    with filling_clock(), pytest.raises(ValidationError, match="尚未锁定"):
        request(cast, progress)


def test_other_units_cannot_request_or_decide(cast, progress):
    with pytest.raises(PermissionDenied):
        request(cast, progress, actor=cast.reporter_b)
    correction = request(cast, progress)
    for outsider in (cast.reporter_a, cast.head_a):
        with pytest.raises(PermissionDenied):
            corrections.correction_approve(actor=outsider, correction=correction)
    correction.refresh_from_db()
    assert correction.status == ProgressCorrection.Status.PENDING


def test_the_county_supervisor_decides_for_the_county_only(cast, make_project):
    with filling_clock():
        other = services.progress_save(
            actor=cast.reporter_b, project=make_project(cast.county_b, code="P-B1"), year=YEAR, month=MONTH,
            investment=Decimal(1),
        )  # fmt: skip
    correction = request(cast, other, actor=cast.reporter_b)
    with pytest.raises(PermissionDenied):
        corrections.correction_approve(actor=cast.county_supervisor, correction=correction)
    other.refresh_from_db()
    assert other.investment == Decimal(1)


# --- pages ---------------------------------------------------------------------------------------


def test_reporter_requests_and_supervisor_approves_through_the_pages(cast, progress, client_for):
    url = f"/projects/p/P-A1/progress/{YEAR}/{MONTH}/correction/"
    response = client_for(cast.reporter_a).post(url, {"proposed_investment": "3.1", "reason": "补录"})
    assert response.status_code == 302
    correction = ProgressCorrection.objects.get()
    listing = client_for(cast.supervisor).get("/projects/progress/corrections/")
    assert "补录" in listing.content.decode()
    client_for(cast.supervisor).post(f"/projects/progress/corrections/{correction.pk}/approve/")
    progress.refresh_from_db()
    assert progress.investment == Decimal("3.1")


def test_pages_refuse_users_of_other_units(cast, progress, client_for):
    url = f"/projects/p/P-A1/progress/{YEAR}/{MONTH}/correction/"
    assert client_for(cast.reporter_b).post(url, {"proposed_investment": "9", "reason": "x"}).status_code == 404
    correction = request(cast, progress)
    response = client_for(cast.reporter_a).post(f"/projects/progress/corrections/{correction.pk}/approve/")
    assert response.status_code == 403
    correction.refresh_from_db()
    assert correction.status == ProgressCorrection.Status.PENDING
    progress.refresh_from_db()
    assert progress.investment == Decimal("2.5")


def test_a_county_supervisor_neither_lists_nor_decides_another_countys_corrections(cast, make_project, client_for):
    with filling_clock():
        other = services.progress_save(
            actor=cast.reporter_b, project=make_project(cast.county_b, code="P-B1"), year=YEAR, month=MONTH,
            investment=Decimal(1),
        )  # fmt: skip
    correction = request(cast, other, actor=cast.reporter_b, reason="乙县补录")
    client = client_for(cast.county_supervisor)
    assert "乙县补录" not in client.get("/projects/progress/corrections/").content.decode()
    for action in ("approve", "reject"):
        url = f"/projects/progress/corrections/{correction.pk}/{action}/"
        assert client.post(url, {"note": "x"}).status_code == 404
    correction.refresh_from_db()
    assert correction.status == ProgressCorrection.Status.PENDING
    assert "乙县补录" in client_for(cast.supervisor).get("/projects/progress/corrections/").content.decode()
