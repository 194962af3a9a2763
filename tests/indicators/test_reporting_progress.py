"""已报 / 应报 of a period (the open-period banner): one query, held to `metrics.units_reported`."""

import datetime as dt
import random

import pytest

from tuijin.indicators import analytics, metrics, queries
from tuijin.indicators.analytics import counted, period_filter
from tuijin.indicators.models import Indicator, Kind, Report, SubmissionStatus
from tuijin.orgs import services as org_services
from tuijin.orgs.models import Unit

from .conftest import YEAR

pytestmark = pytest.mark.django_db

S = SubmissionStatus
DEC_3 = dt.date(YEAR, 12, 3)  # November is open until its deadline (5 December)


@pytest.fixture
def towns(cast):
    return org_services.group_create(
        actor=cast.sysadmin, code="G-TWN", name="镇组", units=[cast.town_a1, cast.town_a2, cast.town_b1]
    )


@pytest.fixture
def fed(cast, catalogue, towns):
    """新开工重大项目: a count the project library feeds, ranked among the counties and the towns."""
    ind = Indicator.objects.create(code="PRJ", name="新开工重大项目", measure="个", kind=Kind.COUNT,
                                   key_work=catalogue.investment, fed_by_projects=True)  # fmt: skip
    ind.ranking_groups.set([cast.counties, towns])
    return ind


@pytest.fixture
def november(cast, catalogue, fed, make_report):
    """The hand-worked month (period 2026-11, today 3 December):

    甲县  FAI handed in                                   → 已报
    乙县  FAI in a draft, its fed PRJ counts on its own    → 未报 (its form is not handed in)
    高新区 FAI returned                                    → 未报
    甲一镇 fed-only, PRJ fed                               → 已报 (asked for nothing)
    甲二镇 fed-only, PRJ row without a value               → 未报
    乙一镇 nothing                                         → 未报
    示例市, 市资规局: in no ranking group                   → not expected
    So 2 of 6 units have reported.
    """
    make_report(cast.county_a, catalogue.fai, 11, 100)
    make_report(cast.county_b, catalogue.fai, 11, 90, status=S.DRAFT)
    make_report(cast.county_b, fed, 11, 4)
    make_report(cast.zone, catalogue.fai, 11, 80, status=S.RETURNED)
    make_report(cast.town_a1, fed, 11, 2, status=S.DRAFT)
    make_report(cast.town_a2, fed, 11, None, status=S.DRAFT)


def progress(units, indicators=None, month=11, today=DEC_3):
    return queries.reporting_progress(units, indicators, YEAR, month, today=today)


def test_hand_worked_month_counts_two_of_six(november):
    result = progress(Unit.objects.all())
    assert (result.reported, result.expected) == (2, 6)
    assert result.provisional
    assert result.banner == "截至 12月3日，2/6 个单位已报"


def test_one_indicator_counts_as_its_ranking_lists_reported_and_missing(cast, catalogue, fed, towns, november):
    for group, indicator in [(cast.counties, catalogue.fai), (cast.counties, fed), (towns, fed)]:
        ranking = analytics.indicator_ranking(indicator, YEAR, 11, group)
        result = progress(group.units.all(), [indicator])
        assert (result.reported, result.expected) == (len(ranking.rows), len(ranking.rows) + len(ranking.missing))
    assert (progress(cast.counties.units.all(), [fed]).reported) == 1  # 乙县's fed figure counts for PRJ
    assert (progress(towns.units.all(), [fed]).reported) == 1


def test_a_quarterly_indicator_out_of_its_quarter_expects_nobody(cast, catalogue, november):
    assert progress(Unit.objects.all(), [catalogue.parks]).expected == 0


def test_a_locked_period_is_not_provisional(november):
    result = progress(Unit.objects.all(), today=dt.date(YEAR, 12, 8))
    assert not result.provisional
    assert (result.reported, result.expected) == (2, 6)


def test_the_count_takes_one_query(november, django_assert_num_queries):
    units = Unit.objects.all()
    queries.periods.deadline_day(YEAR)  # the deadline rule is cached
    with django_assert_num_queries(2):  # the due indicators' ids, then the count
        progress(units)


def _reference(units, month) -> tuple[int, int]:
    due_ids = set(
        Indicator.objects.filter(is_active=True, frequency__in=queries.due_frequencies(month)).values_list(
            "pk", flat=True
        )
    )
    fed = dict(Indicator.objects.values_list("pk", "fed_by_projects"))
    due = {}
    for unit in units:
        of_groups = set(Indicator.objects.filter(ranking_groups__units=unit).values_list("pk", flat=True))
        due[unit.pk] = {i: fed[i] for i in of_groups & due_ids}
    rows = Report.objects.filter(counted(), period_filter(month), year=YEAR)
    return metrics.units_reported(due, set(rows.values_list("unit_id", "indicator_id")))


@pytest.mark.parametrize("seed", range(6))
def test_sql_count_equals_the_python_definition(cast, catalogue, fed, make_report, seed):
    rng = random.Random(seed)
    units = list(Unit.objects.all())
    statuses = list(S)
    for unit in units:
        status = rng.choice(statuses)
        for indicator in rng.sample([catalogue.fai, catalogue.gdp, catalogue.parks, fed], rng.randint(0, 4)):
            value = None if rng.random() < 0.2 else rng.randint(1, 50)
            make_report(unit, indicator, 12, value, status=status)
    result = progress(Unit.objects.all(), month=12, today=dt.date(YEAR + 1, 1, 2))
    assert (result.reported, result.expected) == _reference(units, 12)


def test_units_reported_reference_by_hand():
    due = {"a": {"FAI": False, "PRJ": True}, "b": {"FAI": False, "PRJ": True}, "c": {"PRJ": True}, "d": {}}
    assert metrics.units_reported(due, {("a", "FAI"), ("b", "PRJ"), ("c", "PRJ")}) == (2, 3)
