"""The progress pages: the unit's month in one list, a project's month with photos, refusals."""

from decimal import Decimal

import pytest

from tests.projects.progress_support import MONTH, YEAR, after_deadline, filling_clock, jpeg_upload, upload
from tuijin.projects.models import ProgressPhoto, Project, ProjectProblem, ProjectProgress, Stage

MONTH_URL = f"/projects/p/PA/progress/{YEAR}/{MONTH}/"


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with filling_clock():
        yield


@pytest.fixture
def projects(cast, make_project):
    return {
        "a": make_project(cast.county_a, code="PA", planned_investment=8),
        "a2": make_project(cast.county_a, code="PA2"),
        "town": make_project(cast.town_a1, code="PT"),
        "b": make_project(cast.county_b, code="PB"),
    }


def test_the_unit_list_shows_the_reporters_own_projects_filled_or_missing(
    cast, projects, make_progress, client_for, django_assert_max_num_queries
):
    make_progress(projects["a"], MONTH, "1.5", by=cast.reporter_a)
    for n in range(10):  # more projects must not mean more queries
        extra = Project.objects.create(
            code=f"PX{n}", name=f"项目X{n}", unit=cast.county_a, total_investment=1, stage=Stage.STARTED
        )
        make_progress(extra, MONTH - 1, "1", by=cast.reporter_a)
    client = client_for(cast.reporter_a)
    with django_assert_max_num_queries(14):  # includes the menu's content flags (one query), OTP device
        response = client.get("/projects/progress/")
    html = response.content.decode()
    assert response.context["year"] == YEAR
    assert response.context["month"] == MONTH
    codes = [p.code for p in response.context["projects"]]
    assert "PA" in codes
    assert "PA2" in codes
    assert "PT" not in codes
    assert "PB" not in codes
    assert (response.context["filled"], response.context["missing"]) == (1, 11)
    assert 'data-testid="row-PA"' in html


