"""The statistics pages: what they show, their exports read back, their scope and their query counts."""

import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.projects.stats_support import YEAR, bulk_projects, day
from tuijin.projects.models import Milestone, PlanKind, Stage

STATS = reverse("projects:stats")
LAGGING = reverse("projects:lagging")
PORTFOLIO = reverse("projects:portfolio")


def sheet(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


@pytest.fixture
def year_of_projects(cast, make_project, make_progress, batch):
    bulk_projects(cast.county_a, 86, prefix="S", kind=PlanKind.NEW, stage=Stage.STARTED, started_on=day(3))
    bulk_projects(cast.county_a, 43, prefix="N", kind=PlanKind.NEW, start_month=2, delay_reason="征迁未完成")
    bulk_projects(cast.county_b, 4, prefix="B", kind=PlanKind.NEW, stage=Stage.STARTED, started_on=day(2),
                  batch=batch)  # fmt: skip
    late = make_project(cast.county_b, code="B-LATE", start_month=3, batch=batch)
    Milestone.objects.create(project=late, order=1, name="环评", planned_on=day(4, 1))
    return batch


def test_the_stats_page_shows_the_rates_the_ranking_and_the_chart(cast, year_of_projects, client_for,
                                                                  django_assert_max_num_queries):  # fmt: skip
    client = client_for(cast.supervisor)
    with django_assert_max_num_queries(
        25
    ):  # includes the navigation's unread-messages count and its content flags, OTP device
        response = client.get(STATS, {"year": YEAR, "month": 12, "scope": "unit:C-A", "group": "G-CTY"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="start-rate">66.7%<' in html
    assert 'data-testid="rates-chart"' in html
    chart = json.loads(html.split('id="chart-data" type="application/json">')[1].split("</script>")[0])
    assert chart["units"] == ["乙县", "甲县"]  # 5/5 before 86/129
    assert [round(v, 1) for v in chart["values"]] == [80.0, 66.7]


def test_the_stats_exports_read_back_unrounded(cast, year_of_projects, client_for):
    client = client_for(cast.supervisor)
    rows = sheet(client.get(STATS, {"year": YEAR, "month": 12, "scope": "unit:C-A", "export": "xlsx"}))
    assert rows[0][:4] == ("口径", "计划新开工", "已开工", "开工率")
    assert rows[1][:3] == ("全年", 129, 86)
    assert rows[1][3] == pytest.approx(86 / 129)
    units = sheet(client.get(STATS, {"year": YEAR, "month": 12, "group": "G-CTY", "export": "units"}))
    assert [(r[0], r[1], r[-1]) for r in units[1:]] == [("1", "乙县", "前三"), ("2", "甲县", "前三")]


def test_a_county_user_cannot_open_another_countys_statistics(cast, year_of_projects, client_for):
    client = client_for(cast.reporter_a)
    assert client.get(STATS, {"scope": "unit:C-B"}).status_code == 404
    assert client.get(LAGGING, {"scope": "unit:C-B"}).status_code == 404
    assert client.get(PORTFOLIO, {"scope": "unit:C-B"}).status_code == 404
    response = client.get(STATS, {"year": YEAR, "month": 12})
    assert 'data-testid="start-rate">66.7%<' in response.content.decode()  # only county A's projects


@pytest.mark.parametrize("url", [STATS, LAGGING, PORTFOLIO, reverse("projects:batch_stats", args=["B5"])])
def test_administrators_cannot_open_the_statistics(cast, client_for, url):
    assert client_for(cast.sysadmin).get(url).status_code == 403


def test_a_bad_period_or_scope_is_not_found(cast, client_for):
    client = client_for(cast.supervisor)
    assert client.get(STATS, {"month": 13}).status_code == 404
    assert client.get(STATS, {"scope": "region:1"}).status_code == 404


@pytest.mark.parametrize(
    ("tab", "first_row"),
    [("slow", "N0000"), ("milestones", "B-LATE"), ("batches", "第5批"), ("idle", "B0000")],
)
def test_each_lagging_list_renders_and_exports(cast, year_of_projects, client_for, django_assert_max_num_queries,
                                               tab, first_row):  # fmt: skip
    client = client_for(cast.supervisor)
    query = {"year": YEAR, "month": 7, "tab": tab}
    with django_assert_max_num_queries(16):  # includes the menu's content flags (one query), OTP device
        response = client.get(LAGGING, query)
    assert response.status_code == 200
    assert 'data-testid="lagging-table"' in response.content.decode()
    rows = sheet(client.get(LAGGING, {**query, "export": "xlsx"}))
    assert (rows[1][0] if len(rows) > 1 else None) == first_row


def test_the_slow_to_start_list_shows_the_days_late_and_the_reason(cast, year_of_projects, client_for):
    rows = sheet(client_for(cast.supervisor).get(LAGGING, {"year": YEAR, "month": 7, "tab": "slow", "export": "xlsx"}))
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["计划开工"] == "2026-02-01"
    assert first["逾期天数"] == (day(7, 31) - day(2, 1)).days
    assert first["未开工原因"] == "征迁未完成"
    assert len(rows) == 1 + 43 + 1  # county A's 43 and B-LATE


def test_the_lagging_list_pages_with_htmx(cast, year_of_projects, client_for):
    response = client_for(cast.supervisor).get(LAGGING, {"year": YEAR, "month": 7, "page": 2}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert "第 26–44 条，共 44 条" in html


def test_the_batch_page_counts_starts_by_the_deadline(cast, year_of_projects, client_for):
    client = client_for(cast.supervisor)
    url = reverse("projects:batch_stats", args=["B5"])
    response = client.get(url, {"year": YEAR, "month": 7})
    assert 'data-testid="batch-started">4 / 5<' in response.content.decode()
    rows = sheet(client.get(url, {"export": "xlsx"}))
    assert [(r[0], r[-1]) for r in rows[1:]] == [("B-LATE", "否"), *((f"B{i:04d}", "是") for i in range(4))]
    assert client.get(reverse("projects:batch_stats", args=["NOPE"])).status_code == 404
    own = client_for(cast.reporter_a).get(url, {"year": YEAR, "month": 7})
    assert 'data-testid="batch-started">0 / 0<' in own.content.decode()  # B5's projects are county B's


def test_the_portfolio_draws_planned_and_actual_bars(cast, make_project, client_for, django_assert_max_num_queries):
    make_project(cast.county_a, code="GO", start_month=3, completion_month=11, stage=Stage.STARTED,
                 started_on=day(3, 20))  # fmt: skip
    make_project(cast.county_a, code="PLAN", planned_start_on=day(5, 5), planned_completion_on=day(12, 20))
    client = client_for(cast.supervisor)
    with django_assert_max_num_queries(
        16
    ):  # includes the navigation's unread-messages count and its content flags, OTP device
        response = client.get(PORTFOLIO, {"year": YEAR, "month": 6, "scope": "unit:C-A"})
    html = response.content.decode()
    chart = json.loads(html.split('id="chart-data" type="application/json">')[1].split("</script>")[0])
    items = {i["code"]: i for i in chart["items"]}
    assert items["GO"]["planned"] == ["2026-03-01", "2026-11-30"]
    assert items["GO"]["actual"][0] == "2026-03-20"
    assert items["PLAN"]["planned"] == ["2026-05-05", "2026-12-20"]
    assert items["PLAN"]["actual"] is None
    assert 'data-testid="portfolio-chart"' in html
