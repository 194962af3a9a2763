"""The scheme editor in a real browser: the weight sum updates live, the scheme saves, computes, ranks."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.indicators.conftest import YEAR, build_catalogue
from tuijin.assessment import services
from tuijin.assessment.models import RuleKind
from tuijin.indicators.models import Report, Submission, SubmissionStatus, Target

pytestmark = pytest.mark.e2e


def test_supervisor_edits_a_weight_computes_and_sees_the_ranking(cast, login):
    catalogue = build_catalogue(cast)
    for unit, target, value in ((cast.county_a, 300, 120), (cast.county_b, 100, 80)):
        Target.objects.create(unit=unit, indicator=catalogue.fai, year=YEAR, value=Decimal(target))
        submission = Submission.objects.create(unit=unit, year=YEAR, month=6, status=SubmissionStatus.SUBMITTED)
        Report.objects.create(
            submission=submission, unit=unit, indicator=catalogue.fai, year=YEAR, month=6, value=Decimal(value)
        )
    scheme = services.scheme_create(actor=cast.supervisor, year=YEAR, group=cast.counties, name="年中试算方案")
    services.item_create(
        actor=cast.supervisor,
        scheme=scheme,
        order=1,
        name="固定资产投资完成率",
        kind=RuleKind.COMPLETION,
        indicator=catalogue.fai,
        weight=Decimal(50),
        cap=Decimal("1.2"),
    )
    services.item_create(
        actor=cast.supervisor,
        scheme=scheme,
        order=2,
        name="合同外资排名",
        kind=RuleKind.RANK,
        indicator=catalogue.fdi,
        weight=Decimal(40),
    )

    page = login("supervisor")
    page.goto(f"/assessment/schemes/{scheme.pk}/")
    total = page.locator("[data-testid=weight-total]")
    expect(total).to_have_text("90")
    expect(page.locator("[data-testid=weight-warning]")).to_be_visible()
    page.fill("[name=items-0-weight]", "60")
    expect(total).to_have_text("100")  # live, before saving
    expect(page.locator("[data-testid=weight-warning]")).to_be_hidden()
    page.click("[data-testid=items-save]")
    expect(page.locator(".alert-success")).to_contain_text("已保存考核项目")
    expect(page.locator("[name=items-0-weight]")).to_have_value("60")

    page.fill("[name=month]", "6")
    page.click("[data-testid=compute]")
    table = page.locator("[data-testid=results-table]")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("乙县")  # 60 × 80% = 48.00 before 60 × 40% = 24.00
    expect(rows.first).to_contain_text("48.00")
    expect(rows.nth(1)).to_contain_text("24.00")
    rows.first.locator("[data-testid=drilldown-link]").click()
    expect(page.locator("[data-testid=drilldown]")).to_contain_text("60 × 完成比 80.0%（封顶 120.0%）= 48.00")
