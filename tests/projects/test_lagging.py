"""The lists leaders act on, in the database: 迟迟不开工, 开而未建, overdue milestones, lagging batches."""

import datetime as dt

from tests.projects.stats_support import YEAR, day
from tuijin.projects import queries, stats
from tuijin.projects.models import Batch, Milestone, PlanKind, Stage


def codes(qs) -> list[str]:
    return [p.code for p in qs]


# --- 迟迟不开工 ---------------------------------------------------------------------------------------


def test_a_project_30_days_late_is_not_listed_but_31_days_is(cast, make_project):
    make_project(cast.county_a, code="L30", planned_start_on=day(3, 2), start_month=3)
    make_project(cast.county_a, code="L31", planned_start_on=day(3, 1), start_month=3, delay_reason="用地未报批")
    projects = stats.scope_projects(cast.supervisor, stats.ALL)
    listed = list(stats.slow_to_start(projects, YEAR, day(4, 1)))  # 31 and 30 days after
    assert codes(listed) == ["L31"]
    assert listed[0].planned_start == day(3, 1)
    assert listed[0].delay_reason == "用地未报批"


def test_without_a_planned_date_the_first_day_of_the_planned_month_counts(cast, make_project):
    make_project(cast.county_a, code="M4", start_month=4)
    make_project(cast.county_a, code="M5", start_month=5)
    projects = stats.scope_projects(cast.supervisor, stats.ALL)
    assert codes(stats.slow_to_start(projects, YEAR, day(5, 2))) == ["M4"]  # 1 April + 31 days
    assert codes(stats.slow_to_start(projects, YEAR, day(5, 1))) == []  # 30 days


def test_started_continuing_and_other_years_plans_are_not_slow_to_start(cast, make_project):
    make_project(cast.county_a, code="GO", start_month=1, stage=Stage.STARTED, started_on=day(5, 1))
    make_project(cast.county_a, code="CONT", kind=PlanKind.CONTINUING, start_month=1)
    make_project(cast.county_a, code="NEXT", start_month=1, year=YEAR + 1)
    make_project(cast.county_a, code="LATE", start_month=1, stage=Stage.STARTED, started_on=day(8, 1))
    projects = stats.scope_projects(cast.supervisor, stats.ALL)
    assert codes(stats.slow_to_start(projects, YEAR, day(6, 30))) == ["LATE"]  # started after the date


def test_the_longest_overdue_comes_first_and_other_units_stay_hidden(cast, make_project):
    make_project(cast.county_a, code="A-MAY", start_month=5)
    make_project(cast.county_a, code="A-FEB", start_month=2)
    make_project(cast.county_b, code="B-JAN", start_month=1)
    assert codes(stats.slow_to_start(stats.scope_projects(cast.supervisor, stats.ALL), YEAR, day(9, 30))) == [
        "B-JAN", "A-FEB", "A-MAY"
    ]  # fmt: skip
    assert codes(stats.slow_to_start(stats.scope_projects(cast.reporter_a, stats.ALL), YEAR, day(9, 30))) == [
        "A-FEB", "A-MAY"
    ]  # fmt: skip


# --- 开而未建 ----------------------------------------------------------------------------------------------


def test_started_with_no_investment_for_two_months_is_idle(cast, make_project, make_progress):
    quiet = make_project(cast.county_a, code="QUIET", stage=Stage.STARTED, started_on=day(2, 10))
    busy = make_project(cast.county_a, code="BUSY", stage=Stage.STARTED, started_on=day(2, 10))
    zero = make_project(cast.county_a, code="ZERO", stage=Stage.REGISTERED, started_on=day(2, 10))
    make_progress(quiet, 4, "3", by=cast.reporter_a)
    make_progress(busy, 5, "1", by=cast.reporter_a)
    make_progress(zero, 6, "0", by=cast.reporter_a)
    listed = list(stats.idle(stats.scope_projects(cast.supervisor, stats.ALL), YEAR, 6, day(6, 30)))
    assert codes(listed) == ["ZERO", "QUIET"]  # never invested first, then the longest idle
    assert listed[1].last_invested == YEAR * 100 + 4


