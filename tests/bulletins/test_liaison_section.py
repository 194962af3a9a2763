"""The contact-sheet and assignment section reads the liaison and supervision apps' own figures."""

import datetime as dt

import pytest
import time_machine

from tests.bulletins.support import june
from tests.liaison.conftest import write
from tuijin.bulletins import services
from tuijin.liaison import stats as liaison_stats
from tuijin.supervision import services as supervision_services
from tuijin.supervision.models import Cycle, SourceKind

pytestmark = pytest.mark.django_db
D = dt.date


def on(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 2, 0, tzinfo=dt.UTC), tick=False)


def test_the_section_shows_department_figures_overdue_sheets_and_listed_items(cast, catalogue):
    june(cast, catalogue)
    with on(D(2026, 6, 1)):
        write(cast.reporter_a, cast.department, title="用地指标协调")  # never answered: overdue by June's end
    with on(D(2026, 1, 5)):  # due at the start of February, still open at the end of June: 挂牌督办
        supervision_services.assignment_create(
            actor=cast.supervisor, title="推进东湖片区征迁扫尾", content="6月底前完成剩余 12 户征迁。",
            source_kind=SourceKind.INSTRUCTION, source_label="市长批示", owner_unit=cast.county_a, leader=cast.leader,
            deadline=D(2026, 2, 2), cycle=Cycle.MONTHLY,
        )  # fmt: skip
    with on(D(2026, 7, 8)):
        bulletin = services.bulletin_create(actor=cast.supervisor, period_type="month", year=2026, period=6)
    as_of = D(2026, 6, 30)
    expected = next(r for r in liaison_stats.department_stats(start=D(2026, 6, 1), end=as_of, as_of=as_of)
                    if r.department == cast.department)  # fmt: skip
    table = next(i for i in bulletin.content["items"] if i.get("key") == "liaison.departments")
    row = table["rows"][0]
    assert row[0]["t"] == "市资规局"
    assert row[1]["t"] == str(expected.received) == "1"
    assert row[7]["t"] == str(expected.overdue_open) == "1"
    overdue = next(i for i in bulletin.content["items"] if i.get("key") == "liaison.overdue")
    assert [r[1]["t"] for r in overdue["rows"]] == ["用地指标协调"]
    listed = next(i for i in bulletin.content["items"] if i.get("key") == "supervision.listed")
    assert [r[0]["t"] for r in listed["rows"]] == ["推进东湖片区征迁扫尾"]
    summary = bulletin.blocks.get(key="liaison.summary").text
    assert summary == "本期各部门收到工作联系单 1 件，按期答复率 0.0%，逾期未办结工作联系单 1 件，挂牌督办事项 1 项。"


def test_a_county_bulletin_leaves_out_the_other_county_items(cast, catalogue):
    june(cast, catalogue)
    with on(D(2026, 6, 1)):
        write(cast.reporter_b, cast.department, title="乙县的联系单")
    with on(D(2026, 7, 8)):
        bulletin = services.bulletin_create(
            actor=cast.supervisor, period_type="month", year=2026, period=6, scope_unit=cast.county_a
        )
    keys = {i.get("key") for i in bulletin.content["items"]}
    assert "liaison.overdue" not in keys
    assert "liaison.departments" not in keys
    assert bulletin.blocks.get(key="liaison.summary").text.startswith("本期各部门收到工作联系单 0 件")
