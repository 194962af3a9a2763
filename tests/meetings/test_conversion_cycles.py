"""An assignment converted from a meeting weeks after the meeting owes progress from the day it is
converted, not from the meeting: it is never born 漏报 (issue 11). Its 交办日期 stays the meeting's."""

import datetime as dt
import re

import time_machine
from rest_framework.test import APIClient

from tuijin.meetings import services
from tuijin.meetings.models import MeetingType
from tuijin.supervision import queries
from tuijin.supervision import services as supervision
from tuijin.supervision.models import Assignment


def at(day: dt.date):
    return time_machine.travel(dt.datetime.combine(day, dt.time(2, 0), tzinfo=dt.UTC), tick=False)  # 10:00 Shanghai


def converted(cast, held: dt.date, on: dt.date, cycle: str, *, decision: bool = False) -> Assignment:
    """A meeting held on `held` (reviewing 甲县, deciding for 甲县), converted on `on`."""
    with at(held):
        meeting = services.meeting_create(actor=cast.supervisor, type=MeetingType.PROMOTION, title="推进会", date=held,
                                          attending_units=[cast.county_a])  # fmt: skip
        review = services.review_save(actor=cast.supervisor, meeting=meeting, unit=cast.county_a, problems="用地滞后")
        item = services.decision_add(actor=cast.supervisor, meeting=meeting, text="完成报批", owner_unit=cast.county_a,
                                     deadline=held + dt.timedelta(days=120))  # fmt: skip
    with at(on):
        if decision:
            return services.decision_to_assignment(actor=cast.supervisor, decision=item, cycle=cycle)
        return services.review_problem_to_assignment(
            actor=cast.supervisor, problem=review.problems.get(), deadline=held + dt.timedelta(days=120), cycle=cycle
        )


def missed_on(a: Assignment, day: dt.date) -> int:
    with at(day):
        return len(queries.missed_cycles(Assignment.objects.get(pk=a.pk), day))


def shown(cast, client_for, a: Assignment, day: dt.date) -> tuple[str, str, int]:
    """The 漏报 badge of the item page and of the list, and the API's `missed_cycles`, on `day`."""
    with at(day):
        client = client_for(cast.supervisor)
        page = client.get(f"/supervision/{a.pk}/").content.decode()
        listing = client.get("/supervision/").content.decode()
        api = APIClient()
        api.force_authenticate(cast.supervisor)
        row = api.get(f"/api/v1/assignments/{a.pk}/").json()
    badge = re.findall(r'data-testid="missed">([^<]*)<', page)
    return (badge[0] if badge else ""), ("漏报" if "漏报" in listing else ""), row["missed_cycles"]


def test_a_problem_converted_20_days_after_the_meeting_owes_its_first_biweekly_report_14_days_later(cast, client_for):
    held = dt.date(2026, 10, 13)  # a Tuesday; converted on D+20, a Monday
    a = converted(cast, held, held + dt.timedelta(days=20), "biweekly")
    assert a.assigned_on == held  # 交办日期 stays the meeting's
    assert a.reporting_from == held + dt.timedelta(days=20)
    assert shown(cast, client_for, a, held + dt.timedelta(days=20)) == ("", "", 0)
    assert missed_on(a, held + dt.timedelta(days=33)) == 0  # the first cycle runs D+20 … D+33
    assert shown(cast, client_for, a, held + dt.timedelta(days=34)) == ("漏报 1 期", "漏报", 1)
    with at(held + dt.timedelta(days=21)):
        update = supervision.progress_post(actor=cast.reporter_a, assignment=a, text="已启动报批")
    assert (update.cycle_start, update.cycle_end, update.late) == (
        held + dt.timedelta(days=20), held + dt.timedelta(days=33), False,
    )  # fmt: skip
    assert missed_on(a, held + dt.timedelta(days=34)) == 0


def test_a_decision_of_a_month_end_meeting_converted_the_next_month_is_not_born_late(cast):
    held, on = dt.date(2026, 10, 31), dt.date(2026, 11, 20)
    a = converted(cast, held, on, "monthly", decision=True)
    assert a.assigned_on == held
    assert missed_on(a, on) == 0  # October (31st only) is not owed
    assert missed_on(a, dt.date(2026, 11, 30)) == 0
    assert missed_on(a, dt.date(2026, 12, 1)) == 1  # November (20–30) ended without a report


def test_a_problem_of_a_year_end_meeting_converted_in_january_owes_from_january(cast):
    held, on = dt.date(2026, 12, 28), dt.date(2027, 1, 11)  # both Mondays
    a = converted(cast, held, on, "weekly")
    assert (a.assigned_on, a.year) == (held, 2026)
    assert missed_on(a, on) == 0  # the weeks of 28 Dec and 4 Jan are not owed
    assert missed_on(a, dt.date(2027, 1, 17)) == 0
    assert missed_on(a, dt.date(2027, 1, 18)) == 1
