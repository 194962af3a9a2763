"""The mayor's office meeting's decision on a sheet, and the supervision assignment (督办事项) it
may become in the same transaction: linked both ways, refused as a whole, through the service,
the sheet page and the API."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.test import APIClient

from tuijin.audit.models import AuditEvent
from tuijin.liaison import services, timers
from tuijin.liaison.models import ContactSheet, EventKind
from tuijin.notifications.models import Notification
from tuijin.supervision.models import Assignment, SourceKind

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2026, 3, 10)


@pytest.fixture
def on_agenda(world, sent):
    """The sheet of 甲县 to 市资规局, escalated and put on the agenda by the lead leader."""
    timers.escalate_overdue(D(2026, 3, 18))
    sent.refresh_from_db()
    services.sheet_put_on_agenda(actor=world.cast.leader, sheet=sent, note="提请市长办公会议研究")
    sent.refresh_from_db()
    return sent


def state(sheet):
    fresh = ContactSheet.objects.get(pk=sheet.pk)
    return fresh.decision, fresh.version, fresh.events.count(), Assignment.objects.count()


def test_the_decision_becomes_an_assignment_linked_both_ways(world, on_agenda):
    services.sheet_record_decision(
        actor=world.cast.supervisor, sheet=on_agenda, decision="由市住建局牵头，月底前解决施工许可问题。",
        to_assignment=True, owner_unit=world.dept_e, deadline=D(2026, 3, 31), co_units=[world.dept_d],
    )  # fmt: skip
    on_agenda.refresh_from_db()
    assert on_agenda.decision == "由市住建局牵头，月底前解决施工许可问题。"
    a = Assignment.objects.get()
    assert (a.source_kind, a.source, a.owner_unit, a.deadline, a.assigned_on) == (
        SourceKind.SHEET, on_agenda, world.dept_e, D(2026, 3, 31), TODAY,
    )  # fmt: skip
    assert (a.title, a.content, a.leader) == (on_agenda.title, on_agenda.decision, world.project.lead_leader)
    assert list(a.co_units.all()) == [world.dept_d]
    assert on_agenda.number in a.source_label
    event = on_agenda.events.get(kind=EventKind.DECISION)
    assert event.data["assignment"] == a.pk
    assert "转为督办事项：市住建局 牵头，2026-03-31 前办结。" in event.text
    assert AuditEvent.objects.filter(object_type="supervision.assignment", object_id=str(a.pk)).exists()
    assert Notification.objects.filter(recipient=world.handler_e, kind="assignment.created").exists()


def test_without_the_box_the_decision_is_only_recorded(world, on_agenda):
    services.sheet_record_decision(actor=world.cast.supervisor, sheet=on_agenda, decision="由市资规局继续协调。",
                                   owner_unit=world.dept_e, deadline=D(2026, 3, 31))  # fmt: skip
    assert ContactSheet.objects.get(pk=on_agenda.pk).decision == "由市资规局继续协调。"
    assert not Assignment.objects.exists()
    assert "assignment" not in on_agenda.events.get(kind=EventKind.DECISION).data


@pytest.mark.parametrize(
    ("owner", "deadline", "field"),
    [(None, D(2026, 3, 31), "owner_unit"), ("dept_e", None, "deadline"), ("dept_e", D(2026, 3, 9), "deadline")],
)
def test_a_refused_assignment_refuses_the_decision_and_nothing_is_written(world, on_agenda, owner, deadline, field):
    before = state(on_agenda)
    with pytest.raises(ValidationError) as info:
        services.sheet_record_decision(
            actor=world.cast.supervisor, sheet=on_agenda, decision="决定", to_assignment=True,
            owner_unit=getattr(world, owner) if owner else None, deadline=deadline,
        )  # fmt: skip
    assert field in info.value.message_dict
    assert state(on_agenda) == before


def test_a_county_supervisor_cannot_record_the_decision_nor_assign(world, on_agenda):
    before = state(on_agenda)
    with pytest.raises(PermissionDenied):
        services.sheet_record_decision(actor=world.cast.county_supervisor, sheet=on_agenda, decision="决定",
                                       to_assignment=True, owner_unit=world.cast.county_a,
                                       deadline=D(2026, 3, 31))  # fmt: skip
    assert state(on_agenda) == before


def test_the_owner_unit_of_the_assignment_sees_the_sheet(world, on_agenda, client_for):
    assert client_for(world.cast.reporter_b).get(f"/liaison/{on_agenda.pk}/").status_code == 404
    services.sheet_record_decision(actor=world.cast.supervisor, sheet=on_agenda, decision="由乙县配合解决。",
                                   to_assignment=True, owner_unit=world.cast.county_b,
                                   deadline=D(2026, 4, 30))  # fmt: skip
    assert client_for(world.cast.reporter_b).get(f"/liaison/{on_agenda.pk}/").status_code == 200
    assert client_for(world.handler_e).get(f"/liaison/{on_agenda.pk}/").status_code == 404


def test_the_supervisor_records_and_assigns_from_the_sheet_page(world, on_agenda, client_for):
    client = client_for(world.cast.supervisor)
    page = client.get(f"/liaison/{on_agenda.pk}/").content.decode()
    assert 'data-testid="decision-form"' in page
    assert 'name="to_assignment"' in page
    response = client.post(f"/liaison/{on_agenda.pk}/decision/", {
        "decision": "由市资规局牵头，4 月底前完成用地报批。", "decided_on": "2026-03-10", "version": on_agenda.version,
        "to_assignment": "on", "owner_unit": world.dept_d.pk, "deadline": "2026-04-30",
    })  # fmt: skip
    assert response.status_code == 302
    a = Assignment.objects.get()
    assert (a.owner_unit, a.deadline, a.source) == (world.dept_d, D(2026, 4, 30), on_agenda)
    sheet_page = client.get(f"/liaison/{on_agenda.pk}/").content.decode()
    assert 'data-testid="sheet-assignment"' in sheet_page
    assert f'href="/supervision/{a.pk}/"' in sheet_page
    assignment_page = client.get(f"/supervision/{a.pk}/").content.decode()
    assert f'href="/liaison/{on_agenda.pk}/" data-testid="source-sheet"' in assignment_page


def test_a_refused_assignment_on_the_page_says_why_and_keeps_the_agenda_open(world, on_agenda, client_for):
    client = client_for(world.cast.supervisor)
    response = client.post(f"/liaison/{on_agenda.pk}/decision/", {
        "decision": "决定", "version": on_agenda.version, "to_assignment": "on", "deadline": "2026-04-30",
    }, follow=True)  # fmt: skip
    assert "请选择牵头单位" in response.content.decode()
    assert ContactSheet.objects.get(pk=on_agenda.pk).decision == ""
    assert not Assignment.objects.exists()


def test_the_decision_and_its_assignment_through_the_api(world, on_agenda):
    api = APIClient()
    api.force_authenticate(world.cast.supervisor)
    url = f"/api/v1/contact-sheets/{on_agenda.pk}/decision/"
    body = {"decision": "由市住建局牵头解决。", "to_assignment": True, "owner_unit": "C-E", "deadline": "2026-03-31",
            "co_units": ["C-D"], "version": on_agenda.version}  # fmt: skip
    response = api.post(url, body, format="json")
    assert response.status_code == 200, response.content
    a = Assignment.objects.get()
    assert response.json()["supervision_assignments"] == [a.pk]
    assert (a.owner_unit.code, list(a.co_units.values_list("code", flat=True))) == ("C-E", ["C-D"])
    assert api.get(f"/api/v1/contact-sheets/{on_agenda.pk}/").json()["supervision_assignments"] == [a.pk]
    listed = api.get("/api/v1/contact-sheets/").json()["results"]
    assert {s["id"]: s["supervision_assignments"] for s in listed} == {on_agenda.pk: [a.pk]}


def test_the_api_refuses_a_bad_assignment_and_changes_nothing(world, on_agenda):
    api = APIClient()
    api.force_authenticate(world.cast.supervisor)
    before = state(on_agenda)
    body = {
        "decision": "决定",
        "to_assignment": True,
        "owner_unit": "C-E",
        "deadline": "2026-03-01",
        "version": on_agenda.version,
    }
    response = api.post(f"/api/v1/contact-sheets/{on_agenda.pk}/decision/", body, format="json")
    assert response.status_code == 400
    assert "deadline" in response.json()
    assert state(on_agenda) == before
