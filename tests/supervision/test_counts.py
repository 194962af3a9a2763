"""Counts by owner, by leader, by source and by level on a fixed day, on the page and in Excel;
punctuality keeps the original deadline whatever extension was granted."""

import datetime as dt
import io
import re

import pytest
import time_machine
from openpyxl import load_workbook

from tuijin.supervision import queries, services
from tuijin.supervision.models import SourceKind

DAY = dt.date(2026, 6, 20)
COLUMNS = ("total", "open", "requested", "closed", "red", "yellow", "remind", "supervise", "listed", "extended",
           "on_time", "late_original")  # fmt: skip


def on(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 2, 0, tzinfo=dt.UTC), tick=False)


def close(cast, a, reporter):
    a = services.closeout_request(actor=reporter, assignment=a, evidence="完成", expected_version=a.version)
    return services.closeout_approve(actor=cast.supervisor, assignment=a, expected_version=a.version)


@pytest.fixture
def items(cast, make_assignment):
    """甲县: 督办 (10 days over), due in 2 days, 挂牌督办; 乙县: closed after an extension (later than
    first set), closed on time."""
    with on(dt.date(2026, 5, 1)):
        make_assignment(title="A1", deadline=dt.date(2026, 6, 10))
        make_assignment(title="A2", deadline=dt.date(2026, 6, 22), leader=None, source_kind=SourceKind.BULLETIN)
        make_assignment(title="A5", deadline=dt.date(2026, 5, 1), source_kind=SourceKind.OTHER)
        a3 = make_assignment(title="A3", deadline=dt.date(2026, 6, 5), owner_unit=cast.county_b)
        a4 = make_assignment(title="A4", deadline=dt.date(2026, 7, 30), owner_unit=cast.county_b,
                             source_kind=SourceKind.OTHER)  # fmt: skip
        extension = services.extension_request(actor=cast.reporter_b, assignment=a3, reason="征迁协商",
                                               new_deadline=dt.date(2026, 7, 31))  # fmt: skip
        services.extension_grant(actor=cast.supervisor, extension=extension)
        a3.refresh_from_db()
    with on(DAY):
        close(cast, a3, cast.reporter_b)
        close(cast, a4, cast.reporter_b)


def counts(cast, by):
    qs = queries.annotate_state(queries.visible_assignments(cast.supervisor), DAY)
    return {tuple(r[f] for f in queries.GROUPINGS[by][:1]): tuple(r[c] for c in COLUMNS)
            for r in queries.counts_by(qs, by, DAY)}  # fmt: skip


def test_counts_by_owner_keep_the_original_deadline_for_punctuality(cast, items):
    assert counts(cast, "owner") == {
        ("C-A",): (3, 3, 0, 0, 2, 1, 0, 1, 1, 0, 0, 2),
        ("C-B",): (2, 0, 0, 2, 0, 0, 0, 0, 0, 1, 1, 1),  # A3 closed before its new deadline, after the first one
    }


def test_counts_by_leader_source_and_level(cast, items):
    by_leader = counts(cast, "leader")
    assert by_leader[(cast.leader.pk,)][0] == 4
    assert by_leader[(None,)][0] == 1
    assert {k[0]: v[0] for k, v in counts(cast, "source").items()} == {"instruction": 2, "bulletin": 1, "other": 2}
    assert {k[0]: v[0] for k, v in counts(cast, "level").items()} == {"": 3, "supervise": 1, "listed": 1}


def page_rows(html: str) -> dict[str, list[str]]:
    rows = {}
    for row in re.findall(r'<tr[^>]*data-testid="count-(?:row|total)"[^>]*>(.*?)</tr>', html, re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        rows[cells[0]] = cells[1:]
    return rows


def test_the_counts_page_and_its_export_show_the_same_figures(cast, items, client_for):
    with on(DAY):
        client = client_for(cast.supervisor)
        rows = page_rows(client.get("/supervision/counts/", {"by": "owner"}).content.decode())
        assert rows["甲县"] == ["3", "3", "0", "0", "2", "1", "0", "1", "1", "0", "0", "2"]
        assert rows["合计"] == ["5", "3", "0", "2", "2", "1", "0", "1", "1", "1", "1", "3"]
        by_level = page_rows(client.get("/supervision/counts/", {"by": "level"}).content.decode())
        assert set(by_level) == {"未逾期", "督办", "挂牌督办", "合计"}
        export = client.get("/supervision/counts/", {"by": "source", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    table = list(sheet.iter_rows(values_only=True))
    assert table[0][:2] == ("按来源", "合计")
    assert {r[0]: r[1] for r in table[1:]} == {"领导批示": 2, "通报问题": 1, "其他": 2, "合计": 5}


def test_counts_cover_only_the_units_in_scope(cast, items, client_for):
    with on(DAY):
        rows = page_rows(client_for(cast.reporter_b).get("/supervision/counts/").content.decode())
    assert set(rows) == {"乙县", "合计"}
    assert rows["合计"][0] == "2"
