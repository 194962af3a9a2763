"""The catalogue over the API: designations, batches, node templates, milestones — read in scope,
written by the city's supervisor through the services; others are refused and nothing changes."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from tuijin.projects.models import Batch, Designation, Milestone, NodeTemplate


@pytest.fixture
def api():
    def as_user(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return as_user


def test_designations_read_and_write(cast, api, designations):
    assert [d["code"] for d in api(cast.reporter_a).get("/api/v1/designations/").json()] == ["PROV", "CITY", "MAYOR"]
    sup = api(cast.supervisor)
    created = sup.post("/api/v1/designations/", {"code": "TECH", "name": "技改"}, format="json")
    assert created.status_code == 201, created.content
    patched = sup.patch("/api/v1/designations/TECH/", {"name": "技术改造", "version": 1}, format="json")
    assert patched.status_code == 200, patched.content
    assert patched.json()["version"] == 2
    stale = sup.patch("/api/v1/designations/TECH/", {"name": "旧", "version": 1}, format="json")
    assert stale.status_code == 409
    assert Designation.objects.get(code="TECH").name == "技术改造"


def test_only_a_city_supervisor_writes_designations(cast, api, designations):
    for user in (cast.reporter_a, cast.county_supervisor):
        assert api(user).post("/api/v1/designations/", {"code": "X", "name": "X"}, format="json").status_code == 403
        response = api(user).patch("/api/v1/designations/PROV/", {"name": "改", "version": 1}, format="json")
        assert response.status_code == 403
    assert Designation.objects.get(code="PROV").name == "省重点"
    assert not Designation.objects.filter(code="X").exists()


def test_batches_list_only_visible_projects_and_set_members(cast, api, batch, make_project):
    a, b = make_project(cast.county_a, code="A-1"), make_project(cast.county_b, code="B-1")
    sup = api(cast.supervisor)
    response = sup.put(
        "/api/v1/batches/B5/",
        {"code": "B5", "name": "第5批", "launch_date": "2026-03-18", "start_deadline": "2026-06-30",
         "projects": ["A-1", "B-1"], "version": 1},
        format="json",
    )  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json()["projects"] == ["A-1", "B-1"]
    assert api(cast.reporter_a).get("/api/v1/batches/B5/").json()["projects"] == ["A-1"]
    a.refresh_from_db(), b.refresh_from_db()
    assert (a.batch, b.batch) == (batch, batch)


def test_a_county_supervisor_cannot_change_a_batch(cast, api, batch):
    body = {"name": "改", "version": 1}
    assert api(cast.county_supervisor).patch("/api/v1/batches/B5/", body, format="json").status_code == 403
    batch.refresh_from_db()
    assert (batch.name, batch.version) == ("第5批", 1)


def test_node_templates_read_and_replace(cast, api, node_template):
    listed = api(cast.reporter_a).get("/api/v1/node-templates/").json()
    assert len(listed[0]["items"]) == 11
    body = {"code": "IND11", "name": "产业项目", "items": [{"name": "开工", "key": "start", "offset_days": 0}]}
    assert api(cast.supervisor).put("/api/v1/node-templates/IND11/", body, format="json").status_code == 428
    response = api(cast.supervisor).put("/api/v1/node-templates/IND11/", {**body, "version": 1}, format="json")
    assert response.status_code == 200, response.content
    assert [i["name"] for i in response.json()["items"]] == ["开工"]
    refused = api(cast.county_supervisor).put("/api/v1/node-templates/IND11/", {**body, "version": 2}, format="json")
    assert refused.status_code == 403
    assert NodeTemplate.objects.get().version == 2


def test_milestones_are_read_with_their_project_and_written_by_the_rules(cast, api, make_project):
    project = make_project(cast.county_a, code="A-1")
    sup = api(cast.supervisor)
    created = sup.post("/api/v1/milestones/", {"project": "A-1", "name": "环评", "key": "eia"}, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert [
        m["name"] for m in api(cast.reporter_a).get("/api/v1/milestones/", {"project": "A-1"}).json()["results"]
    ] == ["环评"]
    assert api(cast.reporter_b).get(f"/api/v1/milestones/{pk}/").status_code == 404
    assert api(cast.reporter_b).get("/api/v1/milestones/").json()["results"] == []
    done = api(cast.reporter_a).patch(f"/api/v1/milestones/{pk}/", {"actual_on": "2026-01-05", "version": 1},
                                      format="json")  # fmt: skip
    assert done.status_code == 200, done.content
    renamed = api(cast.reporter_a).patch(f"/api/v1/milestones/{pk}/", {"name": "改名", "version": 2}, format="json")
    assert renamed.status_code == 403  # the reporter records the actual date only
    other = api(cast.reporter_b).patch(f"/api/v1/milestones/{pk}/", {"actual_on": "2026-01-06", "version": 2},
                                       format="json")  # fmt: skip
    assert other.status_code == 404
    refused = api(cast.reporter_a).post("/api/v1/milestones/", {"project": "A-1", "name": "x"}, format="json")
    assert refused.status_code in (403, 404)
    milestone = Milestone.objects.get(project=project)
    assert (milestone.name, milestone.actual_on, milestone.version) == ("环评", dt.date(2026, 1, 5), 2)
    assert Batch.objects.count() == 0
