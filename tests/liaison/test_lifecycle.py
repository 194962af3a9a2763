"""Every transition of a sheet, and every refused one (wrong role, wrong unit, wrong state,
stale version): refused means an error and nothing changed."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.liaison.conftest import TODAY, part_of, write
from tuijin.audit.models import AuditEvent
from tuijin.core.concurrency import StaleEditError
from tuijin.liaison import services
from tuijin.liaison.models import AssignmentStatus, ContactSheet, EventKind, SheetStatus

pytestmark = pytest.mark.django_db


def kinds(sheet):
    return list(sheet.events.order_by("at", "pk").values_list("kind", flat=True))


def audited(sheet):
    return AuditEvent.objects.filter(object_type="liaison.contactsheet", object_id=str(sheet.pk)).count()


def test_a_reporter_writes_a_draft_of_their_own_unit(world):
    sheet = write(world.cast.reporter_a, world.dept_d, send=False, copies=[world.dept_e])
    assert sheet.status == SheetStatus.DRAFT
    assert sheet.sender_unit == world.cast.county_a
    assert list(sheet.copies.all()) == [world.dept_e]
    assert kinds(sheet) == [EventKind.CREATED]
    assert audited(sheet) == 1


def test_sending_starts_each_departments_clock(world):
    sheet = write(world.cast.reporter_a, world.dept_d, world.dept_e)
    assert sheet.status == SheetStatus.SENT
    assert sheet.number == f"LX2026{sheet.pk:06d}"
    parts = list(sheet.assignments.order_by("department__code"))
    assert [(p.department.code, p.status, p.received_on, p.due_on) for p in parts] == [
        ("C-D", AssignmentStatus.PENDING, TODAY, dt.date(2026, 3, 17)),
        ("C-E", AssignmentStatus.PENDING, TODAY, dt.date(2026, 3, 17)),
    ]
    assert kinds(sheet) == [EventKind.CREATED, EventKind.SENT]


def test_the_department_accepts_then_resolves_and_the_sender_confirms(world, sent):
    part = part_of(sent, world.dept_d)
    services.assignment_accept(actor=world.handler_d, assignment=part, answer="已受理，正在办理。",
                               promised_on=dt.date(2026, 4, 30), expected_version=part.version)  # fmt: skip
    part.refresh_from_db()
    assert (part.status, part.answered_on, part.answer_days, part.promised_on) == (
        AssignmentStatus.ACCEPTED, TODAY, 0, dt.date(2026, 4, 30),
    )  # fmt: skip
    services.assignment_resolve(
        actor=world.handler_d, assignment=part, result="指标已下达。", expected_version=part.version
    )
    sent.refresh_from_db()
    assert sent.status == SheetStatus.RESOLVED
    assert sent.resolved_on == TODAY
    services.sheet_confirm(actor=world.cast.reporter_a, sheet=sent, expected_version=sent.version)
    sent.refresh_from_db()
    assert sent.status == SheetStatus.CONFIRMED
    assert sent.confirmed_on == TODAY
    assert kinds(sent) == [EventKind.CREATED, EventKind.SENT, EventKind.ACCEPTED, EventKind.RESOLVED,
                           EventKind.CONFIRMED]  # fmt: skip
    assert audited(sent) >= 5


def test_the_unit_head_of_the_department_may_answer_too(world, sent):
    part = part_of(sent, world.dept_d)
    services.assignment_accept(actor=world.head_d, assignment=part, answer="受理", promised_on=TODAY)
    assert part_of(sent, world.dept_d).status == AssignmentStatus.ACCEPTED


def test_the_sender_reopens_and_the_department_resolves_again(world, sent):
    part = part_of(sent, world.dept_d)
    services.assignment_accept(actor=world.handler_d, assignment=part, answer="受理", promised_on=dt.date(2026, 3, 20))
    services.assignment_resolve(actor=world.handler_d, assignment=part, result="已办")
    sent.refresh_from_db()
    services.sheet_reopen(actor=world.cast.reporter_a, sheet=sent, reason="指标数量不足", expected_version=sent.version)
    sent.refresh_from_db()
    part.refresh_from_db()
    assert sent.status == SheetStatus.REOPENED
    assert part.status == AssignmentStatus.REOPENED
    assert part.resolved_on is None
    services.assignment_resolve(actor=world.handler_d, assignment=part, result="已追加指标")
    sent.refresh_from_db()
    assert sent.status == SheetStatus.RESOLVED


def test_transfer_hands_the_part_to_another_department(world, sent):
    part = part_of(sent, world.dept_d)
    new = services.assignment_transfer(actor=world.handler_d, assignment=part, to_department=world.dept_e,
                                       reason="属住建职能")  # fmt: skip
    part.refresh_from_db()
    assert part.status == AssignmentStatus.TRANSFERRED
    assert part.answered_on == TODAY
    assert (new.department, new.status, new.previous) == (world.dept_e, AssignmentStatus.PENDING, part)
    services.assignment_accept(actor=world.handler_e, assignment=new, answer="受理", promised_on=TODAY)
    services.assignment_resolve(actor=world.handler_e, assignment=new, result="已办")
    sent.refresh_from_db()
    assert sent.status == SheetStatus.RESOLVED


def test_every_department_returning_gives_the_sheet_back_to_the_sender(world, sent):
    part = part_of(sent, world.dept_d)
    services.assignment_return(actor=world.handler_d, assignment=part, reason="问题描述不清")
    sent.refresh_from_db()
    assert sent.status == SheetStatus.RETURNED
    services.sheet_update(actor=world.cast.reporter_a, sheet=sent, title="用地指标协调（补充）", problem="补充说明",
                          request="请协调", departments=[world.dept_e], expected_version=sent.version)  # fmt: skip
    sheet = services.sheet_send(actor=world.cast.reporter_a, sheet=ContactSheet.objects.get(pk=sent.pk))
    assert sheet.status == SheetStatus.SENT
    assert part_of(sheet, world.dept_e).status == AssignmentStatus.PENDING


# --- two departments ----------------------------------------------------------------------------


def test_with_two_departments_the_sheet_is_resolved_only_when_both_are(world):
    sheet = write(world.cast.reporter_a, world.dept_d, world.dept_e)
    d, e = part_of(sheet, world.dept_d), part_of(sheet, world.dept_e)
    services.assignment_accept(actor=world.handler_d, assignment=d, answer="受理", promised_on=TODAY)
    services.assignment_resolve(actor=world.handler_d, assignment=d, result="已办")
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SENT
    services.assignment_accept(actor=world.handler_e, assignment=e, answer="受理", promised_on=TODAY)
    services.assignment_resolve(actor=world.handler_e, assignment=e, result="已办")
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.RESOLVED


def test_one_department_returning_and_the_other_resolving_resolves_the_sheet(world):
    sheet = write(world.cast.reporter_a, world.dept_d, world.dept_e)
    services.assignment_return(actor=world.handler_e, assignment=part_of(sheet, world.dept_e), reason="非本部门职责")
    d = part_of(sheet, world.dept_d)
    services.assignment_accept(actor=world.handler_d, assignment=d, answer="受理", promised_on=TODAY)
    services.assignment_resolve(actor=world.handler_d, assignment=d, result="已办")
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.RESOLVED


def test_each_department_answers_only_its_own_part(world):
    sheet = write(world.cast.reporter_a, world.dept_d, world.dept_e)
    e = part_of(sheet, world.dept_e)
    with pytest.raises(PermissionDenied):
        services.assignment_accept(actor=world.handler_d, assignment=e, answer="越权", promised_on=TODAY)
    assert part_of(sheet, world.dept_e).status == AssignmentStatus.PENDING


# --- refusals -----------------------------------------------------------------------------------


def refused(exc_type, fn, target, **kwargs):
    """`fn(**kwargs)` raises `exc_type` and `target` (a sheet) is left exactly as it was."""
    before = (ContactSheet.objects.get(pk=target.pk).version, target.events.count(), audited(target))
    with pytest.raises(exc_type):
        fn(**kwargs)
    assert (ContactSheet.objects.get(pk=target.pk).version, target.events.count(), audited(target)) == before


def test_a_handler_cannot_write_a_sheet(world):
    with pytest.raises(PermissionDenied):
        write(world.handler_d, world.dept_e, send=False)
    assert not ContactSheet.objects.exists()


def test_a_reporter_of_another_county_cannot_send_or_edit(world):
    draft = write(world.cast.reporter_a, world.dept_d, send=False)
    b = world.cast.reporter_b
    refused(PermissionDenied, services.sheet_send, draft, actor=b, sheet=draft)
    refused(PermissionDenied, services.sheet_update, draft, actor=b, sheet=draft, title="x", problem="x",
            request="x")  # fmt: skip


def test_a_reporter_of_a_town_below_cannot_act_for_the_county(world):
    draft = write(world.cast.reporter_a, world.dept_d, send=False)
    refused(PermissionDenied, services.sheet_send, draft, actor=world.cast.reporter_town_a1, sheet=draft)


def test_wrong_role_wrong_unit_wrong_state_and_stale_version_are_refused(world, sent):
    part = part_of(sent, world.dept_d)
    # wrong role: the sender's reporter answers; a leader accepts
    refused(PermissionDenied, services.assignment_accept, sent, actor=world.cast.reporter_a, assignment=part,
            answer="x", promised_on=TODAY)  # fmt: skip
    refused(PermissionDenied, services.assignment_accept, sent, actor=world.cast.leader, assignment=part,
            answer="x", promised_on=TODAY)  # fmt: skip
    # wrong unit: another department's handler
    refused(PermissionDenied, services.assignment_accept, sent, actor=world.handler_e, assignment=part,
            answer="x", promised_on=TODAY)  # fmt: skip
    # wrong state: resolve before accepting; confirm before resolution; send twice
    refused(ValidationError, services.assignment_resolve, sent, actor=world.handler_d, assignment=part, result="x")
    refused(ValidationError, services.sheet_confirm, sent, actor=world.cast.reporter_a, sheet=sent)
    refused(ValidationError, services.sheet_send, sent, actor=world.cast.reporter_a, sheet=sent)
    refused(ValidationError, services.sheet_reopen, sent, actor=world.cast.reporter_a, sheet=sent, reason="x")
    # stale version
    refused(StaleEditError, services.assignment_accept, sent, actor=world.handler_d, assignment=part, answer="x",
            promised_on=TODAY, expected_version=part.version - 1)  # fmt: skip
    assert part_of(sent, world.dept_d).status == AssignmentStatus.PENDING


def test_only_the_sender_confirms(world, sent):
    part = part_of(sent, world.dept_d)
    services.assignment_accept(actor=world.handler_d, assignment=part, answer="受理", promised_on=TODAY)
    services.assignment_resolve(actor=world.handler_d, assignment=part, result="已办")
    sent.refresh_from_db()
    refused(PermissionDenied, services.sheet_confirm, sent, actor=world.handler_d, sheet=sent)
    refused(PermissionDenied, services.sheet_confirm, sent, actor=world.cast.reporter_b, sheet=sent)
    refused(PermissionDenied, services.sheet_reopen, sent, actor=world.cast.supervisor, sheet=sent, reason="x")
    refused(StaleEditError, services.sheet_confirm, sent, actor=world.cast.reporter_a, sheet=sent,
            expected_version=sent.version - 1)  # fmt: skip
    assert ContactSheet.objects.get(pk=sent.pk).status == SheetStatus.RESOLVED


def test_the_promised_date_may_not_be_earlier_than_the_answer_date(world, sent):
    part = part_of(sent, world.dept_d)
    refused(ValidationError, services.assignment_accept, sent, actor=world.handler_d, assignment=part, answer="受理",
            promised_on=TODAY - dt.timedelta(days=1))  # fmt: skip
    refused(ValidationError, services.assignment_accept, sent, actor=world.handler_d, assignment=part, answer="",
            promised_on=TODAY)  # fmt: skip


def test_a_transfer_needs_a_reason_and_a_department_not_already_on_the_sheet(world):
    sheet = write(world.cast.reporter_a, world.dept_d, world.dept_e)
    d = part_of(sheet, world.dept_d)
    refused(ValidationError, services.assignment_transfer, sheet, actor=world.handler_d, assignment=d,
            to_department=world.dept_e, reason="重复")  # fmt: skip
    refused(ValidationError, services.assignment_transfer, sheet, actor=world.handler_d, assignment=d,
            to_department=world.cast.county_b, reason="不是部门")  # fmt: skip


def test_a_sheet_cannot_be_addressed_to_a_county_or_to_nobody(world):
    with pytest.raises(ValidationError):
        write(world.cast.reporter_a, world.cast.county_b, send=False)
    draft = write(world.cast.reporter_a, send=False)
    refused(ValidationError, services.sheet_send, draft, actor=world.cast.reporter_a, sheet=draft)
