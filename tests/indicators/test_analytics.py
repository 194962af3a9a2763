"""对标对表 in the database: the SQL figures equal the pure formulas, and the pages show them.

The property test builds a random group of reports inside a savepoint per example and holds
`analytics.indicator_ranking` (window functions) to `metrics.evaluate_group`.
"""

import io
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from tests.indicators.conftest import YEAR
from tuijin.indicators import analytics, analytics_cockpit, analytics_matrix, analytics_warnings, metrics
from tuijin.indicators.models import (
    Direction,
    Indicator,
    Kind,
    RankKey,
    Report,
    Submission,
    SubmissionStatus,
    Target,
    TimeProgressMode,
)
from tuijin.orgs import services as org_services
from tuijin.orgs.models import UnitType

D = Decimal
POOL = 7

# --- SQL == metrics on generated data ---------------------------------------------------------------

amounts = st.one_of(st.none(), st.decimals(min_value=-20, max_value=2000, places=1))
positive_or_none = st.one_of(st.none(), st.decimals(min_value=0, max_value=2000, places=1))
unit_data = st.fixed_dictionaries({
    "status": st.sampled_from([SubmissionStatus.SUBMITTED, SubmissionStatus.ACCEPTED, SubmissionStatus.DRAFT, None]),
    "value": st.one_of(st.none(), st.decimals(min_value=0, max_value=2000, places=1)),
    "target": amounts,
    "last_year_value": amounts,
    "prev_status": st.sampled_from([SubmissionStatus.APPROVED, SubmissionStatus.RETURNED, None]),
    "prev_value": positive_or_none,
    "prev_last_year_value": amounts,
    "prev_december": positive_or_none,
})  # fmt: skip
specs = st.builds(
    metrics.IndicatorSpec,
    kind=st.sampled_from(list(Kind.values)),
    direction=st.sampled_from(list(Direction.values)),
    rank_key=st.sampled_from(list(RankKey.values)),
    time_progress_mode=st.sampled_from(list(TimeProgressMode.values)),
)


@pytest.fixture
def pool(cast, catalogue):
    """Seven units in one fresh ranking group (no other members), built once per test."""
    units = [
        org_services.unit_create(actor=cast.sysadmin, code=f"P-{i}", name=f"样本{i}", type=UnitType.COUNTY,
                                 parent=cast.city)
        for i in range(POOL)
    ]  # fmt: skip
    group = org_services.group_create(actor=cast.sysadmin, code="G-P", name="样本组", units=units)
    return group, units


def _report(unit, indicator, year, month, status, value, last_year_value=None):
    if status is None:
        return
    submission, _ = Submission.objects.get_or_create(unit=unit, year=year, month=month, defaults={"status": status})
    Report.objects.create(submission=submission, unit=unit, indicator=indicator, year=year, month=month,
                          value=value, last_year_value=last_year_value)  # fmt: skip


def _build(spec, month, data, units, key_work):
    indicator = Indicator.objects.create(
        code="X", name="生成指标", measure="亿元", key_work=key_work, kind=spec.kind, direction=spec.direction,
        rank_key=spec.rank_key, time_progress_mode=spec.time_progress_mode,
    )  # fmt: skip
    for unit, d in zip(units, data, strict=False):
        if d["target"] is not None:
            Target.objects.create(unit=unit, indicator=indicator, year=YEAR, value=d["target"])
        _report(unit, indicator, YEAR, month, d["status"], d["value"], d["last_year_value"])
        _report(unit, indicator, YEAR - 1, month, d["prev_status"], d["prev_value"], d["prev_last_year_value"])
        if month != 12:
            _report(unit, indicator, YEAR - 1, 12, d["prev_status"], d["prev_december"])
    return indicator


def _inputs(month, data, units) -> list[metrics.UnitInput]:
    """What the pure functions see: only counted, non-empty reports exist for them."""
    inputs = []
    for d in data[: len(units)]:
        counted = d["status"] in (SubmissionStatus.SUBMITTED, SubmissionStatus.ACCEPTED) and d["value"] is not None
        prev_counted = d["prev_status"] == SubmissionStatus.APPROVED
        prev_value = d["prev_value"] if prev_counted else None
        december = (prev_value if month == 12 else d["prev_december"]) if prev_counted else None
        inputs.append(metrics.UnitInput(
            value=d["value"] if counted else None, target=d["target"], last_year_value=d["last_year_value"],
            prev_value=prev_value, prev_last_year_value=d["prev_last_year_value"] if prev_counted else None,
            prev_december=december,
        ))  # fmt: skip
    return inputs


