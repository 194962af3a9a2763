"""The early-warning list (进度预警) against the pure formulas, at the amber line, page by page.

`analytics_warnings.WarningList` reads a page's ids and the list's length in one SQL pass over
`analytics.pace_figures`; these tests hold what it lists to `metrics` (generated cases, every
kind, direction and time-progress mode) and its pages to the whole list the export writes.
"""

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st

from tests.indicators.conftest import YEAR
from tests.indicators.test_analytics import (
    POOL,
    _build,
    _inputs,
    close,
    pool,  # noqa: F401 (a fixture)
    specs,
    unit_data,
)
from tuijin.indicators import analytics_warnings, metrics
from tuijin.indicators.models import Direction, Indicator, Kind, SubmissionStatus

D = Decimal


def pages(listing, per_page):
    first = listing.page(1, per_page)
    rows = list(first.object_list)
    for number in range(2, first.paginator.num_pages + 1):
        rows += analytics_warnings.warnings(listing.user, listing.year, listing.month).page(number, per_page)
    return first.paginator.count, rows


@examples(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=specs, month=st.integers(1, 12), data=st.lists(unit_data, min_size=1, max_size=POOL))
def test_the_list_is_every_unit_behind_pace_by_the_pure_formulas(cast, pool, catalogue, spec, month, data):  # noqa: F811
    _group, members = pool
    units = members[: len(data)]
    with transaction.atomic():
        indicator = _build(spec, month, data, units, catalogue.investment)
        whole = list(analytics_warnings.warnings(cast.supervisor, YEAR, month))
        count, paged = pages(analytics_warnings.warnings(cast.supervisor, YEAR, month), 3)
        transaction.set_rollback(True)
    expected = {}
    for unit, unit_input in zip(units, _inputs(month, data, units), strict=True):
        if unit_input.value is None:
            continue
        completion, progress, gap, rag, band, *_rest = metrics.unit_figures(spec, YEAR, month, unit_input)
        if gap is not None and gap < 0:  # units without a target have no gap: never listed
            expected[unit.pk] = (completion, progress, gap, rag, band)
    assert {r.unit.pk for r in whole} == set(expected)
    assert all(r.indicator == indicator for r in whole)
    assert [(r.pace_gap, r.unit.path) for r in whole] == sorted((r.pace_gap, r.unit.path) for r in whole)
    for row in whole:
        completion, progress, gap, rag, band = expected[row.unit.pk]
        assert close(row.completion, completion), (row.completion, completion)
        assert close(row.time_progress, progress), (row.time_progress, progress)
        assert close(row.pace_gap, gap), (row.pace_gap, gap)
        assert (row.rag, row.band) == (rag, band)
    assert count == len(whole)
    assert paged == whole  # the pages, one query each, are the export's rows in the export's order


@pytest.fixture
def june(cast, catalogue, make_target, make_report):
    """June (time progress 50%): figures on both sides of the amber line, and some never listed."""
    cap = Indicator.objects.create(code="EN", name="能耗总量", measure="万吨标煤", kind=Kind.CUMULATIVE,
                                   direction=Direction.LOWER, key_work=catalogue.investment, sort_order=5)  # fmt: skip
    for unit, value in ((cast.county_a, 45), (cast.county_b, "45.1"), (cast.zone, 50), (cast.town_a1, "49.9")):
        make_target(unit, catalogue.fai, 100)
        make_report(unit, catalogue.fai, 6, value)
    make_report(cast.town_a2, catalogue.fai, 6, 10)  # no target: no pace, not a warning
    make_target(cast.town_b1, catalogue.fai, 100)
    make_report(cast.town_b1, catalogue.fai, 6, 5, status=SubmissionStatus.DRAFT)  # not handed in
    make_target(cast.county_a, cap, 100)
    make_report(cast.county_a, cap, 6, 55)  # 55% of a cap by mid-year: 5 pp over the line
    make_target(cast.county_b, catalogue.gdp, D("6.5"))
    make_report(cast.county_b, catalogue.gdp, 6, D("6.0"))  # a rate: 0.5 pp under its target
    make_target(cast.zone, catalogue.parks, 4)
    make_report(cast.zone, catalogue.parks, 6, 1)  # quarterly: stands for July and August too
    return cap


def test_the_amber_line_units_without_target_and_the_order(cast, catalogue, june):
    rows = list(analytics_warnings.warnings(cast.supervisor, YEAR, 6))
    listed = [(r.unit.code, r.indicator.code, f"{r.pace_gap:.1f}", r.rag, r.band) for r in rows]
    assert listed == [
        ("C-Z", "PARK", "-25.0", metrics.RED, metrics.LAGGING),  # 25% of 4 parks against 50%
        ("C-A", "FAI", "-5.0", metrics.RED, metrics.LAGGING),  # exactly −5 pp is red
        ("C-A", "EN", "-5.0", metrics.RED, metrics.LAGGING),  # tie: same unit, indicator order
        ("C-B", "FAI", "-4.9", metrics.AMBER, metrics.LAGGING),
        ("C-B", "GDP", "-0.5", metrics.AMBER, metrics.LAGGING),
        ("C-A-1", "FAI", "-0.1", metrics.AMBER, metrics.LAGGING),
    ]
    assert rows[1].pace_gap == -5
    assert (rows[1].value, rows[1].target, rows[1].completion, rows[1].time_progress) == (45, 100, D("0.45"), D("0.5"))


