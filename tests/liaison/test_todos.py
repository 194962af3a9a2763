"""我的待办: the department's parts to answer and solve, the sender's sheets to confirm or revise,
the leader's escalated sheets, the city supervisor's agenda."""

import datetime as dt

import pytest

from tests.liaison.conftest import part_of, write
from tuijin.liaison import services, timers, todos

pytestmark = pytest.mark.django_db


def titles(user):
    return {(t.title, t.count, t.level) for t in todos.for_user(user)}


def test_the_department_sees_what_it_must_answer(world, sent):
    assert titles(world.handler_d) == {("待答复的工作联系单", 1, "warning")}
    assert titles(world.handler_e) == set()


def test_an_overdue_answer_is_urgent(world, sent, frozen):
    frozen.move_to(dt.datetime(2026, 3, 18, 2, 0, tzinfo=dt.UTC))
    [item] = todos.for_user(world.handler_d)
    assert (item.level, item.detail) == ("danger", "其中 1 件已逾期")


def test_the_sender_confirms_and_the_leader_and_supervisor_decide(world, sent):
    timers.escalate_overdue(dt.date(2026, 3, 18))
    assert ("升级至我的工作联系单", 1, "danger") in titles(world.cast.leader)
    sent.refresh_from_db()
    services.sheet_put_on_agenda(actor=world.cast.leader, sheet=sent, note="提请研究")
    assert ("待记录决定的市长办公会议议题", 1, "warning") in titles(world.cast.supervisor)
    assert titles(world.cast.county_supervisor) == set()
    part = part_of(sent, world.dept_d)
    services.assignment_accept(actor=world.handler_d, assignment=part, answer="受理", promised_on=dt.date(2026, 3, 20))
    services.assignment_resolve(actor=world.handler_d, assignment=part, result="已办")
    assert ("待确认销号的工作联系单", 1, "warning") in titles(world.cast.reporter_a)
    assert titles(world.cast.reporter_b) == set()


def test_a_returned_sheet_asks_the_sender_to_revise(world):
    sheet = write(world.cast.reporter_a, world.dept_d)
    services.assignment_return(actor=world.handler_d, assignment=part_of(sheet, world.dept_d), reason="不清")
    assert ("被退回的工作联系单", 1, "danger") in titles(world.cast.head_a)