def close(sql, pure):
    if pure is None or sql is None:
        return sql is None and pure is None
    return abs(sql - pure) <= D("1e-9") * max(D(1), abs(pure))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=specs, month=st.integers(1, 12), data=st.lists(unit_data, min_size=1, max_size=POOL))
def test_sql_figures_and_ranks_equal_the_pure_formulas(pool, catalogue, spec, month, data):
    group, members = pool
    units = members[: len(data)]
    with transaction.atomic():
        indicator = _build(spec, month, data, units, catalogue.investment)
        result = analytics.indicator_ranking(indicator, YEAR, month, group)
        transaction.set_rollback(True)
    expected = metrics.evaluate_group(spec, YEAR, month, _inputs(month, data, units) + [metrics.UnitInput(None)] * (
        POOL - len(units)))  # fmt: skip
    rows = {row.unit.pk: row for row in result.rows}
    assert {u.pk for u in result.missing} == {members[i].pk for i, f in enumerate(expected.units) if f is None}
    for i, figures in enumerate(expected.units):
        if figures is None:
            continue
        row = rows[members[i].pk]
        for name in ("completion", "time_progress", "pace_gap", "yoy", "growth_change", "rank_key", "gap_to_above"):
            assert close(getattr(row, name), getattr(figures, name)), (name, getattr(row, name), getattr(figures, name))
        assert (row.rank, row.is_top, row.is_bottom) == (figures.rank, figures.is_top, figures.is_bottom)
        assert (row.rag, row.band) == (figures.rag, figures.band)
        assert row.above_unit == (None if figures.above is None else members[figures.above])
    assert result.total == expected.total
    assert result.average == expected.average
    assert [u.pk for u in result.best] == [members[i].pk for i in expected.best]


# --- worked examples through the database ---------------------------------------------------------


def test_the_zone_example_comes_out_of_the_database_exactly(cast, catalogue, make_target, make_report):
    make_target(cast.zone, catalogue.fdi, 23978)
    make_report(cast.zone, catalogue.fdi, 7, 13955)
    row = analytics.indicator_ranking(catalogue.fdi, YEAR, 7, cast.zones).rows[0]
    assert f"{row.completion * 100:.1f}" == "58.2"
    assert f"{row.time_progress * 100:.1f}" == "58.3"
    assert f"{row.pace_gap:.1f}" == "-0.1"
    assert row.rag == metrics.AMBER


@pytest.fixture
def four_counties(cast):
    extra = [
        org_services.unit_create(actor=cast.sysadmin, code=code, name=name, type=UnitType.COUNTY, parent=cast.city)
        for code, name in (("C-E", "戊县"), ("C-F", "己县"))
    ]
    group = org_services.group_update(
        actor=cast.sysadmin, group=cast.counties, expected_version=cast.counties.version,
        code="G-CTY", name="县组", description="", sort_order=0, units=[cast.county_a, cast.county_b, *extra],
    )  # fmt: skip
    return group, [cast.county_a, cast.county_b, *extra]


def test_ties_share_a_rank_in_sql(cast, catalogue, make_target, make_report, four_counties):
    group, (a, b, e, f) = four_counties
    for unit, value in ((a, 90), (b, 60), (e, 60), (f, 30)):
        make_target(unit, catalogue.fai, 100)
        make_report(unit, catalogue.fai, 6, value)
    result = analytics.indicator_ranking(catalogue.fai, YEAR, 6, group)
    assert [(r.unit.code, r.rank) for r in result.rows] == [("C-A", 1), ("C-B", 2), ("C-E", 2), ("C-F", 4)]
    assert result.rows[3].above_unit == b
    assert result.rows[3].gap_to_above == D(30)
    assert result.total == D(240)


def test_lower_is_better_ranks_the_cleanest_air_first(cast, catalogue, make_target, make_report):
    for unit, value in ((cast.county_a, 38), (cast.county_b, 31)):
        make_target(unit, catalogue.pm25, 35)
        make_report(unit, catalogue.pm25, 6, value)
    result = analytics.indicator_ranking(catalogue.pm25, YEAR, 6, cast.counties)
    assert [(r.unit.code, r.rank, r.completion) for r in result.rows] == [("C-B", 1, 4), ("C-A", 2, -3)]
    assert result.total is None  # levels do not add up


def test_units_without_a_counted_report_are_unranked_and_listed_as_missing(cast, catalogue, make_report):
    make_report(cast.county_a, catalogue.fai, 6, 50)
    make_report(cast.county_b, catalogue.fai, 6, 80, status=SubmissionStatus.DRAFT)
    result = analytics.indicator_ranking(catalogue.fai, YEAR, 6, cast.counties)
    assert [r.unit for r in result.rows] == [cast.county_a]
    assert result.rows[0].rank is None  # no target: completion undefined, so not ranked
    assert result.missing == [cast.county_b]


