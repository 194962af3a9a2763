"""The assessment API: schemes, items, compute, results with the drill-down, objections, scope."""

import datetime as dt
from decimal import Decimal as D

import pytest
from rest_framework.test import APIClient

from tuijin.assessment import services
from tuijin.assessment.models import Adjustment, Objection, Result, Scheme, SchemeStatus

SCHEMES = "/api/v1/assessment/schemes/"
RESULTS = "/api/v1/assessment/results/"


@pytest.fixture
def api():
    def as_user(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return as_user


@pytest.fixture
def published(cast, scheme, fake):
    services.scheme_publish(actor=cast.supervisor, scheme=scheme)
    services.results_compute(actor=cast.supervisor, scheme=scheme, month=10, figures=fake)
    scheme.refresh_from_db()
    services.results_publish(actor=cast.supervisor, scheme=scheme, objection_deadline=dt.date(2099, 1, 1))
    scheme.refresh_from_db()
    return scheme


def test_a_supervisor_builds_publishes_and_computes_a_scheme(cast, catalogue, county_c, api):
    client = api(cast.supervisor)
    response = client.post(SCHEMES, {"year": 2026, "group": "G-CTY", "name": "接口方案"}, format="json")
    assert response.status_code == 201, response.content
    scheme = response.json()
    items = [
        {"order": 1, "name": "投资完成率", "kind": "completion", "indicator": "FAI", "weight": "60", "cap": "1.2"},
        {"order": 2, "name": "外资排名", "kind": "rank", "indicator": "FDI", "weight": "40"},
    ]
    response = client.post(
        f"{SCHEMES}{scheme['id']}/items/", {"items": items, "version": scheme["version"]}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert [(i["name"], i["weight"]) for i in body["items"]] == [("投资完成率", "60.00"), ("外资排名", "40.00")]
    response = client.post(f"{SCHEMES}{scheme['id']}/publish/", {"version": body["version"]}, format="json")
    assert response.json()["status"] == "published"
    response = client.post(f"{SCHEMES}{scheme['id']}/compute/", {"month": 6}, format="json")
    assert response.status_code == 200, response.content
    assert sorted(r["unit"]["code"] for r in response.json()) == ["C-A", "C-B", "C-C"]
    assert {r["total"] for r in response.json()} == {"0.0000"}  # no reports: every line 未报


def test_weights_not_100_are_refused_with_the_reason(cast, scheme, api):
    item = scheme.items.get(order=6)
    response = api(cast.supervisor).post(
        f"{SCHEMES}{scheme.pk}/items/",
        {"items": [{"id": item.pk, "weight": "5"}], "version": scheme.version},
        format="json",
    )
    assert response.status_code == 200
    scheme.refresh_from_db()
    response = api(cast.supervisor).post(f"{SCHEMES}{scheme.pk}/publish/", {"version": scheme.version}, format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": ["各项分值合计须为 100 分，当前为 90 分。"]}


def test_item_errors_name_the_row_and_field(cast, scheme, api):
    items = [{"order": 9, "name": "扣分", "kind": "deduction_listed", "weight": "0", "cap": "2"}]
    body = {"items": items, "version": scheme.version}
    response = api(cast.supervisor).post(f"{SCHEMES}{scheme.pk}/items/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"0.amount": ["扣分项须填写每件扣分（大于 0）。"]}


def test_the_drilldown_over_the_api(cast, published, api):
    a = Result.objects.get(scheme=published, unit__code="C-A")
    response = api(cast.reporter_a).get(f"{RESULTS}{a.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert (body["total"], body["rank"]) == ("74.2500", 1)
    first = body["lines"][0]
    assert (first["points"], first["formula"]) == ("22.5000", "30 × 完成比 75.0%（封顶 120.0%）= 22.50")
    assert first["explanation"]["ratio"] == "0.75"
    assert len(body["lines"]) == 6


def test_results_are_scoped_to_the_callers_unit(cast, published, api):
    response = api(cast.reporter_a).get(RESULTS, {"scheme": published.pk})
    assert [r["unit"]["code"] for r in response.json()["results"]] == ["C-A"]
    b = Result.objects.get(scheme=published, unit__code="C-B")
    assert api(cast.reporter_a).get(f"{RESULTS}{b.pk}/").status_code == 404
    assert api(cast.reporter_town_a1).get(RESULTS).json()["results"] == []
    assert len(api(cast.leader).get(RESULTS).json()["results"]) == 3


def test_objection_and_decision_over_the_api(cast, published, api):
    a = Result.objects.get(scheme=published, unit__code="C-A")
    response = api(cast.head_a).post(f"{RESULTS}{a.pk}/objections/", {"text": "件数有误"}, format="json")
    assert response.status_code == 201, response.content
    objection = response.json()
    response = api(cast.supervisor).post(
        f"{RESULTS}{a.pk}/objections/{objection['id']}/decide/",
        {"accept": True, "response": "属实", "points": "1.5", "version": objection["version"]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"
    a.refresh_from_db()
    assert a.total == D("75.75")


def test_others_are_refused_and_nothing_changes(cast, published, scheme, api):
    a = Result.objects.get(scheme=published, unit__code="C-A")
    assert api(cast.reporter_b).post(f"{RESULTS}{a.pk}/objections/", {"text": "代"}, format="json").status_code == 404
    assert (
        api(cast.head_a)
        .post(f"{RESULTS}{a.pk}/adjustments/", {"points": "5", "reason": "自加", "version": a.version}, format="json")
        .status_code
        == 403
    )
    county = api(cast.county_supervisor)
    assert (
        county.post(
            f"{RESULTS}{a.pk}/adjustments/", {"points": "5", "reason": "越权", "version": a.version}, format="json"
        ).status_code
        == 403
    )
    assert county.post(f"{SCHEMES}{scheme.pk}/compute/", {"month": 12}, format="json").status_code in (400, 403)
    assert county.post(f"{SCHEMES}{scheme.pk}/new-version/", format="json").status_code == 403
    assert county.post(SCHEMES, {"year": 2026, "group": "G-CTY", "name": "越权"}, format="json").status_code == 403
    assert api(cast.reporter_a).post(f"{SCHEMES}{scheme.pk}/publish/", {}, format="json").status_code == 403
    assert api(cast.auditor).get(SCHEMES).status_code == 403
    assert not Objection.objects.exists()
    assert not Adjustment.objects.exists()
    assert Scheme.objects.count() == 1
    assert Scheme.objects.get().status == SchemeStatus.LOCKED


def test_units_see_no_draft_schemes(cast, scheme, api):
    assert api(cast.reporter_a).get(SCHEMES).json()["results"] == []
    assert api(cast.reporter_a).get(f"{SCHEMES}{scheme.pk}/").status_code == 404
    assert len(api(cast.supervisor).get(SCHEMES).json()["results"]) == 1


def test_anonymous_callers_are_refused():
    assert APIClient().get(SCHEMES).status_code in (401, 403)


def test_the_schema_documents_the_endpoints_without_warnings(cast, client_for, capsys):
    response = client_for(cast.supervisor).get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/assessment/results/{id}/objections/{objection_pk}/decide/" in response.content
    err = capsys.readouterr().err
    assert "assessment" not in err, err
