"""GET /api/v1/analytics/indicator/: the ranking of one indicator, unrounded, scoped by group."""

from decimal import Decimal

import pytest

from tests.indicators.conftest import YEAR

URL = "/api/v1/analytics/indicator/"


@pytest.fixture
def july(cast, catalogue, make_target, make_report):
    make_target(cast.county_a, catalogue.fdi, 23978)
    make_report(cast.county_a, catalogue.fdi, 7, 13955, last_year=12000)
    make_target(cast.county_b, catalogue.fdi, 10000)
    return catalogue


def params(**overrides):
    return {"indicator": "FDI", "group": "G-CTY", "year": YEAR, "month": 7, **overrides}


def test_the_worked_example_comes_back_unrounded(cast, july, client_for):
    response = client_for(cast.supervisor).get(URL, params())
    assert response.status_code == 200
    data = response.json()
    row = data["rows"][0]
    assert row["unit"] == {"code": "C-A", "name": "甲县"}
    assert Decimal(row["completion"]) == pytest.approx(Decimal(13955) / Decimal(23978), rel=Decimal("1e-12"))
    assert Decimal(data["time_progress"]) == pytest.approx(Decimal(7) / 12, rel=Decimal("1e-12"))
    assert Decimal(row["pace_gap"]) < 0
    assert len(row["pace_gap"]) > 6
    assert (row["rag"], row["band"], row["rank"], row["is_top"]) == ("amber", "lagging", 1, True)
    assert data["missing"] == [{"code": "C-B", "name": "乙县"}]
    assert Decimal(data["total"]) == 13955
    assert data["best"] == [{"code": "C-A", "name": "甲县"}]
    assert row["gap_to_above"] is None
    assert row["above_unit"] is None


@pytest.mark.parametrize(
    ("bad", "field", "message"),
    [
        ({"month": 13}, "month", "月份须在 1 到 12 之间。"),
        ({"year": "abc"}, "year", "年度须为整数。"),
        ({"indicator": "NOPE"}, "indicator", "指标不存在。"),
        ({"group": None}, "group", "请指定排名组编码。"),
    ],
)
def test_bad_parameters_are_refused_in_chinese(cast, july, client_for, bad, field, message):
    query = {k: v for k, v in params(**bad).items() if v is not None}
    response = client_for(cast.supervisor).get(URL, query)
    assert response.status_code == 400
    assert response.json()[field] == [message]


def test_a_group_without_members_in_scope_is_not_found(cast, july, client_for):
    client = client_for(cast.reporter_a)
    assert client.get(URL, params(group="G-ZN")).status_code == 404
    assert client.get(URL, params(group="G-NONE")).status_code == 404
    assert client.get(URL, params()).status_code == 200  # 甲县 is a member of the county group


def test_administrators_and_anonymous_callers_are_refused(cast, july, client_for, client):
    assert client.get(URL, params()).status_code in (401, 403)
    assert client_for(cast.auditor).get(URL, params()).status_code == 403


def test_the_schema_documents_the_endpoint(cast, client_for):
    schema = client_for(cast.supervisor).get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/analytics/indicator/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"indicator", "group", "year", "month"}
