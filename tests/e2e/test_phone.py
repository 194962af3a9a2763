"""The reporter's pages on a phone (390 px wide, Chromium): the menu folds behind its button, no
page scrolls sideways, tables read as cards; a reporter fills the month's report and saves a
project's progress with a photo from the camera input, and both are in the database.

Screenshots of every page are kept under var/e2e-phone/ for a person to look at (not committed).
"""

import datetime as dt
import pathlib
import re
from decimal import Decimal

import pytest
import time_machine
from playwright.sync_api import expect

from tests.e2e.test_reporting import seed_builtin_rules
from tests.indicators.conftest import build_catalogue
from tests.projects.progress_support import image_bytes
from tuijin.indicators.models import Report, Target
from tuijin.liaison import services as liaison
from tuijin.projects.models import PlanKind, ProgressPhoto, Project, ProjectPlan, ProjectProgress, Stage
from tuijin.supervision import services as supervision
from tuijin.supervision.models import Assignment, Cycle, SourceKind

pytestmark = pytest.mark.e2e

WIDTH = 390
SHOTS = pathlib.Path(__file__).resolve().parents[2] / "var" / "e2e-phone"
MARCH = {"FAI": "30", "FDI": "5000", "GDP": "6.5", "HT": "45.2", "PM25": "32", "PARK": "2"}


@pytest.fixture
def april(cast, settings, tmp_path):
    """2 April 2026: March is open; 甲县 has targets, two projects, a sheet to 市资规局, an assignment."""
    settings.MEDIA_ROOT = tmp_path / "media"
    seed_builtin_rules()
    with time_machine.travel("2026-04-02 10:00 +0800"):
        catalogue = build_catalogue(cast)
        for unit in (cast.county_a, cast.county_b):
            Target.objects.create(unit=unit, indicator=catalogue.fai, year=2026, value=Decimal(100))
        for code, name in [("PA", "甲县智能装备产业园"), ("PA2", "甲县污水处理厂扩建")]:
            project = Project.objects.create(
                code=code, name=name, unit=cast.county_a, total_investment=Decimal(50), stage=Stage.STARTED
            )
            ProjectPlan.objects.create(project=project, year=2026, kind=PlanKind.CONTINUING, planned_investment=12)
        draft = liaison.sheet_create(
            actor=cast.reporter_a, title="关于物流园用地指标的工作联系单", problem="物流园项目用地指标尚未落实。",
            request="请市资规局协调落实用地指标。", departments=[cast.department],
        )  # fmt: skip
        sheet = liaison.sheet_send(actor=cast.reporter_a, sheet=draft)
        assignment = supervision.assignment_create(
            actor=cast.supervisor, title="推进东湖片区征迁扫尾", content="6月底前完成剩余 12 户征迁。",
            source_kind=SourceKind.INSTRUCTION, source_label="李市长批示", owner_unit=cast.county_a,
            leader=cast.leader, deadline=dt.date(2026, 5, 29), cycle=Cycle.MONTHLY,
        )  # fmt: skip
        yield {"sheet": sheet, "assignment": assignment}


@pytest.fixture
def phone(page):
    page.set_viewport_size({"width": WIDTH, "height": 844})
    page.on("dialog", lambda dialog: dialog.accept())  # the submit confirmation, where asked
    SHOTS.mkdir(parents=True, exist_ok=True)
    return page


def check_fits(page, name: str) -> None:
    """The menu is folded, the content starts near the top, and nothing scrolls sideways."""
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)
    expect(page.locator("[data-testid=menu-toggle]")).to_be_visible()
    expect(page.locator("#main-menu")).to_be_hidden()
    top = page.locator(".page-wrapper").bounding_box()["y"]
    assert top <= 150, f"{name}: content starts at {top} px"
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= WIDTH, f"{name}: the page is {width} px wide"


