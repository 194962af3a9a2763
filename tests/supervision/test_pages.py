"""The assignment pages and API: what each role sees and may do, scope refusals, exports, counts."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
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
    with django_assert_max_num_queries(14):
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


def test_the_owner_works_the_item_through_the_pages(cast, item, client_for, today):
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


def test_the_notice_and_the_task_list_print(cast, make_assignment, item, client_for, today):
    make_assignment(title="列入清单的事项", on_task_list=True, responsibility="王副县长")
    client = client_for(cast.leader)
    notice = client.get(f"/supervision/{item.pk}/notice/").content.decode()
    assert "督办通知书" in notice
    assert "已逾期 8 天" in notice
    assert "print.css" in notice
    listing = client.get("/supervision/task-list/", {"year": today.year}).content.decode()
    assert "列入清单的事项" in listing
    assert "王副县长" in listing
    assert item.title not in listing
    assert "style=" not in listing


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
    assert supervisor.post(f"{base}/extension-grant/", {}, format="json").json()["status"] == "granted"
    row = owner.post(f"{base}/closeout-request/", {"evidence": "完成"}, format="json").json()
    assert row["status"] == "closeout_requested"
    assert row["original_deadline"] != row["deadline"]
    assert supervisor.post(f"{base}/closeout-return/", {"reason": "补材料"}, format="json").json()["status"] == "open"
    owner.post(f"{base}/closeout-request/", {"evidence": "已补"}, format="json")
    assert supervisor.post(f"{base}/closeout-approve/", {}, format="json").json()["status"] == "closed"


def test_api_refusals(cast, item, today):
    base = f"/api/v1/assignments/{item.pk}"
    assert api_for(cast.reporter_a).post(f"{base}/closeout-approve/", {}, format="json").status_code == 403
    assert api_for(cast.reporter_b).post(f"{base}/progress/", {"text": "x"}, format="json").status_code == 404
    assert api_for(cast.supervisor).post(f"{base}/closeout-approve/", {}, format="json").status_code == 400
    payload = {"title": "t", "content": "c", "source_kind": "other", "owner_unit": "C-A",
               "deadline": today.isoformat()}  # fmt: skip
    assert api_for(cast.reporter_a).post("/api/v1/assignments/", payload, format="json").status_code == 403
    assert api_for(cast.supervisor).post("/api/v1/assignments/", payload, format="json").status_code == 201
    item.refresh_from_db()
    assert item.status == Status.OPEN
    assert not item.updates.exists()
