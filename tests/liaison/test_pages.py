"""The pages: lists per role with filters, counts, overdue markers, pagination and Excel; the sheet
page with the actions the user may take; every endpoint refused (403/404, nothing changed) to a
user of another unit."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from tests.liaison.conftest import part_of, write
from tuijin.liaison import services, timers
from tuijin.liaison.models import AssignmentStatus, ContactSheet, SheetAssignment, SheetEvent, SheetStatus

pytestmark = pytest.mark.django_db
D = dt.date


def on(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 2, 0, tzinfo=dt.UTC), tick=False)


def test_a_reporter_writes_and_sends_a_sheet_from_the_browser_form(world, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(world.cast.reporter_a)
    assert client.get("/liaison/new/").status_code == 200
    files = [SimpleUploadedFile("函.pdf", b"%PDF-1.4\n%%EOF\n"), SimpleUploadedFile("图.pdf", b"%PDF-1.7\n%%EOF\n")]
    response = client.post("/liaison/new/", {
        "title": "施工许可协调", "problem": "施工许可办理滞后。", "request": "请加快审批。",
        "departments": [world.dept_d.pk, world.dept_e.pk], "project": world.project.pk, "send": "1",
        "attachments": files,
    })  # fmt: skip
    sheet = ContactSheet.objects.get()
    assert sorted(sheet.attachments.values_list("name", flat=True)) == ["函.pdf", "图.pdf"]
    assert list(sheet.events.values_list("kind", flat=True)) == ["created", "attached", "sent"]
    assert response.status_code == 302
    assert response["Location"] == f"/liaison/{sheet.pk}/"
    assert sheet.status == SheetStatus.SENT
    assert sheet.assignments.count() == 2


def test_the_form_shows_the_services_refusal(world, client_for):
    response = client_for(world.cast.reporter_a).post("/liaison/new/", {
        "title": "", "problem": "x", "request": "x", "departments": [world.dept_d.pk],
    })  # fmt: skip
    assert response.status_code == 400
    assert not ContactSheet.objects.exists()


def test_the_department_answers_and_the_sender_confirms_through_the_pages(world, sent, client_for):
    part = part_of(sent, world.dept_d)
    handler = client_for(world.handler_d)
    page = handler.get(f"/liaison/{sent.pk}/")
    assert b'data-testid="accept-form"' in page.content
    handler.post(f"/liaison/parts/{part.pk}/accept/",
                 {"answer": "受理", "promised_on": "2026-03-31", "version": part.version})  # fmt: skip
    part.refresh_from_db()
    assert part.status == AssignmentStatus.ACCEPTED
    handler.post(f"/liaison/parts/{part.pk}/resolve/", {"result": "已办结", "version": part.version})
    sent.refresh_from_db()
    assert sent.status == SheetStatus.RESOLVED
    sender = client_for(world.cast.reporter_a)
    assert b'data-testid="confirm-form"' in sender.get(f"/liaison/{sent.pk}/").content
    sender.post(f"/liaison/{sent.pk}/confirm/", {"note": "", "version": sent.version})
    sent.refresh_from_db()
    assert sent.status == SheetStatus.CONFIRMED


def test_a_stale_form_is_refused_with_a_message_and_nothing_changes(world, sent, client_for):
    part = part_of(sent, world.dept_d)
    stale = {"answer": "受理", "promised_on": "2026-03-31", "version": part.version - 1}
    response = client_for(world.handler_d).post(f"/liaison/parts/{part.pk}/accept/", stale, follow=True)
    assert "已被他人修改" in response.content.decode()
    assert part_of(sent, world.dept_d).status == AssignmentStatus.PENDING


def test_lists_per_role(world, sent, client_for):
    draft = write(world.cast.reporter_a, world.dept_d, send=False, title="尚未发送的单")
    assert draft.title in client_for(world.cast.reporter_a).get("/liaison/sent/").content.decode()
    inbox = client_for(world.handler_d).get("/liaison/inbox/").content.decode()
    assert sent.title in inbox
    assert draft.title not in inbox
    assert client_for(world.handler_e).get("/liaison/inbox/").content.decode().count('data-testid="sheet-row"') == 0
    everything = client_for(world.cast.supervisor).get("/liaison/all/").content.decode()
    assert sent.title in everything
    assert draft.title not in everything
    assert client_for(world.cast.reporter_b).get("/liaison/all/").content.decode().count('data-testid="sheet-row"') == 0


def test_an_overdue_sheet_is_marked_red_and_counted(world, client_for):
    with on(D(2026, 3, 10)):
        write(world.cast.reporter_a, world.dept_d, project=world.project, title="逾期的单")
        write(world.cast.reporter_a, world.dept_e, title="按期的单")
    with on(D(2026, 3, 18)):
        sheet = ContactSheet.objects.get(title="按期的单")
        services.assignment_accept(actor=world.handler_e, assignment=part_of(sheet, world.dept_e), answer="受理",
                                   promised_on=D(2026, 4, 30))  # fmt: skip
        client = client_for(world.cast.reporter_a)
        page = client.get("/liaison/sent/").content.decode()
        assert page.count('data-testid="overdue-badge"') == 1
        assert 'data-testid="count-overdue">1<' in page
        assert "市资规局：答复逾期 1，未按承诺办结 0" in page
        only = client.get("/liaison/sent/", {"overdue": "1"}, headers={"HX-Request": "true"}).content.decode()
        assert "逾期的单" in only
        assert "按期的单" not in only
        assert "<html" not in only


def test_filters_by_status_department_and_period(world, client_for):
    with on(D(2026, 3, 2)):
        write(world.cast.reporter_a, world.dept_d, title="三月初")
    with on(D(2026, 3, 20)):
        write(world.cast.reporter_a, world.dept_e, title="三月下旬")
        client = client_for(world.cast.supervisor)
        by_department = client.get("/liaison/all/", {"department": "C-E"}).content.decode()
        by_period = client.get("/liaison/all/", {"start": "2026-03-01", "end": "2026-03-10"}).content.decode()
        by_status = client.get("/liaison/all/", {"status": "confirmed"}).content.decode()
    assert "三月下旬" in by_department
    assert "三月初" not in by_department
    assert "三月初" in by_period
    assert "三月下旬" not in by_period
    assert 'data-testid="sheet-row"' not in by_status


def test_the_list_page_runs_a_fixed_number_of_queries(world, client_for, django_assert_max_num_queries):
    for n in range(12):
        write(world.cast.reporter_a, world.dept_d, world.dept_e, project=world.project, title=f"单{n}")
    client = client_for(world.cast.supervisor)
    with django_assert_max_num_queries(16):  # includes the menu's content flags (one query), OTP device
        response = client.get("/liaison/all/")
    assert response.content.decode().count('data-testid="sheet-row"') == 12


def test_the_list_exports_to_excel_with_the_filters(world, sent, client_for):
    response = client_for(world.cast.reporter_a).get("/liaison/sent/", {"export": "xlsx"})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][:3] == ("编号", "标题", "发起单位")
    assert rows[1][1] == sent.title
    assert "市资规局：待受理" in rows[1][4]


def test_the_agenda_is_a_printable_list_for_city_supervisors(world, sent, client_for):
    timers.escalate_overdue(D(2026, 3, 18))
    sent.refresh_from_db()
    services.sheet_put_on_agenda(actor=world.cast.leader, sheet=sent, note="提请研究")
    page = client_for(world.cast.supervisor).get("/liaison/agenda/").content.decode()
    assert sent.title in page
    assert "data-print" in page
    assert "liaison/print.js" in page
    assert client_for(world.cast.county_supervisor).get("/liaison/agenda/").status_code == 403
    assert client_for(world.cast.reporter_a).get("/liaison/agenda/").status_code == 403
    escalated = client_for(world.cast.leader).get("/liaison/escalated/").content.decode()
    assert sent.title in escalated


def test_statistics_page_and_export(world, sent, client_for):
    client = client_for(world.cast.supervisor)
    page = client.get("/liaison/stats/", {"start": "2026-03-01", "end": "2026-03-31"}).content.decode()
    assert "市资规局" in page
    assert page.count('data-testid="stats-row"') == 2
    response = client.get("/liaison/stats/", {"start": "2026-03-01", "end": "2026-03-31", "export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[1][:3] == ("市资规局", 1, 0)


# --- refusals -----------------------------------------------------------------------------------


def snapshot():
    return (
        list(ContactSheet.objects.order_by("pk").values_list("status", "version", "agenda_at", "decision")),
        list(SheetAssignment.objects.order_by("pk").values_list("department_id", "status", "version")),
        SheetEvent.objects.count(),
    )


@pytest.fixture
def escalated(world, sent):
    timers.escalate_overdue(D(2026, 3, 18))
    sent.refresh_from_db()
    services.sheet_put_on_agenda(actor=world.cast.leader, sheet=sent, note="提请研究")
    sent.refresh_from_db()
    return sent


POSTS = [
    ("{sheet}/send/", {}), ("{sheet}/confirm/", {}), ("{sheet}/reopen/", {"reason": "x"}),
    ("{sheet}/instruct/", {"text": "x"}), ("{sheet}/agenda/", {"note": "x"}), ("{sheet}/decision/", {"decision": "x"}),
    ("parts/{part}/accept/", {"answer": "x", "promised_on": "2026-04-30"}), ("parts/{part}/transfer/", {"reason": "x"}),
    ("parts/{part}/return/", {"reason": "x"}), ("parts/{part}/resolve/", {"result": "x"}),
    ("parts/{part}/reassign/", {"reason": "x"}), ("attachments/{attachment}/delete/", {}),
]  # fmt: skip
GETS = ["{sheet}/", "{sheet}/edit/", "attachments/{attachment}/"]


@pytest.fixture
def ids(world, escalated, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    draft = write(world.cast.reporter_a, world.dept_d, send=False, title="附件草稿")
    pdf = b"%PDF-1.4\n%%EOF\n"
    [item] = services.attachments_add(actor=world.cast.reporter_a, sheet=draft,
                                      uploads=[SimpleUploadedFile("a.pdf", pdf)])  # fmt: skip
    return {"sheet": escalated.pk, "part": part_of(escalated, world.dept_d).pk, "attachment": item.pk}


@pytest.mark.parametrize("who", ["reporter_b", "handler_e", "reporter_town_a1"])
def test_users_of_other_units_are_refused_everywhere_and_nothing_changes(world, ids, client_for, who):
    user = {"reporter_b": world.cast.reporter_b, "handler_e": world.handler_e,
            "reporter_town_a1": world.cast.reporter_town_a1}[who]  # fmt: skip
    client = client_for(user)
    before = snapshot()
    for route, data in POSTS:
        response = client.post("/liaison/" + route.format(**ids), data | {"version": ""})
        assert response.status_code in (403, 404), (who, route, response.status_code)
    for route in GETS:
        response = client.get("/liaison/" + route.format(**ids))
        assert response.status_code in (403, 404), (who, route, response.status_code)
    assert snapshot() == before


def test_the_addressed_department_cannot_act_for_the_sender_or_the_leader(world, ids, client_for):
    client = client_for(world.handler_d)
    before = snapshot()
    for route, data in POSTS:
        if route.startswith("parts/{part}/") and "reassign" not in route:
            continue
        response = client.post("/liaison/" + route.format(**ids), data | {"version": ""})
        assert response.status_code in (403, 404), route
    assert snapshot() == before


def test_the_sheet_page_offers_each_user_only_their_actions(world, escalated, client_for, frozen):
    frozen.move_to(dt.datetime(2026, 3, 19, 2, 0, tzinfo=dt.UTC))

    def forms(user):
        page = client_for(user).get(f"/liaison/{escalated.pk}/").content.decode()
        return {name for name in ("accept-form", "transfer-form", "return-form", "resolve-form", "confirm-form",
                                  "reopen-form", "instruct-form", "agenda-form", "reassign-form", "decision-form")
                if f'data-testid="{name}"' in page}  # fmt: skip

    assert forms(world.handler_d) == {"accept-form", "transfer-form", "return-form"}
    assert forms(world.cast.leader) == {"instruct-form", "reassign-form"}  # already on the agenda
    assert forms(world.cast.supervisor) == {"decision-form"}
    assert forms(world.cast.reporter_a) == set()
    page = client_for(world.cast.reporter_a).get(f"/liaison/{escalated.pk}/").content.decode()
    assert 'data-testid="part-overdue"' in page
    assert "升级至" in page


@pytest.mark.parametrize("kind", ["soh", "bel", "formula", "colon"])
def test_the_sent_sheets_export_opens_whatever_title_was_stored(world, sent, client_for, kind):
    from tests.core.hostile import HOSTILE, holds, open_safely

    stored, shown = HOSTILE[kind]
    ContactSheet.objects.filter(pk=sent.pk).update(title=stored)  # stored before input was checked
    wb = open_safely(client_for(world.cast.reporter_a).get("/liaison/sent/", {"export": "xlsx"}))
    assert holds(wb, shown)
