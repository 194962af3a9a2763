"""The transitions not covered by test_pages, each taken from its form on the sheet page the way
a browser posts it: transfer, return, reopen, and the leader's instruct, reassign and agenda.
Also where /liaison/ takes each role, and the inbox's names for the sheets' messages."""

import datetime as dt

import pytest

from tests.liaison.conftest import part_of
from tuijin.liaison import services, timers
from tuijin.liaison.models import AssignmentStatus, ContactSheet, EventKind, SheetStatus
from tuijin.notifications.models import Notification

pytestmark = pytest.mark.django_db


def messages_of(response) -> str:
    return response.content.decode()


def test_a_department_transfers_its_part_from_the_page(world, sent, client_for):
    part = part_of(sent, world.dept_d)
    client = client_for(world.handler_d)
    page = client.get(f"/liaison/{sent.pk}/").content.decode()
    assert f'name="t{part.pk}-to_department"' in page
    response = client.post(f"/liaison/parts/{part.pk}/transfer/", {
        f"t{part.pk}-to_department": world.dept_e.pk, f"t{part.pk}-reason": "施工许可属住建职能。",
        f"t{part.pk}-version": part.version,
    }, follow=True)  # fmt: skip
    assert "已转办" in messages_of(response)
    part.refresh_from_db()
    assert part.status == AssignmentStatus.TRANSFERRED
    assert part_of(sent, world.dept_e).status == AssignmentStatus.PENDING


def test_a_department_returns_the_sheet_from_the_page(world, sent, client_for):
    part = part_of(sent, world.dept_d)
    response = client_for(world.handler_d).post(
        f"/liaison/parts/{part.pk}/return/", {"reason": "请补充地块编号。", "version": part.version}, follow=True
    )
    assert "已退回发起单位" in messages_of(response)
    assert ContactSheet.objects.get(pk=sent.pk).status == SheetStatus.RETURNED


def test_the_sender_reopens_a_resolved_sheet_from_the_page(world, sent, client_for):
    part = part_of(sent, world.dept_d)
    services.assignment_accept(actor=world.handler_d, assignment=part, answer="受理", promised_on=dt.date(2026, 3, 31))
    services.assignment_resolve(actor=world.handler_d, assignment=part, result="已办")
    sent.refresh_from_db()
    client = client_for(world.cast.reporter_a)
    assert 'data-testid="reopen-form"' in client.get(f"/liaison/{sent.pk}/").content.decode()
    response = client.post(f"/liaison/{sent.pk}/reopen/", {"reason": "指标数量不足。", "version": sent.version},
                           follow=True)  # fmt: skip
    assert "已退回承办部门重新办理" in messages_of(response)
    assert ContactSheet.objects.get(pk=sent.pk).status == SheetStatus.REOPENED
    assert part_of(sent, world.dept_d).status == AssignmentStatus.REOPENED


def test_a_reason_is_required_and_its_absence_changes_nothing(world, sent, client_for):
    part = part_of(sent, world.dept_d)
    response = client_for(world.handler_d).post(
        f"/liaison/parts/{part.pk}/return/", {"reason": "", "version": part.version}
    )
    assert response.status_code == 400
    assert "该字段是必填项。" in messages_of(response)
    assert part_of(sent, world.dept_d).status == AssignmentStatus.PENDING


@pytest.fixture
def escalated(world, sent):
    timers.escalate_overdue(dt.date(2026, 3, 18))
    sent.refresh_from_db()
    return sent


def test_the_leader_instructs_reassigns_and_puts_on_the_agenda_from_the_page(world, escalated, client_for):
    client = client_for(world.cast.leader)
    page = client.get(f"/liaison/{escalated.pk}/").content.decode()
    for form in ("instruct-form", "agenda-form", "reassign-form"):
        assert f'data-testid="{form}"' in page, form
    instruction = {"text": "请三日内答复。", "version": escalated.version}
    response = client.post(f"/liaison/{escalated.pk}/instruct/", instruction, follow=True)
    assert "批示已送达承办部门" in messages_of(response)
    assert Notification.objects.filter(recipient=world.handler_d, kind="sheet.instruction").exists()

    part = part_of(escalated, world.dept_d)
    response = client.post(f"/liaison/parts/{part.pk}/reassign/", {
        f"r{part.pk}-to_department": world.dept_e.pk, f"r{part.pk}-reason": "由住建牵头。",
        f"r{part.pk}-version": part.version,
    }, follow=True)  # fmt: skip
    assert "已改派承办部门" in messages_of(response)
    assert part_of(escalated, world.dept_d).status == AssignmentStatus.REASSIGNED
    assert part_of(escalated, world.dept_e).status == AssignmentStatus.PENDING

    escalated.refresh_from_db()
    response = client.post(f"/liaison/{escalated.pk}/agenda/", {"note": "涉及多部门。", "version": escalated.version},
                           follow=True)  # fmt: skip
    assert "已列入市长办公会议议题" in messages_of(response)
    escalated.refresh_from_db()
    assert escalated.on_agenda
    kinds = list(escalated.events.values_list("kind", flat=True))
    assert kinds[-3:] == [EventKind.INSTRUCTED, EventKind.REASSIGNED, EventKind.AGENDA]


# --- /liaison/ and the inbox's names --------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "box"),
    [("handler_d", "inbox"), ("reporter_a", "sent"), ("head_a", "sent"), ("leader", "escalated"),
     ("supervisor", "all")],
)  # fmt: skip
def test_the_sheets_entry_opens_the_list_each_role_works_from(world, client_for, who, box):
    user = getattr(world, who, None) or getattr(world.cast, who)
    response = client_for(user).get("/liaison/")
    assert (response.status_code, response["Location"]) == (302, f"/liaison/{box}/")
    assert client_for(user).get(response["Location"]).status_code == 200


def test_the_inbox_names_the_sheets_messages(world, sent, client_for):
    page = client_for(world.handler_d).get("/notifications/").content.decode()
    assert "联系单待答复" in page
    assert "sheet.sent" not in page.replace('value="sheet.sent"', "")
