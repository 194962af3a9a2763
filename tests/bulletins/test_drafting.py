"""Drafting: the bulletin's figures are the analytics' figures, its sentences the phrase builders'."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.bulletins.support import YEAR, june, report
from tuijin.bulletins import drafting, services
from tuijin.bulletins.models import Bulletin, Status

pytestmark = pytest.mark.django_db


def _table(bulletin, key):
    return next(i for i in bulletin.content["items"] if i["type"] == "table" and i["key"] == key)


def _texts(bulletin):
    return dict(bulletin.blocks.values_list("key", "text"))


def test_ranking_tables_equal_the_analytics_api(cast, catalogue, client_for):
    june(cast, catalogue)
    bulletin = services.bulletin_create(actor=cast.supervisor, period_type="month", year=YEAR, period=6)
    api = (
        client_for(cast.supervisor)
        .get("/api/v1/analytics/indicator/", {"indicator": "FAI", "group": "G-CTY", "year": YEAR, "month": 6})
        .json()
    )
    table = _table(bulletin, "rank.FAI.G-CTY")
    assert [row[1]["t"] for row in table["rows"]] == [r["unit"]["name"] for r in api["rows"]] == ["甲县", "乙县"]
    for row, expected in zip(table["rows"], api["rows"], strict=True):
        assert row[0]["t"] == str(expected["rank"])
        assert Decimal(row[2]["v"]) == Decimal(expected["value"])
        assert Decimal(row[3]["v"]) == Decimal(expected["completion"])
        assert Decimal(row[4]["v"]) == Decimal(expected["pace_gap"])
        assert Decimal(row[5]["v"]) == Decimal(expected["yoy"])
    assert [row[3]["t"] for row in table["rows"]] == ["52.0%", "46.0%"]
    # Two units (no more than 2N): the first and the last are named, never both as 前三 (issue 15).
    assert [row[6]["t"] for row in table["rows"]] == ["第一", "末位"]


def test_the_overview_sentence_sums_the_scope_and_says_half_and_half(cast, catalogue):
    june(cast, catalogue)
    bulletin = services.bulletin_create(actor=cast.supervisor, period_type="month", year=YEAR, period=6)
    # 610 of 1250 = 48.8% (< 50%): behind; 610 vs 520 last year = +17.3%; last year 520 vs 485 = +7.2%.
    assert _texts(bulletin)["overview.FAI"] == (
        "全市累计完成固定资产投资 610.0 亿元，同比增长 17.3%，增幅比去年同期高 10.1 个百分点，"
        "完成全年目标的 48.8%，低于时序进度 1.2 个百分点。"
    )
    overview = _table(bulletin, "overview.table")
    assert overview["headers"][-1] == "时间过半、任务过半"
    assert overview["rows"][0][-1]["t"] == "否"


def test_a_county_bulletin_speaks_of_the_county_own_figures(cast, catalogue):
    june(cast, catalogue)
    bulletin = services.bulletin_create(
        actor=cast.supervisor, period_type="month", year=YEAR, period=6, scope_unit=cast.county_a
    )
    assert _texts(bulletin)["overview.FAI"].startswith("甲县累计完成固定资产投资 260.0 亿元，同比增长 18.2%，")
    assert _texts(bulletin)["overview.FAI"].endswith("完成全年目标的 52.0%，实现时间过半、任务过半。")
    keys = {i.get("key") for i in bulletin.content["items"]}
    assert "rank.FAI.G-CTY" in keys
    assert "rank.FAI.G-ZN" not in keys


def test_project_section_lists_the_slow_starters(cast, catalogue):
    june(cast, catalogue)
    bulletin = services.bulletin_create(actor=cast.supervisor, period_type="month", year=YEAR, period=6)
    texts = _texts(bulletin)
    assert texts["projects.summary"].startswith("全市计划新开工重大项目 3 个，已开工 1 个，开工率 33.3%")
    slow = _table(bulletin, "projects.slow")
    assert [row[0]["t"] for row in slow["rows"]] == ["P2", "P3"]  # both more than 30 days past their start month
    assert bulletin.charts.filter(key="chart.FAI.G-CTY").exists()
    assert bytes(bulletin.charts.get(key="chart.FAI.G-CTY").png).startswith(b"\x89PNG")


def test_red_and_black_lists_follow_marks_and_pace(cast, catalogue):
    june(cast, catalogue)
    report(cast.county_a, catalogue.fdi, 6, 10)  # nothing else of FDI: no ranking noise
    bulletin = services.bulletin_create(actor=cast.supervisor, period_type="month", year=YEAR, period=6)
    honours = _table(bulletin, "honours.table")
    by_indicator = {(r[0]["t"], r[1]["t"]): (r[2]["t"], r[3]["t"]) for r in honours["rows"]}
    # 甲县 52% is ahead of the 50% calendar (红榜); 乙县 46%, the last of two, is behind it (黑榜).
    assert by_indicator[("固定资产投资", "县组")] == ("甲县", "乙县")
    assert "列入红榜的有甲县" in _texts(bulletin)["honours.summary"]


def test_a_second_bulletin_of_the_same_period_and_scope_is_refused(cast, catalogue):
    services.bulletin_create(actor=cast.supervisor, period_type="month", year=YEAR, period=6)
    with pytest.raises(ValidationError, match="已有未发布的通报草稿"):
        services.bulletin_create(actor=cast.supervisor, period_type="month", year=YEAR, period=6)
    county = services.bulletin_create(
        actor=cast.supervisor, period_type="month", year=YEAR, period=6, scope_unit=cast.county_a
    )
    assert county.number == 1  # another scope, its own bulletin


def test_of_two_drafts_at_once_the_second_is_refused(cast, catalogue, monkeypatch):
    real = drafting.draft

    def meanwhile(**kwargs):  # another supervisor's draft of the same month is saved while this one drafts
        doc = real(**kwargs)
        Bulletin.objects.create(title="另一份", period_type="month", year=YEAR, period=6, created_by=cast.leader)
        return doc

    monkeypatch.setattr(drafting, "draft", meanwhile)
    with pytest.raises(ValidationError, match="已有未发布的通报草稿"):
        services.bulletin_create(actor=cast.supervisor, period_type="month", year=YEAR, period=6)
    assert list(Bulletin.objects.values_list("title", flat=True)) == ["另一份"]
    with pytest.raises(IntegrityError), transaction.atomic():  # the database holds the rule itself
        Bulletin.objects.create(title="第三份", period_type="month", year=YEAR, period=6, created_by=cast.leader)


def test_a_quarterly_bulletin_reads_the_quarter_end(cast, catalogue):
    june(cast, catalogue)
    bulletin = services.bulletin_create(actor=cast.supervisor, period_type="quarter", year=YEAR, period=2)
    assert bulletin.month == 6
    assert bulletin.title == "2026年第二季度重点工作和重大项目推进情况通报"
    assert _texts(bulletin)["overview.FAI"].startswith("全市累计完成固定资产投资 610.0 亿元")
    assert bulletin.status == Status.DRAFT


def test_the_bottom_unit_behind_pace_goes_on_the_black_list(cast, catalogue, settings):
    settings.TUIJIN_RANK_MARK_N = 1  # two counties are not more than 2N: the first and the last
    june(cast, catalogue)
    bulletin = services.bulletin_create(actor=cast.supervisor, period_type="month", year=YEAR, period=6)
    table = _table(bulletin, "rank.FAI.G-CTY")
    assert [(row[1]["t"], row[6]["t"]) for row in table["rows"]] == [("甲县", "第一"), ("乙县", "末位")]
    texts = _texts(bulletin)
    assert texts["rank.FAI.G-CTY"] == "固定资产投资（县组），第一名为甲县，末位为乙县。"
    honours = {(r[0]["t"], r[1]["t"]): (r[2]["t"], r[3]["t"]) for r in _table(bulletin, "honours.table")["rows"]}
    assert honours[("固定资产投资", "县组")] == ("甲县", "乙县")  # 乙县 46% behind the 50% calendar
    assert texts["honours.summary"] == "列入红榜的有甲县，列入黑榜的有乙县。"
