"""The demo's assignments and meetings: every state and every level, progress on time, caught up
late and missed, the timers' notices, a 观摩 with a review of every county, a 推进会 with
decisions, conversions linked both ways — whenever the demo is loaded; loading twice adds nothing."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from tests.conftest import PASSWORD
from tuijin.liaison import demo as liaison_demo
from tuijin.meetings import demo as meetings_demo
from tuijin.meetings.models import Meeting, MeetingType, Review
from tuijin.orgs import demo as orgs_demo
from tuijin.orgs.models import Unit, UnitType
from tuijin.projects.models import Project, Stage
from tuijin.supervision import demo, queries
from tuijin.supervision.models import Assignment, EventKind, ExtensionRequest, ProgressUpdate, SourceKind, Status

pytestmark = pytest.mark.django_db


def load(day: dt.date):
    """The demo's people, a project led by the demo leader (so a contact sheet escalates), the
    contact sheets, then the assignments and the meetings, on `day`."""
    with time_machine.travel(dt.datetime(day.year, day.month, day.day, 2, 0, tzinfo=dt.UTC), tick=False):
        people = orgs_demo.load(PASSWORD)
        Project.objects.get_or_create(code="SLDEMO1", defaults={
            "name": "东湖区示例项目", "unit": people["demo-reporter"].unit, "total_investment": Decimal(10),
            "stage": Stage.PREPARATION, "lead_leader": people["demo-leader"],
        })  # fmt: skip
        liaison_demo.load(people)
        demo.load(people)
        meetings_demo.load(people)


@pytest.mark.parametrize("today", [dt.date(2026, 6, 10), dt.date(2026, 10, 9)])
def test_the_demo_has_assignments_in_every_state_and_level(today):
    load(today)
    rows = list(queries.annotate_state(Assignment.objects.all(), today))
    assert {a.status for a in rows} == set(Status.values)
    assert {a.level for a in rows} == {"", "remind", "supervise", "listed"}
    assert {a.colour for a in rows} == {"", "green", "yellow", "red"}
    assert any(a.deadline != a.original_deadline for a in rows)
    assert ExtensionRequest.objects.filter(status=ExtensionRequest.Status.PENDING).exists()
    assert Assignment.objects.filter(status=Status.OPEN).exclude(return_reason="").exists()  # returned once
    assert ProgressUpdate.objects.filter(late=True).exists()
    assert any(queries.missed_cycles(a, today) for a in rows)
    assert {SourceKind.INSTRUCTION, SourceKind.SHEET, SourceKind.BULLETIN, SourceKind.REVIEW,
            SourceKind.DECISION} <= {a.source_kind for a in rows}  # fmt: skip
    sheet_item = Assignment.objects.get(source_kind=SourceKind.SHEET, review=None, title__startswith="东湖区新能源")
    assert sheet_item.source is not None
    assert sheet_item.source.escalated_at is not None
    # The overdue timer ran for the day: each level's notice is on the timeline.
    assert set(Assignment.objects.values_list("events__kind", flat=True)) >= {
        EventKind.REMINDED, EventKind.SUPERVISED, EventKind.LISTED,
    }  # fmt: skip
    assert Assignment.objects.filter(listed_on=today).exists()


def test_the_demo_has_two_meetings_with_a_review_of_every_county_and_the_links_both_ways():
    load(dt.date(2026, 6, 10))
    counties = set(Unit.objects.filter(type=UnitType.COUNTY).values_list("pk", flat=True))
    observation = Meeting.objects.get(type=MeetingType.OBSERVATION)
    assert set(Review.objects.filter(meeting=observation).values_list("unit", flat=True)) == counties
    assert set(observation.visits.values_list("unit", flat=True)) == counties
    assert all(v.site for v in observation.visits.all())
    assert observation.attendees.exists()
    promotion = Meeting.objects.get(type=MeetingType.PROMOTION)
    assert promotion.decisions.count() == 3
    converted = Assignment.objects.get(source_kind=SourceKind.REVIEW)
    assert converted.review.meeting == observation
    assert list(converted.source.assignments.all()) == [converted]
    from_decision = Assignment.objects.get(source_kind=SourceKind.DECISION)
    assert from_decision.source.meeting == promotion
    assert list(from_decision.source.assignments.all()) == [from_decision]


def test_loading_twice_adds_nothing():
    load(dt.date(2026, 6, 10))
    before = (Assignment.objects.count(), Meeting.objects.count(), Review.objects.count())
    load(dt.date(2026, 6, 10))
    assert (Assignment.objects.count(), Meeting.objects.count(), Review.objects.count()) == before
