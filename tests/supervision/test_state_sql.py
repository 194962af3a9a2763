"""The SQL annotations of colour and level hold to the pure functions (property test), and the
shared reads (listed items, counts by level) follow them."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tuijin.supervision import metrics, queries
from tuijin.supervision.models import Assignment, ProgressUpdate, Status

AS_OF = dt.date(2026, 6, 10)


def _row(cast, deadline, status=Status.OPEN, late=False) -> Assignment:
    assigned = min(deadline, AS_OF) - dt.timedelta(days=5)
    a = Assignment.objects.create(
        title="x", content="x", source_kind="other", owner_unit=cast.county_a, assigned_on=assigned,
        deadline=deadline, original_deadline=deadline, year=assigned.year, status=status, created_by=cast.supervisor,
    )  # fmt: skip
    if late:
        ProgressUpdate.objects.create(assignment=a, text="补报", cycle_start=assigned, cycle_end=assigned,
                                      posted_on=AS_OF, late=True, posted_by=cast.reporter_a)  # fmt: skip
    return a


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(
        st.tuples(st.integers(-45, 45), st.sampled_from(Status.values), st.booleans()), min_size=1, max_size=8
    )
)
def test_sql_colour_and_level_equal_the_pure_functions(cast, rows):
    Assignment.objects.all().delete()
    for offset, status, late in rows:
        _row(cast, AS_OF - dt.timedelta(days=offset), status, late)
    for a in queries.annotate_state(Assignment.objects.all(), AS_OF):
        active = a.status == Status.OPEN
        late = a.updates.filter(late=True).exists()
        assert a.level == metrics.overdue_level(a.deadline, AS_OF, active)
        assert a.colour == metrics.colour(a.deadline, AS_OF, caught_up_late=late, active=active)


def test_listed_items_and_counts_by_level_on_the_exact_days(cast):
    levels = {}
    for offset in (-1, 0, 7, 8, 29, 30, 31):
        levels[offset] = _row(cast, AS_OF - dt.timedelta(days=offset))
    _row(cast, AS_OF - dt.timedelta(days=60), status=Status.CLOSED)
    listed = list(queries.listed_items(as_of=AS_OF))
    assert [a.pk for a in listed] == [levels[31].pk, levels[30].pk]
    assert queries.counts_by_level(as_of=AS_OF) == {"": 1, "remind": 1, "supervise": 3, "listed": 2}


def test_thresholds_are_read_from_the_settings(cast, settings):
    settings.TUIJIN_ASSIGNMENT_LIST_DAYS = 10
    a = _row(cast, AS_OF - dt.timedelta(days=10))
    assert list(queries.listed_items(as_of=AS_OF)) == [a]
