"""The demo city loads on any day of any year and keeps its promises there.

The demo is laid out relative to the day it is loaded: the latest locked month has final
figures with one unit missing, the month after it is open, contact sheets are in every state,
assignments at every overdue level, a bulletin is published. Each date below once broke, or
sits where a rule turns: month starts and ends, deadline days (moved by a weekend or a
holiday), the first of January, the day after National Day, 29 February, and years the
installed holiday calendar does not know yet (the demo administrator enters them).
"""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from tuijin.bulletins.models import Bulletin
from tuijin.bulletins.models import Status as BulletinStatus
from tuijin.indicators import periods, queries
from tuijin.indicators.demo import timeline
from tuijin.indicators.models import Report, Submission, SubmissionStatus, Target
from tuijin.liaison.models import ContactSheet, SheetStatus
from tuijin.orgs.models import User
from tuijin.projects.models import ProjectProgress
from tuijin.supervision import queries as supervision_queries
from tuijin.supervision.models import Assignment

pytestmark = pytest.mark.django_db

DATES = [
    dt.date(2026, 1, 1),  # New Year's Day: last year's November is the latest locked month
    dt.date(2026, 2, 5),  # January's deadline day
    dt.date(2026, 3, 1),  # a month start on a Sunday
    dt.date(2026, 5, 6),  # April's deadline, moved past the Labour Day holiday
    dt.date(2026, 6, 30),  # a month end
    dt.date(2026, 7, 1),  # a month start: June is due, May is final
    dt.date(2026, 10, 8),  # the day after National Day: September's moved deadline
    dt.date(2026, 10, 9),  # the day after it: September locked
    dt.date(2026, 12, 7),  # November's deadline, moved from Saturday the 5th
    dt.date(2026, 12, 8),  # the day the demo used to stop loading
    dt.date(2027, 1, 1),  # a year the calendar package does not know
    dt.date(2028, 2, 29),  # a leap day, two unknown years on
]


@pytest.fixture
def media(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setenv("TUIJIN_DEMO_PASSWORD", "Demo-Password-2026")


@pytest.mark.parametrize("today", DATES, ids=str)
def test_the_demo_loads_and_keeps_its_promises(today, media):
    with time_machine.travel(dt.datetime(today.year, today.month, today.day, 10, 0, tzinfo=SHANGHAI), tick=False):
        call_command("load_demo", "--quiet-logins")
        t = timeline()
        assert t.today == today
        check_periods(t)
        check_reports(t)
        check_projects(t)
        check_sheets_and_assignments(today)
        check_bulletins(t)


def check_periods(t) -> None:
    assert periods.is_locked(t.year, t.last, t.today)
    assert not periods.is_locked(*t.open, t.today)
    assert (t.year, t.last) == periods.latest_locked_period(t.today)


def check_reports(t) -> None:
    # Final figures from January to the latest locked month, one unit missing that month.
    months = set(Report.objects.filter(year=t.year).values_list("month", flat=True))
    assert set(range(1, t.last + 1)) <= months
    supervisor = User.objects.get(username="demo-supervisor")
    missing = {m.unit.code for m in queries.missing_for(supervisor, t.year, t.last)}
    assert "SL-YX" in missing
    assert "SL-DH" not in missing
    statuses = set(Submission.objects.filter(year=t.year, month=t.last).values_list("status", flat=True))
    assert {SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED} <= statuses
    # Last year is complete for the comparisons, and the open period's year has its targets.
    assert Report.objects.filter(year=t.year - 1, month=12).exists()
    assert Target.objects.filter(year=t.open[0]).exists()


def check_projects(t) -> None:
    year, month = t.open
    # The demo reporter has started the open month's progress, with photos.
    started = ProjectProgress.objects.filter(year=year, month=month, project__unit__code="SL-DH")
    assert started.exists()
    assert started.filter(photos__isnull=False).exists()


def check_sheets_and_assignments(today) -> None:
    assert set(ContactSheet.objects.values_list("status", flat=True)) == set(SheetStatus.values)
    assert ContactSheet.objects.overdue(today).exists()
    rows = list(supervision_queries.annotate_state(Assignment.objects.all(), today))
    assert {a.level for a in rows} == {"", "remind", "supervise", "listed"}


def check_bulletins(t) -> None:
    published = Bulletin.objects.filter(status=BulletinStatus.PUBLISHED, year=t.year)
    assert published.exists()


SHANGHAI = dt.timezone(dt.timedelta(hours=8))