def test_a_reporter_works_the_month_on_a_phone(april, login, phone):
    login("reporter_a")
    check_fits(phone, "home")
    phone.click("[data-testid=menu-toggle]")
    expect(phone.locator("#main-menu")).to_be_visible()
    expect(phone.locator("[data-testid=main-nav]")).to_contain_text("指标填报")
    expect(phone.locator("#main-menu")).to_have_class(re.compile(r"\bshow\b"))  # the fold has opened
    phone.screenshot(path=SHOTS / "menu-open.png")

    # The month's report: the table reads as cards, every field labelled, nothing clipped.
    phone.goto("/indicators/reporting/fill/")
    expect(phone.locator("h2.page-title")).to_contain_text("2026年3月指标填报")
    check_fits(phone, "fill")
    field = phone.locator("[data-testid=value-FAI]")
    box = field.bounding_box()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= WIDTH
    cell_label = field.locator("xpath=..").get_attribute("data-label")
    assert cell_label == "本期值"
    for code, value in MARCH.items():
        phone.fill(f"[data-testid=value-{code}]", value)
        phone.fill(f"[data-testid=last-{code}]", value)
    phone.fill("[data-testid=remark-FDI]", "新签约外资大项目")
    phone.click("[data-testid=fill-save]")
    expect(phone.locator(".alert-success")).to_contain_text("草稿已保存")
    check_fits(phone, "fill-saved")
    saved = {r.indicator.code: r.value for r in Report.objects.filter(unit__code="C-A", year=2026, month=3)}
    assert saved["FAI"] == Decimal(30)
    assert saved["PARK"] == Decimal(2)

    # The projects' month, then one project's progress with a photo from the camera.
    phone.goto("/projects/progress/")
    check_fits(phone, "progress-unit")
    phone.locator("[data-testid=row-PA] a").first.click()
    expect(phone.locator("h2.page-title")).to_contain_text("2026年3月进展")
    camera = phone.locator("[data-testid=photos-camera]")
    assert camera.get_attribute("capture") == "environment"
    assert camera.get_attribute("accept") == "image/*"
    check_fits(phone, "progress-month")
    phone.fill("#id_investment", "2.5")
    phone.fill("#id_image_progress", "主体结构封顶，开始设备安装")
    camera.set_input_files(files=[{"name": "IMG_0401.jpg", "mimeType": "image/jpeg", "buffer": image_bytes("JPEG")}])
    phone.click("[data-testid=progress-save]")
    expect(phone.locator(".alert-success")).to_contain_text("2026年3月进展已保存")
    expect(phone.locator("[data-testid=photo-thumb]")).to_have_count(1)
    check_fits(phone, "progress-saved")
    progress = ProjectProgress.objects.get(project__code="PA", year=2026, month=3)
    assert progress.investment == Decimal("2.5")
    assert ProgressPhoto.objects.filter(progress=progress).count() == 1

    # Contact sheets and assignments the reporter follows.
    sheet, assignment = april["sheet"], april["assignment"]
    phone.goto("/liaison/sent/")
    check_fits(phone, "sheets")
    phone.goto(f"/liaison/{sheet.pk}/")
    check_fits(phone, "sheet")
    phone.goto("/supervision/mine/")
    check_fits(phone, "assignments")
    phone.goto(f"/supervision/{assignment.pk}/")
    check_fits(phone, "assignment")
    phone.fill("#id_text", "已完成 8 户征迁，剩余 4 户正在协商。")
    phone.click("[data-testid=progress-submit]")
    expect(phone.locator(".alert-success")).to_be_visible()
    check_fits(phone, "assignment-progress")
    assert Assignment.objects.get(pk=assignment.pk).updates.filter(text__contains="剩余 4 户").exists()


def test_a_department_answers_a_sheet_on_a_phone(april, login, phone):
    login("handler")
    phone.goto("/liaison/inbox/")
    check_fits(phone, "inbox")
    phone.locator("[data-testid=sheet-row] a").first.click()
    check_fits(phone, "sheet-answer")
    form = phone.locator("[data-testid=accept-form]")
    form.locator("textarea[name=answer]").fill("已受理，将统筹调剂用地指标。")
    form.locator("input[name=promised_on]").fill("2026-04-30")
    phone.click("[data-testid=accept-submit]")
    expect(phone.locator(".alert-success")).to_contain_text("已受理")
    check_fits(phone, "sheet-answered")
