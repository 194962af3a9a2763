"""GET /api/v1/analytics/projects/: counts, unrounded rates and the flagged codes of a scope."""

import datetime as dt
from decimal import Decimal

import pytest

from tests.projects.stats_support import YEAR, bulk_projects, day
from tuijin.projects import stats
from tuijin.projects.models import Milestone, PlanKind, Stage

URL = "/api/v1/analytics/projects/"


@pytest.fixture
def county_a_year(cast, make_project, make_progress, batch):
    """County A: 3 新开工 (one started, one 31 days late with a reason), one idle, a late milestone."""
    a = cast.county_a
    going = make_project(a, code="A-GO", start_month=2, stage=Stage.STARTED, started_on=day(2, 10),
                         planned_investment=6, batch=batch)  # fmt: skip
    make_project(a, code="A-LATE", planned_start_on=day(5, 1), start_month=5, delay_reason="环评未批",
                 planned_investment=3, batch=batch)  # fmt: skip
    make_project(a, code="A-NOV", start_month=11, planned_investment=3)
    idle = make_project(cast.town_a1, code="A-IDLE", kind=PlanKind.CONTINUING, stage=Stage.STARTED,
                        started_on=day(3, 1, YEAR - 1), planned_investment=6)  # fmt: skip
    make_progress(idle, 3, "1.25", by=cast.reporter_a)
    make_progress(going, 6, "0.5", by=cast.reporter_a)
    Milestone.objects.create(project=idle, order=1, name="主体结顶", planned_on=day(5, 20))
    make_project(cast.county_b, code="B-LATE", start_month=1)
    return a


def test_the_figures_come_back_unrounded_with_the_flagged_codes(cast, county_a_year, client_for):
    response = client_for(cast.supervisor).get(URL, {"year": YEAR, "month": 6, "scope": "unit:C-A"})
    assert response.status_code == 200
    data = response.json()
    assert data["scope"] == {"kind": "unit", "key": "C-A", "label": "甲县"}
    assert (data["period_end"], data["as_of"]) == ("2026-06-30", "2026-06-30")
    annual, due = data["annual"], data["due"]
    assert (annual["planned_start"], annual["started"]) == (3, 1)
    assert Decimal(annual["start_rate"]) == Decimal(1) / Decimal(3)
    assert annual["start_rate"] == "0.3333333333333333333333333333"  # unrounded
    assert (due["planned_start"], due["started"], due["start_rate"]) == (2, 1, "0.5")
    assert annual["completion_rate"] is None
    assert Decimal(annual["planned_investment"]) == 18
    assert Decimal(annual["ytd_investment"]) == Decimal("1.75")
    assert Decimal(due["planned_investment"]) == 9
    assert Decimal(due["investment_completion"]) == Decimal("1.75") / 9
    assert data["flags"]["slow_to_start"] == ["A-LATE"]
    assert data["flags"]["idle"] == ["A-IDLE"]
    assert data["flags"]["overdue_milestones"] == ["A-IDLE"]
    assert data["flags"]["lagging_batches"] == []  # B5's deadline is 30 June: not passed at the period end


def test_a_later_as_of_lists_the_batch_and_its_laggards(cast, county_a_year, client_for):
    response = client_for(cast.supervisor).get(URL, {"year": YEAR, "month": 6, "as_of": "2026-07-15"})
    batches = response.json()["flags"]["lagging_batches"]
    assert batches == [{"code": "B5", "name": "第5批", "start_deadline": "2026-06-30", "total": 2, "not_started": 1,
                        "laggards": ["A-LATE"]}]  # fmt: skip


def test_scope_all_of_a_county_user_is_the_county(cast, county_a_year, client_for):
    data = client_for(cast.reporter_a).get(URL, {"year": YEAR, "month": 6}).json()
    assert data["scope"]["kind"] == "all"
    assert data["annual"]["planned_start"] == 3
    assert "B-LATE" not in data["flags"]["slow_to_start"]


def test_the_worked_example_over_the_api(cast, client_for):
    bulk_projects(cast.county_b, 86, prefix="S", kind=PlanKind.NEW, stage=Stage.STARTED, started_on=day(4))
    bulk_projects(cast.county_b, 43, prefix="N", kind=PlanKind.NEW, start_month=12)
    annual = client_for(cast.supervisor).get(URL, {"year": YEAR, "month": 12, "scope": "unit:C-B"}).json()["annual"]
    assert f"{Decimal(annual['start_rate']) * 100:.1f}" == "66.7"


