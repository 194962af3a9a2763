"""The ranking page in a real browser: the ECharts bar chart is drawn and the table is there."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.indicators.conftest import YEAR, build_catalogue
from tuijin.indicators.models import Report, Submission, SubmissionStatus, Target

pytestmark = pytest.mark.e2e


def test_supervisor_sees_the_ranking_chart_and_table(cast, login):
    catalogue = build_catalogue(cast)
    for unit, target, value in ((cast.county_a, 200, 90), (cast.county_b, 100, 70)):
        Target.objects.create(unit=unit, indicator=catalogue.fai, year=YEAR, value=Decimal(target))
        submission = Submission.objects.create(unit=unit, year=YEAR, month=6, status=SubmissionStatus.SUBMITTED)
        Report.objects.create(submission=submission, unit=unit, indicator=catalogue.fai, year=YEAR, month=6,
                              value=Decimal(value))  # fmt: skip
    page = login("supervisor")
    page.goto(f"/indicators/analytics/ranking/?group=G-CTY&indicator=FAI&year={YEAR}&month=6")
    table = page.locator("[data-testid=ranking-table]")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table.locator("tbody tr").first).to_contain_text("乙县")  # 70% ranks before 45%
    expect(table.locator("td.tj-rag-red")).to_contain_text("-5.0")
    canvas = page.locator("[data-testid=ranking-chart] canvas")
    expect(canvas).to_have_count(1)
    box = canvas.bounding_box()
    assert box["width"] > 300
    assert box["height"] > 300
    page.goto(f"/indicators/analytics/cockpit/C-A/?year={YEAR}&month=6")
    expect(page.locator("[data-testid=cockpit-table]")).to_contain_text("固定资产投资")
    expect(page.locator(".tj-chart-small canvas").first).to_be_visible()
