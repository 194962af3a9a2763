"""The pure rules: overdue levels and colours on the exact days, progress cycles, missed cycles."""

import datetime as dt

import pytest

from tuijin.supervision import metrics

DEADLINE = dt.date(2026, 6, 10)


def day(offset: int) -> dt.date:
    return DEADLINE + dt.timedelta(days=offset)


@pytest.mark.parametrize(
    ("offset", "level"),
    [(-1, metrics.NONE), (0, metrics.REMIND), (6, metrics.REMIND), (7, metrics.SUPERVISE), (8, metrics.SUPERVISE),
     (29, metrics.SUPERVISE), (30, metrics.LISTED), (31, metrics.LISTED)],
)  # fmt: skip
def test_overdue_level_on_the_exact_days(offset, level):
    assert metrics.overdue_level(DEADLINE, day(offset)) == level


def test_an_item_no_longer_open_has_no_level_and_no_colour():
    assert metrics.overdue_level(DEADLINE, day(40), active=False) == metrics.NONE
    assert metrics.colour(DEADLINE, day(40), active=False) == ""


@pytest.mark.parametrize(
    ("offset", "colour"),
    [(-10, metrics.GREEN), (-4, metrics.GREEN), (-3, metrics.YELLOW), (-1, metrics.YELLOW), (0, metrics.YELLOW),
     (1, metrics.RED), (31, metrics.RED)],
)  # fmt: skip
def test_colour_by_days_to_the_deadline(offset, colour):
    assert metrics.colour(DEADLINE, day(offset)) == colour


def test_a_missed_cycle_caught_up_late_turns_an_on_track_item_yellow_but_never_hides_red():
    assert metrics.colour(DEADLINE, day(-20), caught_up_late=True) == metrics.YELLOW
    assert metrics.colour(DEADLINE, day(2), caught_up_late=True) == metrics.RED


def test_thresholds_are_settings():
    th = metrics.Thresholds(yellow_days=5, remind_days=1, supervise_days=3, list_days=10)
    assert metrics.colour(DEADLINE, day(-5), th=th) == metrics.YELLOW
    assert metrics.overdue_level(DEADLINE, day(0), th=th) == metrics.NONE
    assert metrics.overdue_level(DEADLINE, day(3), th=th) == metrics.SUPERVISE
    assert metrics.overdue_level(DEADLINE, day(10), th=th) == metrics.LISTED


def test_weekly_cycles_run_monday_to_sunday_from_the_day_assigned():
    assigned = dt.date(2026, 6, 3)  # a Wednesday
    assert metrics.cycles(assigned, dt.date(2026, 6, 16), metrics.WEEKLY) == [
        (dt.date(2026, 6, 3), dt.date(2026, 6, 7)),
        (dt.date(2026, 6, 8), dt.date(2026, 6, 14)),
        (dt.date(2026, 6, 15), dt.date(2026, 6, 21)),
    ]


def test_biweekly_cycles_count_two_weeks_from_the_first_week():
    assigned = dt.date(2026, 6, 3)
    assert metrics.cycle_of(dt.date(2026, 6, 14), assigned, metrics.BIWEEKLY) == (assigned, dt.date(2026, 6, 14))
    assert metrics.cycle_of(dt.date(2026, 6, 15), assigned, metrics.BIWEEKLY) == (
        dt.date(2026, 6, 15), dt.date(2026, 6, 28))  # fmt: skip


def test_monthly_cycles_are_calendar_months():
    assigned = dt.date(2026, 11, 20)
    assert metrics.cycles(assigned, dt.date(2027, 1, 5), metrics.MONTHLY) == [
        (dt.date(2026, 11, 20), dt.date(2026, 11, 30)),
        (dt.date(2026, 12, 1), dt.date(2026, 12, 31)),
        (dt.date(2027, 1, 1), dt.date(2027, 1, 31)),
    ]


def test_a_cycle_is_missed_when_it_ended_without_an_update_posted_within_it():
    assigned = dt.date(2026, 6, 1)  # Monday
    posted = [dt.date(2026, 6, 5), dt.date(2026, 6, 16)]  # week 1 on time; week 2 caught up in week 3
    missed = metrics.missed_cycles(assigned, dt.date(2026, 6, 22), metrics.WEEKLY, posted)
    assert missed == [(dt.date(2026, 6, 8), dt.date(2026, 6, 14))]  # the current week (22–28) is not owed yet


def test_no_cycle_is_owed_after_reporting_stopped():
    assigned = dt.date(2026, 6, 1)
    missed = metrics.missed_cycles(assigned, dt.date(2026, 7, 30), metrics.WEEKLY, [], stop=dt.date(2026, 6, 10))
    assert missed == [(dt.date(2026, 6, 1), dt.date(2026, 6, 7))]


def test_a_cycle_caught_up_late_is_no_longer_missed():
    assigned = dt.date(2026, 6, 1)
    posted = [dt.date(2026, 6, 16)]  # week 2 answered in week 3 (caught up); week 1 never
    missed = metrics.missed_cycles(assigned, dt.date(2026, 6, 22), metrics.WEEKLY, posted,
                                   caught_up=[dt.date(2026, 6, 8)])  # fmt: skip
    assert missed == [(dt.date(2026, 6, 1), dt.date(2026, 6, 7))]
