"""The assignment pages and API: what each role sees and may do, scope refusals, exports, counts."""

import datetime as dt
import io
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from tuijin.supervision import services
from tuijin.supervision.models import Assignment, Status

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def item(make_assignment, today):
    return make_assignment(assigned_on=today - dt.timedelta(days=40), deadline=today - dt.timedelta(days=8))


def test_the_list_shows_colour_and_level_in_a_fixed_number_of_queries(cast, make_assignment, item, client_for,
                                                                      django_assert_max_num_queries):  # fmt: skip
    for n in range(5):
        make_assignment(title=f"事项{n}", co_units=[cast.department])
    client = client_for(cast.supervisor)
    client.get("/supervision/")  # the session and the login's audit are written on the first request
    with django_assert_max_num_queries(16):  # includes the menu's content flags (one query), OTP device
        response = client.get("/supervision/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "督办" in text
    assert "逾期" in text
    assert text.count("supervision/") >= 6


def test_the_list_filters_by_level_and_exports(cast, make_assignment, item, client_for):
    make_assignment(title="正常事项")
    client = client_for(cast.supervisor)
    assert "正常事项" not in client.get("/supervision/", {"level": "supervise"}).content.decode()
    response = client.get("/supervision/", {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    titles = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(titles) == sorted([item.title, "正常事项"])
    assert "督办" in [row[14] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_another_county_sees_nothing_of_the_item_and_changes_nothing(cast, item, client_for):
    services.progress_post(actor=cast.reporter_a, assignment=item, text="x",
                           attachments=[SimpleUploadedFile("a.pdf", PDF)])  # fmt: skip
    attachment = item.attachments.get()
    client = client_for(cast.reporter_b)
    assert item.title not in client.get("/supervision/").content.decode()
    for url in (f"/supervision/{item.pk}/", f"/supervision/{item.pk}/notice/", f"/supervision/files/{attachment.pk}/"):
        assert client.get(url).status_code == 404, url
    for url, data in ((f"/supervision/{item.pk}/progress/", {"text": "越权"}),
                      (f"/supervision/{item.pk}/closeout/", {"evidence": "越权", "version": item.version}),
                      (f"/supervision/{item.pk}/extension/",
                       {"reason": "越权", "new_deadline": "2099-01-01"})):  # fmt: skip
        assert client.post(url, data).status_code == 404, url
    item.refresh_from_db()
    assert item.status == Status.OPEN
    assert item.updates.count() == 1
    assert not item.extensions.exists()


@pytest.mark.parametrize("url", ["/supervision/new/", "/supervision/{pk}/edit/"])
def test_reporters_cannot_open_the_supervisor_pages(cast, item, client_for, url):
    assert client_for(cast.reporter_a).get(url.format(pk=item.pk)).status_code == 403


def test_supervisor_decisions_by_a_reporter_are_refused(cast, item, client_for):
    item = services.closeout_request(actor=cast.reporter_a, assignment=item, evidence="完成", expected_version=1)
    client = client_for(cast.reporter_a)
    assert client.post(f"/supervision/{item.pk}/closeout/approve/", {"version": item.version}).status_code == 403
    item.refresh_from_db()
    assert item.status == Status.CLOSEOUT_REQUESTED


def test_the_owner_works_the_item_through_the_pages(cast, make_assignment, client_for, today):
    with time_machine.travel(timezone.now() - dt.timedelta(days=40)):  # entered 40 days ago: a month went unreported
        item = make_assignment(deadline=today - dt.timedelta(days=8))
    reporter = client_for(cast.reporter_a)
    page = reporter.get(f"/supervision/{item.pk}/").content.decode()
    assert 'data-testid="progress-form"' in page
    assert "漏报" in page
    upload = SimpleUploadedFile("进展.pdf", PDF)
    reporter.post(f"/supervision/{item.pk}/progress/", {"text": "本月完成 3 户", "attachments": [upload]})
    attachment = item.attachments.get()
    download = reporter.get(f"/supervision/files/{attachment.pk}/")
    assert download.status_code == 200
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF
    reporter.post(f"/supervision/{item.pk}/closeout/", {"evidence": "全部完成", "version": item.version})
    item.refresh_from_db()
    assert item.status == Status.CLOSEOUT_REQUESTED
    supervisor = client_for(cast.supervisor)
    supervisor.post(f"/supervision/{item.pk}/closeout/approve/", {"version": item.version})
    item.refresh_from_db()
    assert item.status == Status.CLOSED


def test_the_supervisor_assigns_through_the_form(cast, client_for, today):
    response = client_for(cast.supervisor).post("/supervision/new/", {
        "title": "督促乙县项目开工", "content": "月底前开工", "source_kind": "instruction",
        "owner_unit": cast.county_b.pk,
        "leader": cast.leader.pk, "deadline": (today + dt.timedelta(days=9)).isoformat(), "cycle": "weekly",
        "assigned_on": today.isoformat(), "on_task_list": "on",
    })  # fmt: skip
    a = Assignment.objects.get()
    assert response.status_code == 302
    assert (a.owner_unit, a.on_task_list) == (cast.county_b, True)


def test_the_task_list_prints_the_years_listed_items_with_their_responsibility_line(
    cast, make_assignment, item, client_for, today
):
    make_assignment(title="列入清单的事项", on_task_list=True, responsibility="王副县长", co_units=[cast.department])
    client = client_for(cast.leader)
    listing = client.get("/supervision/task-list/", {"year": today.year}).content.decode()
    assert "print.css" in listing
    cells = re.sub(r">\s+<", "><", listing)
    assert "<td>leader</td><td>甲县</td><td>市资规局</td><td>王副县长</td>" in cells  # leader → unit → person
    assert "列入清单的事项" in listing
    assert "王副县长" in listing
    assert item.title not in listing
    assert "style=" not in listing
    assert "列入清单的事项" not in client.get("/supervision/task-list/", {"year": today.year - 1}).content.decode()


def test_counts_by_owner_leader_source_and_level(cast, make_assignment, item, client_for):
    make_assignment(owner_unit=cast.county_b, source_kind="bulletin")
    client = client_for(cast.supervisor)
    for by in ("owner", "leader", "source", "level"):
        assert client.get("/supervision/counts/", {"by": by}).status_code == 200
    page = client.get("/supervision/counts/", {"by": "owner"}).content.decode()
    assert "甲县" in page
    assert "乙县" in page
    page = client_for(cast.reporter_b).get("/supervision/counts/", {"by": "owner"}).content.decode()
    assert "甲县" not in page


def test_my_assignments_lists_the_owner_units_open_items(cast, make_assignment, item, client_for):
    make_assignment(owner_unit=cast.county_b, title="乙县的事项")
    page = client_for(cast.reporter_a).get("/supervision/mine/").content.decode()
    assert item.title in page
    assert "乙县的事项" not in page


def test_the_todos_tell_the_owner_and_the_supervisor(cast, item):
    from tuijin.supervision.todos import for_user

    assert [t.title for t in for_user(cast.reporter_a)] == ["逾期未办结的督办事项"]
    services.closeout_request(actor=cast.reporter_a, assignment=item, evidence="完成", expected_version=1)
    assert [t.title for t in for_user(cast.supervisor)] == ["待审核的销号申请"]
    assert for_user(cast.reporter_b) == []


# --- API -----------------------------------------------------------------------------------------


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_rows_carry_colour_and_level(cast, item):
    rows = api_for(cast.supervisor).get("/api/v1/assignments/").json()["results"]
    assert rows[0]["colour"] == "red"
    assert rows[0]["overdue_level"] == "supervise"
    assert rows[0]["days_overdue"] == 8
    assert api_for(cast.reporter_b).get("/api/v1/assignments/").json()["results"] == []
    assert api_for(cast.reporter_b).get(f"/api/v1/assignments/{item.pk}/").status_code == 404


def test_api_transitions(cast, item):
    owner, supervisor = api_for(cast.reporter_a), api_for(cast.supervisor)
    base = f"/api/v1/assignments/{item.pk}"
    assert owner.post(f"{base}/progress/", {"text": "进展"}, format="json").status_code == 201
    new = (item.deadline + dt.timedelta(days=30)).isoformat()
    assert (
        owner.post(f"{base}/extension-request/", {"new_deadline": new, "reason": "x"}, format="json").status_code == 201
    )

    def v() -> dict:
        return {"version": Assignment.objects.get(pk=item.pk).version}

    assert supervisor.post(f"{base}/extension-grant/", v(), format="json").json()["status"] == "granted"
    row = owner.post(f"{base}/closeout-request/", {"evidence": "完成", **v()}, format="json").json()
    assert row["status"] == "closeout_requested"
    assert row["original_deadline"] != row["deadline"]
    returned = supervisor.post(f"{base}/closeout-return/", {"reason": "补材料", **v()}, format="json")
    assert returned.json()["status"] == "open"
    owner.post(f"{base}/closeout-request/", {"evidence": "已补", **v()}, format="json")
    assert supervisor.post(f"{base}/closeout-approve/", v(), format="json").json()["status"] == "closed"


def test_api_refusals(cast, item, today):
    base = f"/api/v1/assignments/{item.pk}"
    v = {"version": item.version}
    assert api_for(cast.reporter_a).post(f"{base}/closeout-approve/", v, format="json").status_code == 403
    assert api_for(cast.reporter_b).post(f"{base}/progress/", {"text": "x"}, format="json").status_code == 404
    assert api_for(cast.supervisor).post(f"{base}/closeout-approve/", v, format="json").status_code == 400
    payload = {"title": "t", "content": "c", "source_kind": "other", "owner_unit": "C-A",
               "deadline": today.isoformat()}  # fmt: skip
    assert api_for(cast.reporter_a).post("/api/v1/assignments/", payload, format="json").status_code == 403
    assert api_for(cast.supervisor).post("/api/v1/assignments/", payload, format="json").status_code == 201
    item.refresh_from_db()
    assert item.status == Status.OPEN
    assert not item.updates.exists()


def test_the_item_shows_the_new_deadline_beside_the_original_and_the_extension_history(
    cast, make_assignment, client_for
):
    a = make_assignment()
    first = a.deadline
    extension = services.extension_request(actor=cast.reporter_a, assignment=a, reason="设备招标延期",
                                           new_deadline=first + dt.timedelta(days=15))  # fmt: skip
    supervisor = client_for(cast.supervisor)
    assert item_ids(supervisor.get("/supervision/", {"extension": "pending"})) == [a.pk]
    services.extension_grant(actor=cast.supervisor, extension=extension, note="同意")
    assert item_ids(supervisor.get("/supervision/", {"extension": "pending"})) == []
    page = client_for(cast.reporter_a).get(f"/supervision/{a.pk}/").content.decode()
    assert f'data-testid="deadline">{(first + dt.timedelta(days=15)).isoformat()}<' in page
    assert f'data-testid="original-deadline">{first.isoformat()}<' in page
    assert "设备招标延期" in page
    assert "已同意" in page


def item_ids(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'href="/supervision/(\d+)/"', response.content.decode())]


def test_the_cycles_are_marked_on_time_caught_up_missed_or_current(cast, make_assignment, client_for):
    import time_machine

    with time_machine.travel(dt.datetime(2026, 6, 1, 2, tzinfo=dt.UTC), tick=False):  # a Monday
        a = make_assignment(cycle="weekly", deadline=dt.date(2026, 8, 31))
        services.progress_post(actor=cast.reporter_a, assignment=a, text="第一周")
    with time_machine.travel(dt.datetime(2026, 6, 24, 2, tzinfo=dt.UTC), tick=False):  # week 4
        before = client_for(cast.reporter_a).get(f"/supervision/{a.pk}/").content.decode()
        services.progress_post(actor=cast.reporter_a, assignment=a, text="补报第二周", cycle_start=dt.date(2026, 6, 8))
        page = client_for(cast.reporter_a).get(f"/supervision/{a.pk}/").content.decode()
        rows = client_for(cast.supervisor).get("/api/v1/assignments/").json()["results"]
    assert re.findall(r'class="badge tj-cycle-(\w+)', before) == ["ok", "missed", "missed", "current"]
    assert 'data-testid="missed">漏报 2 期<' in before
    # Week 2 is caught up (late); week 3 stays missed; the update posted this week answers week 4.
    assert re.findall(r'class="badge tj-cycle-(\w+)', page) == ["ok", "late", "missed", "ok"]
    assert 'data-testid="missed">漏报 1 期<' in page
    assert (rows[0]["missed_cycles"], rows[0]["colour"]) == (1, "yellow")  # caught up late: yellow


def test_api_rows_say_which_transitions_the_caller_may_take(cast, item):
    owner = api_for(cast.reporter_a).get(f"/api/v1/assignments/{item.pk}/").json()
    assert owner["actions"] == ["progress", "closeout-request", "extension-request"]
    assert api_for(cast.supervisor).get(f"/api/v1/assignments/{item.pk}/").json()["actions"] == []
    services.extension_request(actor=cast.reporter_a, assignment=item, reason="x",
                               new_deadline=item.deadline + dt.timedelta(days=30))  # fmt: skip
    row = api_for(cast.supervisor).get(f"/api/v1/assignments/{item.pk}/").json()
    assert (row["pending_extension"], row["actions"]) == (True, ["extension-grant", "extension-refuse"])
    item = services.closeout_request(actor=cast.reporter_a, assignment=item, evidence="完成", expected_version=1)
    assert api_for(cast.supervisor).get(f"/api/v1/assignments/{item.pk}/").json()["actions"] == [
        "closeout-approve", "closeout-return",
    ]  # fmt: skip
    assert api_for(cast.leader).get(f"/api/v1/assignments/{item.pk}/").json()["actions"] == []


def test_api_list_in_a_fixed_number_of_queries(cast, make_assignment, item, django_assert_max_num_queries):
    for n in range(6):
        make_assignment(title=f"事项{n}", co_units=[cast.department])
    with django_assert_max_num_queries(12):
        rows = api_for(cast.supervisor).get("/api/v1/assignments/").json()["results"]
    assert len(rows) == 7


def test_a_supervisor_of_another_county_reaches_nothing_of_the_item_and_changes_nothing(
    cast, make_assignment, client_for
):
    a = make_assignment(owner_unit=cast.county_b, on_task_list=True)
    extension = services.extension_request(actor=cast.reporter_b, assignment=a, reason="x",
                                           new_deadline=a.deadline + dt.timedelta(days=9))  # fmt: skip
    a = services.closeout_request(actor=cast.reporter_b, assignment=a, evidence="完成", expected_version=a.version)
    client = client_for(cast.county_supervisor)  # 甲县's supervisor
    for url in (f"/supervision/{a.pk}/", f"/supervision/{a.pk}/edit/"):
        assert client.get(url).status_code == 404, url
    for url, data in ((f"/supervision/{a.pk}/closeout/approve/", {"version": a.version}),
                      (f"/supervision/{a.pk}/closeout/return/", {"reason": "越权", "version": a.version}),
                      (f"/supervision/extensions/{extension.pk}/grant/", {}),
                      (f"/supervision/extensions/{extension.pk}/refuse/", {"reason": "越权"}),
                      (f"/supervision/{a.pk}/edit/", {"title": "越权", "content": "x", "cycle": "weekly",
                                                      "version": a.version})):  # fmt: skip
        assert client.post(url, data).status_code == 404, url
    for page in ("/supervision/", "/supervision/task-list/"):
        assert a.title not in client.get(page).content.decode(), page
    assert "乙县" not in client.get("/supervision/counts/").content.decode()
    api = api_for(cast.county_supervisor)
    assert (
        api.post(f"/api/v1/assignments/{a.pk}/closeout-approve/", {"version": a.version}, format="json").status_code
        == 404
    )
    a.refresh_from_db()
    extension.refresh_from_db()
    assert (a.status, a.title, a.version) == (Status.CLOSEOUT_REQUESTED, "推进东湖片区征迁扫尾", 2)
    assert extension.status == "withdrawn"


def test_the_supervisor_edits_an_item_through_its_form(cast, item, client_for):
    client = client_for(cast.supervisor)
    assert 'name="deadline"' not in client.get(f"/supervision/{item.pk}/edit/").content.decode()  # extension only
    response = client.post(f"/supervision/{item.pk}/edit/", {
        "title": "改后的标题", "content": "改后的要求", "co_units": [cast.department.pk], "cycle": "weekly",
        "responsibility": "张副县长", "on_task_list": "on", "version": item.version,
    })  # fmt: skip
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.cycle, item.on_task_list, item.version) == ("改后的标题", "weekly", True, 2)
    assert list(item.co_units.all()) == [cast.department]
    stale = client.post(f"/supervision/{item.pk}/edit/", {"title": "旧表单", "content": "x", "cycle": "weekly",
                                                           "version": 1})  # fmt: skip
    assert stale.status_code == 400
    item.refresh_from_db()
    assert item.title == "改后的标题"
