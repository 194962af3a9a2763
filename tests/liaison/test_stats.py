"""Department statistics on a hand-worked month, the SQL held to the pure definition in
`metrics.py`, and the counts the bulletin and the assessment read.

March 2026, as of 2026-04-10 — 市资规局 (D) receives four parts:
1. sent Mon 03-02 (due 03-09), accepted 03-05 (3 days, on time), promised 03-20, resolved 03-18 (on time)
2. sent Mon 03-02 (due 03-09), accepted 03-11 (9 days, late), promised 03-31, resolved 04-02 (late)
3. sent Tue 03-10 (due 03-17), never answered: overdue
4. sent Mon 03-30 (due 04-07: Qingming 04-04..04-06), transferred 03-31 (1 day, on time) to 市住建局 (E)
D: received 4, answered 3, on time 2 of 4 due (50.0%), solved 2, on time 1 of 2 (50.0%),
average (3 + 9 + 1) / 3 = 4.3 days, 1 overdue open.
E: received 1 (03-31, due 04-07), not answered: 0 of 1 on time (0.0%), 1 overdue open.
"""

import datetime as dt

import pytest
import time_machine

from tests.liaison.conftest import part_of, write
from tuijin.liaison import metrics, services, stats
from tuijin.liaison.models import SheetAssignment

pytestmark = pytest.mark.django_db
D = dt.date
AS_OF = D(2026, 4, 10)


def on(day: dt.date):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 2, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def march(world):
    reporter, d = world.cast.reporter_a, world.dept_d
    with on(D(2026, 3, 2)):
        one, two = write(reporter, d, title="一"), write(reporter, d, title="二")
    with on(D(2026, 3, 5)):
        services.assignment_accept(actor=world.handler_d, assignment=part_of(one, d), answer="受理",
                                   promised_on=D(2026, 3, 20))  # fmt: skip
    with on(D(2026, 3, 10)):
        write(reporter, d, title="三")
    with on(D(2026, 3, 11)):
        services.assignment_accept(actor=world.handler_d, assignment=part_of(two, d), answer="受理",
                                   promised_on=D(2026, 3, 31))  # fmt: skip
    with on(D(2026, 3, 18)):
        services.assignment_resolve(actor=world.handler_d, assignment=part_of(one, d), result="已办")
    with on(D(2026, 3, 30)):
        four = write(reporter, d, title="四")
    with on(D(2026, 3, 31)):
        services.assignment_transfer(actor=world.handler_d, assignment=part_of(four, d), to_department=world.dept_e,
                                     reason="职能")  # fmt: skip
    with on(D(2026, 4, 2)):
        services.assignment_resolve(actor=world.handler_d, assignment=part_of(two, d), result="已办")
    return world


def test_department_stats_on_the_hand_worked_month(march):
    rows = stats.department_stats(start=D(2026, 3, 1), end=D(2026, 3, 31), as_of=AS_OF)
    by_code = {r.department.code: r for r in rows}
    d, e = by_code["C-D"], by_code["C-E"]
    assert (d.received, d.answered, d.answered_on_time, d.answer_due) == (4, 3, 2, 4)
    assert (d.solved, d.solved_on_time, d.solve_due, d.overdue_open) == (2, 1, 2, 1)
    assert f"{d.answered_on_time_pct:.1f}" == "50.0"
    assert f"{d.solved_on_time_pct:.1f}" == "50.0"
    assert f"{d.average_answer_days:.1f}" == "4.3"
    assert (e.received, e.answered, e.answer_due, e.overdue_open) == (1, 0, 1, 1)
    assert e.answered_on_time_pct == 0
    assert e.solved_on_time_pct is None
    assert e.average_answer_days is None


def test_the_sql_matches_the_reference_definition(march):
    rows = stats.department_stats(start=D(2026, 3, 1), end=D(2026, 3, 31), as_of=AS_OF)
    for row in rows:
        march_ = (D(2026, 3, 1), D(2026, 3, 31))
        parts = SheetAssignment.objects.filter(department=row.department, received_on__range=march_)
        reference = metrics.figures(
            [metrics.Part(p.status, p.received_on, p.due_on, p.answered_on, p.promised_on, p.resolved_on)
             for p in parts], AS_OF,
        )  # fmt: skip
        assert metrics.Figures(**{f: getattr(row, f) for f in metrics.Figures.__dataclass_fields__}) == reference


def test_a_department_with_nothing_received_has_no_percentages(march):
    rows = stats.department_stats(start=D(2026, 5, 1), end=D(2026, 5, 31), as_of=AS_OF)
    assert all(r.received == 0 and r.answered_on_time_pct is None for r in rows)


def test_overdue_sheets_and_overdue_answers(march):
    assert sorted(s.title for s in stats.overdue_sheets(as_of=AS_OF)) == ["三", "四"]
    assert sorted(s.title for s in stats.overdue_sheets(as_of=D(2026, 3, 17))) == []
    # answers due in March: two late/missing (二 answered late, 三 never), 一 on time.
    assert stats.overdue_answers(unit=march.dept_d, start=D(2026, 3, 1), end=D(2026, 3, 31), as_of=AS_OF) == 2
    assert stats.overdue_answers(unit=march.dept_e, start=D(2026, 4, 1), end=D(2026, 4, 30), as_of=AS_OF) == 1