def test_a_row_is_saved_inline_and_comes_back_with_its_ytd(cast, projects, make_progress, client_for):
    make_progress(projects["a2"], 1, "2", by=cast.reporter_a)
    client = client_for(cast.reporter_a)
    url = f"/projects/progress/row/PA2/{YEAR}/{MONTH}/"
    response = client.post(url, {"investment": "0.5", "version": "0"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<tr")
    assert 'data-testid="ytd-PA2">2.50<' in html  # money with two decimals, not 2.5000
    assert ProjectProgress.objects.get(project=projects["a2"], month=MONTH).investment == Decimal("0.5")
    # Refused: a 200 (HTMX swaps nothing else) whose row says why and keeps what was typed.
    bad = client.post(url, {"investment": "-2", "version": "1"}, headers={"HX-Request": "true"})
    assert bad.status_code == 200
    row = bad.content.decode()
    assert 'data-testid="row-error-PA2"' in row
    assert 'name="investment" value="-2"' in row
    assert ProjectProgress.objects.get(project=projects["a2"], month=MONTH).investment == Decimal("0.5")


def test_reporter_saves_a_month_with_a_photo_and_sees_it(cast, projects, client_for):
    client = client_for(cast.reporter_a)
    response = client.post(MONTH_URL, {
        "investment": "1.25", "image_progress": "厂房主体封顶", "problems": "", "version": "0",
        "photos": [jpeg_upload()],
    })  # fmt: skip
    assert response.status_code == 302
    page = client.get(MONTH_URL)
    html = page.content.decode()
    photo = ProgressPhoto.objects.get()
    assert f"/projects/progress/photos/{photo.pk}/thumbnail/" in html
    assert 'data-testid="ytd">1.25 <' in html
    assert "2026-03-28 14:05" in html  # the shooting time
    assert page.context["share_pct"] == Decimal("1.25") * 100 / 8


def test_a_renamed_text_file_is_refused_on_the_page(cast, projects, client_for):
    response = client_for(cast.reporter_a).post(MONTH_URL, {
        "investment": "1", "version": "0", "photos": [upload(b"plain text", "现场.jpg")],
    })  # fmt: skip
    assert response.status_code == 400
    assert "文件不是 JPEG/PNG/HEIC 图片" in response.content.decode()
    assert not ProjectProgress.objects.exists()


def test_users_of_other_units_cannot_see_or_write_the_month(cast, projects, client_for):
    client = client_for(cast.reporter_b)
    assert client.get(MONTH_URL).status_code == 404
    assert client.post(MONTH_URL, {"investment": "9", "version": "0"}).status_code == 404
    row = client.post(f"/projects/progress/row/PA/{YEAR}/{MONTH}/", {"investment": "9", "version": "0"})
    assert row.status_code == 404
    # A town's reporter does not see its county's projects: the county is above the town.
    assert client_for(cast.reporter_town_a1).get(MONTH_URL).status_code == 404
    assert not ProjectProgress.objects.exists()


def test_a_supervisor_sees_the_month_but_cannot_write_it(cast, projects, client_for):
    client = client_for(cast.supervisor)
    page = client.get(MONTH_URL)
    assert page.status_code == 200
    assert 'data-testid="progress-form"' not in page.content.decode()
    assert client.post(MONTH_URL, {"investment": "9", "version": "0"}).status_code == 403
    assert not ProjectProgress.objects.exists()


def test_a_locked_month_offers_a_correction_instead_of_the_form(cast, projects, make_progress, client_for):
    make_progress(projects["a"], MONTH, "1", by=cast.reporter_a)
    with after_deadline():
        html = client_for(cast.reporter_a).get(MONTH_URL).content.decode()
    assert 'data-testid="progress-form"' not in html
    assert 'data-testid="request-correction"' in html


def test_problems_are_resolved_from_the_page_by_the_unit_not_by_others(cast, projects, client_for):
    problem = ProjectProblem.objects.create(
        project=projects["a"], description="环评批复延迟", raised_on="2026-03-10", raised_by=cast.reporter_a
    )
    url = f"/projects/progress/problems/{problem.pk}/resolve/"
    assert client_for(cast.reporter_b).post(url, {"resolution": "x"}).status_code == 404
    response = client_for(cast.reporter_a).post(url, {"resolution": "已取得批复", "next": MONTH_URL})
    assert response.status_code == 302
    assert response["Location"] == MONTH_URL
    problem.refresh_from_db()
    assert problem.resolution == "已取得批复"


def test_photo_delete_from_the_page_is_the_units_reporters_only(cast, projects, client_for):
    client_for(cast.reporter_a).post(MONTH_URL, {"investment": "1", "version": "0", "photos": [jpeg_upload()]})
    photo = ProgressPhoto.objects.get()
    assert client_for(cast.reporter_b).post(f"/projects/progress/photos/{photo.pk}/delete/").status_code == 404
    assert ProgressPhoto.objects.exists()
    client_for(cast.reporter_a).post(f"/projects/progress/photos/{photo.pk}/delete/")
    assert not ProgressPhoto.objects.exists()


# --- money as reporters type it: 亿元 with two decimals (issue 11: the form showed 151.7500) -----------


def test_the_month_form_shows_the_stored_investment_with_two_decimals(cast, projects, make_progress, client_for):
    make_progress(projects["a"], MONTH, "151.75", by=cast.reporter_a)
    html = client_for(cast.reporter_a).get(MONTH_URL).content.decode()
    assert 'name="investment" value="151.75"' in html
    assert "151.7500" not in html


def test_the_unit_list_shows_the_stored_investment_with_two_decimals(cast, projects, make_progress, client_for):
    make_progress(projects["a"], MONTH, "0.8", by=cast.reporter_a)
    html = client_for(cast.reporter_a).get("/projects/progress/").content.decode()
    assert 'value="0.80"' in html
    assert "0.8000" not in html


def test_more_than_two_decimals_are_refused_in_chinese_and_nothing_is_saved(cast, projects, client_for):
    client = client_for(cast.reporter_a)
    response = client.post(MONTH_URL, {"investment": "1.255", "image_progress": "", "problems": "", "version": "0"})
    assert response.status_code == 400
    assert "金额以亿元为单位，最多保留 2 位小数。" in response.content.decode()
    row = client.post(f"/projects/progress/row/PA2/{YEAR}/{MONTH}/", {"investment": "0.125", "version": "0"},
                      headers={"HX-Request": "true"})  # fmt: skip
    assert row.status_code == 200  # refused, and answered 200 so that htmx swaps the row with its message
    assert "最多保留 2 位小数" in row.content.decode()
    assert not ProjectProgress.objects.exists()
    assert client.post(MONTH_URL, {"investment": "1.25", "version": "0"}).status_code == 302


def test_a_finer_figure_from_the_api_is_shown_as_stored_and_may_be_sent_back_unchanged(
    cast, projects, make_progress, client_for
):
    progress = make_progress(projects["a"], MONTH, "0.1234", by=cast.reporter_a)
    client = client_for(cast.reporter_a)
    assert 'name="investment" value="0.1234"' in client.get(MONTH_URL).content.decode()
    same = {"investment": "0.1234", "image_progress": "封顶", "problems": "", "version": str(progress.version)}
    assert client.post(MONTH_URL, same).status_code == 302
    progress.refresh_from_db()
    assert (progress.investment, progress.image_progress) == (Decimal("0.1234"), "封顶")
    changed = {**same, "investment": "0.1235", "version": str(progress.version)}
    assert client.post(MONTH_URL, changed).status_code == 400
    progress.refresh_from_db()
    assert progress.investment == Decimal("0.1234")


def test_the_correction_pages_show_money_with_two_decimals(cast, projects, make_progress, client_for):
    from django.urls import reverse

    make_progress(projects["a"], MONTH, "151.75", by=cast.reporter_a)
    url = reverse("projects:progress_correction_new", args=[projects["a"].code, YEAR, MONTH])
    with after_deadline():
        client = client_for(cast.reporter_a)
        form = client.get(url).content.decode()
        client.post(url, {"proposed_investment": "160.5", "reason": "漏计一笔设备款"})
        listing = client_for(cast.supervisor).get(reverse("projects:progress_corrections")).content.decode()
    assert "151.75 亿元" in form
    assert "151.7500" not in form
    assert "151.75<" in listing
    assert "160.50<" in listing
    assert "151.7500" not in listing
