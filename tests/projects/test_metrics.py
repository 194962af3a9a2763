"""The project rules as pure functions: DESIGN.md's worked examples, the due variants, the flags."""

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tuijin.projects import metrics
from tuijin.projects.metrics import ProjectFacts

D = Decimal
Y = 2026


def pct(fraction: Decimal) -> str:
    return f"{fraction * 100:.1f}"


# --- rates ---------------------------------------------------------------------------------------


def test_129_planned_86_started_is_a_start_rate_of_66_7():
    projects = [ProjectFacts(kind=metrics.NEW, started_on=dt.date(Y, 3, 1))] * 86 + [
        ProjectFacts(kind=metrics.NEW)
    ] * 43
    annual = metrics.scope_figures(projects, Y, 12).annual
    assert (annual.planned_start, annual.started) == (129, 86)
    assert pct(annual.start_rate) == "66.7"
    assert annual.start_rate == D(86) / D(129)  # unrounded


def test_141_planned_97_completed_is_a_completion_rate_of_68_8():
    done = ProjectFacts(kind=metrics.COMPLETING, planned_completion_month=11, completed_on=dt.date(Y, 10, 30))
    projects = [done] * 97 + [ProjectFacts(kind=metrics.COMPLETING, planned_completion_month=11)] * 44
    annual = metrics.scope_figures(projects, Y, 12).annual
    assert (annual.planned_completion, annual.completed) == (141, 97)
    assert pct(annual.completion_rate) == "68.8"


def test_nothing_planned_leaves_the_rates_undefined():
    figures = metrics.scope_figures([ProjectFacts(kind=metrics.CONTINUING)], Y, 6).annual
    assert figures.start_rate is None
    assert figures.completion_rate is None
    assert figures.investment_completion is None


def test_a_project_started_the_december_before_counts_as_started():
    figures = metrics.scope_figures([ProjectFacts(kind=metrics.NEW, started_on=dt.date(Y - 1, 12, 20))], Y, 1)
    assert figures.annual.started == 1


def test_a_start_after_the_period_end_does_not_count_yet():
    figures = metrics.scope_figures([ProjectFacts(kind=metrics.NEW, started_on=dt.date(Y, 7, 1))], Y, 6)
    assert figures.annual.started == 0


def test_any_plan_with_a_completion_month_is_planned_to_complete():
    assert metrics.plans_to_complete(metrics.NEW, 12)
    assert metrics.plans_to_complete(metrics.COMPLETING, None)
    assert not metrics.plans_to_complete(metrics.CONTINUING, None)
    assert not metrics.plans_to_complete(None, 5)


def test_due_variant_counts_only_plans_due_by_the_month():
    projects = [
        ProjectFacts(kind=metrics.NEW, planned_start_month=3, started_on=dt.date(Y, 3, 10)),
        ProjectFacts(kind=metrics.NEW, planned_start_month=5),
        ProjectFacts(kind=metrics.NEW, planned_start_month=9, started_on=dt.date(Y, 4, 1)),  # early
        ProjectFacts(kind=metrics.NEW),  # no month: due in December
    ]
    figures = metrics.scope_figures(projects, Y, 6)
    assert (figures.annual.planned_start, figures.annual.started) == (4, 2)
    assert (figures.due.planned_start, figures.due.started) == (2, 1)
    assert figures.due.start_rate == D("0.5")
    december = metrics.scope_figures(projects, Y, 12)
    assert december.due == december.annual


def test_investment_completion_and_its_due_variant_pro_rata():
    projects = [
        ProjectFacts(kind=metrics.NEW, planned_investment=D(8), investments={(Y, 1): D(1), (Y, 2): D(2), (Y, 4): D(9)}),
        ProjectFacts(kind=metrics.CONTINUING, planned_investment=D(4), investments={(Y - 1, 12): D(5), (Y, 3): D(1)}),
    ]
    figures = metrics.scope_figures(projects, Y, 3)
    assert figures.annual.planned_investment == D(12)
    assert figures.annual.ytd_investment == D(4)
    assert figures.annual.investment_completion == D(4) / D(12)
    assert figures.due.planned_investment == D(3)  # 12 × 3 / 12
    assert figures.due.investment_completion == D(4) / D(3)


# --- 迟迟不开工 ------------------------------------------------------------------------------------


def late(planned_start_on=None, month=None, started_on=None, kind=metrics.NEW):
    return ProjectFacts(kind=kind, planned_start_month=month, planned_start_on=planned_start_on, started_on=started_on)


def test_exactly_30_days_late_is_not_slow_to_start_but_31_is():
    planned = dt.date(Y, 3, 1)
    assert not metrics.is_slow_to_start(late(planned), Y, planned + dt.timedelta(days=30))
    assert metrics.is_slow_to_start(late(planned), Y, planned + dt.timedelta(days=31))


def test_the_planned_start_month_stands_in_for_a_missing_date():
    assert metrics.planned_start_date(None, Y, 4) == dt.date(Y, 4, 1)
    assert not metrics.is_slow_to_start(late(month=4), Y, dt.date(Y, 5, 1))  # 30 days
    assert metrics.is_slow_to_start(late(month=4), Y, dt.date(Y, 5, 2))  # 31 days


def test_started_or_not_new_projects_are_not_slow_to_start():
    on = dt.date(Y, 9, 30)
    assert not metrics.is_slow_to_start(late(month=3, started_on=dt.date(Y, 9, 1)), Y, on)
    assert not metrics.is_slow_to_start(late(month=3, kind=metrics.CONTINUING), Y, on)
    assert not metrics.is_slow_to_start(late(), Y, on)  # no planned start at all
    assert metrics.is_slow_to_start(late(month=3, started_on=dt.date(Y, 10, 5)), Y, on)  # started after `on`


