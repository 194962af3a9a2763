"""The project statistics in a real browser: the start-rate chart and the table, and the timeline."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tuijin.projects.models import PlanKind, Project, ProjectPlan, Stage

pytestmark = pytest.mark.e2e
YEAR = 2026


def _project(unit, code, started_on=None):
    project = Project.objects.create(
        code=code, name=f"项目{code}", unit=unit, total_investment=Decimal(10),
        stage=Stage.STARTED if started_on else Stage.PREPARATION, started_on=started_on,
        planned_start_on=dt.date(YEAR, 3, 1), planned_completion_on=dt.date(YEAR, 12, 31),
    )  # fmt: skip
    ProjectPlan.objects.create(project=project, year=YEAR, kind=PlanKind.NEW, planned_investment=Decimal(5),
                               planned_start_month=3)  # fmt: skip


def test_supervisor_sees_the_start_rate_chart_and_the_unit_table(cast, login):
    _project(cast.county_a, "A1", dt.date(YEAR, 3, 5))
    _project(cast.county_a, "A2")
    _project(cast.county_b, "B1", dt.date(YEAR, 4, 1))
    page = login("supervisor")
    page.goto(f"/projects/stats/?year={YEAR}&month=6&group=G-CTY")
    expect(page.locator("[data-testid=start-rate]")).to_have_text("66.7%")
    table = page.locator("[data-testid=unit-table]")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table.locator("tbody tr").first).to_contain_text("乙县")  # 100% before 50%
    canvas = page.locator("[data-testid=rates-chart] canvas")
    expect(canvas).to_have_count(1)
    box = canvas.bounding_box()
    assert box["width"] > 300
    assert box["height"] > 300
    page.get_by_role("link", name="迟迟不开工").click()
    expect(page.locator("[data-testid=lagging-table]")).to_contain_text("A2")
    page.goto(f"/projects/portfolio/?year={YEAR}&month=6")
    expect(page.locator("[data-testid=portfolio-chart] canvas")).to_have_count(1)
