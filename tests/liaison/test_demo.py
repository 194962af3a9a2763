"""The demo's contact sheets: every state, some overdue, escalated sheets and one on the agenda,
whenever the demo is loaded (dates relative to today), and loading twice changes nothing."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from tests.conftest import PASSWORD
from tuijin.liaison import demo
from tuijin.liaison.models import AssignmentStatus, ContactSheet, SheetStatus
from tuijin.orgs import demo as orgs_demo
from tuijin.projects.models import Project, Stage

pytestmark = pytest.mark.django_db


def load(day: dt.date):
    with time_machine.travel(dt.datetime(day.year, day.month, day.day, 2, 0, tzinfo=dt.UTC), tick=False):
        people = orgs_demo.load(PASSWORD)
        unit = people["demo-reporter"].unit
        for n, leader in ((1, None), (2, people["demo-leader"]), (3, None)):
            Project.objects.get_or_create(code=f"SLDEMO{n}", defaults={
                "name": f"东湖区示例项目{n}", "unit": unit, "total_investment": Decimal(10), "stage": Stage.PREPARATION,
                "lead_leader": leader,
            })  # fmt: skip
        demo.load(people)
        return people


@pytest.mark.parametrize("today", [dt.date(2026, 6, 10), dt.date(2026, 1, 20), dt.date(2026, 10, 9)])
def test_the_demo_has_sheets_in_every_state(today):
    people = load(today)
    statuses = set(ContactSheet.objects.values_list("status", flat=True))
    assert statuses == set(SheetStatus.values)
    parts = set(ContactSheet.objects.values_list("assignments__status", flat=True))
    assert {AssignmentStatus.PENDING, AssignmentStatus.ACCEPTED, AssignmentStatus.TRANSFERRED,
            AssignmentStatus.RETURNED, AssignmentStatus.RESOLVED, AssignmentStatus.REOPENED} <= parts  # fmt: skip
    assert ContactSheet.objects.overdue(today).count() >= 2
    on_agenda = ContactSheet.objects.get(agenda_at__isnull=False)
    assert on_agenda.project.lead_leader == people["demo-leader"]
    assert ContactSheet.objects.filter(escalated_at__isnull=False).count() >= 2
    assert ContactSheet.objects.filter(assignments__department__code="SL-ZRZY").exists()
    assert ContactSheet.objects.filter(sender_unit__code="SL-XS").exists()


def test_loading_twice_changes_nothing():
    load(dt.date(2026, 6, 10))
    before = ContactSheet.objects.count()
    load(dt.date(2026, 6, 10))
    assert ContactSheet.objects.count() == before


def test_dates_in_a_year_the_calendar_does_not_know_are_skipped_not_guessed():
    load(dt.date(2027, 1, 4))  # 2027 is not in the calendar: a sheet sent on 2027-01-02 cannot be
    assert not ContactSheet.objects.filter(title="关于规划条件核发的工作联系单").exists()
    assert not ContactSheet.objects.filter(sent_on__year=2027).exists()
    # ... while the stories that happened in 2026 are there.
    assert ContactSheet.objects.filter(status=SheetStatus.CONFIRMED, sent_on=dt.date(2026, 11, 25)).exists()
