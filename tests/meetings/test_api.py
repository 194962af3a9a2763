"""`/api/v1/meetings/`: the meetings a caller may see with their reviews in scope, and the writes
(meeting, review, decision, one-step conversions) under the same policy as the pages."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from tuijin.meetings import services
from tuijin.meetings.models import Decision, Meeting, Review
from tuijin.supervision.models import Assignment


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_rows_carry_the_route_the_people_and_the_reviews_in_scope(cast, meeting, reviews,
                                                                  django_assert_max_num_queries):  # fmt: skip
    services.meeting_create(actor=cast.supervisor, type="regular", title="例会", date=dt.date(2026, 10, 8),
                            attending_units=[cast.county_b])  # fmt: skip
    client = api_for(cast.reporter_b)
    with django_assert_max_num_queries(16):
        rows = client.get("/api/v1/meetings/").json()["results"]
    row = next(r for r in rows if r["id"] == meeting.pk)
    assert [r["unit"] for r in row["reviews"]] == ["C-B"]
    assert row["reviews"][0]["problems"][0] == {"id": row["reviews"][0]["problems"][0]["id"], "order": 1,
                                                "text": "签约项目落地慢", "assignments": []}  # fmt: skip
    assert row["visits"] == [
        {"order": 1, "unit": "C-B", "site": "乙县光伏产业园"},
        {"order": 2, "unit": "C-A", "site": ""},
    ]
    assert set(row["attendees"]) == {"leader", "head_a"}
    assert (row["type"], row["chair"], row["organizer"]) == ("observation", "leader", "C")
    full = api_for(cast.supervisor).get(f"/api/v1/meetings/{meeting.pk}/").json()
    assert [r["unit"] for r in full["reviews"]] == ["C-A", "C-B"]


def test_a_unit_outside_the_meeting_gets_nothing(cast, meeting):
    client = api_for(cast.handler)
    assert client.get(f"/api/v1/meetings/{meeting.pk}/").status_code == 404
    assert client.get("/api/v1/meetings/").json()["results"] == []


def test_a_supervisor_records_a_meeting_a_review_and_a_decision(cast):
    client = api_for(cast.supervisor)
    response = client.post("/api/v1/meetings/", {
        "type": "observation", "title": "API 观摩会", "date": "2026-11-10", "chair": "leader",
        "attending_units": ["C-A", "C-B"], "attendees": ["head_a"],
        "visits": [{"unit": "C-B", "site": "乙县园区"}, {"unit": "C-A"}],
    }, format="json")  # fmt: skip
    assert response.status_code == 201
    meeting = Meeting.objects.get(pk=response.json()["id"])
    assert list(meeting.visits.values_list("unit__code", "site")) == [("C-B", "乙县园区"), ("C-A", "")]
    base = f"/api/v1/meetings/{meeting.pk}"
    review = {"unit": "C-A", "highlights": "亮点", "problems": ["问题一", "问题二"], "measures": "举措", "version": 0}
    row = client.post(f"{base}/reviews/", review, format="json").json()
    assert [p["text"] for p in row["reviews"][0]["problems"]] == ["问题一", "问题二"]
    decision = {"text": "议定事项", "owner_unit": "C-B", "deadline": "2026-12-10"}
    assert client.post(f"{base}/decisions/", decision, format="json").status_code == 201
    assert Decision.objects.get().owner_unit == cast.county_b


def test_a_problem_and_a_decision_become_assignments_in_one_step(cast, meeting, reviews):
    client = api_for(cast.supervisor)
    problem = reviews[0].problems.get(order=1)
    base = f"/api/v1/meetings/{meeting.pk}"
    row = client.post(f"{base}/problems/{problem.pk}/assign/", {"deadline": "2026-12-31", "leader": "leader",
                                                                 "cycle": "weekly"}, format="json")  # fmt: skip
    assert row.status_code == 201
    body = row.json()
    assert (body["owner_unit"], body["source_kind"], body["cycle"]) == ("C-A", "review", "weekly")
    assert body["source"] == {"type": "meetings.reviewproblem", "id": problem.pk, "url": f"/meetings/{meeting.pk}/"}
    assert "colour" in body
    assert "overdue_level" in body
    again = client.post(f"{base}/problems/{problem.pk}/assign/", {"deadline": "2026-12-31"}, format="json")
    assert again.status_code == 400
    listed = client.get(f"{base}/").json()
    assert listed["reviews"][0]["problems"][0]["assignments"] == [body["id"]]
    decision = services.decision_add(actor=cast.supervisor, meeting=meeting, text="x", owner_unit=cast.county_b,
                                     deadline=dt.date(2026, 12, 1))  # fmt: skip
    made = client.post(f"{base}/decisions/{decision.pk}/assign/", {}, format="json").json()
    assert (made["deadline"], made["owner_unit"], made["source_kind"]) == ("2026-12-01", "C-B", "decision")
    assert Assignment.objects.count() == 2


def test_a_problem_is_converted_only_under_its_own_meeting(cast, meeting, reviews):
    other = services.meeting_create(actor=cast.supervisor, type="regular", title="另一会议", date=dt.date(2026, 10, 1))
    problem = reviews[0].problems.first()
    response = api_for(cast.supervisor).post(f"/api/v1/meetings/{other.pk}/problems/{problem.pk}/assign/",
                                             {"deadline": "2026-12-31"}, format="json")  # fmt: skip
    assert response.status_code == 404
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("who", ["reporter_a", "leader"])
def test_only_supervisors_write(cast, meeting, reviews, who):
    client = api_for(getattr(cast, who))
    base = f"/api/v1/meetings/{meeting.pk}"
    problem = reviews[0].problems.first()
    assert client.post("/api/v1/meetings/", {"type": "regular", "title": "x", "date": "2026-11-01"},
                       format="json").status_code == 403  # fmt: skip
    assert (
        client.post(f"{base}/reviews/", {"unit": "C-A", "highlights": "越权", "version": 1}, format="json").status_code
        == 403
    )
    assert client.post(f"{base}/decisions/", {"text": "x", "owner_unit": "C-A", "deadline": "2026-12-01"},
                       format="json").status_code == 403  # fmt: skip
    assert client.post(f"{base}/problems/{problem.pk}/assign/", {"deadline": "2026-12-31"},
                       format="json").status_code == 403  # fmt: skip
    assert Meeting.objects.count() == 1
    assert Review.objects.get(unit=cast.county_a).highlights == "开工率全市第一"
    assert not Decision.objects.exists()
    assert not Assignment.objects.exists()


def test_a_county_supervisor_cannot_write_into_the_citys_meeting(cast, meeting, reviews):
    client = api_for(cast.county_supervisor)
    base = f"/api/v1/meetings/{meeting.pk}"
    body = {"unit": "C-A", "highlights": "越权", "version": reviews[0].version}
    assert client.post(f"{base}/reviews/", body, format="json").status_code == 403
    problem = reviews[0].problems.first()
    assert client.post(f"{base}/problems/{problem.pk}/assign/", {"deadline": "2026-12-31"},
                       format="json").status_code == 403  # fmt: skip
    other = api_for(cast.reporter_b)
    assert other.post(f"{base}/reviews/", {"unit": "C-B", "highlights": "越权"}, format="json").status_code == 403
    assert Review.objects.get(unit=cast.county_a).highlights == "开工率全市第一"
    assert not Assignment.objects.exists()


def test_a_review_before_the_meeting_is_refused(cast):
    meeting = services.meeting_create(actor=cast.supervisor, type="review", title="下周点评会",
                                      date=dt.date(2026, 11, 27))  # fmt: skip
    body = {"unit": "C-A", "highlights": "提前点评", "version": 0}
    response = api_for(cast.supervisor).post(f"/api/v1/meetings/{meeting.pk}/reviews/", body, format="json")
    assert response.status_code == 400
    assert not Review.objects.exists()
