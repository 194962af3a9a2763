"""The project section: its tables equal the project analytics API; per unit, per batch, and the
迟迟不开工 and 开而未建 lists."""

import datetime as dt
from decimal import Decimal

import pytest

from tests.bulletins.support import YEAR, june, project
from tuijin.bulletins import services
from tuijin.projects.models import Batch, PlanKind, Project, ProjectProgress, Stage

pytestmark = pytest.mark.django_db
API = "/api/v1/analytics/projects/"


def _table(bulletin, key):
    return next(i for i in bulletin.content["items"] if i["type"] == "table" and i["key"] == key)


def _figures(row):
    """The nine figures of a table row (after its label) as the API names them."""
    names = ("planned_start", "started", "start_rate", "planned_completion", "completed", "completion_rate",
             "planned_investment", "ytd_investment", "investment_completion")  # fmt: skip
    return {name: _exact(cell["v"]) for name, cell in zip(names, row[-9:], strict=True)}


def _api(figures: dict) -> dict:
    return {name: _exact(value) for name, value in figures.items()}


def _exact(number) -> Decimal | None:
    """A cell's or the API's unrounded number (strings of both) as a Decimal: "0E+4" == "0"."""
    return None if number is None else Decimal(str(number))


@pytest.fixture
def projects(cast, catalogue):
    """June's data, P1 and P3 in batch B5 (deadline 31 May), P3 with investment in May."""
    june(cast, catalogue)
    batch = Batch.objects.create(code="B5", name="第5批", launch_date=dt.date(YEAR, 3, 18),
                                 start_deadline=dt.date(YEAR, 5, 31))  # fmt: skip
    Project.objects.filter(code__in=["P1", "P3"]).update(batch=batch)
    done = project(
        cast.county_b, "P4", kind=PlanKind.CONTINUING, stage=Stage.STARTED, started_on=dt.date(YEAR - 1, 5, 1)
    )
    ProjectProgress.objects.create(project=done, year=YEAR, month=5, investment=Decimal("2.5"),
                                   reported_by=cast.reporter_b)  # fmt: skip
    return batch


def test_project_figures_per_scope_and_batch_equal_the_api(cast, projects, client_for):
    bulletin = services.bulletin_create(actor=cast.supervisor, period_type="month", year=YEAR, period=6)
    client = client_for(cast.supervisor)
    whole = client.get(API, {"year": YEAR, "month": 6}).json()
    annual, due = _table(bulletin, "projects.figures")["rows"]
    assert _figures(annual) == _api(whole["annual"])
    assert _figures(due) == _api(whole["due"])
    assert annual[3]["t"] == "33.3%"  # one of three started

    [batch_row] = _table(bulletin, "projects.batches")["rows"]
    in_batch = client.get(API, {"year": YEAR, "month": 6, "scope": "batch:B5"}).json()
    assert batch_row[0]["t"] == "第5批"
    assert _figures(batch_row) == _api(in_batch["annual"])
    [lagging] = _table(bulletin, "projects.lagging_batches")["rows"]
    assert [c["t"] for c in lagging[:5]] == ["第5批", "2026-03-18", "2026-05-31", "2", "1"]  # P3 never started


def test_per_unit_rows_equal_the_api_of_each_unit(cast, projects, client_for):
    bulletin = services.bulletin_create(actor=cast.supervisor, period_type="month", year=YEAR, period=6)
    rows = {row[1]["t"]: row for row in _table(bulletin, "projects.units.G-CTY")["rows"]}
    client = client_for(cast.supervisor)
    for code, name in (("C-A", "甲县"), ("C-B", "乙县")):
        api = client.get(API, {"year": YEAR, "month": 6, "scope": f"unit:{code}"}).json()
        assert _figures(rows[name][:-1]) == _api(api["annual"]), name  # the last column is the 前三/后三 mark
    assert [rows["甲县"][0]["t"], rows["乙县"][0]["t"]] == ["1", "2"]  # start rate 50% before 0%


def test_the_lists_name_the_projects_the_api_flags(cast, projects, client_for):
    bulletin = services.bulletin_create(actor=cast.supervisor, period_type="month", year=YEAR, period=6)
    flags = client_for(cast.supervisor).get(API, {"year": YEAR, "month": 6}).json()["flags"]
    slow = [row[0]["t"] for row in _table(bulletin, "projects.slow")["rows"]]
    idle = [row[0]["t"] for row in _table(bulletin, "projects.idle")["rows"]]
    assert slow == flags["slow_to_start"] == ["P2", "P3"]
    assert idle == flags["idle"] == ["P1"]  # started in March, nothing invested since; P4 invested in May
    assert bulletin.blocks.get(key="projects.flags").text == (
        "本期共有迟迟不开工项目 2 个、开而未建项目 1 个（见下表），请所在地抓紧推进。"
    )


def test_a_long_list_names_the_first_thirty_and_counts_the_rest(cast, projects):
    for n in range(31):
        project(cast.county_a, f"L{n:02d}", kind=PlanKind.NEW, start_month=1)
    bulletin = services.bulletin_create(actor=cast.supervisor, period_type="month", year=YEAR, period=6)
    slow = _table(bulletin, "projects.slow")
    assert slow["title"] == "迟迟不开工项目（共 33 个，列前 30 个）"
    assert len(slow["rows"]) == 30
