"""In the browser: an import recovered after its worker died says so; the token page signs out
and ends every API token at once."""

import os

import pytest

from tuijin.indicators.models import ImportBatch
from tuijin.orgs import tokens
from tuijin.orgs.models import ApiToken

pytestmark = pytest.mark.e2e


def _shot(page, name):
    folder = os.environ.get("TUIJIN_SCREENSHOTS")
    if folder:
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def test_a_recovered_import_tells_the_supervisor_it_was_retried(cast, login):
    batch = ImportBatch.objects.create(
        kind="reports", created_by=cast.supervisor, status="failed", file_name="big.xlsx", total_rows=9000,
        notice="处理进程中断，已自动重试。",
        errors=[{"row": None, "field": "file", "message": "处理中断，请重新上传。"}],
    )  # fmt: skip
    page = login("supervisor")
    page.goto(f"/indicators/config/imports/{batch.pk}/")
    assert "处理进程中断，已自动重试" in page.inner_text("[data-testid=batch-notice]")
    assert "处理中断，请重新上传" in page.inner_text("[data-testid=import-errors]")
    _shot(page, "import-recovered")


def test_the_token_page_signs_out_and_ends_every_token(cast, login):
    tokens.token_issue(user=cast.reporter_a, name="对接")
    page = login("reporter_a")
    page.goto("/accounts/tokens/")
    _shot(page, "token-page")
    page.click("[data-testid=logout-end-tokens] button")
    page.wait_for_url("**/accounts/login/**")
    assert ApiToken.objects.live(ApiToken.objects.get().created_at).count() == 0
