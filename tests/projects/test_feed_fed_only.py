"""最多报一次: fed figures count on their own; a unit whose only figures are fed is ranked and never asked;
新开工重大项目 is derived from the projects started in the year."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.indicators.conftest import build_catalogue
from tests.projects.progress_support import MONTH, YEAR, filling_clock
from tuijin.indicators import analytics, demo, queries, todos
from tuijin.indicators.models import Indicator, Kind, ProjectFigure, Report, Target
from tuijin.projects.models import Stage
from tuijin.projects.services import library
from tuijin.projects.services.feed import feed_indicator_values


@pytest.fixture(autouse=True)
def _clock():
    with filling_clock():
        yield


@pytest.fixture
def catalogue(cast):
    catalogue = build_catalogue(cast)
    catalogue.fai.fed_by_projects = True
    catalogue.fai.save()
    return catalogue


@pytest.fixture
def fed_only(catalogue):
    """Every other indicator is switched off: the counties' only figure is fed by their projects."""
    Indicator.objects.exclude(pk=catalogue.fai.pk).update(is_active=False)
    return catalogue.fai


@pytest.fixture
def progress(cast, catalogue, make_project, make_progress):
    """甲县 6 of a target of 24 by March, 乙县 4 of 20 (ranked by completion: 25% and 20%)."""
    for unit, values, target in ((cast.county_a, ["1", "2", "3"], 24), (cast.county_b, ["2", "2"], 20)):
        Target.objects.create(unit=unit, indicator=catalogue.fai, year=YEAR, value=Decimal(target))
        project = make_project(unit)
        for month, value in enumerate(values, start=1):
            make_progress(project, month, value)


def test_a_fed_only_units_figure_counts_and_is_ranked(cast, fed_only, progress):
    feed_indicator_values(year=YEAR, month=MONTH, actor=cast.supervisor)

    ranking = analytics.indicator_ranking(fed_only, YEAR, MONTH, cast.counties)

    ranked = {row.unit: row.rank for row in ranking.rows}
    assert (ranked[cast.county_a], ranked[cast.county_b]) == (1, 2)
    assert cast.county_a not in ranking.missing
    assert ranking.total == Decimal(10)


def test_a_fed_only_unit_is_never_asked_and_not_in_the_missing_list(cast, fed_only, progress, client_for):
    feed_indicator_values(year=YEAR, month=MONTH, actor=cast.supervisor)

    assert cast.county_a not in [m.unit for m in queries.missing_for(cast.supervisor, YEAR, MONTH)]
    assert not any("填报" in item.title for item in todos.for_user(cast.reporter_a))
    html = client_for(cast.reporter_a).get(reverse("indicators:fill"), {"year": YEAR, "month": MONTH}).content.decode()
    assert "均由项目库汇总" in html
    assert 'data-testid="fill-submit"' not in html
    assert 'data-testid="source-FAI"' in html


def test_a_fed_figure_counts_while_the_units_own_form_is_still_a_draft(cast, catalogue, progress):
    feed_indicator_values(year=YEAR, month=MONTH, actor=cast.supervisor)

    ranking = analytics.indicator_ranking(catalogue.fai, YEAR, MONTH, cast.counties)

    assert cast.county_a in [row.unit for row in ranking.rows if row.rank]
    report = Report.objects.get(unit=cast.county_a, indicator=catalogue.fai, year=YEAR, month=MONTH)
    assert report.submission.status == "draft"  # the unit's other figures are its own business


@pytest.fixture
def new_projects(cast, catalogue):
    indicator = Indicator.objects.create(
        code="NEW_PRJ", name="新开工重大项目", measure="个", kind=Kind.COUNT, key_work=catalogue.investment,
        decimals=0, fed_by_projects=True, project_figure=ProjectFigure.STARTED,
    )  # fmt: skip
    indicator.ranking_groups.set([cast.counties, cast.zones])
    return indicator


def test_new_projects_started_is_derived_from_the_project_library(cast, new_projects, make_project):
    make_project(cast.county_a, stage=Stage.STARTED, started_on=dt.date(YEAR, 2, 10))
    make_project(cast.town_a1, stage=Stage.STARTED, started_on=dt.date(YEAR, 3, 5))  # a town below 甲县
    make_project(cast.county_a, stage=Stage.STARTED, started_on=dt.date(YEAR - 1, 3, 1))  # last year
    make_project(cast.county_a, stage=Stage.STARTED, started_on=dt.date(YEAR, 4, 1))  # after March
    make_project(cast.county_a)  # not started

    feed_indicator_values(year=YEAR, month=MONTH, actor=cast.supervisor)

    a = Report.objects.get(unit=cast.county_a, indicator=new_projects, year=YEAR, month=MONTH)
    assert (a.value, a.last_year_value) == (Decimal(2), Decimal(1))
    assert Report.objects.get(unit=cast.county_b, indicator=new_projects, month=MONTH).value == 0
    assert new_projects not in queries.asked_indicators(cast.county_a, MONTH)


def test_marking_a_project_started_derives_the_count_again(
    cast, new_projects, make_project, django_capture_on_commit_callbacks
):
    project = make_project(cast.county_b)
    with django_capture_on_commit_callbacks(execute=True):
        library.project_change_stage(
            actor=cast.supervisor, project=project, to_stage=Stage.STARTED, on_date=dt.date(YEAR, 3, 20),
            evidence="施工许可证", override_admission=True, reason="督查员核实已开工", expected_version=None,
        )  # fmt: skip
    assert Report.objects.get(unit=cast.county_b, indicator=new_projects, month=MONTH).value == 1


def test_the_demo_derives_new_projects_instead_of_asking_for_them():
    spec = next(s for s in demo.SPECS if s.code == "NEW_PRJ")
    assert dict(spec.extra) == {"fed_by_projects": True, "project_figure": ProjectFigure.STARTED}


def test_the_api_names_a_fed_figures_source(cast, fed_only, progress, client_for):
    feed_indicator_values(year=YEAR, month=MONTH, actor=cast.supervisor)
    rows = client_for(cast.supervisor).get("/api/v1/reports/", {"unit": "C-A"}).json()["results"]
    assert [(r["indicator"], r["source"]) for r in rows] == [("FAI", "projects")]
