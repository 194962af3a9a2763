"""Due dates through the send service, around National Day and Spring Festival 2026 with their
make-up working days, in both day-counting modes; a year the calendar does not know refuses
the send; a transfer restarts the clock (or not, by the setting).

2026: Spring Festival 02-15..02-23 off, Sat 02-14 and Sat 02-28 worked; National Day
10-01..10-07 off, Sun 09-20 and Sat 10-10 worked.
"""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from tests.liaison.conftest import part_of, write
from tuijin.liaison import services
from tuijin.liaison.models import ContactSheet, SheetStatus

pytestmark = pytest.mark.django_db
D = dt.date


def on(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 2, 0, tzinfo=dt.UTC), tick=False)


@pytest.mark.parametrize(
    ("sent_on", "mode", "days", "due"),
    [
        # Natural days: the 7th day falls in the holiday and moves to the first working day after it.
        (D(2026, 9, 26), "natural", 7, D(2026, 10, 8)),
        (D(2026, 2, 9), "natural", 7, D(2026, 2, 24)),
        # ... a 7th day on a make-up Saturday stays there: it is a working day.
        (D(2026, 10, 3), "natural", 7, D(2026, 10, 10)),
        (D(2026, 2, 21), "natural", 7, D(2026, 2, 28)),
        # Working days: the holiday does not count, the make-up days do.
        (D(2026, 9, 28), "working", 7, D(2026, 10, 13)),
        (D(2026, 2, 12), "working", 3, D(2026, 2, 24)),
        (D(2026, 9, 18), "working", 1, D(2026, 9, 20)),
        # 02-11, 02-12, 02-13, Sat 02-14 (make-up), then after the holiday 02-24, 02-25, 02-26.
        (D(2026, 2, 10), "working", 7, D(2026, 2, 26)),
    ],
)
def test_the_answer_is_due_by_the_calendar(world, settings, sent_on, mode, days, due):
    settings.TUIJIN_SHEET_DAY_MODE = mode
    settings.TUIJIN_SHEET_ANSWER_DAYS = days
    with on(sent_on):
        sheet = write(world.cast.reporter_a, world.dept_d)
    part = part_of(sheet, world.dept_d)
    assert (part.received_on, part.due_on) == (sent_on, due)


def test_a_due_date_in_a_year_the_calendar_does_not_know_refuses_the_send(world):
    with on(D(2026, 12, 28)):
        draft = write(world.cast.reporter_a, world.dept_d, send=False)
        with pytest.raises(ValidationError) as info:
            services.sheet_send(actor=world.cast.reporter_a, sheet=draft)
    assert "2027" in info.value.messages[0]
    draft.refresh_from_db()
    assert draft.status == SheetStatus.DRAFT
    assert draft.number == ""
    assert not draft.assignments.exists()


def test_sending_in_a_year_nobody_has_entered_is_refused(world):
    draft = write(world.cast.reporter_a, world.dept_d, send=False)
    with on(D(2027, 1, 5)), pytest.raises(ValidationError, match="2027"):
        services.sheet_send(actor=world.cast.reporter_a, sheet=draft)
    assert ContactSheet.objects.get(pk=draft.pk).status == SheetStatus.DRAFT


@pytest.mark.parametrize(("restarts", "received", "due"), [(True, D(2026, 3, 13), D(2026, 3, 20)),
                                                           (False, D(2026, 3, 10), D(2026, 3, 17))])  # fmt: skip
def test_a_transfer_restarts_the_clock_by_the_setting(world, settings, restarts, received, due):
    settings.TUIJIN_SHEET_TRANSFER_RESTARTS_CLOCK = restarts
    with on(D(2026, 3, 10)):
        sheet = write(world.cast.reporter_a, world.dept_d)
    with on(D(2026, 3, 13)):
        new = services.assignment_transfer(
            actor=world.handler_d, assignment=part_of(sheet, world.dept_d), to_department=world.dept_e, reason="职能"
        )
    assert (new.received_on, new.due_on) == (received, due)


def test_a_late_answer_is_recorded_as_late(world):
    with on(D(2026, 3, 10)):
        sheet = write(world.cast.reporter_a, world.dept_d)
    with on(D(2026, 3, 18)):
        part = part_of(sheet, world.dept_d)
        services.assignment_accept(actor=world.handler_d, assignment=part, answer="受理", promised_on=D(2026, 3, 30))
    part.refresh_from_db()
    assert (part.answered_on, part.answer_days) == (D(2026, 3, 18), 8)
    assert sheet.events.get(kind="accepted").data["late"] is True
