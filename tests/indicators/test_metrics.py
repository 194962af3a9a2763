"""The formulas of 对标对表 (pure, no database): DESIGN.md's worked examples and their edges."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuijin.indicators import metrics as m

D = Decimal


def shown(number: Decimal, places: int = 1) -> Decimal:
    """What a page shows: rounded at display only."""
    return number.quantize(D(1).scaleb(-places), rounding=ROUND_HALF_UP)


# --- DESIGN.md's worked example -------------------------------------------------------------


def test_zone_foreign_capital_after_july_is_past_half_but_behind_the_calendar():
    completion = m.completion(m.CUMULATIVE, m.HIGHER, D(13955), D(23978))
    progress = m.time_progress(m.LINEAR, 2026, 7)
    gap = m.pace_gap(m.CUMULATIVE, m.HIGHER, completion, progress)
    assert shown(completion * 100) == D("58.2")
    assert shown(progress * 100) == D("58.3")
    assert shown(gap) == D("-0.1")
    assert completion > D("0.5")  # 时间过半、任务过半 …
    assert gap < 0  # … but not on pace
    assert m.rag(gap) == m.AMBER
    assert m.band(gap) == m.LAGGING


# --- completion --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "direction", "value", "target", "expected"),
    [
        (m.CUMULATIVE, m.HIGHER, "50", "200", "0.25"),
        (m.COUNT, m.HIGHER, "3", "4", "0.75"),
        (m.RATE, m.HIGHER, "7.5", "6.0", "1.5"),  # pp above target
        (m.LEVEL, m.LOWER, "32", "35", "3"),  # PM2.5 below its cap is 3 pp better
        (m.LEVEL, m.LOWER, "38", "35", "-3"),
    ],
)
def test_completion_by_kind_and_direction(kind, direction, value, target, expected):
    assert m.completion(kind, direction, D(value), D(target)) == D(expected)


@pytest.mark.parametrize(("value", "target"), [("5", "0"), ("5", "-1"), ("5", None), (None, "10")])
def test_completion_is_undefined_without_a_positive_target_or_a_value(value, target):
    value = None if value is None else D(value)
    target = None if target is None else D(target)
    assert m.completion(m.CUMULATIVE, m.HIGHER, value, target) is None


# --- time progress -------------------------------------------------------------------------------


def test_time_progress_by_days_counts_to_the_last_day_of_the_month():
    assert m.time_progress(m.DAYS, 2026, 7) == D(212) / 365
    assert m.time_progress(m.DAYS, 2024, 2) == D(60) / 366  # leap year
    assert m.time_progress(m.DAYS, 2026, 12) == 1


def test_seasonal_time_progress_follows_last_years_curve_and_falls_back_to_linear():
    assert m.time_progress(m.SEASONAL, 2026, 6, D(30), D(120)) == D("0.25")
    assert m.time_progress(m.SEASONAL, 2026, 6, None, D(120)) == D("0.5")
    assert m.time_progress(m.SEASONAL, 2026, 6, D(30), D(0)) == D("0.5")
    assert m.time_progress(m.SEASONAL, 2026, 6, D(30), None) == D("0.5")


def test_quarterly_indicators_read_their_last_quarter_end():
    assert [m.due_month(m.QUARTERLY, month) for month in (1, 2, 3, 5, 7, 12)] == [None, None, 3, 3, 6, 12]
    assert m.due_month(m.MONTHLY, 7) == 7


# --- pace, colours, bands -------------------------------------------------------------------------


def test_pace_gap_of_rate_and_level_kinds_is_their_completion():
    assert m.pace_gap(m.RATE, m.HIGHER, D("1.5"), D("0.5")) == D("1.5")


def test_pace_gap_of_a_lower_is_better_flow_flips_so_staying_under_the_calendar_is_on_pace():
    assert m.pace_gap(m.CUMULATIVE, m.LOWER, D("0.4"), D("0.5")) == D(10)


@pytest.mark.parametrize(
    ("gap", "colour", "band"),
    [("6", m.GREEN, m.AHEAD), ("5", m.GREEN, m.AHEAD), ("4.99", m.GREEN, m.STEADY), ("0", m.GREEN, m.STEADY),
     ("-0.01", m.AMBER, m.LAGGING), ("-4.99", m.AMBER, m.LAGGING), ("-5", m.RED, m.LAGGING)],
)  # fmt: skip
def test_colour_and_band_thresholds(gap, colour, band):
    assert m.rag(D(gap)) == colour
    assert m.band(D(gap)) == band


def test_the_amber_threshold_is_a_parameter():
    assert m.rag(D(-4), amber_pp=D(3)) == m.RED
    assert m.rag(None) is None
    assert m.band(None) is None


# --- growth ---------------------------------------------------------------------------------------


def test_yoy_and_growth_change_in_percentage_points():
    assert m.yoy(D(121), D(100)) == D("0.21")
    # this year +21%, last year +8.9% → 12.1 pp higher than last year (增幅比去年同期高 12.1 个百分点)
    assert m.growth_change(D(121), D(100), D("108.9"), D(100)) == D("12.1")


@pytest.mark.parametrize(("value", "last"), [("5", "0"), ("5", "-2"), ("5", None), (None, "5")])
def test_yoy_is_undefined_where_last_year_is_not_positive_or_missing(value, last):
    assert m.yoy(None if value is None else D(value), None if last is None else D(last)) is None


def test_growth_change_needs_both_years():
    assert m.growth_change(D(121), D(100), None, D(100)) is None
    assert m.growth_change(D(121), D(100), D(100), D(0)) is None


# --- ranking ----------------------------------------------------------------------------------------


def test_ties_share_a_rank_and_the_next_rank_skips():
    assert m.competition_ranks([D(5), D(3), D(3), D(1)], higher_first=True) == [1, 2, 2, 4]


def test_undefined_keys_are_not_ranked():
    assert m.competition_ranks([D(1), None, D(2)], higher_first=True) == [2, None, 1]


@pytest.mark.parametrize(
    ("kind", "direction", "rank_key", "higher_first"),
    [
        (m.CUMULATIVE, m.HIGHER, m.BY_COMPLETION, True),
        (m.CUMULATIVE, m.LOWER, m.BY_COMPLETION, False),  # energy use: less of the cap used ranks first
        (m.LEVEL, m.LOWER, m.BY_COMPLETION, True),  # completion is already target − value
        (m.LEVEL, m.LOWER, m.BY_VALUE, False),  # PM2.5 by value: cleanest air first
        (m.RATE, m.HIGHER, m.BY_VALUE, True),
        (m.CUMULATIVE, m.LOWER, m.BY_YOY, False),
        (m.COUNT, m.HIGHER, m.BY_YOY, True),
    ],
)
def test_rank_direction(kind, direction, rank_key, higher_first):
    assert m.higher_ranks_first(kind, direction, rank_key) is higher_first


def test_lower_is_better_by_value_ranks_the_cleanest_first():
    spec = m.IndicatorSpec(m.LEVEL, m.LOWER, m.BY_VALUE)
    units = [m.UnitInput(D(40), D(35)), m.UnitInput(D(28), D(35)), m.UnitInput(D(33), D(35))]
    result = m.evaluate_group(spec, 2026, 6, units)
    assert [u.rank for u in result.units] == [3, 1, 2]
    assert [u.completion for u in result.units] == [D(-5), D(7), D(2)]


def test_rank_order_sorts_best_first_and_undefined_last():
    keys = [D(1), None, D(3), D(2)]
    assert sorted(keys, key=m.rank_order(m.CUMULATIVE, m.HIGHER, m.BY_COMPLETION)) == [D(3), D(2), D(1), None]
    assert sorted(keys, key=m.rank_order(m.LEVEL, m.LOWER, m.BY_VALUE)) == [D(1), D(2), D(3), None]


def test_top_and_bottom_marks_in_a_large_group():
    keys = [D(k) for k in (9, 8, 7, 6, 5, 4, 3)]
    flags = m.marks(keys, True, n=3)
    assert [t for t, _ in flags] == [True, True, True, False, False, False, False]
    assert [b for _, b in flags] == [False, False, False, False, True, True, True]


def test_units_tied_last_beyond_n_are_not_marked_bottom():
    # Ranks 1–6 and two 第7名 of 8 with N = 1: naming both would make 后一 two units; neither
    # occupies the last place by its official rank (7 is not > 8 − 1), so nobody is 后一.
    flags = m.marks([D(k) for k in (9, 8, 7, 6, 5, 4, 3, 3)], True, n=1)
    assert [b for _, b in flags] == [False] * 8


def test_a_unit_tied_at_the_fourth_place_of_seven_is_not_in_the_bottom_three():
    # Ranks 1, 2, 3, 4, 4, 6, 7: the last three places are 5–7; the two 第4名 lie above them.
    flags = m.marks([D(k) for k in (9, 8, 7, 6, 6, 4, 3)], True, n=3)
    assert [b for _, b in flags] == [False, False, False, False, False, True, True]
    assert [t for t, _ in flags] == [True, True, True, False, False, False, False]


def test_ties_at_the_very_end_are_all_marked_when_they_fit():
    # Ranks 1, 2, 3, 4, 5, 5, 5: the three 第5名 are the last three places.
    flags = m.marks([D(k) for k in (9, 8, 7, 6, 5, 5, 5)], True, n=3)
    assert [b for _, b in flags] == [False] * 4 + [True] * 3


def test_a_tied_last_group_larger_than_n_is_not_marked():
    # Ranks 1–4 and four 第5名 of 8 with N = 3: "后三" would name four units; none is marked.
    flags = m.marks([D(k) for k in (9, 8, 7, 6, 5, 5, 5, 5)], True, n=3)
    assert [b for _, b in flags] == [False] * 8


def test_lower_is_better_marks_by_the_official_rank():
    # PM2.5: the smallest is first. Keys 10 20 30 40 40 60 70 → ranks 1 2 3 4 4 6 7.
    flags = m.marks([D(k) for k in (70, 10, 40, 20, 60, 30, 40)], False, n=3)
    assert [b for _, b in flags] == [True, False, False, False, True, False, False]


def test_a_small_group_shows_only_its_leaders():
    flags = m.marks([D(3), D(2), D(1), D(0)], True, n=3)
    assert flags == [(True, False), (True, False), (True, False), (False, True)]
    assert m.marks([D(2), D(1)], True, n=3) == [(True, False), (True, False)]


def test_gap_to_the_unit_ranked_just_above_skips_ties():
    keys = [D("0.60"), D("0.55"), D("0.55"), D("0.50")]
    gaps = m.gaps_to_above(keys, True, scale=m.HUNDRED)
    assert gaps == [(None, None), (D("5.00"), 0), (D("5.00"), 0), (D("5.00"), 1)]


def test_group_benchmarks_total_average_best_and_missing():
    spec = m.IndicatorSpec(m.CUMULATIVE)
    units = [
        m.UnitInput(D(60), D(100)),
        m.UnitInput(None, D(100)),
        m.UnitInput(D(30), D(50)),
        m.UnitInput(D(10), D(40)),
    ]
    result = m.evaluate_group(spec, 2026, 6, units)
    assert result.total == D(100)
    assert result.average == D(100) / 3
    assert result.best == [0, 2]  # both at 60%
    assert result.units[1] is None  # 未报
    assert [u.rank for u in result.units if u] == [1, 1, 3]
    assert result.units[3].gap_to_above == D(35)  # 25% vs 60%: 35 pp behind
    assert m.evaluate_group(m.IndicatorSpec(m.RATE), 2026, 6, units).total is None  # rates do not sum


def test_quarterly_indicator_at_mid_year():
    spec = m.IndicatorSpec(m.COUNT)
    month = m.due_month(m.QUARTERLY, 7)
    result = m.evaluate_group(spec, 2026, month, [m.UnitInput(D(2), D(4))])
    assert result.units[0].time_progress == D("0.5")
    assert result.units[0].pace_gap == 0


# --- properties ------------------------------------------------------------------------------------

keys_strategy = st.lists(st.one_of(st.none(), st.decimals(-50, 50, places=1)), max_size=12)


@given(keys_strategy, st.booleans())
def test_a_rank_is_one_plus_the_number_of_strictly_better_units(keys, higher_first):
    ranks = m.competition_ranks(keys, higher_first)
    defined = [k for k in keys if k is not None]
    for key, rank in zip(keys, ranks, strict=True):
        if key is None:
            assert rank is None
        else:
            assert rank == 1 + sum(1 for o in defined if (o > key if higher_first else o < key))
    if defined:
        assert 1 in ranks


@given(keys_strategy, st.booleans(), st.integers(1, 4))
def test_no_unit_is_both_top_and_bottom_and_every_top_rank_is_within_n(keys, higher_first, n):
    ranks = m.competition_ranks(keys, higher_first)
    for (top, bottom), rank in zip(m.marks(keys, higher_first, n), ranks, strict=True):
        assert not (top and bottom)
        assert top == (rank is not None and rank <= n)


@given(keys_strategy, st.booleans(), st.integers(1, 4))
def test_bottom_marks_are_at_most_n_units_holding_the_last_places(keys, higher_first, n):
    ranks = m.competition_ranks(keys, higher_first)
    flags = m.marks(keys, higher_first, n)
    ranked = [(r, bottom) for r, (_, bottom) in zip(ranks, flags, strict=True) if r is not None]
    count = len(ranked)
    marked = [r for r, bottom in ranked if bottom]
    if count > 2 * n:
        assert len(marked) <= n
        # the marked units are the worst ones, ties are never split
        assert all(bottom == (r > count - n) for r, bottom in ranked)
        # no tie across the boundary (a unit ranked exactly count − n + 1): exactly N marked
        if any(r == count - n + 1 for r, _ in ranked):
            assert len(marked) == n
    else:
        # a small group: the leaders are 前N and every other ranked unit is 后N (as before)
        assert all(bottom == (r > n) for r, bottom in ranked)
    for key, (_, bottom) in zip(keys, flags, strict=True):
        assert bottom is False or key is not None


@given(keys_strategy, st.booleans())
def test_the_unit_above_is_better_and_nothing_lies_between(keys, higher_first):
    for key, (gap, above) in zip(keys, m.gaps_to_above(keys, higher_first), strict=True):
        if above is None:
            continue
        assert gap > 0
        better = keys[above]
        assert (better > key) if higher_first else (better < key)
        between = [k for k in keys if k is not None and min(key, better) < k < max(key, better)]
        assert between == []


@given(st.integers(1, 12), st.integers(2000, 2100))
def test_time_progress_is_within_the_year(month, year):
    for mode in (m.LINEAR, m.DAYS):
        assert 0 < m.time_progress(mode, year, month) <= 1
