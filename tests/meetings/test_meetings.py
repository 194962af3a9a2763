"""Meetings, reviews and decisions: recording them, converting a problem or a decision into an
assignment in one step (linked both ways), the unit's history, the minutes .docx, scope."""

import datetime as dt
import io

import docx
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from docx.oxml.ns import qn
from docx.shared import Pt
from rest_framework.test import APIClient

from tuijin.meetings import services
from tuijin.meetings.models import MeetingType, Review, ReviewProblem
from tuijin.supervision.models import Assignment, SourceKind


@pytest.fixture
def meeting(cast):
    return services.meeting_create(
        actor=cast.supervisor, type=MeetingType.OBSERVATION, title="三季度项目观摩会", date=dt.date(2026, 9, 20),
        place="甲县产业园", chair=cast.leader, attending_units=[cast.county_a, cast.county_b],
        visits=[cast.county_b, cast.county_a], agenda="现场观摩、逐一点评",
    )  # fmt: skip


@pytest.fixture
def reviews(cast, meeting):
    a = services.review_save(actor=cast.supervisor, meeting=meeting, unit=cast.county_a, highlights="开工率全市第一",
                             problems="用地报批滞后\n投资完成率偏低", measures="十月底前完成报批")  # fmt: skip
    b = services.review_save(actor=cast.supervisor, meeting=meeting, unit=cast.county_b, highlights="招商成效明显",
                             problems=["签约项目落地慢"], measures="建立周调度")  # fmt: skip
    return a, b


def test_a_meeting_keeps_its_route_and_each_review_its_problems_as_rows(cast, meeting, reviews):
    assert [v.unit for v in meeting.visits.all()] == [cast.county_b, cast.county_a]
    a, _ = reviews
    assert list(a.problems.values_list("order", "text")) == [(1, "用地报批滞后"), (2, "投资完成率偏低")]


def test_only_a_supervisor_in_scope_records_meetings_and_reviews(cast, meeting):
    with pytest.raises(PermissionDenied):
        services.review_save(actor=cast.reporter_a, meeting=meeting, unit=cast.county_a, highlights="x")
    with pytest.raises(PermissionDenied):
        services.meeting_create(actor=cast.reporter_a, type="regular", title="x", date=dt.date(2026, 1, 1))
    with pytest.raises(PermissionDenied):  # a county supervisor cannot manage the city's meeting
        services.review_save(actor=cast.county_supervisor, meeting=meeting, unit=cast.county_a, highlights="x")
    assert not Review.objects.exists()


def test_converting_a_review_problem_links_both_ways_in_one_step(cast, reviews):
    a, _ = reviews
    problem = a.problems.get(order=1)
    assignment = services.review_problem_to_assignment(
        actor=cast.supervisor, problem=problem, deadline=dt.date(2026, 12, 31), leader=cast.leader
    )
    assert assignment.source == problem
    assert assignment.review == a
    assert (assignment.source_kind, assignment.owner_unit, assignment.content) == (SourceKind.REVIEW, cast.county_a,
                                                                                     "用地报批滞后")  # fmt: skip
    assert assignment.assigned_on == dt.date(2026, 9, 20)
    assert list(problem.assignments.all()) == [assignment]
    assert list(a.assignments.all()) == [assignment]
    with pytest.raises(ValidationError):
        services.review_problem_to_assignment(actor=cast.supervisor, problem=problem, deadline=dt.date(2026, 12, 31))
    assert Assignment.objects.count() == 1


def test_rewriting_a_review_keeps_the_converted_problem(cast, meeting, reviews):
    a, _ = reviews
    problem = a.problems.get(order=1)
    services.review_problem_to_assignment(actor=cast.supervisor, problem=problem, deadline=dt.date(2026, 12, 31))
    services.review_save(actor=cast.supervisor, meeting=meeting, unit=cast.county_a, highlights="开工率全市第一",
                         problems="新发现的问题", measures="十月底前完成报批", expected_version=a.version)  # fmt: skip
    assert list(a.problems.values_list("text", flat=True)) == ["用地报批滞后", "新发现的问题"]
    assert ReviewProblem.objects.filter(pk=problem.pk).exists()


def test_a_decision_becomes_an_assignment_by_its_deadline(cast, meeting):
    decision = services.decision_add(actor=cast.supervisor, meeting=meeting, text="市资规局两周内完成用地清零方案",
                                     owner_unit=cast.department, deadline=dt.date(2026, 10, 4))  # fmt: skip
    assignment = services.decision_to_assignment(actor=cast.supervisor, decision=decision)
    assert (assignment.source, assignment.deadline, assignment.owner_unit) == (decision, dt.date(2026, 10, 4),
                                                                               cast.department)  # fmt: skip
    assert list(decision.assignments.all()) == [assignment]
    with pytest.raises(ValidationError):
        services.decision_delete(actor=cast.supervisor, decision=decision)


def test_a_decision_needs_a_unit_and_a_deadline_after_the_meeting(cast, meeting):
    with pytest.raises(ValidationError) as exc:
        services.decision_add(actor=cast.supervisor, meeting=meeting, text="x", owner_unit=None,
                              deadline=dt.date(2026, 9, 1))  # fmt: skip
    assert {"owner_unit", "deadline"} <= set(exc.value.message_dict)


