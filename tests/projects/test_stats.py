"""Project statistics in the database: DESIGN.md's worked examples, due variants, scopes, rankings."""

from decimal import Decimal

import pytest

from tests.projects.stats_support import YEAR, bulk_projects, day
from tuijin.projects import stats
from tuijin.projects.models import PlanKind, Stage

D = Decimal


def pct(fraction) -> str:
    return f"{fraction * 100:.1f}"


def test_129_planned_86_started_comes_out_as_66_7(cast, django_assert_max_num_queries):
    bulk_projects(cast.county_a, 86, prefix="S", kind=PlanKind.NEW, stage=Stage.STARTED, started_on=day(4))
    bulk_projects(cast.county_a, 43, prefix="N", kind=PlanKind.NEW)
    projects = stats.scope_projects(cast.supervisor, stats.ALL)
    with django_assert_max_num_queries(2):
        annual = stats.figures(projects, YEAR, 12).annual
    assert (annual.planned_start, annual.started) == (129, 86)
    assert pct(annual.start_rate) == "66.7"
    assert annual.start_rate == D(86) / D(129)


def test_141_planned_97_completed_comes_out_as_68_8(cast):
    bulk_projects(cast.county_b, 97, prefix="C", kind=PlanKind.COMPLETING, stage=Stage.COMPLETED,
                  started_on=day(1, 1, YEAR - 1), completed_on=day(9, 30), completion_month=10)  # fmt: skip
    bulk_projects(cast.county_b, 44, prefix="O", kind=PlanKind.COMPLETING, stage=Stage.STARTED,
                  started_on=day(1, 1, YEAR - 1), completion_month=12)  # fmt: skip
    annual = stats.figures(stats.scope_projects(cast.supervisor, stats.ALL), YEAR, 12).annual
    assert (annual.planned_completion, annual.completed) == (141, 97)
    assert pct(annual.completion_rate) == "68.8"


def test_due_variants_count_only_what_the_calendar_asks_for_by_the_month(cast, make_project, make_progress):
    a = cast.county_a
    make_project(a, start_month=3, stage=Stage.STARTED, started_on=day(3, 15), planned_investment=6)
    make_project(a, start_month=5, planned_investment=6)
    make_project(a, start_month=9, stage=Stage.STARTED, started_on=day(4, 2), planned_investment=6)
    make_project(a, kind=PlanKind.CONTINUING, completion_month=6, planned_investment=6)
    make_project(a, kind=PlanKind.COMPLETING, completion_month=11, completed_on=day(5, 20), planned_investment=6)
    first = a.projects.order_by("code").first()
    make_progress(first, 1, "1.5", by=cast.reporter_a)
    make_progress(first, 6, "2.5", by=cast.reporter_a)
    make_progress(first, 7, "9", by=cast.reporter_a)  # after the period
    result = stats.figures(stats.scope_projects(cast.supervisor, stats.ALL), YEAR, 6)
    assert (result.annual.planned_start, result.annual.started) == (3, 2)
    assert (result.due.planned_start, result.due.started) == (2, 1)
    assert (result.annual.planned_completion, result.annual.completed) == (2, 1)
    assert (result.due.planned_completion, result.due.completed) == (1, 0)
    assert result.annual.ytd_investment == D(4)
    assert result.annual.investment_completion == D(4) / D(30)
    assert result.due.planned_investment == D(15)  # 30 × 6 / 12
    assert result.due.investment_completion == D(4) / D(15)


# --- scopes ------------------------------------------------------------------------------------------


@pytest.fixture
def spread(cast, make_project, designations, batch):
    """One 新开工 project in each of county A, its town, county B and the zone; tags and a batch."""
    projects = {
        "a": make_project(cast.county_a, stage=Stage.STARTED, started_on=day(2), batch=batch),
        "a1": make_project(cast.town_a1, batch=batch),
        "b": make_project(cast.county_b, stage=Stage.STARTED, started_on=day(3)),
        "z": make_project(cast.zone),
    }
    projects["a1"].designations.add(designations["MAYOR"])
    projects["b"].designations.add(designations["MAYOR"])
    return projects


