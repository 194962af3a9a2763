"""The ladder: an overdue answer or a missed promised date escalates the sheet to the project's
lead leader on the first overdue day (not the day before), once; the leader instructs, reassigns
or puts it on the mayor's office meeting agenda (or the agenda rung comes by itself); a city
supervisor records the decision."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from tests.liaison.conftest import part_of, person, write
from tuijin.liaison import services, timers
from tuijin.liaison.models import AssignmentStatus, ContactSheet, EventKind
from tuijin.notifications.models import Notification
from tuijin.orgs.models import Role

pytestmark = pytest.mark.django_db
D = dt.date


def on(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 2, 0, tzinfo=dt.UTC), tick=False)


def inbox(user, kind):
    return Notification.objects.filter(recipient=user, kind=kind)


@pytest.fixture
def late(world):
    """Sent 2026-03-10 to 市资规局, answer due 2026-03-17 (Tuesday)."""
    with on(D(2026, 3, 10)):
        return write(world.cast.reporter_a, world.dept_d, project=world.project)


def test_escalation_comes_on_the_day_after_the_due_date_and_not_before(world, late):
    with on(D(2026, 3, 17)):
        assert timers.escalate_overdue(D(2026, 3, 17)) == 0
    late.refresh_from_db()
    assert late.escalated_at is None
    with on(D(2026, 3, 18)):
        assert timers.escalate_overdue(D(2026, 3, 18)) == 1
    late.refresh_from_db()
    assert late.escalated_at is not None
    assert list(late.escalated_to.all()) == [world.cast.leader]
    assert "市资规局答复逾期（期限 2026-03-17）" in late.escalation_reason
    assert late.events.filter(kind=EventKind.ESCALATED, actor=None).count() == 1
    assert inbox(world.cast.leader, "sheet.escalated").count() == 1


def test_escalating_twice_does_nothing_the_second_time(world, late):
    with on(D(2026, 3, 18)):
        assert timers.escalate_overdue(D(2026, 3, 18)) == 1
        assert timers.escalate_overdue(D(2026, 3, 18)) == 0
    with on(D(2026, 3, 19)):
        assert timers.escalate_overdue(D(2026, 3, 19)) == 0
    assert late.events.filter(kind=EventKind.ESCALATED).count() == 1
    assert inbox(world.cast.leader, "sheet.escalated").count() == 1


def test_a_missed_promised_date_escalates_the_day_after_it(world, late):
    with on(D(2026, 3, 12)):
        part = part_of(late, world.dept_d)
        services.assignment_accept(actor=world.handler_d, assignment=part, answer="受理", promised_on=D(2026, 3, 20))
    assert timers.escalate_overdue(D(2026, 3, 18)) == 0  # answered in time: the answer date no longer counts
    assert timers.escalate_overdue(D(2026, 3, 20)) == 0
    assert timers.escalate_overdue(D(2026, 3, 21)) == 1
    late.refresh_from_db()
    assert "未按承诺办结（承诺 2026-03-20）" in late.escalation_reason


def test_without_a_project_the_sender_units_leader_gets_the_sheet(world):
    county_head = person(world.cast, "county_head_a", world.cast.county_a, Role.LEADER)
    person(world.cast, "county_head_b", world.cast.county_b, Role.LEADER)
    with on(D(2026, 3, 10)):
        sheet = write(world.cast.reporter_a, world.dept_d)
    timers.escalate_overdue(D(2026, 3, 18))
    sheet.refresh_from_db()
    assert list(sheet.escalated_to.all()) == [county_head]
    assert inbox(county_head, "sheet.escalated").count() == 1
    assert inbox(world.cast.leader, "sheet.escalated").count() == 0
    with on(D(2026, 3, 19)):
        services.sheet_instruct(actor=county_head, sheet=sheet, text="请市资规局尽快答复。")
    assert inbox(world.handler_d, "sheet.instruction").count() == 1


def test_a_town_without_a_leader_goes_to_its_countys_then_a_county_without_one_to_the_citys(world):
    second = person(world.cast, "vice_mayor", world.cast.city, Role.LEADER)
    with on(D(2026, 3, 10)):
        from_town = write(world.cast.reporter_town_a1, world.dept_d, title="镇里的单")
        from_county = write(world.cast.reporter_a, world.dept_d, title="县里的单")
    county_head = person(world.cast, "county_head_a", world.cast.county_a, Role.LEADER)
    timers.escalate_overdue(D(2026, 3, 18))
    assert list(ContactSheet.objects.get(pk=from_town.pk).escalated_to.all()) == [county_head]
    assert list(ContactSheet.objects.get(pk=from_county.pk).escalated_to.all()) == [county_head]
    with on(D(2026, 3, 10)):
        from_b = write(world.cast.reporter_b, world.dept_d, title="乙县的单")
    timers.escalate_overdue(D(2026, 3, 18))
    assert set(ContactSheet.objects.get(pk=from_b.pk).escalated_to.all()) == {world.cast.leader, second}


def test_a_resolved_sheet_is_not_escalated(world, late):
    with on(D(2026, 3, 11)):
        part = part_of(late, world.dept_d)
        services.assignment_accept(actor=world.handler_d, assignment=part, answer="受理", promised_on=D(2026, 3, 12))
        services.assignment_resolve(actor=world.handler_d, assignment=part, result="已办")
    assert timers.escalate_overdue(D(2026, 4, 1)) == 0


@pytest.fixture
def escalated(world, late):
    with on(D(2026, 3, 18)):
        timers.escalate_overdue(D(2026, 3, 18))
    late.refresh_from_db()
    return late


def test_the_leader_instructs_and_the_department_is_told(world, escalated):
    with on(D(2026, 3, 19)):
        services.sheet_instruct(actor=world.cast.leader, sheet=escalated, text="请市资规局三日内答复。")
    assert escalated.events.filter(kind=EventKind.INSTRUCTED, actor=world.cast.leader).exists()
    assert inbox(world.handler_d, "sheet.instruction").count() == 1
    assert inbox(world.cast.leader, "sheet.escalated").get().done_at is not None


def test_the_leader_reassigns_the_part_to_another_department(world, escalated):
    with on(D(2026, 3, 19)):
        new = services.assignment_reassign(actor=world.cast.leader, assignment=part_of(escalated, world.dept_d),
                                           to_department=world.dept_e, reason="由住建牵头")  # fmt: skip
    assert part_of(escalated, world.dept_d).status == AssignmentStatus.REASSIGNED
    assert (new.department, new.received_on, new.due_on) == (world.dept_e, D(2026, 3, 19), D(2026, 3, 26))
    assert inbox(world.handler_e, "sheet.sent").count() == 1


def test_the_leader_puts_it_on_the_agenda_and_a_supervisor_records_the_decision(world, escalated):
    with on(D(2026, 3, 19)):
        services.sheet_put_on_agenda(actor=world.cast.leader, sheet=escalated, note="涉及多部门，提请会议研究")
    escalated.refresh_from_db()
    assert escalated.on_agenda
    assert escalated.agenda_by == world.cast.leader
    assert inbox(world.cast.supervisor, "sheet.agenda").count() == 1
    with on(D(2026, 3, 24)):
        services.sheet_record_decision(
            actor=world.cast.supervisor, sheet=escalated, decision="由市资规局牵头，月底前解决"
        )
    escalated.refresh_from_db()
    assert (escalated.decision, escalated.decided_on) == ("由市资规局牵头，月底前解决", D(2026, 3, 24))
    assert inbox(world.cast.supervisor, "sheet.agenda").get().done_at is not None
    assert inbox(world.cast.reporter_a, "sheet.decision").count() == 1
    assert list(escalated.events.values_list("kind", flat=True))[-2:] == [EventKind.AGENDA, EventKind.DECISION]


def test_the_agenda_rung_comes_by_itself_when_the_leader_days_pass(world, escalated):
    assert escalated.agenda_due_on == D(2026, 3, 25)
    assert timers.agenda_overdue(D(2026, 3, 25)) == 0
    assert timers.agenda_overdue(D(2026, 3, 26)) == 1
    assert timers.agenda_overdue(D(2026, 3, 26)) == 0
    escalated.refresh_from_db()
    assert escalated.on_agenda
    assert escalated.agenda_by is None
    assert inbox(world.cast.supervisor, "sheet.agenda").count() == 1


def refused(exc, fn, target, **kwargs):
    before = ContactSheet.objects.get(pk=target.pk).version, target.events.count()
    with pytest.raises(exc):
        fn(**kwargs)
    assert (ContactSheet.objects.get(pk=target.pk).version, target.events.count()) == before


def test_ladder_actions_are_refused_to_the_wrong_people_and_states(world, late):
    refused(ValidationError, services.sheet_instruct, late, actor=world.cast.leader, sheet=late, text="未升级")
    with on(D(2026, 3, 18)):
        timers.escalate_overdue(D(2026, 3, 18))
    late.refresh_from_db()
    refused(PermissionDenied, services.sheet_instruct, late, actor=world.cast.reporter_a, sheet=late, text="x")
    refused(PermissionDenied, services.sheet_put_on_agenda, late, actor=world.cast.supervisor, sheet=late, note="x")
    refused(PermissionDenied, services.assignment_reassign, late, actor=world.handler_d,
            assignment=part_of(late, world.dept_d), to_department=world.dept_e, reason="x")  # fmt: skip
    county_leader = person(world.cast, "county_leader", world.cast.county_b, Role.LEADER)
    refused(PermissionDenied, services.sheet_instruct, late, actor=county_leader, sheet=late, text="x")
    refused(ValidationError, services.sheet_record_decision, late, actor=world.cast.supervisor, sheet=late,
            decision="未列入议题")  # fmt: skip
    services.sheet_put_on_agenda(actor=world.cast.leader, sheet=late, note="提请研究")
    late.refresh_from_db()
    refused(PermissionDenied, services.sheet_record_decision, late, actor=world.cast.county_supervisor, sheet=late,
            decision="县级督查员")  # fmt: skip
    refused(ValidationError, services.sheet_put_on_agenda, late, actor=world.cast.leader, sheet=late, note="再次")