def test_january_looks_back_into_december_for_idle_projects(cast, make_project, make_progress):
    december = make_project(cast.county_a, code="DEC", stage=Stage.STARTED, started_on=day(6, 1, YEAR - 1))
    november = make_project(cast.county_a, code="NOV", stage=Stage.STARTED, started_on=day(6, 1, YEAR - 1))
    make_progress(december, 12, "2", year=YEAR - 1, by=cast.reporter_a)
    make_progress(november, 11, "2", year=YEAR - 1, by=cast.reporter_a)
    listed = stats.idle(stats.scope_projects(cast.supervisor, stats.ALL), YEAR, 1, day(1, 31))
    assert codes(listed) == ["NOV"]


def test_recently_started_completed_or_suspended_projects_are_not_idle(cast, make_project):
    make_project(cast.county_a, code="THIS", stage=Stage.STARTED, started_on=day(6, 3))
    make_project(cast.county_a, code="LAST", stage=Stage.STARTED, started_on=day(5, 3))
    make_project(cast.county_a, code="TWO", stage=Stage.STARTED, started_on=day(4, 30))
    make_project(cast.county_a, code="DONE", stage=Stage.COMPLETED, started_on=day(1, 3), completed_on=day(6, 1))
    make_project(cast.county_a, code="HALT", stage=Stage.SUSPENDED, started_on=day(1, 3))
    listed = stats.idle(stats.scope_projects(cast.supervisor, stats.ALL), YEAR, 6, day(6, 30))
    assert codes(listed) == ["TWO"]


# --- milestones and batches ----------------------------------------------------------------------------------


def test_overdue_milestones_are_planned_before_the_date_and_not_done(cast, make_project):
    a = make_project(cast.county_a, code="MA")
    b = make_project(cast.county_b, code="MB")
    Milestone.objects.create(project=a, order=1, name="环评", planned_on=day(5, 1))
    Milestone.objects.create(project=a, order=2, name="用地", planned_on=day(4, 1), actual_on=day(4, 2))
    Milestone.objects.create(project=a, order=3, name="施工许可", planned_on=day(6, 30))
    Milestone.objects.create(project=b, order=1, name="立项", planned_on=day(3, 1))
    rows = stats.overdue_milestones(stats.scope_projects(cast.supervisor, stats.ALL), day(6, 30))
    assert [(m.project.code, m.name) for m in rows] == [("MB", "立项"), ("MA", "环评")]
    mine = stats.overdue_milestones(stats.scope_projects(cast.reporter_a, stats.ALL), day(6, 30))
    assert [m.name for m in mine] == ["环评"]


def test_a_batch_past_its_deadline_lists_its_laggards(cast, make_project, batch):
    make_project(cast.county_a, code="ON", batch=batch, stage=Stage.STARTED, started_on=day(6, 30))
    make_project(cast.county_a, code="AFTER", batch=batch, stage=Stage.STARTED, started_on=day(7, 1))
    make_project(cast.county_b, code="NEVER", batch=batch)
    full = Batch.objects.create(code="B4", name="第4批", launch_date=day(1, 5), start_deadline=day(3, 31))
    make_project(cast.county_a, code="FULL", batch=full, stage=Stage.STARTED, started_on=day(3, 1))
    projects = stats.scope_projects(cast.supervisor, stats.ALL)
    assert list(stats.lagging_batches(projects, day(6, 30))) == []  # the deadline is the 30th: not passed
    rows = list(stats.lagging_batches(projects, day(7, 2)))
    assert [(b.code, b.total, b.not_started, codes(b.laggards)) for b in rows] == [("B5", 3, 2, ["AFTER", "NEVER"])]
    mine = list(stats.lagging_batches(stats.scope_projects(cast.reporter_a, stats.ALL), day(7, 2)))
    assert [(b.total, b.not_started, codes(b.laggards)) for b in mine] == [(2, 1, ["AFTER"])]


# --- the project list's flags use these rules ------------------------------------------------------------


def test_the_project_list_flags_follow_the_statistics_rules(cast, make_project):
    today = dt.date(YEAR, 4, 1)
    make_project(cast.county_a, code="L31", planned_start_on=day(3, 1), start_month=3)
    make_project(cast.county_a, code="L30", planned_start_on=day(3, 2), start_month=3)
    qs = queries.apply_flag(queries.visible_projects(cast.supervisor), "late_start", today)
    assert codes(qs) == ["L31"]
