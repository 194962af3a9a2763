"""The meeting pages: recording a meeting with its 观摩 route, reviews and decisions, the one-step
conversion into an assignment, a unit's review history, and every refusal (nothing changes)."""

import datetime as dt

import pytest

from tests.meetings.conftest import HELD
from tuijin.meetings import services
from tuijin.meetings.models import Decision, Meeting, MeetingType, Review, ReviewProblem
from tuijin.supervision import services as supervision_services
from tuijin.supervision.models import Assignment


def meeting_post(cast, route, **extra) -> dict:
    """The meeting form's fields, with `route` as rows of (unit, site) in the order visited."""
    data = {
        "type": "observation", "title": "四季度观摩会", "date": "2026-11-18", "place": "乙县", "chair": cast.leader.pk,
        "attending_units": [cast.county_a.pk, cast.county_b.pk], "attendees": [cast.leader.pk, cast.head_a.pk],
        "agenda": "观摩并点评", "visits-TOTAL_FORMS": str(len(route)), "visits-INITIAL_FORMS": "0",
    }  # fmt: skip
    for i, (unit, site) in enumerate(route):
        data[f"visits-{i}-unit"] = unit.pk if unit else ""
        data[f"visits-{i}-site"] = site
    return data | extra


def test_the_supervisor_records_a_meeting_with_its_route_in_the_order_of_the_rows(cast, client_for):
    client = client_for(cast.supervisor)
    assert 'name="visits-0-unit"' in client.get("/meetings/new/").content.decode()
    route = [(cast.county_b, "乙县光伏产业园"), (None, ""), (cast.county_a, "甲县智能装备园")]
    response = client.post("/meetings/new/", meeting_post(cast, route))
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/meetings/{meeting.pk}/"
    assert list(meeting.visits.values_list("order", "unit__code", "site")) == [
        (1, "C-B", "乙县光伏产业园"),
        (2, "C-A", "甲县智能装备园"),
    ]
    assert set(meeting.attendees.all()) == {cast.leader, cast.head_a}
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert page.index("乙县光伏产业园") < page.index("甲县智能装备园")
    assert "head_a（甲县）" in page


def test_the_meeting_form_refuses_a_site_without_its_unit(cast, client_for):
    response = client_for(cast.supervisor).post("/meetings/new/", meeting_post(cast, [(None, "无单位的观摩点")]))
    assert response.status_code == 400
    assert "请为观摩点选择所在单位" in response.content.decode()
    assert not Meeting.objects.exists()


def test_editing_a_meeting_shows_and_reorders_its_route(cast, meeting, client_for):
    client = client_for(cast.supervisor)
    page = client.get(f"/meetings/{meeting.pk}/edit/").content.decode()
    assert 'value="乙县光伏产业园"' in page
    data = meeting_post(cast, [(cast.county_a, "甲县首站"), (cast.county_b, "")], version=meeting.version,
                        date=HELD.isoformat())  # fmt: skip
    assert client.post(f"/meetings/{meeting.pk}/edit/", data).status_code == 302
    assert list(meeting.visits.values_list("unit__code", "site")) == [("C-A", "甲县首站"), ("C-B", "")]


def test_the_detail_offers_a_review_for_each_visited_or_attending_unit_not_yet_reviewed(cast, meeting, client_for):
    services.review_save(actor=cast.supervisor, meeting=meeting, unit=cast.county_a, highlights="已点评")
    page = client_for(cast.supervisor).get(f"/meetings/{meeting.pk}/").content.decode()
    assert 'data-testid="review-new-C-B"' in page
    assert 'data-testid="review-new-C-A"' not in page
    assert 'data-testid="attendees"' in page


