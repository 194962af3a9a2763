"""The progress API: scoped reads, reporters' writes, and the supervisors' all-or-nothing bulk."""

from decimal import Decimal

import pytest

from tests.projects.progress_support import MONTH, YEAR, after_deadline, filling_clock
from tuijin.audit.models import AuditEvent
from tuijin.projects.models import ProgressRevision, ProjectProblem, ProjectProgress

BULK = "/api/v1/project-progress/bulk/"


@pytest.fixture(autouse=True)
def _clock():
    with filling_clock():
        yield


@pytest.fixture
def projects(cast, make_project):
    return {
        "a": make_project(cast.county_a, code="PA"),
        "a1": make_project(cast.town_a1, code="PA1"),
        "b": make_project(cast.county_b, code="PB"),
    }


def rows(**overrides):
    base = [
        {"project": "PA", "year": YEAR, "month": 3, "investment": "1.5", "image_progress": "基础施工"},
        {"project": "PA1", "year": YEAR, "month": 3, "investment": 2, "problems": "临时用电未接入"},
        {"project": "PB", "year": YEAR, "month": 2, "investment": "0.75"},
    ]
    for i, row in overrides.items():
        base[int(i[1:])] |= row
    return base


def figures():
    return sorted(ProjectProgress.objects.values_list("project__code", "year", "month", "investment", "version"))


# --- bulk --------------------------------------------------------------------------------------


def test_supervisor_writes_a_batch_and_posting_it_again_changes_nothing(cast, projects, client_for):
    client = client_for(cast.supervisor)
    body = {"rows": rows(r2={"month": 3}), "reason": ""}
    first = client.post(BULK, body, content_type="application/json")
    assert first.status_code == 200, first.json()
    assert first.json() == {"created": 3, "updated": 0, "unchanged": 0}
    stored = figures()
    assert stored[0] == ("PA", YEAR, 3, Decimal("1.5"), 1)
    assert ProjectProblem.objects.get().description == "临时用电未接入"
    again = client.post(BULK, body, content_type="application/json")
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 3}
    assert figures() == stored
    assert ProjectProblem.objects.count() == 1
    assert AuditEvent.objects.filter(object_type="projects.projectprogress", object_id="").count() == 2


def test_one_bad_row_refuses_the_whole_batch_with_errors_per_row(cast, projects, client_for):
    bad = rows(r0={"investment": "-1"}, r1={"month": 13}, r2={"project": "NOPE"})
    bad.append({"project": "PA", "year": YEAR, "month": 3, "investment": "1"})  # duplicates row 1
    bad.append({"project": "PA", "year": YEAR, "month": 8, "investment": "1"})  # not begun yet
    response = client_for(cast.supervisor).post(BULK, bad, content_type="application/json")
    assert response.status_code == 400
    errors = {(e["row"], e["field"]) for e in response.json()["errors"]}
    assert errors == {(1, "investment"), (2, "month"), (3, "project"), (4, "project"), (5, "month")}
    assert all(e["message"] for e in response.json()["errors"])
    assert not ProjectProgress.objects.exists()


def test_locked_months_need_a_reason_and_keep_a_revision_per_changed_row(cast, projects, client_for):
    client = client_for(cast.supervisor)
    client.post(BULK, rows(r2={"month": 3}), content_type="application/json")
    with after_deadline():
        client = client_for(cast.supervisor)  # a fresh session: sessions expire over four days
        update = rows(r0={"investment": "1.8"}, r2={"month": 3})
        refused = client.post(BULK, update, content_type="application/json")
        assert refused.status_code == 400
        assert refused.json()["errors"][0]["field"] == "reason"
        assert ProjectProgress.objects.get(project__code="PA").investment == Decimal("1.5")
        ok = client.post(BULK, {"rows": update, "reason": "统计局核定"}, content_type="application/json")
    assert ok.json() == {"created": 0, "updated": 1, "unchanged": 2}
    revision = ProgressRevision.objects.get()
    assert (revision.kind, revision.old_investment, revision.new_investment, revision.reason) == (
        "api", Decimal("1.5"), Decimal("1.8"), "统计局核定",
    )  # fmt: skip


def test_a_batch_with_a_project_outside_the_scope_is_refused_whole(cast, projects, client_for):
    response = client_for(cast.county_supervisor).post(BULK, rows(), content_type="application/json")
    assert response.status_code == 403
    assert "PB" in response.json()["detail"]
    assert not ProjectProgress.objects.exists()


def test_reporters_cannot_use_the_bulk_endpoint(cast, projects, client_for):
    response = client_for(cast.reporter_a).post(BULK, rows()[:1], content_type="application/json")
    assert response.status_code == 403
    assert not ProjectProgress.objects.exists()


def test_a_bulk_write_feeds_the_projects_fed_indicators(cast, projects, client_for, django_capture_on_commit_callbacks):
    from tests.indicators.conftest import build_catalogue
    from tuijin.indicators.models import Report

    fai = build_catalogue(cast).fai
    fai.fed_by_projects = True
    fai.save()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(cast.supervisor).post(BULK, rows(r2={"month": 3}), content_type="application/json")
    values = dict(Report.objects.filter(indicator=fai, month=MONTH).values_list("unit__code", "value"))
    assert values == {"C-A": Decimal("3.5"), "C-B": Decimal("0.75")}


# --- the viewset -------------------------------------------------------------------------------


def test_reporter_creates_and_updates_with_the_version(cast, projects, client_for):
    client = client_for(cast.reporter_a)
    body = {"project": "PA", "year": YEAR, "month": MONTH, "investment": "1.2", "image_progress": "桩基"}
    created = client.post("/api/v1/project-progress/", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    stale = client.patch(f"/api/v1/project-progress/{pk}/", {"investment": "2", "version": 0},
                         content_type="application/json")  # fmt: skip
    assert stale.status_code == 409
    ok = client.patch(f"/api/v1/project-progress/{pk}/", {"investment": "2", "version": 1},
                      content_type="application/json")  # fmt: skip
    assert ok.status_code == 200
    assert (ok.json()["investment"], ok.json()["image_progress"], ok.json()["version"]) == ("2.0000", "桩基", 2)


def test_reads_are_scoped_and_other_units_writes_refused(cast, projects, client_for, make_progress):
    make_progress(projects["a"], 2, "1", by=cast.reporter_a)
    make_progress(projects["b"], 2, "1", by=cast.reporter_b)
    listing = client_for(cast.reporter_b).get("/api/v1/project-progress/", {"year": YEAR})
    assert [r["project"] for r in listing.json()["results"]] == ["PB"]
    a_pk = ProjectProgress.objects.get(project__code="PA").pk
    assert client_for(cast.reporter_b).get(f"/api/v1/project-progress/{a_pk}/").status_code == 404
    body = {"project": "PA", "year": YEAR, "month": MONTH, "investment": "9"}
    assert client_for(cast.reporter_b).post("/api/v1/project-progress/", body,
                                            content_type="application/json").status_code == 404  # fmt: skip
    assert not ProjectProgress.objects.filter(month=MONTH).exists()
    filtered = client_for(cast.supervisor).get("/api/v1/project-progress/", {"project": "PA"})
    assert [r["project"] for r in filtered.json()["results"]] == ["PA"]
