"""A reporter fills and submits March in Chromium; the ranking then counts the unit."""

import importlib
from decimal import Decimal

import pytest
import time_machine
from playwright.sync_api import expect

from tests.indicators.conftest import build_catalogue
from tuijin.indicators.models import Report, Submission, SubmissionStatus, Target, ValidationRule

pytestmark = pytest.mark.e2e

MARCH = {"FAI": ("30", "28", ""), "GDP": ("6.5", "6.1", ""), "HT": ("45.2", "43", ""), "PM25": ("32", "35", ""),
         "PARK": ("2", "1", "")}  # fmt: skip
RANKING = "/indicators/analytics/ranking/?indicator=FAI&group=G-CTY&year=2026&month=3"


def seed_builtin_rules():
    # The live-server tests flush the database between tests, data migrations included.
    builtin = importlib.import_module("tuijin.indicators.migrations.0003_builtin_validation_rules").BUILTIN_RULES
    for rule in builtin:
        ValidationRule.objects.update_or_create(code=rule["code"], defaults=rule)


@pytest.fixture
def march(cast):
    seed_builtin_rules()
    catalogue = build_catalogue(cast)
    for unit in (cast.county_a, cast.county_b):
        Target.objects.create(unit=unit, indicator=catalogue.fai, year=2026, value=Decimal(100))
    # 乙县 has already handed in March: 20 of 100.
    submission = Submission.objects.create(unit=cast.county_b, year=2026, month=3, status=SubmissionStatus.SUBMITTED)
    Report.objects.create(submission=submission, unit=cast.county_b, indicator=catalogue.fai, year=2026, month=3,
                          value=Decimal(20), last_year_value=Decimal(18))  # fmt: skip
    with time_machine.travel("2026-04-02 10:00 +0800"):
        yield catalogue


def ranking_row(page, unit_name):
    return page.locator("[data-testid=ranking-table] tbody tr", has_text=unit_name)


def test_reporter_fills_and_submits_the_month_and_the_ranking_counts_it(march, login):
    page = login("reporter_a")
    page.goto(RANKING)
    expect(ranking_row(page, "甲县").locator("td").first).to_have_text("未报")

    page.goto("/indicators/reporting/fill/")
    expect(page.locator("h2.page-title")).to_contain_text("2026年3月指标填报")
    expect(page.locator("[data-testid=fill-table]")).to_contain_text("1–3月累计")

    # A YoY jump beyond ±100% is flagged next to the field before anything is submitted.
    page.fill("[data-testid=value-FDI]", "5000")
    page.fill("[data-testid=last-FDI]", "1000")
    page.locator("[data-testid=last-FDI]").blur()
    expect(page.locator("[data-testid=checks-FDI]")).to_contain_text("同比增速超过 ±100%")
    page.fill("[data-testid=remark-FDI]", "新签约外资大项目")
    page.locator("[data-testid=remark-FDI]").blur()
    expect(page.locator("[data-testid=checks-FDI]")).to_contain_text("已说明")

    for code, (value, last, remark) in MARCH.items():
        page.fill(f"[data-testid=value-{code}]", value)
        page.fill(f"[data-testid=last-{code}]", last)
        page.fill(f"[data-testid=remark-{code}]", remark)
    page.locator("[data-testid=last-PARK]").blur()
    expect(page.locator("[data-testid=checks-PARK]")).to_contain_text("通过")

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=fill-submit]")
    expect(page.locator(".alert-success")).to_contain_text("已报送")
    expect(page.locator("[data-testid=fill-status]")).to_contain_text("已报送")
    expect(page.locator("[data-testid=fill-form] input[name^=value-]")).to_have_count(0)

    page.goto(RANKING)
    expect(ranking_row(page, "甲县").locator("td").first).to_have_text("1")
    expect(ranking_row(page, "乙县").locator("td").first).to_have_text("2")
    assert Submission.objects.get(unit__code="C-A", year=2026, month=3).status == SubmissionStatus.SUBMITTED


def test_a_missing_value_is_named_and_the_draft_kept(march, login):
    page = login("reporter_a")
    page.goto("/indicators/reporting/fill/")
    page.fill("[data-testid=value-FAI]", "30")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=fill-submit]")
    expect(page.locator("[data-testid=checks-GDP]")).to_contain_text("请填写本期值")
    expect(page.locator("[data-testid=fill-status]")).to_contain_text("草稿")
    expect(page.locator("[data-testid=value-FAI]")).to_have_value("30")


def reporting_rows(unit_code: str) -> list[tuple]:
    """Every submission and report row of a unit, with its status, version and figures."""
    submissions = Submission.objects.filter(unit__code=unit_code).values_list("pk", "status", "version")
    reports = Report.objects.filter(unit__code=unit_code).values_list(
        "pk", "submission_id", "value", "last_year_value", "version"
    )
    return [*sorted(submissions), *sorted(reports)]


def test_the_submit_button_asks_for_confirmation_and_a_no_sends_nothing(march, login):
    page = login("reporter_a")
    before = reporting_rows("C-A")
    page.goto("/indicators/reporting/fill/")
    expect(page.locator("[data-testid=checks-GDP]")).not_to_contain_text("请填写本期值")
    page.fill("[data-testid=value-FAI]", "30")
    asked = []

    def refuse(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", refuse)
    page.click("[data-testid=fill-submit]")
    expect(page.locator("[data-testid=fill-status]")).not_to_contain_text("已报送")
    assert asked
    assert "确定提交吗" in asked[0]
    # Opening the form, typing and saying no wrote nothing: no draft, no figure, no new version.
    assert reporting_rows("C-A") == before
