"""A reporter records March for the county's projects in Chromium: one inline, one with a photo;
the project page then shows the month in its investment curve and the photo's thumbnail."""

import json
from decimal import Decimal

import pytest
import time_machine
from playwright.sync_api import expect

from tests.projects.progress_support import image_bytes
from tuijin.projects.models import PlanKind, ProgressPhoto, Project, ProjectPlan, ProjectProgress, Stage

pytestmark = pytest.mark.e2e


@pytest.fixture
def march(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    projects = {}
    for code, name in [("PA", "甲县智能装备产业园"), ("PA2", "甲县污水处理厂扩建")]:
        project = Project.objects.create(
            code=code, name=name, unit=cast.county_a, total_investment=Decimal(50), stage=Stage.STARTED
        )
        ProjectPlan.objects.create(project=project, year=2026, kind=PlanKind.CONTINUING, planned_investment=12)
        ProjectProgress.objects.create(project=project, year=2026, month=1, investment=Decimal(1),
                                       reported_by=cast.reporter_a)  # fmt: skip
        projects[code] = project
    with time_machine.travel("2026-04-02 10:00 +0800"):
        yield projects


def test_reporter_records_the_month_with_a_photo_and_the_project_page_shows_it(march, login):
    page = login("reporter_a")
    page.goto("/projects/progress/")
    expect(page.locator("h2.page-title")).to_contain_text("2026年3月项目进展")
    expect(page.locator("[data-testid=progress-summary]")).to_contain_text("未填 2 个")

    # One project inline, without leaving the list.
    page.fill("[data-testid=investment-PA2]", "0.8")
    page.click("[data-testid=save-PA2]")
    expect(page.locator("[data-testid=row-saved-PA2]")).to_be_visible()
    expect(page.locator("[data-testid=ytd-PA2]")).to_have_text("1.80")

    # The other with its 形象进度 and a photo from the site.
    page.click("[data-testid=row-PA] a")
    expect(page.locator("h2.page-title")).to_contain_text("2026年3月进展")
    page.fill("#id_investment", "2.5")
    page.fill("#id_image_progress", "主体结构封顶，开始设备安装")
    page.set_input_files(
        "[data-testid=photos-input]",
        files=[{"name": "IMG_0328.jpg", "mimeType": "image/jpeg", "buffer": image_bytes("JPEG")}],
    )
    page.click("[data-testid=progress-save]")
    expect(page.locator(".alert-success")).to_contain_text("2026年3月进展已保存")
    expect(page.locator("[data-testid=ytd]")).to_contain_text("3.50")
    thumb = page.locator("[data-testid=photo-thumb]")
    expect(thumb).to_have_count(1)
    assert thumb.evaluate("img => img.complete && img.naturalWidth > 0")
    expect(page.locator("[data-testid=photos]")).to_contain_text("拍摄 2026-03-28 14:05")

    # The project page: the March point of the curve and the photo.
    page.goto("/projects/p/PA/?year=2026")
    chart = json.loads(page.locator("#project-chart-data").text_content())
    assert chart["curve"]["actual"][:3] == [1.0, 1.0, 3.5]
    photo = ProgressPhoto.objects.get()
    project_thumb = page.locator(f"img[src='/projects/progress/photos/{photo.pk}/thumbnail/']")
    expect(project_thumb).to_have_count(1)
    assert project_thumb.evaluate("img => img.complete && img.naturalWidth > 0")
    assert ProjectProgress.objects.get(project__code="PA", month=3).image_progress == "主体结构封顶，开始设备安装"


def test_a_reporter_of_another_county_does_not_see_the_projects_month(march, login):
    page = login("reporter_b")
    response = page.goto("/projects/p/PA/progress/2026/3/")
    assert response.status == 404
    page.goto("/projects/progress/")
    expect(page.locator("[data-testid=progress-table]")).to_have_count(0)
    assert not ProjectProgress.objects.filter(month=3).exists()


def test_a_refused_line_shows_why_and_keeps_what_was_typed(march, login):
    page = login("reporter_a")
    page.goto("/projects/progress/?year=2026&month=3")
    page.fill("[data-testid=investment-PA]", "-1")
    page.click("[data-testid=save-PA]")
    expect(page.locator("[data-testid=row-error-PA]")).to_be_visible()
    expect(page.locator("[data-testid=investment-PA]")).to_have_value("-1")
    assert not ProjectProgress.objects.filter(project=march["PA"], month=3).exists()