def test_a_quarterly_indicator_in_july_shows_june(cast, catalogue, make_target, make_report):
    make_target(cast.zone, catalogue.parks, 4)
    make_report(cast.zone, catalogue.parks, 6, 2)
    result = analytics.indicator_ranking(catalogue.parks, YEAR, 7, cast.zones)
    assert result.data_month == 6
    assert result.rows[0].pace_gap == 0
    assert not analytics.indicator_ranking(catalogue.parks, YEAR, 2, cast.zones).is_due


def test_the_matrix_agrees_with_the_ranking(cast, catalogue, make_target, make_report):
    make_target(cast.county_a, catalogue.fai, 200)
    make_report(cast.county_a, catalogue.fai, 6, 90)
    make_target(cast.county_a, catalogue.gdp, 6)
    make_report(cast.county_a, catalogue.gdp, 6, D("6.5"))
    grid = analytics_matrix.matrix(cast.counties, YEAR, 6, [cast.county_a, cast.county_b])
    cells = dict(zip(grid.indicators, grid.row(cast.county_a), strict=True))
    assert cells[catalogue.fai].completion == D("0.45")
    assert cells[catalogue.fai].rag == metrics.RED  # 45% against 50%: 5 pp behind
    assert cells[catalogue.gdp].completion == D("0.5")
    assert cells[catalogue.gdp].rag == metrics.GREEN
    assert not cells[catalogue.fdi].reported
    assert all(cell and not cell.reported for cell in grid.row(cast.county_b))


def test_the_cockpit_has_the_series_pace_line_and_ranks(cast, catalogue, make_target, make_report):
    make_target(cast.county_a, catalogue.fai, 120)
    make_target(cast.county_b, catalogue.fai, 120)
    for month, value in ((1, 8), (2, 20), (3, 31)):
        make_report(cast.county_a, catalogue.fai, month, value)
    make_report(cast.county_b, catalogue.fai, 3, 40)
    result = analytics_cockpit.cockpit(cast.county_a, YEAR, 3)
    line = next(x for x in result.lines if x.indicator == catalogue.fai)
    assert [p.month for p in line.points] == [1, 2, 3]
    assert [f"{p.time_progress:.4f}" for p in line.points] == ["0.0833", "0.1667", "0.2500"]
    assert line.current.completion == D(31) / 120 or close(line.current.completion, D(31) / 120)
    assert line.ranks == [(cast.counties, 2, 2)]


def test_the_warning_list_is_worst_first_and_scoped(cast, catalogue, make_target, make_report):
    for unit, value in ((cast.county_a, 40), (cast.county_b, 20), (cast.town_a1, 49)):
        make_target(unit, catalogue.fai, 100)
        make_report(unit, catalogue.fai, 6, value)
    everyone = list(analytics_warnings.warnings(cast.supervisor, YEAR, 6))
    assert [r.unit for r in everyone] == [cast.county_b, cast.county_a, cast.town_a1]
    assert [r.unit for r in analytics_warnings.warnings(cast.reporter_a, YEAR, 6)] == [cast.county_a, cast.town_a1]


# --- pages ---------------------------------------------------------------------------------------


@pytest.fixture
def june(cast, catalogue, make_target, make_report):
    """June: 甲县 45% of its investment target (5 pp behind, red), 乙县 not reported; the zone on pace."""
    make_target(cast.county_a, catalogue.fai, 200)
    make_report(cast.county_a, catalogue.fai, 6, 90, last_year=80)
    make_target(cast.county_b, catalogue.fai, 100)
    make_target(cast.zone, catalogue.fai, 100)
    make_report(cast.zone, catalogue.fai, 6, 51)
    return catalogue


def url(name, **params):
    from django.urls import reverse

    args = [params.pop("unit")] if "unit" in params else []
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse(f"indicators:{name}", args=args) + (f"?{query}" if query else "")


def test_ranking_page_shows_the_table_colours_and_missing_units(cast, june, client_for):
    response = client_for(cast.supervisor).get(url("ranking", group="G-CTY", indicator="FAI", year=YEAR, month=6))
    html = response.content.decode()
    assert response.status_code == 200
    assert "45.0%" in html
    assert "tj-rag-red" in html
    assert "未报" in html
    assert "乙县" in html
    assert 'id="chart-data"' in html
    assert "charts.js" in html


