"""Recording meetings, reviews and decisions through the services, and turning a review problem
or a decision into an assignment in one step, linked both ways; every refusal changes nothing."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.meetings.conftest import HELD, TODAY
from tuijin.audit.models import AuditEvent
from tuijin.core.concurrency import StaleEditError
from tuijin.meetings import services
from tuijin.meetings.models import Decision, Meeting, MeetingType, Review, ReviewProblem
from tuijin.supervision.models import Assignment, SourceKind, Status


def test_a_meeting_keeps_its_type_people_agenda_and_route_in_order(cast, meeting):
    meeting.refresh_from_db()
    assert (meeting.type, meeting.date, meeting.place, meeting.chair) == (
        "observation",
        HELD,
        "甲县产业园",
        cast.leader,
    )
    assert meeting.organizer == cast.city
    assert set(meeting.attending_units.all()) == {cast.county_a, cast.county_b}
    assert set(meeting.attendees.all()) == {cast.leader, cast.head_a}
    assert meeting.agenda == "现场观摩、逐一点评"
    assert list(meeting.visits.values_list("order", "unit__code", "site")) == [
        (1, "C-B", "乙县光伏产业园"),
        (2, "C-A", ""),
    ]
    assert AuditEvent.objects.filter(
        object_type="meetings.meeting", object_id=str(meeting.pk), action="create"
    ).exists()


@pytest.mark.parametrize("kind", MeetingType.values)
def test_every_meeting_type_can_be_recorded(cast, kind):
    meeting = services.meeting_create(actor=cast.supervisor, type=kind, title=f"会议 {kind}", date=HELD)
    assert meeting.get_type_display() == MeetingType(kind).label


def test_a_meeting_needs_a_type_a_title_and_a_date(cast):
    with pytest.raises(ValidationError) as exc:
        services.meeting_create(actor=cast.supervisor, type="party", title=" ", date=None)
    assert {"type", "title", "date"} <= set(exc.value.message_dict)
    assert not Meeting.objects.exists()


def test_a_county_supervisor_records_only_its_own_units_and_people(cast):
    for values, field in (
        ({"attending_units": [cast.county_b]}, "attending_units"),
        ({"visits": [cast.town_a1, cast.county_b]}, "visits"),
        ({"attendees": [cast.reporter_b]}, "attendees"),
        ({"chair": cast.leader}, "chair"),
    ):
        with pytest.raises(ValidationError) as exc:
            services.meeting_create(actor=cast.county_supervisor, type="regular", title="甲县例会", date=HELD, **values)
        assert field in exc.value.message_dict
    assert not Meeting.objects.exists()
    meeting = services.meeting_create(actor=cast.county_supervisor, type="regular", title="甲县例会", date=HELD,
                                      attending_units=[cast.town_a1], attendees=[cast.reporter_a])  # fmt: skip
    assert meeting.organizer == cast.county_a


@pytest.mark.parametrize("who", ["reporter_a", "leader", "head_a", "handler"])
def test_only_supervisors_record_meetings(cast, who):
    with pytest.raises(PermissionDenied):
        services.meeting_create(actor=getattr(cast, who), type="regular", title="x", date=HELD)
    assert not Meeting.objects.exists()


def test_the_route_and_the_people_change_and_the_change_is_audited(cast, meeting):
    services.meeting_update(actor=cast.supervisor, meeting=meeting, expected_version=meeting.version,
                            visits=[cast.county_a, (cast.county_b, "新观摩点")], attendees=[cast.leader])  # fmt: skip
    meeting.refresh_from_db()
    assert list(meeting.visits.values_list("unit__code", "site")) == [("C-A", ""), ("C-B", "新观摩点")]
    assert list(meeting.attendees.all()) == [cast.leader]
    assert meeting.version == 2
    event = AuditEvent.objects.get(object_type="meetings.meeting", object_id=str(meeting.pk), action="update")
    assert {"visits", "attendees"} <= set(event.changes)
    with pytest.raises(StaleEditError):
        services.meeting_update(actor=cast.supervisor, meeting=meeting, expected_version=1, title="旧版本")
    with pytest.raises(PermissionDenied):
        services.meeting_update(actor=cast.county_supervisor, meeting=meeting, expected_version=2, title="越权")
    meeting.refresh_from_db()
    assert meeting.title == "三季度项目观摩会"


# --- reviews -------------------------------------------------------------------------------------


def test_each_review_holds_highlights_problems_as_rows_and_next_steps(cast, reviews):
    a, b = reviews
    assert (a.highlights, a.measures) == ("开工率全市第一", "十月底前完成报批")
    assert list(a.problems.values_list("order", "text")) == [(1, "用地报批滞后"), (2, "投资完成率偏低")]
    assert list(b.problems.values_list("text", flat=True)) == ["签约项目落地慢"]
    assert a.written_by == cast.supervisor


def test_a_review_is_written_during_or_after_the_meeting_never_before(cast):
    tomorrow = services.meeting_create(actor=cast.supervisor, type="review", title="季度点评会",
                                       date=TODAY + dt.timedelta(days=1))  # fmt: skip
    with pytest.raises(ValidationError, match="会议尚未召开"):
        services.review_save(actor=cast.supervisor, meeting=tomorrow, unit=cast.county_a, highlights="x")
    today = services.meeting_create(actor=cast.supervisor, type="review", title="当日点评会", date=TODAY)
    assert services.review_save(actor=cast.supervisor, meeting=today, unit=cast.county_a, highlights="会中点评").pk
    assert Review.objects.filter(meeting=tomorrow).count() == 0


def test_a_reviewed_meeting_cannot_move_into_the_future(cast, meeting, reviews):
    with pytest.raises(ValidationError) as exc:
        services.meeting_update(actor=cast.supervisor, meeting=meeting, expected_version=meeting.version,
                                date=TODAY + dt.timedelta(days=3))  # fmt: skip
    assert "date" in exc.value.message_dict


def test_a_review_needs_something_to_say_and_a_unit_in_scope(cast, meeting):
    with pytest.raises(ValidationError) as exc:
        services.review_save(actor=cast.supervisor, meeting=meeting, unit=cast.county_a, problems="\n \n")
    assert "__all__" in exc.value.message_dict
    county_meeting = services.meeting_create(actor=cast.county_supervisor, type="regular", title="甲县例会",
                                             date=HELD)  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        services.review_save(actor=cast.county_supervisor, meeting=county_meeting, unit=cast.county_b, highlights="x")
    assert "unit" in exc.value.message_dict
    assert not Review.objects.exists()


def test_only_a_supervisor_over_the_organizer_writes_reviews(cast, meeting):
    for who in (cast.reporter_a, cast.leader, cast.county_supervisor):
        with pytest.raises(PermissionDenied):
            services.review_save(actor=who, meeting=meeting, unit=cast.county_a, highlights="x")
    assert not Review.objects.exists()


def test_rewriting_a_review_replaces_open_problems_and_keeps_converted_ones(cast, meeting, reviews):
    a, _ = reviews
    problem = a.problems.get(order=1)
    services.review_problem_to_assignment(actor=cast.supervisor, problem=problem, deadline=dt.date(2026, 12, 31))
    a = services.review_save(
        actor=cast.supervisor, meeting=meeting, unit=cast.county_a, highlights="开工率全市第一",
        problems="新发现的问题", measures="十月底前完成报批", expected_version=a.version,
    )  # fmt: skip
    assert list(a.problems.values_list("order", "text")) == [(1, "用地报批滞后"), (2, "新发现的问题")]
    assert ReviewProblem.objects.filter(pk=problem.pk).exists()
    with pytest.raises(StaleEditError):
        services.review_save(actor=cast.supervisor, meeting=meeting, unit=cast.county_a, highlights="旧",
                             expected_version=1)  # fmt: skip


# --- one step to an assignment ---------------------------------------------------------------------


def test_a_review_problem_becomes_an_assignment_linked_both_ways(cast, reviews):
    a, _ = reviews
    problem = a.problems.get(order=2)
    assignment = services.review_problem_to_assignment(
        actor=cast.supervisor, problem=problem, deadline=dt.date(2026, 12, 31), leader=cast.leader,
        cycle="weekly", on_task_list=True, responsibility="甲县分管副县长",
    )  # fmt: skip
    assignment.refresh_from_db()
    # problem -> assignment
    assert list(problem.assignments.all()) == [assignment]
    assert list(a.assignments.all()) == [assignment]
    # assignment -> problem, its review and its meeting
    assert (assignment.source, assignment.review, assignment.source_kind) == (problem, a, SourceKind.REVIEW)
    assert (assignment.owner_unit, assignment.content, assignment.title) == (cast.county_a, "投资完成率偏低",
                                                                             "投资完成率偏低")  # fmt: skip
    assert assignment.assigned_on == HELD
    assert (assignment.cycle, assignment.on_task_list, assignment.status) == ("weekly", True, Status.OPEN)
    assert "三季度项目观摩会" in assignment.source_label


def test_a_problem_becomes_one_assignment_only(cast, reviews):
    problem = reviews[0].problems.get(order=1)
    services.review_problem_to_assignment(actor=cast.supervisor, problem=problem, deadline=dt.date(2026, 12, 31))
    with pytest.raises(ValidationError):
        services.review_problem_to_assignment(actor=cast.supervisor, problem=problem, deadline=dt.date(2027, 1, 31))
    assert Assignment.objects.count() == 1


def test_converting_refuses_a_missing_deadline_and_a_user_without_the_right(cast, reviews):
    problem = reviews[0].problems.get(order=1)
    with pytest.raises(ValidationError) as exc:
        services.review_problem_to_assignment(actor=cast.supervisor, problem=problem, deadline=None)
    assert "deadline" in exc.value.message_dict
    for who in (cast.reporter_a, cast.leader, cast.county_supervisor):
        with pytest.raises(PermissionDenied):
            services.review_problem_to_assignment(actor=who, problem=problem, deadline=dt.date(2026, 12, 31))
    assert not Assignment.objects.exists()


def test_a_decision_becomes_an_assignment_by_its_deadline_and_is_then_kept(cast, meeting):
    decision = services.decision_add(actor=cast.supervisor, meeting=meeting, text="市资规局两周内完成用地清零方案",
                                     owner_unit=cast.department, deadline=dt.date(2026, 10, 4))  # fmt: skip
    second = services.decision_add(actor=cast.supervisor, meeting=meeting, text="第二项", owner_unit=cast.county_b,
                                   deadline=dt.date(2026, 10, 30))  # fmt: skip
    assert (decision.order, second.order) == (1, 2)
    assignment = services.decision_to_assignment(actor=cast.supervisor, decision=decision)
    assert (assignment.source, assignment.deadline, assignment.owner_unit) == (decision, dt.date(2026, 10, 4),
                                                                               cast.department)  # fmt: skip
    assert assignment.source_kind == SourceKind.DECISION
    assert list(decision.assignments.all()) == [assignment]
    with pytest.raises(ValidationError):
        services.decision_to_assignment(actor=cast.supervisor, decision=decision)
    with pytest.raises(ValidationError):
        services.decision_delete(actor=cast.supervisor, decision=decision)
    services.decision_delete(actor=cast.supervisor, decision=second)
    assert list(Decision.objects.values_list("pk", flat=True)) == [decision.pk]


def test_a_decision_needs_a_unit_in_scope_and_a_deadline_after_the_meeting(cast, meeting):
    with pytest.raises(ValidationError) as exc:
        services.decision_add(actor=cast.supervisor, meeting=meeting, text="x", owner_unit=None,
                              deadline=dt.date(2026, 9, 1))  # fmt: skip
    assert {"owner_unit", "deadline"} <= set(exc.value.message_dict)
    with pytest.raises(PermissionDenied):
        services.decision_add(actor=cast.reporter_a, meeting=meeting, text="x", owner_unit=cast.county_a,
                              deadline=dt.date(2026, 12, 1))  # fmt: skip
    assert not Decision.objects.exists()
