"""The reporting API: figures and submissions in scope, writes through the services."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from tests.indicators.reporting_support import MONTH, YEAR, filling_clock, save, submit
from tuijin.indicators.models import Report, Submission, SubmissionStatus


@pytest.fixture(autouse=True)
def _clock():
    with filling_clock():
        yield


@pytest.fixture
def api():
    return APIClient()


def as_user(api, user):
    api.force_authenticate(user)
    return api


def report_payload(code="FAI", value="30", **extra):
    return {"indicator": code, "year": YEAR, "month": MONTH, "value": value, "last_year_value": "28", **extra}


def test_reporter_creates_a_figure_in_their_units_draft(cast, catalogue, api):
    response = as_user(api, cast.reporter_a).post("/api/v1/reports/", report_payload(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["unit"], body["indicator"], body["status"]) == ("C-A", "FAI", "draft")
    assert Report.objects.get(unit=cast.county_a, indicator=catalogue.fai).value == Decimal(30)


def test_reporter_updates_a_figure_with_the_submission_version(cast, catalogue, api):
    client = as_user(api, cast.reporter_a)
    created = client.post("/api/v1/reports/", report_payload(), format="json").json()
    response = client.patch(
        f"/api/v1/reports/{created['id']}/", {"value": "31", "submission_version": created["submission_version"]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 200, response.content
    stale = client.patch(
        f"/api/v1/reports/{created['id']}/", {"value": "99", "submission_version": created["submission_version"]},
        format="json",
    )  # fmt: skip
    assert stale.status_code == 409
    assert "已被他人修改" in str(stale.json())
    assert Report.objects.get(pk=created["id"]).value == Decimal(31)


def test_a_figure_the_unit_does_not_report_is_refused(cast, catalogue, api):
    catalogue.fdi.ranking_groups.set([cast.zones])
    response = as_user(api, cast.reporter_a).post("/api/v1/reports/", report_payload(code="FDI"), format="json")
    assert response.status_code == 400
    assert "FDI" in response.json()
    assert not Report.objects.exists()


def test_another_units_reporter_neither_sees_nor_changes_a_figure(cast, catalogue, api):
    save(cast, catalogue)
    report = Report.objects.get(indicator=catalogue.fai)
    client = as_user(api, cast.reporter_b)
    assert client.get(f"/api/v1/reports/{report.pk}/").status_code == 404
    assert (
        client.patch(
            f"/api/v1/reports/{report.pk}/", {"value": "1", "submission_version": 1}, format="json"
        ).status_code
        == 404
    )
    assert client.get("/api/v1/reports/").json()["results"] == []
    report.refresh_from_db()
    assert report.value == Decimal(30)


def test_figures_cannot_be_deleted(cast, catalogue, api):
    save(cast, catalogue)
    report = Report.objects.get(indicator=catalogue.fai)
    assert as_user(api, cast.reporter_a).delete(f"/api/v1/reports/{report.pk}/").status_code in (403, 405)
    assert Report.objects.filter(pk=report.pk).exists()


@pytest.mark.parametrize("who", ["head_a", "supervisor", "leader"])
def test_only_reporters_write_figures(cast, catalogue, api, who):
    response = as_user(api, getattr(cast, who)).post("/api/v1/reports/", report_payload(), format="json")
    assert response.status_code == 403
    assert not Report.objects.exists()


def test_reports_filter_by_unit_indicator_and_period(cast, catalogue, make_report, api):
    make_report(cast.county_a, catalogue.fai, 1, 10)
    make_report(cast.county_b, catalogue.fai, 1, 11)
    make_report(cast.county_a, catalogue.fdi, 2, 12)
    client = as_user(api, cast.supervisor)
    rows = client.get("/api/v1/reports/", {"unit": "C-A", "indicator": "FAI", "year": YEAR, "month": 1}).json()
    assert [(r["unit"], r["indicator"], r["value"]) for r in rows["results"]] == [("C-A", "FAI", "10.0000")]


def test_the_submission_workflow_through_the_api(cast, catalogue, api):
    submission = save(cast, catalogue)
    url = f"/api/v1/submissions/{submission.pk}"
    response = as_user(api, cast.reporter_a).post(f"{url}/submit/", {"version": submission.version}, format="json")
    assert response.status_code == 200, response.content
    version = response.json()["version"]
    response = as_user(api, cast.head_a).post(f"{url}/approve/", {"version": version}, format="json")
    assert response.json()["status"] == "approved"
    version = response.json()["version"]
    response = as_user(api, cast.supervisor).post(f"{url}/return/", {"version": version})
    assert response.status_code == 400  # a return needs a reason
    response = as_user(api, cast.supervisor).post(
        f"{url}/return/", {"reason": "核实外资", "version": version}, format="json"
    )
    assert response.json()["status"] == "returned"


def test_submitting_an_incomplete_month_lists_the_missing_indicators(cast, catalogue, api):
    submission = save(cast, catalogue, {"fai": (30, 28, "")})
    response = as_user(api, cast.reporter_a).post(
        f"/api/v1/submissions/{submission.pk}/submit/", {"version": submission.version}, format="json"
    )
    assert response.status_code == 400
    assert {"FDI", "GDP", "HT", "PM25", "PARK"} <= set(response.json())


def test_wrong_roles_and_units_are_refused_on_transitions(cast, catalogue, api):
    submission = submit(cast, catalogue)
    url = f"/api/v1/submissions/{submission.pk}"
    v = {"version": submission.version}
    assert as_user(api, cast.reporter_a).post(f"{url}/approve/", v, format="json").status_code == 403
    assert as_user(api, cast.head_a).post(f"{url}/accept/", v, format="json").status_code == 403
    assert as_user(api, cast.reporter_b).post(f"{url}/return/", {"reason": "x", **v}, format="json").status_code == 404
    assert as_user(api, cast.reporter_b).get(f"{url}/").status_code == 404
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED


def test_submissions_list_is_scoped_and_filtered(cast, catalogue, make_report, api):
    make_report(cast.county_a, catalogue.fai, 1, 10)
    make_report(cast.county_b, catalogue.fai, 1, 11, status=SubmissionStatus.DRAFT)
    rows = as_user(api, cast.reporter_b).get("/api/v1/submissions/").json()["results"]
    assert [r["unit"] for r in rows] == ["C-B"]
    rows = as_user(api, cast.supervisor).get("/api/v1/submissions/", {"status": "submitted"}).json()["results"]
    assert [r["unit"] for r in rows] == ["C-A"]
    assert Submission.objects.count() == 2


def test_the_reports_list_runs_a_fixed_number_of_queries(
    cast, catalogue, make_report, api, django_assert_max_num_queries
):
    for unit in (cast.county_a, cast.county_b, cast.zone):
        for month in (1, 2):
            make_report(unit, catalogue.fai, month, 10)
    client = as_user(api, cast.supervisor)
    with django_assert_max_num_queries(6):
        assert len(client.get("/api/v1/reports/").json()["results"]) == 6