@pytest.mark.parametrize(
    ("bad", "field", "message"),
    [
        ({"month": 13}, "month", "月份须在 1 到 12 之间。"),
        ({"month": None}, "month", "请指定月份。"),
        ({"year": "abc"}, "year", "年度须为整数。"),
        ({"scope": "county:C-A"}, "scope", "范围格式应为 unit:单位编码、batch:批次编码、tag:标签名称 或 all。"),
        ({"as_of": "2026-13-01"}, "as_of", "日期格式应为 YYYY-MM-DD。"),
    ],
)
def test_bad_parameters_are_refused_in_chinese(cast, client_for, bad, field, message):
    query = {k: v for k, v in {"year": YEAR, "month": 6, "scope": "all", **bad}.items() if v is not None}
    response = client_for(cast.supervisor).get(URL, query)
    assert response.status_code == 400
    assert response.json()[field] == [message]


@pytest.mark.parametrize("scope", ["unit:C-B", "unit:NOPE", "batch:NOPE", "tag:不存在"])
def test_a_scope_outside_the_callers_view_is_not_found(cast, county_a_year, client_for, scope):
    assert client_for(cast.reporter_a).get(URL, {"year": YEAR, "month": 6, "scope": scope}).status_code == 404


@pytest.mark.parametrize("who", ["sysadmin", "secadmin", "auditor"])
def test_administrators_are_refused(cast, client_for, who):
    assert client_for(getattr(cast, who)).get(URL, {"year": YEAR, "month": 6}).status_code == 403


def test_anonymous_callers_are_refused(client):
    assert client.get(URL, {"year": YEAR, "month": 6}).status_code in (401, 403)


def test_the_schema_documents_the_endpoint_without_warnings(cast, client_for, capsys):
    response = client_for(cast.supervisor).get("/api/schema/")
    assert response.status_code == 200
    assert b"analytics_projects" in response.content
    assert "analytics/projects" not in capsys.readouterr().err


def test_compiled_queries_are_shared_only_by_the_same_question(cast, county_a_year, client_for, make_project):
    """The statistics compile their SQL once per scope and period (tuijin.core.sqlcache): a second
    caller with another view, a later data change and another period must each get their own answer."""
    params = {"year": YEAR, "month": 6}
    supervisor = client_for(cast.supervisor).get(URL, params).json()
    county_a = client_for(cast.reporter_a).get(URL, params).json()
    county_b = client_for(cast.reporter_b).get(URL, params).json()
    assert supervisor["flags"]["slow_to_start"] == ["B-LATE", "A-LATE"]  # longest overdue first
    assert county_a["flags"]["slow_to_start"] == ["A-LATE"]
    assert county_b["flags"]["slow_to_start"] == ["B-LATE"]
    assert (supervisor["annual"]["planned_start"], county_a["annual"]["planned_start"]) == (4, 3)
    assert county_b["annual"]["planned_start"] == 1
    make_project(cast.county_b, code="B-NEW", start_month=1)  # new data, same compiled SQL
    again = client_for(cast.reporter_b).get(URL, params).json()
    assert again["flags"]["slow_to_start"] == ["B-LATE", "B-NEW"]
    assert again["annual"]["planned_start"] == 2
    march = client_for(cast.reporter_a).get(URL, {"year": YEAR, "month": 3}).json()
    assert march["due"]["planned_start"] == 1  # A-GO (February) only


@pytest.mark.parametrize("as_of", ["2026-06-30", "2026-07-01", "2026-07-15", "2026-12-31"])
@pytest.mark.parametrize("scope", ["all", "unit:C-A", "unit:C-B"])
def test_the_apis_lagging_batches_are_the_lagging_list(cast, county_a_year, client_for, make_project, batch, as_of,
                                                       scope):  # fmt: skip
    """The API counts lagging batches from the projects' side; the lagging page from the batches'.
    Both must give the same batches, counts and order."""
    make_project(cast.county_b, code="B-IN-BATCH", start_month=4, batch=batch)
    user = cast.supervisor
    data = client_for(user).get(URL, {"year": YEAR, "month": 6, "as_of": as_of, "scope": scope}).json()
    projects = stats.scope_projects(user, stats.resolve_scope(user, scope))
    expected = [
        {"code": b.code, "name": b.name, "start_deadline": b.start_deadline.isoformat(), "total": b.total,
         "not_started": b.not_started, "laggards": [p.code for p in b.laggards]}
        for b in stats.lagging_batches(projects, dt.date.fromisoformat(as_of))
    ]  # fmt: skip
    assert data["flags"]["lagging_batches"] == expected
    assert bool(expected) == (as_of > "2026-06-30")  # B5's deadline is 30 June