def test_matrix_page_colours_each_cell_by_pace(cast, june, client_for, django_assert_max_num_queries):
    client = client_for(cast.supervisor)
    # session, user, roles, groups, units (count, page), indicators, cells, inbox count, menu, OTP device,
    # and whether the period is locked (the year's reporting rule, the holidays)
    with django_assert_max_num_queries(18):
        response = client.get(url("matrix", group="G-CTY", year=YEAR, month=6))
    html = response.content.decode()
    assert 'class="text-end tj-rag-red tj-cell-red">45.0%' in html
    assert html.count("未报") >= 5  # 乙县 reported nothing


def test_the_matrix_lists_only_units_in_scope(cast, june, client_for):
    html = client_for(cast.reporter_a).get(url("matrix", group="G-CTY", year=YEAR, month=6)).content.decode()
    assert "甲县" in html
    assert "乙县" not in html


def test_cockpit_of_a_unit_in_scope_and_refusal_outside(cast, june, client_for):
    response = client_for(cast.head_a).get(url("cockpit", unit="C-A", year=YEAR, month=6))
    assert response.status_code == 200
    assert "县组 1/1" in response.content.decode()
    assert client_for(cast.reporter_b).get(url("cockpit", unit="C-A", year=YEAR, month=6)).status_code == 404


def test_a_ranking_of_a_group_without_members_in_scope_is_not_found(cast, june, client_for):
    client = client_for(cast.reporter_a)
    assert client.get(url("ranking", group="G-ZN", year=YEAR, month=6)).status_code == 404
    assert client.get(url("ranking", group="G-CTY", year=YEAR, month=6)).status_code == 200


def test_administrators_do_not_see_analytics(cast, june, client_for):
    for name in ("matrix", "ranking", "warnings"):
        assert client_for(cast.auditor).get(url(name, year=YEAR, month=6)).status_code == 403
    assert client_for(cast.sysadmin).get(url("cockpit", unit="C-A")).status_code == 403


def test_warning_list_pages_are_scoped_and_worst_first(cast, june, client_for, django_assert_max_num_queries):
    client = client_for(cast.supervisor)
    # session, user, roles, unit, indicators, the page's ids with the count, its rows, inbox count, session save
    with django_assert_max_num_queries(15):  # the menu's content flags (one), the period's lock (two), OTP device
        html = client.get(url("warnings", year=YEAR, month=6)).content.decode()
    assert "甲县" in html
    assert "高新区" not in html
    assert "甲县" not in client_for(cast.reporter_b).get(url("warnings", year=YEAR, month=6)).content.decode()


def test_a_bad_period_is_not_found(cast, client_for):
    assert client_for(cast.supervisor).get(url("matrix", year=YEAR, month=13)).status_code == 404


def read_xlsx(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content)).active


def test_ranking_export_is_the_table_as_shown(cast, june, client_for):
    response = client_for(cast.supervisor).get(url("ranking", group="G-CTY", indicator="FAI", year=YEAR, month=6,
                                                   export="xlsx"))  # fmt: skip
    ws = read_xlsx(response)
    headers = [c.value for c in ws[1]]
    row = dict(zip(headers, ws[2], strict=True))
    assert row["单位"].value == "甲县"
    assert row["完成率"].value == pytest.approx(0.45)
    assert row["完成率"].number_format == "0.0%"
    assert row["进度差（百分点）"].value == pytest.approx(-5)
    assert row["进度差（百分点）"].number_format == "0.0"
    assert row["进度差（百分点）"].fill.fgColor.rgb.endswith("F6D0D0")  # red
    assert row["同比增速"].value == pytest.approx(0.125)
    assert [c.value for c in ws[3]][:2] == ["未报", "乙县"]


def test_matrix_warning_and_cockpit_exports(cast, june, client_for):
    client = client_for(cast.supervisor)
    ws = read_xlsx(client.get(url("matrix", group="G-CTY", year=YEAR, month=6, export="xlsx")))
    assert [c.value for c in ws["A"]][1:] == ["甲县", "乙县"]
    assert ws["B2"].number_format == "0.0%"
    assert ws["B2"].fill.fgColor.rgb.endswith("F6D0D0")
    ws = read_xlsx(client.get(url("warnings", year=YEAR, month=6, export="xlsx")))
    assert [c.value for c in ws[2]][:2] == ["甲县", "固定资产投资"]
    ws = read_xlsx(client.get(url("cockpit", unit="C-A", year=YEAR, month=6, export="xlsx")))
    assert "固定资产投资" in [c.value for c in ws["A"]]