def test_review_and_conversion_through_the_pages_link_both_ways(cast, meeting, client_for):
    client = client_for(cast.supervisor)
    review = {"highlights": "亮点", "problems": "问题一\n问题二", "measures": "", "version": 0}
    response = client.post(f"/meetings/{meeting.pk}/reviews/C-A/", review)
    assert response.status_code == 302
    problem = ReviewProblem.objects.get(text="问题二")
    response = client.post(f"/meetings/problems/{problem.pk}/assign/",
                           {"deadline": "2026-12-31", "cycle": "weekly", "leader": cast.leader.pk})  # fmt: skip
    assignment = Assignment.objects.get()
    assert response["Location"] == f"/supervision/{assignment.pk}/"
    assert (assignment.source, assignment.owner_unit, assignment.leader) == (problem, cast.county_a, cast.leader)
    meeting_page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert f'href="/supervision/{assignment.pk}/" data-testid="problem-assignment"' in meeting_page
    assert meeting_page.count('data-testid="problem-convert"') == 1  # 问题一 is still open
    assignment_page = client.get(f"/supervision/{assignment.pk}/").content.decode()
    assert f'href="/meetings/{meeting.pk}/" data-testid="source-meeting"' in assignment_page
    again = client.get(f"/meetings/problems/{problem.pk}/assign/").content.decode()
    assert f"/supervision/{assignment.pk}/" in again  # the form says it was converted already


def test_a_conversion_without_a_deadline_is_refused_on_the_page(cast, reviews, client_for):
    problem = reviews[0].problems.first()
    response = client_for(cast.supervisor).post(f"/meetings/problems/{problem.pk}/assign/", {"cycle": "weekly"})
    assert response.status_code == 400
    assert not Assignment.objects.exists()


def test_a_decision_is_added_and_converted_by_its_deadline_through_the_pages(cast, meeting, client_for):
    client = client_for(cast.supervisor)
    client.post(f"/meetings/{meeting.pk}/decisions/",
                {"text": "建立周调度机制", "owner_unit": cast.county_b.pk, "deadline": "2026-12-15"})  # fmt: skip
    decision = Decision.objects.get()
    form = client.get(f"/meetings/decisions/{decision.pk}/assign/").content.decode()
    assert 'value="2026-12-15"' in form
    client.post(f"/meetings/decisions/{decision.pk}/assign/", {"deadline": "2026-12-15", "cycle": "monthly"})
    assignment = Assignment.objects.get()
    assert (assignment.source, assignment.owner_unit, assignment.deadline) == (decision, cast.county_b,
                                                                               dt.date(2026, 12, 15))  # fmt: skip
    assert f"/supervision/{assignment.pk}/" in client.get(f"/meetings/{meeting.pk}/").content.decode()


def test_the_unit_history_shows_each_meeting_newest_first_with_what_became_of_each_problem(
    cast, meeting, reviews, client_for
):
    problem = reviews[0].problems.get(order=1)
    assignment = services.review_problem_to_assignment(actor=cast.supervisor, problem=problem,
                                                       deadline=dt.date(2026, 10, 31))  # fmt: skip
    later = services.meeting_create(actor=cast.supervisor, type=MeetingType.REVIEW, title="四季度点评会",
                                    date=dt.date(2026, 11, 18), attending_units=[cast.county_a])  # fmt: skip
    services.review_save(actor=cast.supervisor, meeting=later, unit=cast.county_a, problems="用地报批仍然滞后")
    page = client_for(cast.leader).get(f"/meetings/units/{cast.county_a.code}/").content.decode()
    assert page.index("四季度点评会") < page.index("三季度项目观摩会")
    assert "用地报批仍然滞后" in page
    assert f"#{assignment.pk} 办理中" in page
    assert "招商成效明显" not in page  # 乙县's review is not 甲县's history
    assignment = supervision_services.closeout_request(actor=cast.reporter_a, assignment=assignment, evidence="完成",
                                                       expected_version=assignment.version)  # fmt: skip
    supervision_services.closeout_approve(actor=cast.supervisor, assignment=assignment, expected_version=2)
    assert f"#{assignment.pk} 已销号" in client_for(cast.head_a).get("/meetings/units/C-A/").content.decode()


def test_the_list_page_in_a_fixed_number_of_queries(cast, meeting, client_for, django_assert_max_num_queries):
    for n in range(4):
        services.meeting_create(actor=cast.supervisor, type="regular", title=f"例会{n}", date=HELD, chair=cast.leader)
    client = client_for(cast.supervisor)
    client.get("/meetings/")  # the session and the login's audit are written on the first request
    with django_assert_max_num_queries(12):
        page = client.get("/meetings/", {"type": "regular"})
    assert page.content.decode().count("例会") >= 4
    assert "三季度项目观摩会" not in page.content.decode()