def test_the_minutes_open_with_python_docx_in_the_government_layout(cast, meeting, reviews, client_for):
    services.decision_add(actor=cast.supervisor, meeting=meeting, text="建立周调度机制", owner_unit=cast.county_b,
                          deadline=dt.date(2026, 10, 20))  # fmt: skip
    response = client_for(cast.supervisor).get(f"/meetings/{meeting.pk}/minutes.docx")
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                  section.right_margin)] == [37, 35, 28, 26]  # fmt: skip
    text = "\n".join(p.text for p in document.paragraphs)
    for expected in (
        "三季度项目观摩会会议纪要",
        "甲县",
        "乙县",
        "开工率全市第一",
        "用地报批滞后",
        "签约项目落地慢",
        "建立周调度",
    ):
        assert expected in text or expected in document.tables[0]._element.xml, expected
    title = document.paragraphs[0].runs[0]
    assert title.font.size == Pt(22)
    assert _east_asia(title) == "方正小标宋简体"
    body = next(p for p in document.paragraphs if "开工率全市第一" in p.text).runs[-1]
    assert body.font.size == Pt(16)
    assert _east_asia(body) == "仿宋_GB2312"
    assert body.font.name == "仿宋_GB2312"
    assert next(p for p in document.paragraphs if p.text.startswith("一、")).paragraph_format.line_spacing == Pt(28)
    assert _east_asia(next(p for p in document.paragraphs if p.text.startswith("一、")).runs[0]) == "黑体"
    assert _east_asia(next(p for p in document.paragraphs if p.text.startswith("（一）")).runs[0]) == "楷体_GB2312"
    footer = section.footer.paragraphs[0]
    assert "PAGE" in footer._element.xml
    assert footer.text.startswith("— ")
    assert footer.text.endswith(" —")
    assert _east_asia(footer.runs[0]) == "宋体"
    assert footer.runs[0].font.size == Pt(14)
    cell_run = document.tables[0].cell(1, 1).paragraphs[0].runs[0]
    assert cell_run.font.size <= Pt(14)
    assert _east_asia(cell_run) == "仿宋_GB2312"


def _east_asia(run) -> str:
    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


def test_another_county_sees_only_its_own_review(cast, meeting, reviews, client_for):
    page = client_for(cast.reporter_b).get(f"/meetings/{meeting.pk}/").content.decode()
    assert "招商成效明显" in page
    assert "开工率全市第一" not in page
    minutes = docx.Document(io.BytesIO(client_for(cast.reporter_b).get(f"/meetings/{meeting.pk}/minutes.docx").content))
    assert "开工率全市第一" not in "\n".join(p.text for p in minutes.paragraphs)
    a, _ = reviews
    client = client_for(cast.reporter_b)
    assert client.get(f"/meetings/units/{cast.county_a.code}/").status_code == 404
    assert client.get(f"/meetings/problems/{a.problems.first().pk}/assign/").status_code == 403


def test_a_unit_outside_the_meeting_does_not_see_it(cast, meeting, client_for):
    client = client_for(cast.handler)
    assert client.get(f"/meetings/{meeting.pk}/").status_code == 404
    assert client.get(f"/meetings/{meeting.pk}/minutes.docx").status_code == 404
    assert "三季度项目观摩会" not in client.get("/meetings/").content.decode()


def test_supervisor_pages_refuse_reporters_and_change_nothing(cast, meeting, reviews, client_for):
    client = client_for(cast.reporter_a)
    assert client.get("/meetings/new/").status_code == 403
    assert client.get(f"/meetings/{meeting.pk}/reviews/C-A/").status_code == 403
    data = {"text": "越权", "owner_unit": cast.county_a.pk, "deadline": "2026-12-01"}
    assert client.post(f"/meetings/{meeting.pk}/decisions/", data).status_code == 403
    assert not meeting.decisions.exists()


def test_the_unit_history_shows_the_reviews_newest_first(cast, meeting, reviews, client_for):
    later = services.meeting_create(actor=cast.supervisor, type=MeetingType.REVIEW, title="四季度点评会",
                                    date=dt.date(2026, 12, 20), attending_units=[cast.county_a])  # fmt: skip
    services.review_save(actor=cast.supervisor, meeting=later, unit=cast.county_a, problems="用地报批仍然滞后")
    page = client_for(cast.head_a).get(f"/meetings/units/{cast.county_a.code}/").content.decode()
    assert page.index("四季度点评会") < page.index("三季度项目观摩会")


def test_review_and_conversion_through_the_pages(cast, meeting, client_for):
    client = client_for(cast.supervisor)
    client.post(f"/meetings/{meeting.pk}/reviews/C-A/", {"highlights": "亮点", "problems": "问题一", "measures": "",
                                                          "version": 0})  # fmt: skip
    problem = ReviewProblem.objects.get()
    response = client.post(f"/meetings/problems/{problem.pk}/assign/", {"deadline": "2026-12-31", "cycle": "weekly"})
    assignment = Assignment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/supervision/{assignment.pk}/"
    assert assignment.source == problem
    assert f"/supervision/{assignment.pk}/" in client.get(f"/meetings/{meeting.pk}/").content.decode()


def test_the_list_page_in_a_fixed_number_of_queries(cast, meeting, client_for, django_assert_max_num_queries):
    client = client_for(cast.supervisor)
    client.get("/meetings/")  # the session and the login's audit are written on the first request
    with django_assert_max_num_queries(12):
        assert client.get("/meetings/").status_code == 200


def test_the_api_nests_the_reviews_in_scope(cast, meeting, reviews, django_assert_max_num_queries):
    client = APIClient()
    client.force_authenticate(cast.reporter_b)
    with django_assert_max_num_queries(16):
        rows = client.get("/api/v1/meetings/").json()["results"]
    assert [r["unit"] for r in rows[0]["reviews"]] == ["C-B"]
    assert rows[0]["reviews"][0]["problems"][0]["text"] == "签约项目落地慢"
    client.force_authenticate(cast.handler)
    assert client.get(f"/api/v1/meetings/{meeting.pk}/").status_code == 404
    client.force_authenticate(cast.supervisor)
    assert client.post("/api/v1/meetings/", {}, format="json").status_code in (403, 405)
