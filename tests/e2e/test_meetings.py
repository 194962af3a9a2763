"""A supervisor records a county's review of an on-site review meeting (观摩) in Chromium and
turns one of its problems into an assignment in one step; the assignment links back to the
meeting, and the meeting shows the assignment beside the problem."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from tuijin.meetings import services
from tuijin.meetings.models import MeetingType, ReviewProblem
from tuijin.supervision.models import Assignment, SourceKind

pytestmark = pytest.mark.e2e


@pytest.fixture
def meeting(cast):
    return services.meeting_create(
        actor=cast.supervisor, type=MeetingType.OBSERVATION, title="三季度项目观摩会", date=dt.date(2026, 9, 20),
        chair=cast.leader, attending_units=[cast.county_a, cast.county_b],
        visits=[(cast.county_a, "甲县智能装备园"), cast.county_b],
    )  # fmt: skip


def test_supervisor_records_a_review_and_converts_its_problem_into_an_assignment(cast, meeting, login):
    page = login("supervisor")
    page.goto(f"/meetings/{meeting.pk}/")
    expect(page.get_by_test_id("visits")).to_contain_text("1. 甲县（甲县智能装备园） → 2. 乙县")
    page.get_by_test_id("review-new-C-A").click()
    page.fill("#id_highlights", "开工率全市第一")
    page.fill("#id_problems", "用地报批滞后\n投资完成率低于时序进度")
    page.fill("#id_measures", "十月底前完成报批")
    page.get_by_test_id("review-save").click()
    expect(page.get_by_test_id("review-C-A")).to_contain_text("用地报批滞后")

    page.get_by_test_id("review-C-A").get_by_test_id("problem-convert").first.click()
    page.fill("#id_deadline", "2026-12-31")
    page.select_option("#id_leader", str(cast.leader.pk))
    page.select_option("#id_cycle", "weekly")
    page.get_by_test_id("convert-save").click()

    assignment = Assignment.objects.get()
    page.wait_for_url(f"**/supervision/{assignment.pk}/")
    expect(page.locator("h2.page-title")).to_contain_text("用地报批滞后")
    expect(page.get_by_test_id("deadline")).to_have_text("2026-12-31")
    problem = ReviewProblem.objects.get(text="用地报批滞后")
    assert (assignment.source, assignment.source_kind, assignment.owner_unit) == (problem, SourceKind.REVIEW,
                                                                                  cast.county_a)  # fmt: skip

    expect(page.get_by_test_id("source")).to_contain_text("点评问题")
    page.get_by_test_id("source-meeting").click()  # back to the meeting through the assignment's link
    page.wait_for_url(f"**/meetings/{meeting.pk}/")
    expect(page.get_by_test_id(f"problem-{problem.pk}").get_by_test_id("problem-assignment")).to_contain_text(
        f"#{assignment.pk}"
    )
    expect(page.get_by_test_id("review-C-A").get_by_test_id("problem-convert")).to_have_count(1)
