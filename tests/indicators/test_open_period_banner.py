"""A page of an open period says how many units have reported and marks its totals 暂计 (issue 11)."""

import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from tuijin.indicators.models import SubmissionStatus

from .conftest import YEAR

pytestmark = pytest.mark.django_db

DEC_3 = "2026-12-03 10:00 +0800"  # November is open (due 5 December, a Saturday: the 7th); October is locked
BANNER = "截至 12月3日，1/2 个单位已报"


@pytest.fixture
def months(cast, catalogue, make_target, make_report):
    """October handed in by both counties; November by 甲县 alone (乙县's form is still a draft)."""
    for unit in (cast.county_a, cast.county_b):
        make_target(unit, catalogue.fai, 200)
        make_report(unit, catalogue.fai, 10, 150)
    make_report(cast.county_a, catalogue.fai, 11, 170)
    make_report(cast.county_b, catalogue.fai, 11, 160, status=SubmissionStatus.DRAFT)
    return catalogue


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(DEC_3, tick=False):
        yield


def page(client, name, month, *args, **params):
    return client.get(reverse(f"indicators:{name}", args=args), {"year": YEAR, "month": month, **params})


def test_the_ranking_of_an_open_month_shows_the_banner_and_marks_total_and_average(cast, months, client_for):
    html = page(client_for(cast.supervisor), "ranking", 11, group="G-CTY", indicator="FAI").content.decode()
    assert BANNER in html
    assert html.count('data-testid="provisional-badge"') == 2  # 组内合计 and 组内平均
    october = page(client_for(cast.supervisor), "ranking", 10, group="G-CTY", indicator="FAI").content.decode()
    assert "open-period-banner" not in october
    assert "provisional-badge" not in october


def test_a_ranking_with_no_report_yet_says_why_instead_of_an_empty_chart(cast, months, client_for):
    client = client_for(cast.supervisor)
    november = page(client, "ranking", 11, group="G-CTY", indicator="FAI").content.decode()
    assert 'data-testid="ranking-chart"' in november  # 甲县 has reported: its bar is drawn
    december = page(client, "ranking", 12, group="G-CTY", indicator="FAI").content.decode()
    assert 'data-testid="ranking-chart"' not in december
    assert "本期还没有单位报送，报送后在此显示排名图" in december


@pytest.mark.parametrize(
    ("name", "args", "params", "banner"),
    [("matrix", (), {"group": "G-CTY"}, BANNER), ("cockpit", ("C-A",), {}, BANNER),  # 甲县's group: the counties
     ("warnings", (), {}, "截至 12月3日，1/3 个单位已报")],  # every ranked unit in scope: the zone too
)  # fmt: skip
def test_matrix_cockpit_and_warnings_of_an_open_month_show_the_banner(
    cast, months, client_for, name, args, params, banner
):
    client = client_for(cast.supervisor)
    assert banner in page(client, name, 11, *args, **params).content.decode()
    assert "open-period-banner" not in page(client, name, 10, *args, **params).content.decode()


def test_the_banner_counts_the_units_of_the_readers_scope(cast, months, client_for):
    html = page(client_for(cast.reporter_a), "matrix", 11, group="G-CTY").content.decode()
    assert "截至 12月3日，1/1 个单位已报" in html


def _note(response) -> str | None:
    ws = load_workbook(io.BytesIO(response.content)).active
    return ws.cell(row=ws.max_row, column=1).value


def test_the_exports_of_an_open_month_carry_the_note_row(cast, months, client_for):
    client = client_for(cast.supervisor)
    for name, args, params in [("ranking", (), {"group": "G-CTY", "indicator": "FAI"}),
                               ("matrix", (), {"group": "G-CTY"}), ("cockpit", ("C-A",), {}),
                               ("warnings", (), {})]:  # fmt: skip
        note = _note(page(client, name, 11, *args, export="xlsx", **params))
        assert note.startswith("截至 12月3日，1/"), name
        assert "暂计" in note
        assert "暂计" not in str(_note(page(client, name, 10, *args, export="xlsx", **params)))


@pytest.mark.parametrize(
    ("url", "params", "expected"),
    [("/api/v1/analytics/matrix/", {"group": "G-CTY"}, 2), ("/api/v1/analytics/cockpit/C-A/", {}, 2),
     ("/api/v1/analytics/warnings/", {}, 3)],
)  # fmt: skip
def test_the_api_says_whether_figures_are_provisional(cast, months, client_for, url, params, expected):
    client = client_for(cast.supervisor)
    november = client.get(url, {"year": YEAR, "month": 11, **params}).json()
    assert (november["provisional"], november["reported_units"], november["expected_units"]) == (True, 1, expected)
    october = client.get(url, {"year": YEAR, "month": 10, **params}).json()
    assert (october["provisional"], october["reported_units"], october["expected_units"]) == (False, 2, expected)