def test_the_amber_threshold_is_a_setting(cast, catalogue, june, settings):
    settings.TUIJIN_PACE_RED_PP = 10
    rows = list(analytics_warnings.warnings(cast.supervisor, YEAR, 6))
    assert [r.rag for r in rows] == [metrics.RED] + [metrics.AMBER] * 5


def test_a_quarterly_figure_is_listed_until_the_next_quarter_end(cast, catalogue, june):
    assert [r.indicator.code for r in analytics_warnings.warnings(cast.supervisor, YEAR, 8)] == ["PARK"]
    assert list(analytics_warnings.warnings(cast.supervisor, YEAR, 9)) == []


def test_inactive_indicators_and_other_units_are_left_out(cast, catalogue, june):
    Indicator.objects.filter(code="PARK").update(is_active=False)
    assert [r.unit.code for r in analytics_warnings.warnings(cast.reporter_a, YEAR, 6)] == ["C-A", "C-A", "C-A-1"]
    assert list(analytics_warnings.warnings(cast.reporter_a, YEAR, 7)) == []


def test_pages_count_the_whole_list_and_a_page_past_the_end_is_the_last(cast, catalogue, june):
    whole = list(analytics_warnings.warnings(cast.supervisor, YEAR, 6))
    second = analytics_warnings.warnings(cast.supervisor, YEAR, 6).page(2, 4)
    assert (second.paginator.count, second.paginator.num_pages, second.number) == (6, 2, 2)
    assert list(second.object_list) == whole[4:]
    assert analytics_warnings.warnings(cast.supervisor, YEAR, 6).page(99, 4).object_list == whole[4:]
    assert analytics_warnings.warnings(cast.supervisor, YEAR, 6).page("x", 4).object_list == whole[:4]
    empty = analytics_warnings.warnings(cast.supervisor, YEAR, 9).page(1, 4)
    assert (empty.paginator.count, list(empty.object_list)) == (0, [])


def test_a_page_is_read_in_a_fixed_number_of_queries(cast, catalogue, june, django_assert_num_queries):
    listing = analytics_warnings.warnings(cast.supervisor, YEAR, 6)
    with django_assert_num_queries(4):  # indicators, the user's roles, the page's ids with the count, its rows
        page = listing.page(1, 4)
        assert [r.unit.name for r in page.object_list] == ["高新区", "甲县", "甲县", "乙县"]


def test_seasonal_and_by_day_time_progress(cast, catalogue, make_target, make_report):
    """Seasonal: last year's share of December reached by June, where last year's reports count."""
    seasonal = Indicator.objects.create(code="SEA", name="旅游收入", measure="亿元", kind=Kind.CUMULATIVE,
                                        time_progress_mode="seasonal", key_work=catalogue.investment)  # fmt: skip
    by_day = Indicator.objects.create(code="DAY", name="用电量", measure="亿千瓦时", kind=Kind.CUMULATIVE,
                                      time_progress_mode="days", key_work=catalogue.investment)  # fmt: skip
    for unit, june, last_june, status in (
        (cast.county_a, 25, 30, SubmissionStatus.APPROVED),  # 25% against last year's 30%: −5 pp
        (cast.county_b, 45, 30, SubmissionStatus.RETURNED),  # last year not counted: linear, −5 pp
    ):
        make_target(unit, seasonal, 100)
        make_report(unit, seasonal, 6, june)
        make_report(unit, seasonal, 6, last_june, year=YEAR - 1, status=status)
        make_report(unit, seasonal, 12, 100, year=YEAR - 1, status=status)
    make_target(cast.zone, by_day, 100)
    make_report(cast.zone, by_day, 6, 45)  # 45% against 181 of 365 days
    rows = {r.unit.code: r for r in analytics_warnings.warnings(cast.supervisor, YEAR, 6)}
    assert (rows["C-A"].time_progress, rows["C-A"].pace_gap, rows["C-A"].rag) == (D("0.3"), -5, metrics.RED)
    assert (rows["C-B"].time_progress, rows["C-B"].pace_gap, rows["C-B"].rag) == (D("0.5"), -5, metrics.RED)
    progress = metrics.time_progress(metrics.DAYS, YEAR, 6)
    assert close(rows["C-Z"].time_progress, progress)
    assert close(rows["C-Z"].pace_gap, metrics.pace_gap(Kind.CUMULATIVE, Direction.HIGHER, D("0.45"), progress))
    assert rows["C-Z"].rag == metrics.AMBER
