"""Every indicator export opens whatever was stored: control characters, formulas, ':' in names."""

import pytest
import time_machine

from tests.core.hostile import HOSTILE, holds, open_safely
from tests.indicators.conftest import YEAR
from tests.indicators.test_analytics import url
from tuijin.indicators.models import Indicator, Report

pytestmark = pytest.mark.django_db
# What Excel forbids in a sheet title becomes its full-width form.
TITLE_SWAPS = str.maketrans({":": "：", "/": "／", "\\": "＼", "?": "？", "*": "＊", "[": "【", "]": "】"})
OPEN_DAY = "2026-07-03 10:00 +0800"


@pytest.fixture(params=sorted(HOSTILE))
def hostile(request, cast, catalogue, make_target, make_report):
    """甲县's June investment, with the indicator's name and the remark set to a hostile text."""
    stored, shown = HOSTILE[request.param]
    make_target(cast.county_a, catalogue.fai, 200)
    make_report(cast.county_a, catalogue.fai, 6, 90, last_year=80)
    Indicator.objects.filter(pk=catalogue.fai.pk).update(name=stored)  # stored before input was checked
    Report.objects.filter(indicator=catalogue.fai).update(remark=stored)
    return stored, shown


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("ranking", {"group": "G-CTY", "indicator": "FAI"}),
        ("matrix", {"group": "G-CTY"}),
        ("warnings", {}),
        ("cockpit", {"unit": "C-A"}),
    ],
)
def test_analysis_exports_write_names_as_text(cast, hostile, client_for, name, params):
    stored, shown = hostile
    response = client_for(cast.supervisor).get(url(name, year=YEAR, month=6, export="xlsx", **params))
    wb = open_safely(response)
    # The name is a cell, or (the ranking) the sheet's title in Excel's allowed characters.
    titled = stored.translate(TITLE_SWAPS).replace("\x01", "").replace("\x07", "")[:20]
    assert holds(wb, shown) or titled in wb.active.title


@time_machine.travel(OPEN_DAY, tick=False)
@pytest.mark.parametrize(
    ("who", "path", "params"),
    [
        ("reporter_a", "/indicators/config/template/", {"year": YEAR, "month": 6}),
        ("supervisor", "/indicators/config/workbook/", {"year": YEAR, "month": 6}),
        ("supervisor", "/indicators/config/targets/workbook/", {"year": YEAR, "group": "G-CTY"}),
    ],
)
def test_entry_template_and_workbooks_write_remarks_and_names_as_text(cast, hostile, client_for, who, path, params):
    _stored, shown = hostile
    wb = open_safely(client_for(getattr(cast, who)).get(path, params))
    assert holds(wb, shown)
