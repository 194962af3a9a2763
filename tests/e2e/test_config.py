"""Configuration in a real browser: the targets grid saves with HTMX; a targets workbook uploads."""

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from tests.indicators.conftest import build_catalogue
from tuijin.indicators.models import ImportBatch, Target

pytestmark = pytest.mark.e2e
YEAR = 2026


@pytest.fixture
def catalogue(cast):
    return build_catalogue(cast)


def test_supervisor_edits_the_targets_grid(cast, catalogue, login):
    page = login("supervisor")
    page.goto(f"/indicators/config/targets/?year={YEAR}&group=G-CTY")

    page.fill("[data-testid=target-C-A-FAI]", "120")
    page.fill("[data-testid=half-C-A-FAI]", "60")
    page.fill("[data-testid=target-C-B-FAI]", "0")
    page.click("[data-testid=targets-save]")

    expect(page.locator("[data-testid=grid-errors]")).to_be_visible()
    expect(page.locator("#target-grid")).to_contain_text("累计类指标的年度目标须大于 0")
    assert Target.objects.count() == 0

    page.fill("[data-testid=target-C-B-FAI]", "95")
    page.click("[data-testid=targets-save]")

    expect(page.locator("#target-grid .alert-success")).to_contain_text("新增 2 项")
    target = Target.objects.get(unit=cast.county_a, indicator=catalogue.fai, year=YEAR)
    assert (target.value, target.milestones) == (Decimal(120), {"6": "60"})


def test_supervisor_uploads_a_targets_workbook_and_sees_the_result(cast, catalogue, login, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["单位编码", "单位名称", "指标编码", "指标名称", "计量单位", "年度", "年度目标", "上半年节点（%）"])
    ws.append(["C-A", "甲县", "FAI", "固定资产投资", "亿元", YEAR, 150, 55])
    ws.append(["C-Z", "高新区", "FDI", "合同外资", "万美元", YEAR, 23978, None])
    path = tmp_path / "目标.xlsx"
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(buffer.getvalue())

    page = login("supervisor")
    page.goto("/indicators/config/imports/upload/?kind=targets")
    page.set_input_files("#id_file", str(path))
    page.click("[data-testid=import-submit]")

    expect(page.locator("[data-testid=batch-done]")).to_contain_text("共 2 行")
    expect(page.locator(".alert-success").first).to_contain_text("新增 2 行")
    assert ImportBatch.objects.get().kind == "targets"
    assert Target.objects.get(unit=cast.zone).value == Decimal(23978)
