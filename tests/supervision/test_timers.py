"""The overdue ladder and the progress reminders: on the exact days, once only, restarted by an extension."""

import datetime as dt

import pytest
import time_machine

from tuijin.notifications.models import Notification
from tuijin.notifications.timers import registered
from tuijin.supervision import services
from tuijin.supervision.models import Assignment, EventKind
from tuijin.supervision.timers import overdue_ladder, progress_reminders


@pytest.fixture
def item(cast, make_assignment, today):
    return make_assignment(assigned_on=today - dt.timedelta(days=5), deadline=today)


def told(user, kind):
    return Notification.objects.filter(recipient=user, kind=kind).count()


def test_the_timers_are_registered():
    assert {"supervision.overdue", "supervision.progress"} <= set(registered())


def test_the_ladder_reminds_supervises_and_lists_on_the_exact_days(cast, item):
    d = item.deadline
    assert overdue_ladder(d - dt.timedelta(days=1)) == 0
    assert overdue_ladder(d) == 1
    assert told(cast.reporter_a, "assignment.remind") == 1
    assert told(cast.leader, "assignment.remind") == 0
    assert overdue_ladder(d + dt.timedelta(days=6)) == 0
    assert overdue_ladder(d + dt.timedelta(days=7)) == 1
    notice = Notification.objects.get(recipient=cast.leader, kind="assignment.supervise")
    assert notice.url == f"/supervision/{item.pk}/notice/"
    assert overdue_ladder(d + dt.timedelta(days=8)) == 0
    assert overdue_ladder(d + dt.timedelta(days=29)) == 0
    assert overdue_ladder(d + dt.timedelta(days=30)) == 1
    item.refresh_from_db()
    assert item.listed_on == d + dt.timedelta(days=30)
    assert item.notified_rank == 3
    assert told(cast.supervisor, "assignment.listed") == 1
    assert overdue_ladder(d + dt.timedelta(days=31)) == 0
    kinds = list(item.events.values_list("kind", flat=True))
    assert kinds[-3:] == [EventKind.REMINDED, EventKind.SUPERVISED, EventKind.LISTED]


def test_a_rerun_acts_once(cast, item):
    assert overdue_ladder(item.deadline) == 1
    assert overdue_ladder(item.deadline) == 0
    assert told(cast.reporter_a, "assignment.remind") == 1


def test_a_missed_day_is_caught_up_at_the_level_reached(cast, item):
    assert overdue_ladder(item.deadline + dt.timedelta(days=9)) == 1
    assert told(cast.leader, "assignment.supervise") == 1
    assert told(cast.reporter_a, "assignment.remind") == 0


def test_an_extension_restarts_the_ladder_from_the_new_deadline(cast, item):
    overdue_ladder(item.deadline + dt.timedelta(days=7))
    new = item.deadline + dt.timedelta(days=20)
    extension = services.extension_request(actor=cast.reporter_a, assignment=item, new_deadline=new, reason="x")
    services.extension_grant(actor=cast.supervisor, extension=extension)
    assert overdue_ladder(item.deadline + dt.timedelta(days=8)) == 0
    assert overdue_ladder(new) == 1
    assert told(cast.reporter_a, "assignment.remind") == 1  # the first run went straight to 督办
    assert told(cast.reporter_a, "assignment.supervise") == 1


def test_closed_items_are_left_alone(cast, item):
    item = services.closeout_request(actor=cast.reporter_a, assignment=item, evidence="完成", expected_version=1)
    assert overdue_ladder(item.deadline + dt.timedelta(days=40)) == 0
    assert Assignment.objects.get(pk=item.pk).notified_rank == 0


def test_progress_reminders_go_on_the_last_working_day_of_a_cycle_without_an_update(cast, make_assignment):
    friday, monday = dt.date(2026, 6, 12), dt.date(2026, 6, 8)  # a plain working week (Dragon Boat is 19 June)
    with time_machine.travel(dt.datetime(2026, 6, 1, 2, tzinfo=dt.UTC), tick=False):  # entered the week before
        a = make_assignment(deadline=monday + dt.timedelta(days=60), cycle="weekly")
    assert progress_reminders(friday - dt.timedelta(days=1)) == 0
    assert progress_reminders(friday) == 1
    assert progress_reminders(friday) == 0  # the dedupe key holds
    assert told(cast.reporter_a, "assignment.progress_due") == 1
    a.updates.create(text="x", cycle_start=dt.date(2026, 6, 15), cycle_end=dt.date(2026, 6, 21),
                     posted_on=dt.date(2026, 6, 16), posted_by=cast.reporter_a)  # fmt: skip
    assert progress_reminders(dt.date(2026, 6, 18)) == 0  # 19 June is a holiday: Thursday is the last working day