# --- 开而未建 ----------------------------------------------------------------------------------------


def building(started_on, investments=None, stage=metrics.STARTED, completed_on=None):
    return ProjectFacts(stage=stage, started_on=started_on, completed_on=completed_on, investments=investments or {})


def test_started_without_investment_for_two_months_is_idle():
    on = dt.date(Y, 6, 30)
    assert metrics.is_idle(building(dt.date(Y, 2, 10), {(Y, 4): D(1)}), Y, 6, on)
    assert not metrics.is_idle(building(dt.date(Y, 2, 10), {(Y, 5): D(1)}), Y, 6, on)
    assert not metrics.is_idle(building(dt.date(Y, 2, 10), {(Y, 6): D("0.01")}), Y, 6, on)
    assert metrics.is_idle(building(dt.date(Y, 2, 10), {(Y, 6): D(0)}), Y, 6, on)  # a zero is no investment


def test_january_looks_back_into_december():
    on = dt.date(Y, 1, 31)
    assert metrics.previous_months(Y, 1) == [(Y, 1), (Y - 1, 12)]
    assert not metrics.is_idle(building(dt.date(Y - 1, 6, 1), {(Y - 1, 12): D(2)}), Y, 1, on)
    assert metrics.is_idle(building(dt.date(Y - 1, 6, 1), {(Y - 1, 11): D(2)}), Y, 1, on)


def test_a_project_started_this_month_or_last_month_is_not_idle_yet():
    on = dt.date(Y, 6, 30)
    assert not metrics.is_idle(building(dt.date(Y, 6, 2)), Y, 6, on)
    assert not metrics.is_idle(building(dt.date(Y, 5, 2)), Y, 6, on)
    assert metrics.is_idle(building(dt.date(Y, 4, 30)), Y, 6, on)


def test_completed_suspended_or_unstarted_projects_are_not_idle():
    on = dt.date(Y, 6, 30)
    assert not metrics.is_idle(building(dt.date(Y, 1, 5), completed_on=dt.date(Y, 6, 1)), Y, 6, on)
    assert not metrics.is_idle(building(dt.date(Y, 1, 5), stage=metrics.SUSPENDED), Y, 6, on)
    assert not metrics.is_idle(building(None, stage=metrics.PREPARATION), Y, 6, on)


# --- milestones, batches, the as-of date -------------------------------------------------------------


def test_overdue_milestones_are_planned_before_the_date_and_not_done():
    on = dt.date(Y, 6, 30)
    assert metrics.is_milestone_overdue(dt.date(Y, 6, 29), None, on)
    assert not metrics.is_milestone_overdue(dt.date(Y, 6, 30), None, on)
    assert not metrics.is_milestone_overdue(dt.date(Y, 6, 1), dt.date(Y, 6, 2), on)
    assert not metrics.is_milestone_overdue(None, None, on)


def test_batch_laggards_once_the_deadline_has_passed():
    deadline = dt.date(Y, 6, 30)
    started = [dt.date(Y, 6, 30), None, dt.date(Y, 7, 1)]
    assert metrics.batch_laggards(deadline, dt.date(Y, 6, 30), started) is None
    assert metrics.batch_laggards(deadline, dt.date(Y, 7, 2), started) == [1, 2]
    assert metrics.batch_laggards(deadline, dt.date(Y, 7, 2), started[:1]) == []


def test_as_of_is_the_period_end_for_a_past_period_and_today_for_the_current_one():
    assert metrics.as_of_date(Y, 2, dt.date(Y, 5, 3)) == dt.date(Y, 2, 28)
    assert metrics.as_of_date(Y, 5, dt.date(Y, 5, 3)) == dt.date(Y, 5, 3)


# --- ranking -----------------------------------------------------------------------------------------


def test_placings_use_competition_ranking_and_leave_undefined_rates_unranked():
    places = metrics.placings([D("0.9"), D("0.6"), None, D("0.6"), D("0.3")], mark_n=1)
    assert [p.rank for p in places] == [1, 2, None, 2, 4]
    assert [(p.is_top, p.is_bottom) for p in places] == [
        (True, False), (False, False), (False, False), (False, False), (False, True)
    ]  # fmt: skip


# --- properties ----------------------------------------------------------------------------------------

days = st.dates(min_value=dt.date(Y - 1, 1, 1), max_value=dt.date(Y + 1, 12, 31))
facts = st.builds(
    ProjectFacts,
    kind=st.sampled_from([metrics.NEW, metrics.CONTINUING, metrics.COMPLETING, metrics.PREPARATORY, None]),
    planned_investment=st.decimals(min_value=0, max_value=100, places=2),
    planned_start_month=st.one_of(st.none(), st.integers(1, 12)),
    planned_completion_month=st.one_of(st.none(), st.integers(1, 12)),
    started_on=st.one_of(st.none(), days),
    completed_on=st.one_of(st.none(), days),
)


@given(projects=st.lists(facts, max_size=20), month=st.integers(1, 12))
def test_due_counts_never_exceed_annual_ones_and_equal_them_in_december(projects, month):
    figures = metrics.scope_figures(projects, Y, month)
    for name in ("planned_start", "started", "planned_completion", "completed"):
        assert getattr(figures.due, name) <= getattr(figures.annual, name)
    assert figures.annual.started <= figures.annual.planned_start
    for rate in (figures.annual.start_rate, figures.annual.completion_rate):
        assert rate is None or 0 <= rate <= 1
    if month == 12:
        assert figures.due == figures.annual


@given(start=days, offset=st.integers(0, 400))
def test_slow_to_start_exactly_when_more_than_30_days_late(start, offset):
    on = start + dt.timedelta(days=offset)
    assert metrics.is_slow_to_start(late(start), Y, on) == (offset > 30)
