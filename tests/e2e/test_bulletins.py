"""A supervisor drafts the June bulletin, rewrites one sentence inline and publishes it."""

import pytest
from playwright.sync_api import expect

from tests.bulletins.support import june
from tests.indicators.conftest import build_catalogue
from tuijin.bulletins.models import Bulletin, Status

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_supervisor_drafts_edits_a_sentence_and_publishes(cast, login):
    june(cast, build_catalogue(cast))
    page = login("supervisor")
    page.goto("/bulletins/new/")
    page.select_option("#id_period_type", "month")
    page.fill("#id_year", "2026")
    page.fill("#id_period", "6")
    page.click("[data-testid=bulletin-create-submit]")
    block = page.locator("[data-testid='block-overview.FAI']")
    expect(block).to_contain_text("全市累计完成固定资产投资 610.0 亿元")
    expect(page.locator("[data-testid='table-rank.FAI.G-CTY'] tbody tr")).to_have_count(2)
    expect(page.locator("img.tj-chart-img").first).to_be_visible()

    block.locator("[data-testid=block-edit]").click()
    block = page.locator("[data-testid='block-overview.FAI']")
    block.locator("textarea").fill("上半年全市固定资产投资完成全年目标的 48.8%，略低于时序进度。")
    block.locator("[data-testid=block-save]").click()
    expect(block.locator("[data-testid=block-text]")).to_have_text(
        "上半年全市固定资产投资完成全年目标的 48.8%，略低于时序进度。"
    )

    page.check("[data-testid=publish-confirm]")
    page.click("[data-testid=publish]")
    expect(page.locator("[data-testid=bulletin-body]")).to_contain_text("略低于时序进度")
    expect(page.locator("[data-testid=publish-form]")).to_have_count(0)
    bulletin = Bulletin.objects.get()
    assert bulletin.status == Status.PUBLISHED
    text = next(i for i in bulletin.snapshot["items"] if i.get("key") == "overview.FAI")["text"]
    assert text == "上半年全市固定资产投资完成全年目标的 48.8%，略低于时序进度。"
