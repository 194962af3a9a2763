"""The matrix, a unit's cockpit and the early-warning list over the API: unrounded, in scope."""

from decimal import Decimal

import pytest

from tests.indicators.conftest import YEAR


@pytest.fixture
def july(cast, catalogue, make_target, make_report):
    make_target(cast.county_a, catalogue.fdi, 23978)
    make_report(cast.county_a, catalogue.fdi, 7, 13955, last_year=12000)
    make_target(cast.county_b, catalogue.fdi, 10000)
    make_report(cast.county_b, catalogue.fdi, 7, 9000)
    return catalogue


PERIOD = {"year": YEAR, "month": 7}


def test_the_matrix_shows_members_in_scope_with_unrounded_cells(cast, july, client_for):
    data = client_for(cast.supervisor).get("/api/v1/analytics/matrix/", {**PERIOD, "group": "G-CTY"}).json()
    assert [r["unit"]["code"] for r in data["rows"]] == ["C-A", "C-B"]
    fdi = next(c for c in data["rows"][0]["cells"] if c["indicator"] == "FDI")
    assert fdi["status"] == "reported"
    assert Decimal(fdi["completion"]) == pytest.approx(Decimal(13955) / Decimal(23978), rel=Decimal("1e-12"))
    county = client_for(cast.reporter_a).get("/api/v1/analytics/matrix/", {**PERIOD, "group": "G-CTY"}).json()
    assert [r["unit"]["code"] for r in county["rows"]] == ["C-A"]


def test_the_matrix_refuses_a_group_out_of_scope_and_bad_periods(cast, july, client_for):
    client = client_for(cast.reporter_a)
    assert client.get("/api/v1/analytics/matrix/", {**PERIOD, "group": "G-ZN"}).status_code == 404
    bad = client.get("/api/v1/analytics/matrix/", {"year": YEAR, "month": 13, "group": "G-CTY"})
    assert bad.status_code == 400
    assert bad.json()["month"] == ["月份须在 1 到 12 之间。"]


def test_a_cockpit_is_for_units_in_scope(cast, july, client_for):
    data = client_for(cast.reporter_a).get("/api/v1/analytics/cockpit/C-A/", PERIOD).json()
    line = next(x for x in data["lines"] if x["indicator"]["code"] == "FDI")
    assert Decimal(line["current"]["value"]) == 13955
    assert line["ranks"][0]["group"]["code"] == "G-CTY"
    assert client_for(cast.reporter_a).get("/api/v1/analytics/cockpit/C-B/", PERIOD).status_code == 404


def test_the_warnings_list_is_the_callers_scope_worst_first(cast, july, client_for):
    data = client_for(cast.supervisor).get("/api/v1/analytics/warnings/", PERIOD).json()
    assert [(w["unit"]["code"], w["indicator"]["code"]) for w in data["results"]] == [("C-A", "FDI")]
    assert Decimal(data["results"][0]["pace_gap"]) < 0
    assert data["count"] == 1
    county_b = client_for(cast.reporter_b).get("/api/v1/analytics/warnings/", PERIOD).json()
    assert county_b["results"] == []


def test_administrators_have_no_analytics(cast, july, client_for):
    assert client_for(cast.sysadmin).get("/api/v1/analytics/warnings/", PERIOD).status_code == 403
