"""我的待办 on the home page: what each role must do about the monthly reports now."""

import datetime as dt

import time_machine

from tuijin.indicators.models import SubmissionStatus
from tuijin.shell import todos

# The current period on 2026-11-03 is October 2026, due on 2026-11-05.
BEFORE_DEADLINE = dt.datetime(2026, 11, 3, 10, 0, tzinfo=dt.UTC)
AFTER_DEADLINE = dt.datetime(2026, 11, 9, 10, 0, tzinfo=dt.UTC)


def titles(user):
    return [t.title for t in todos.for_user(user)]


def test_reporter_is_asked_to_fill_the_month_before_the_deadline(cast, catalogue):
    with time_machine.travel(BEFORE_DEADLINE, tick=False):
        items = todos.for_user(cast.reporter_a)
    assert [t.title for t in items] == ["填报2026年10月月报"]
    assert items[0].level == "warning"
    assert "2026-11-05" in items[0].detail
    assert items[0].url.endswith("?year=2026&month=10")


def test_an_overdue_month_is_shown_as_danger(cast, catalogue):
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        items = todos.for_user(cast.reporter_a)
    assert items[0].level == "danger"
    assert "已过截止日" in items[0].title


def test_a_handed_in_month_leaves_nothing_to_do(cast, catalogue, make_report):
    make_report(cast.county_a, catalogue.fai, 10, 50, year=2026, status=SubmissionStatus.SUBMITTED)
    with time_machine.travel(BEFORE_DEADLINE, tick=False):
        assert titles(cast.reporter_a) == []


def test_unit_head_sees_submissions_waiting_for_approval(cast, catalogue, make_report):
    make_report(cast.county_a, catalogue.fai, 10, 50, year=2026, status=SubmissionStatus.SUBMITTED)
    make_report(cast.county_b, catalogue.fai, 10, 50, year=2026, status=SubmissionStatus.SUBMITTED)
    with time_machine.travel(BEFORE_DEADLINE, tick=False):
        items = todos.for_user(cast.head_a)
    assert [(t.title, t.count) for t in items] == [("待审核的月报", 1)]  # only the head's own county


def test_supervisor_sees_approvals_to_accept_and_missing_units_after_the_deadline(cast, catalogue, make_report):
    make_report(cast.county_a, catalogue.fai, 10, 50, year=2026, status=SubmissionStatus.APPROVED)
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        items = {t.title: t for t in todos.for_user(cast.supervisor)}
    assert items["待确认的月报"].count == 1
    # County B and the zone report the catalogue's indicators and have handed nothing in.
    assert items["10月月报未报单位"].count == 2
    assert items["10月月报未报单位"].level == "danger"


def test_home_page_lists_the_todos(cast, catalogue, client_for):
    with time_machine.travel(BEFORE_DEADLINE, tick=False):
        body = client_for(cast.reporter_a).get("/").content.decode()
    assert "填报2026年10月月报" in body


def test_a_deadline_in_a_year_nobody_has_entered_is_a_todo_not_an_error(cast, catalogue, client_for):
    # January 2027 is due in February 2027, a year the installed calendar does not know.
    with time_machine.travel(dt.datetime(2027, 2, 9, 2, 0, tzinfo=dt.UTC), tick=False):
        items = todos.for_user(cast.reporter_a)
        assert [t.title for t in items] == ["2027 年节假日安排尚未录入，相关期限暂无法计算"]
        assert items[0].level == "danger"
        assert client_for(cast.reporter_a).get("/").status_code == 200