# --- scope ---------------------------------------------------------------------------------------


def test_another_county_sees_only_its_own_review_and_reaches_nothing_else(cast, meeting, reviews, client_for):
    client = client_for(cast.reporter_b)
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "招商成效明显" in page
    assert "开工率全市第一" not in page
    assert 'data-testid="problem-convert"' not in page
    assert client.get(f"/meetings/units/{cast.county_a.code}/").status_code == 404
    problem = reviews[0].problems.first()
    assert client.get(f"/meetings/problems/{problem.pk}/assign/").status_code == 403
    assert client.post(f"/meetings/problems/{problem.pk}/assign/", {"deadline": "2026-12-31"}).status_code == 403
    assert not Assignment.objects.exists()


def test_a_unit_outside_the_meeting_does_not_see_it(cast, meeting, client_for):
    client = client_for(cast.handler)
    for url in (f"/meetings/{meeting.pk}/", f"/meetings/{meeting.pk}/minutes.docx"):
        assert client.get(url).status_code == 404, url
    assert "三季度项目观摩会" not in client.get("/meetings/").content.decode()


def test_reporters_cannot_record_anything(cast, meeting, reviews, client_for):
    client = client_for(cast.reporter_a)
    assert client.get("/meetings/new/").status_code == 403
    assert client.post("/meetings/new/", meeting_post(cast, [])).status_code == 403
    assert client.get(f"/meetings/{meeting.pk}/edit/").status_code == 403
    assert client.post(f"/meetings/{meeting.pk}/reviews/C-A/", {"highlights": "越权", "version": 1}).status_code == 403
    data = {"text": "越权", "owner_unit": cast.county_a.pk, "deadline": "2026-12-01"}
    assert client.post(f"/meetings/{meeting.pk}/decisions/", data).status_code == 403
    assert Meeting.objects.count() == 1
    assert Review.objects.get(unit=cast.county_a).highlights == "开工率全市第一"
    assert not Decision.objects.exists()


def test_a_county_supervisor_cannot_change_the_citys_meeting(cast, meeting, reviews, client_for):
    client = client_for(cast.county_supervisor)
    assert client.get(f"/meetings/{meeting.pk}/").status_code == 200  # 甲县 attended it
    assert client.get(f"/meetings/{meeting.pk}/edit/").status_code == 404
    assert client.get(f"/meetings/{meeting.pk}/reviews/C-A/").status_code == 404
    assert client.post(f"/meetings/{meeting.pk}/reviews/C-A/", {"highlights": "越权", "version": 1}).status_code == 404
    data = {"text": "越权", "owner_unit": cast.county_a.pk, "deadline": "2026-12-01"}
    assert client.post(f"/meetings/{meeting.pk}/decisions/", data).status_code == 403
    problem = reviews[0].problems.first()
    assert client.post(f"/meetings/problems/{problem.pk}/assign/", {"deadline": "2026-12-31"}).status_code == 403
    assert Review.objects.get(unit=cast.county_a).highlights == "开工率全市第一"
    assert not Decision.objects.exists()
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("who", ["reporter_b", "county_supervisor"])
def test_a_decision_of_another_unit_is_not_converted(cast, meeting, client_for, who):
    decision = services.decision_add(actor=cast.supervisor, meeting=meeting, text="乙县事项", owner_unit=cast.county_b,
                                     deadline=dt.date(2026, 12, 1))  # fmt: skip
    response = client_for(getattr(cast, who)).post(f"/meetings/decisions/{decision.pk}/assign/",
                                                   {"deadline": "2026-12-01", "cycle": "monthly"})  # fmt: skip
    assert response.status_code in (403, 404)
    assert not Assignment.objects.exists()


def test_a_refused_decision_comes_back_as_typed_with_the_message_at_its_field(cast, meeting, client_for):
    response = client_for(cast.supervisor).post(
        f"/meetings/{meeting.pk}/decisions/",
        {"text": "建立周调度机制，每周五通报进度", "owner_unit": "", "deadline": "2026-12-15"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "建立周调度机制，每周五通报进度</textarea>" in page
    assert 'name="deadline" value="2026-12-15"' in page
    assert page.count("该字段是必填项。") == 1
    assert not Decision.objects.exists()
