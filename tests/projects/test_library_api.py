"""/api/v1/projects/ and /api/v1/project-plans/: CRUD through the services, scope refusals."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from tuijin.projects.models import CheckpointKey, Milestone, Project, ProjectPlan, Stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    def as_user(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return as_user


def test_supervisor_creates_reads_and_updates_a_project(cast, api, designations, node_template):
    client = api(cast.supervisor)
    body = {"code": "API-1", "name": "接口项目", "unit": "C-A", "total_investment": "15.5",
            "designations": ["PROV"], "lead_leader": "leader", "node_template": "IND11",
            "planned_start_on": "2026-09-01", "stage": "preparation"}  # fmt: skip
    created = client.post("/api/v1/projects/", body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["designations"] == ["PROV"]
    assert created.json()["version"] == 1
    assert Project.objects.get(code="API-1").milestones.count() == 11

    patched = client.patch("/api/v1/projects/API-1/", {"name": "改名", "version": 1}, format="json")
    assert patched.status_code == 200
    assert patched.json()["name"] == "改名"
    stale = client.patch("/api/v1/projects/API-1/", {"name": "旧版", "version": 1}, format="json")
    assert stale.status_code == 409
    listed = _results(client.get("/api/v1/projects/", {"designation": "PROV"}))
    assert [p["code"] for p in listed] == ["API-1"]


def test_invalid_input_is_a_400_with_field_errors(cast, api):
    response = api(cast.supervisor).post(
        "/api/v1/projects/", {"code": "X", "name": "x", "unit": "C-A", "total_investment": "1",
                              "national_code": "bad"}, format="json")  # fmt: skip
    assert response.status_code == 400
    assert "national_code" in response.json()
    assert not Project.objects.exists()


def test_scope_refusals_and_nothing_changes(cast, api, make_project):
    project = make_project(cast.county_b, code="B-1")
    reporter, county = api(cast.reporter_a), api(cast.county_supervisor)
    assert reporter.get("/api/v1/projects/B-1/").status_code == 404
    assert county.patch("/api/v1/projects/B-1/", {"name": "改", "version": 1}, format="json").status_code == 404
    assert reporter.post("/api/v1/projects/B-1/stage/", {"stage": "terminated", "reason": "x", "version": 1},
                         format="json").status_code == 404  # fmt: skip
    assert county.post("/api/v1/projects/", {"code": "N", "name": "n", "unit": "C-B", "total_investment": "1"},
                       format="json").status_code == 403  # fmt: skip
    assert (
        api(cast.reporter_b).patch("/api/v1/projects/B-1/", {"name": "改", "version": 1}, format="json").status_code
        == 403
    )
    assert api(cast.sysadmin).get("/api/v1/projects/").status_code == 403
    assert [p["code"] for p in _results(reporter.get("/api/v1/projects/"))] == []
    project.refresh_from_db()
    assert (project.name, project.stage, project.version) == ("项目1", Stage.PREPARATION, 1)
    assert Project.objects.count() == 1


def _results(response):
    data = response.json()
    return data["results"] if isinstance(data, dict) else data


def test_stage_action_applies_the_admission_rules(cast, api, make_project):
    project = make_project(cast.county_a, code="S-1")
    refused = api(cast.reporter_a).post("/api/v1/projects/S-1/stage/", {"stage": "started", "on_date": "2026-01-05",
                                        "version": 1}, format="json")  # fmt: skip
    assert refused.status_code == 400
    assert "准入规则" in str(refused.json())
    for order, key in enumerate((CheckpointKey.EIA, CheckpointKey.LAND), start=1):
        Milestone.objects.create(project=project, order=order, name=key, key=key, actual_on=dt.date(2026, 1, 2))
    done = api(cast.reporter_a).post("/api/v1/projects/S-1/stage/",
                                     {"stage": "started", "on_date": "2026-01-05", "evidence": "许可证", "version": 1},
                                     format="json")  # fmt: skip
    assert done.status_code == 200
    assert done.json()["stage"] == "started"
    assert done.json()["started_on"] == "2026-01-05"


def test_plans_api_creates_updates_and_is_scoped(cast, api, make_project):
    make_project(cast.county_a, code="P-A", year=2025, total_investment=5)
    make_project(cast.county_b, code="P-B", year=2025)
    client = api(cast.supervisor)
    body = {"project": "P-A", "year": 2026, "kind": "new", "planned_investment": "6", "planned_start_month": 3}
    created = client.post("/api/v1/project-plans/", body, format="json")
    assert created.status_code == 201
    assert "超过项目总投资" in created.json()["warnings"][0]
    plan_id = created.json()["id"]
    updated = client.put(f"/api/v1/project-plans/{plan_id}/", {"kind": "continuing", "planned_investment": "4",
                                                               "version": 1}, format="json")  # fmt: skip
    assert updated.status_code == 200
    assert updated.json()["kind"] == "continuing"
    missing_month = client.post("/api/v1/project-plans/", {"project": "P-A", "year": 2027, "kind": "completing",
                                                           "planned_investment": "1"}, format="json")  # fmt: skip
    assert missing_month.status_code == 400
    assert "planned_completion_month" in missing_month.json()

    county = api(cast.county_supervisor)
    other = {"project": "P-B", "year": 2026, "kind": "continuing", "planned_investment": "1"}
    assert county.post("/api/v1/project-plans/", other, format="json").status_code == 404
    assert {p["project"] for p in _results(county.get("/api/v1/project-plans/"))} == {"P-A"}
    assert not ProjectPlan.objects.filter(project__code="P-B", year=2026).exists()
