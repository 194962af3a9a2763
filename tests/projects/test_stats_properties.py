"""The SQL of `stats` equals the pure rules of `metrics` on generated projects.

Each example builds its projects inside a savepoint and rolls them back; the same facts go to
`metrics` as plain values. Counts, sums, rates (exactly), the flag lists and the per-unit rows.
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.projects.stats_support import YEAR
from tuijin.projects import metrics, stats
from tuijin.projects.models import PlanKind, Project, ProjectPlan, ProjectProgress, Stage

days = st.one_of(st.none(), st.dates(min_value=dt.date(YEAR - 1, 10, 1), max_value=dt.date(YEAR + 1, 2, 28)))
periods = st.sampled_from([(YEAR - 1, 11), (YEAR - 1, 12), *((YEAR, m) for m in range(1, 13))])
amounts = st.sampled_from([Decimal(0), Decimal("0.0001"), Decimal("1.5"), Decimal("12.3456"), Decimal(40)])
project_data = st.fixed_dictionaries({
    "unit": st.integers(0, 3),
    "kind": st.sampled_from([*PlanKind.values, None]),
    "planned_investment": amounts,
    "start_month": st.one_of(st.none(), st.integers(1, 12)),
    "completion_month": st.one_of(st.none(), st.integers(1, 12)),
    "stage": st.sampled_from(Stage.values),
    "planned_start_on": days,
    "started_on": days,
    "completed_on": days,
    "investments": st.dictionaries(periods, amounts, max_size=5),
})  # fmt: skip


def _facts(d) -> metrics.ProjectFacts:
    return metrics.ProjectFacts(
        kind=d["kind"], planned_investment=d["planned_investment"] if d["kind"] else metrics.ZERO,
        planned_start_month=d["start_month"], planned_completion_month=d["completion_month"], stage=d["stage"],
        planned_start_on=d["planned_start_on"], started_on=d["started_on"], completed_on=d["completed_on"],
        investments=d["investments"],
    )  # fmt: skip


def _build(data, units, reporter) -> list[Project]:
    projects = []
    for i, d in enumerate(data):
        p = Project.objects.create(
            code=f"H{i:03d}", name=f"生成{i}", unit=units[d["unit"]], total_investment=Decimal(1), stage=d["stage"],
            planned_start_on=d["planned_start_on"], started_on=d["started_on"], completed_on=d["completed_on"],
        )  # fmt: skip
        if d["kind"]:
            ProjectPlan.objects.create(
                project=p, year=YEAR, kind=d["kind"], planned_investment=d["planned_investment"],
                planned_start_month=d["start_month"], planned_completion_month=d["completion_month"],
            )  # fmt: skip
        for (y, m), value in d["investments"].items():
            ProjectProgress.objects.create(project=p, year=y, month=m, investment=value, reported_by=reporter)
        projects.append(p)
    return projects


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.lists(project_data, max_size=12),
    month=st.integers(1, 12),
    today=st.dates(min_value=dt.date(YEAR, 1, 1), max_value=dt.date(YEAR + 1, 1, 31)),
)
def test_sql_figures_and_lists_equal_the_pure_rules(cast, data, month, today):
    units = [cast.county_a, cast.town_a1, cast.county_b, cast.zone]
    on = metrics.as_of_date(YEAR, month, today)
    with transaction.atomic():
        projects = _build(data, units, cast.reporter_a)
        everything = stats.scope_projects(cast.supervisor, stats.ALL)
        result = stats.figures(everything, YEAR, month)
        scope_a = stats.resolve_scope(cast.supervisor, "unit:C-A")
        county_a = stats.figures(stats.scope_projects(cast.supervisor, scope_a), YEAR, month)
        slow = {p.code for p in stats.slow_to_start(everything, YEAR, on)}
        idle = {p.code for p in stats.idle(everything, YEAR, month, on)}
        rows = {r.unit.code: r for r in stats.unit_rows(cast.counties, YEAR, month)}
        transaction.set_rollback(True)
    facts = [_facts(d) for d in data]
    assert result == metrics.scope_figures(facts, YEAR, month)
    in_a = [f for f, d in zip(facts, data, strict=True) if d["unit"] in (0, 1)]
    assert county_a == metrics.scope_figures(in_a, YEAR, month)
    assert slow == {p.code for p, f in zip(projects, facts, strict=True) if metrics.is_slow_to_start(f, YEAR, on)}
    assert idle == {p.code for p, f in zip(projects, facts, strict=True) if metrics.is_idle(f, YEAR, month, on)}
    in_b = [f for f, d in zip(facts, data, strict=True) if d["unit"] == 2]
    assert rows["C-A"].figures == county_a
    assert rows["C-B"].figures == metrics.scope_figures(in_b, YEAR, month)
    expected = metrics.placings([county_a.annual.start_rate, rows["C-B"].figures.annual.start_rate])
    assert (rows["C-A"].placings["start_rate"], rows["C-B"].placings["start_rate"]) == tuple(expected)