@pytest.mark.parametrize(
    ("text", "planned", "started"),
    [("all", 4, 2), ("unit:C-A", 2, 1), ("unit:C-A-1", 1, 0), ("batch:B5", 2, 1), ("tag:市县长工程", 2, 1),
     ("tag:MAYOR", 2, 1)],
)  # fmt: skip
def test_a_scope_counts_its_unit_subtree_batch_or_designation(cast, spread, text, planned, started):
    scope = stats.resolve_scope(cast.supervisor, text)
    annual = stats.figures(stats.scope_projects(cast.supervisor, scope), YEAR, 6).annual
    assert (annual.planned_start, annual.started) == (planned, started)


def test_a_county_user_sees_only_the_projects_of_the_county(cast, spread):
    annual = stats.figures(stats.scope_projects(cast.reporter_a, stats.ALL), YEAR, 6).annual
    assert (annual.planned_start, annual.started) == (2, 1)
    tagged = stats.scope_projects(cast.reporter_a, stats.resolve_scope(cast.reporter_a, "tag:MAYOR"))
    assert list(tagged) == [spread["a1"]]


def test_a_unit_outside_the_users_view_is_not_found(cast):
    from django.http import Http404

    with pytest.raises(Http404):
        stats.resolve_scope(cast.reporter_a, "unit:C-B")
    with pytest.raises(Http404):
        stats.resolve_scope(cast.supervisor, "batch:NOPE")


@pytest.mark.parametrize("text", ["unit", "unit:", "region:X", "tag: "])
def test_a_malformed_scope_is_a_scope_error(cast, text):
    with pytest.raises(stats.ScopeError):
        stats.parse_scope(text)


# --- per unit of a ranking group ---------------------------------------------------------------------


def test_units_rank_by_their_rates_with_ties_and_undefined_rates_unranked(cast, make_project, four_counties):
    group, (a, b, e, f) = four_counties
    for unit, started, total in ((a, 1, 2), (b, 2, 2), (e, 1, 2)):
        for i in range(total):
            make_project(unit, stage=Stage.STARTED if i < started else Stage.PREPARATION,
                         started_on=day(2) if i < started else None)  # fmt: skip
    make_project(cast.town_a1, stage=Stage.STARTED, started_on=day(2))  # counts for county A
    make_project(f, kind=PlanKind.CONTINUING)  # nothing planned to start: unranked
    rows = stats.unit_rows(group, YEAR, 6)
    got = [(r.unit.code, r.figures.annual.started, r.figures.annual.planned_start, r.placings["start_rate"].rank)
           for r in rows]  # fmt: skip
    assert got == [("C-B", 2, 2, 1), ("C-A", 2, 3, 2), ("C-E", 1, 2, 3), ("C-F", 0, 0, None)]
    assert rows[0].placings["start_rate"].is_top
    assert rows[2].placings["start_rate"].is_top  # four ranked: 前三 wins over 后三


def test_ties_share_a_rank(cast, make_project, four_counties):
    group, units = four_counties
    for unit, started in zip(units, (1, 0, 0, 1), strict=True):
        make_project(
            unit, stage=Stage.STARTED if started else Stage.PREPARATION, started_on=day(2) if started else None
        )
    rows = stats.unit_rows(group, YEAR, 6)
    assert [(r.unit.code, r.placings["start_rate"].rank) for r in rows] == [
        ("C-A", 1), ("C-F", 1), ("C-B", 3), ("C-E", 3)
    ]  # fmt: skip


def test_unit_rows_follow_the_scopes_batch(cast, make_project, batch):
    make_project(cast.county_a, batch=batch, stage=Stage.STARTED, started_on=day(4))
    make_project(cast.county_a)
    make_project(cast.county_b)
    rows = stats.unit_rows(cast.counties, YEAR, 6, stats.resolve_scope(cast.supervisor, "batch:B5"))
    assert {r.unit.code: r.figures.annual.planned_start for r in rows} == {"C-A": 1, "C-B": 0}


@pytest.fixture
def four_counties(cast):
    from tuijin.orgs import services as org_services
    from tuijin.orgs.models import UnitType

    extra = [
        org_services.unit_create(actor=cast.sysadmin, code=code, name=name, type=UnitType.COUNTY, parent=cast.city)
        for code, name in (("C-E", "戊县"), ("C-F", "己县"))
    ]
    group = org_services.group_update(
        actor=cast.sysadmin, group=cast.counties, expected_version=cast.counties.version,
        code="G-CTY", name="县组", description="", sort_order=0, units=[cast.county_a, cast.county_b, *extra],
    )  # fmt: skip
    return group, [cast.county_a, cast.county_b, *extra]
