"""The drafted bulletin's sentences on constructed cases (issue 15): an open period with one unit
reported, a quarterly indicator in a non-quarter month, a rate indicator's change on last year."""

from decimal import Decimal

import pytest
import time_machine

from tests.bulletins.support import YEAR, june, report, target
from tuijin.bulletins import services

pytestmark = pytest.mark.django_db


def _texts(bulletin):
    return dict(bulletin.blocks.values_list("key", "text"))


def _table(bulletin, key):
    return next(i for i in bulletin.content["items"] if i["type"] == "table" and i["key"] == key)


def test_an_open_month_with_one_unit_reported_says_so_in_the_document_and_marks_totals_provisional(cast, catalogue):
    target(cast.county_a, catalogue.fai, 500)
    report(cast.county_a, catalogue.fai, 6, 260, 220)  # 甲县 only: 乙县 and 高新区 have not reported
    with time_machine.travel("2026-07-02 10:00 +0800", tick=False):
        bulletin = services.bulletin_create(actor=cast.supervisor, period_type="month", year=YEAR, period=6)
    texts = _texts(bulletin)
    keys = [i.get("key") for i in bulletin.content["items"] if i["type"] == "p"]
    assert keys[0] == "overview.provisional"  # read before any total
    note = texts["overview.provisional"]
    assert note.startswith("截至7月2日，3 个应报单位中 1 个已报送，")
    assert "乙县" in note
    assert "高新区" in note
    assert "暂计" in note
    assert "（暂计）" in texts["overview.FAI"]
    assert "暂计" in _table(bulletin, "overview.table")["title"]


def test_a_locked_month_with_every_unit_reported_has_no_note(cast, catalogue):
    june(cast, catalogue)
    with time_machine.travel("2026-07-20 10:00 +0800", tick=False):
        bulletin = services.bulletin_create(actor=cast.supervisor, period_type="month", year=YEAR, period=6)
    assert "overview.provisional" not in _texts(bulletin)
    assert "暂计" not in _texts(bulletin)["overview.FAI"]


def test_a_quarterly_indicator_in_a_non_quarter_month_reads_its_quarter_end_for_city_and_units(cast, catalogue):
    # Issue 15: −16.7 for the city and 0.0 for each unit — the city against November's calendar.
    parks = catalogue.parks
    for unit in (cast.county_a, cast.county_b, cast.zone):
        target(unit, parks, 4)
        report(unit, parks, 9, 3, 3)  # 75% at the end of the third quarter: on pace
    with time_machine.travel("2026-12-20 10:00 +0800", tick=False):
        bulletin = services.bulletin_create(actor=cast.supervisor, period_type="month", year=YEAR, period=11)
    sentence = _texts(bulletin)["overview.PARK"]
    assert sentence.startswith("2026年1—9月，全市累计新增小微企业园 9.0 个，")
    assert "16.7" not in sentence
    assert "与时序进度持平" in sentence
    ranking = _table(bulletin, "rank.PARK.G-CTY")
    assert "1—9月" in ranking["title"]
    assert {row[4]["t"] for row in ranking["rows"]} == {"0.0"}


def test_a_rate_indicator_compares_in_points_with_last_year(cast, catalogue):
    gdp = catalogue.gdp
    report(cast.county_a, gdp, 6, "7.6", "7.1")
    report(cast.county_b, gdp, 6, "6.9", "7.3")
    with time_machine.travel("2026-07-20 10:00 +0800", tick=False):
        bulletin = services.bulletin_create(actor=cast.supervisor, period_type="month", year=YEAR, period=6)
    table = _table(bulletin, "rank.GDP.G-CTY")
    assert table["headers"][5] == "比去年同期（百分点）"
    assert [row[5]["t"] for row in table["rows"]] == ["0.5", "-0.4"]
    assert Decimal(table["rows"][0][5]["v"]) == Decimal("0.5")
    county = services.bulletin_create(
        actor=cast.supervisor, period_type="month", year=YEAR, period=6, scope_unit=cast.county_a
    )
    assert "比去年同期提高 0.5 个百分点" in _texts(county)["overview.GDP"]
