"""The scoring rules on hand-worked cases (no database): caps, ties, pro rata, deductions, bonuses."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuijin.assessment import metrics

# --- completion ---------------------------------------------------------------------------------


def test_completion_scores_weight_times_ratio():
    # 固定资产投资 280 of 350 亿元 → 80% → 20 × 0.8 = 16
    ratio = metrics.completion_ratio("cumulative", "higher", D(280), D(350))
    assert ratio == D("0.8")
    assert metrics.completion_points(D(20), ratio, D("1.2")) == D(16)


def test_completion_above_the_cap_scores_the_cap():
    # 150% against a cap of 120% → 20 × 1.2 = 24
    assert metrics.completion_points(D(20), D("1.5"), D("1.2")) == D(24)
    # exactly on the cap → the same
    assert metrics.completion_points(D(20), D("1.2"), D("1.2")) == D(24)


def test_completion_without_cap_is_not_capped():
    assert metrics.completion_points(D(10), D("1.5"), None) == D(15)


def test_completion_undefined_scores_zero():
    assert metrics.completion_ratio("cumulative", "higher", None, D(100)) is None
    assert metrics.completion_ratio("cumulative", "higher", D(5), D(0)) is None
    assert metrics.completion_points(D(20), None, D("1.2")) == 0


def test_negative_completion_scores_zero_not_negative():
    assert metrics.completion_points(D(20), D("-0.1"), D("1.2")) == 0


def test_lower_is_better_completion_is_target_over_value():
    # PM2.5 target 35, value 28 → 35 / 28 = 1.25 → capped at 1.2 → 10 × 1.2 = 12
    ratio = metrics.completion_ratio("level", "lower", D(28), D(35))
    assert ratio == D("1.25")
    assert metrics.completion_points(D(10), ratio, D("1.2")) == D(12)


def test_rate_completion_is_a_ratio_of_the_rates():
    # GDP growth 7.7% against a target of 7% → 1.1
    assert metrics.completion_ratio("rate", "higher", D("7.7"), D(7)) == D("1.1")


# --- rank points ----------------------------------------------------------------------------------


def test_rank_one_gets_the_full_weight_and_each_step_loses_the_step():
    assert metrics.rank_points(D(10), D(2), 1) == D(10)
    assert metrics.rank_points(D(10), D(2), 2) == D(8)
    assert metrics.rank_points(D(10), D(2), 4) == D(4)


def test_rank_points_never_go_below_zero():
    assert metrics.rank_points(D(10), D(3), 5) == 0  # 10 − 4 × 3 = −2 → 0


def test_unranked_units_score_zero():
    assert metrics.rank_points(D(10), D(2), None) == 0


def test_ties_share_the_points_of_their_rank():
    # keys 90, 80, 80, 70 → ranks 1, 2, 2, 4 → 10, 8, 8, 4 (step 2)
    keys = [D(90), D(80), D(80), D(70)]
    assert metrics.rank_points_for(keys, True, D(10), D(2)) == [D(10), D(8), D(8), D(4)]


def test_ties_lower_is_better_and_missing():
    # PM2.5: lower first; 30, 30, 35, None → ranks 1, 1, 3, — → 10, 10, 6, 0
    keys = [D(30), D(30), D(35), None]
    assert metrics.rank_points_for(keys, False, D(10), D(2)) == [D(10), D(10), D(6), D(0)]


def test_default_step_is_the_weight_over_the_group():
    assert metrics.default_step(D(14), 7) == D(2)
    assert metrics.rank_points(D(14), metrics.default_step(D(14), 7), 7) == D(2)


# --- pace -----------------------------------------------------------------------------------------


def test_on_pace_scores_the_full_weight():
    assert metrics.pace_points(D(10), D(0), D("0.5"), D("0.5")) == D(10)
    assert metrics.pace_points(D(10), D("3.2"), D("0.6"), D("0.5")) == D(10)


def test_behind_pace_scores_pro_rata():
    # completion 45% at time progress 50% → 10 × 0.45 / 0.5 = 9
    achieved, expected = metrics.pace_terms("cumulative", "higher", D("0.45"), D("0.5"))
    assert metrics.pace_points(D(10), D(-5), achieved, expected) == D(9)


def test_the_designs_worked_example_is_just_behind():
    # 13,955 of 23,978 after July: completion 58.2%, time progress 58.3%, gap −0.1 pp
    ratio = metrics.completion_ratio("cumulative", "higher", D(13955), D(23978))
    progress = D(7) / 12
    gap = (ratio - progress) * 100
    assert gap < 0
    achieved, expected = metrics.pace_terms("cumulative", "higher", ratio, progress)
    points = metrics.pace_points(D(10), gap, achieved, expected)
    assert D("9.97") < points < D(10)
    assert metrics.stored(points) == D("9.9770")  # 0.5819918 / 0.5833333 = 0.99770


def test_pace_of_rates_and_levels_is_the_ratio():
    achieved, expected = metrics.pace_terms("level", "lower", D("0.9"), None)
    assert (achieved, expected) == (D("0.9"), D(1))
    assert metrics.pace_points(D(10), D(-3), achieved, expected) == D(9)


def test_pace_undefined_scores_zero():
    assert metrics.pace_points(D(10), None, None, None) == 0
    assert metrics.pace_terms("cumulative", "higher", None, D("0.5")) == (None, None)


# --- deductions and bonus ------------------------------------------------------------------------


def test_deductions_per_item_capped():
    # 3 overdue answers × 1 point, cap 5 → 5 − 3 = 2
    assert metrics.deduction_points(D(5), 3, D(1), D(5)) == D(2)
    # 8 × 1 = 8, cap 5 → 5 − 5 = 0
    assert metrics.deduction_points(D(5), 8, D(1), D(5)) == D(0)


def test_a_zero_weight_deduction_is_negative_and_capped():
    # 挂牌督办 2 items × 1.5 = 3, cap 2 → −2
    assert metrics.deduction_points(D(0), 2, D("1.5"), D(2)) == D(-2)
    assert metrics.deduction_points(D(0), 0, D("1.5"), D(2)) == D(0)


def test_bonus_is_capped_at_the_weight():
    assert metrics.bonus_points(D(5), [D(2), D(1)]) == D(3)
    assert metrics.bonus_points(D(5), [D(4), D(3)]) == D(5)
    assert metrics.bonus_points(D(5), []) == D(0)


# --- totals and ranks ----------------------------------------------------------------------------


def test_total_is_lines_plus_adjustments():
    assert metrics.total([D("16"), D("8"), D("-2")], [D("1.5")]) == D("23.5")


def test_results_rank_with_ties_shared():
    assert metrics.result_ranks([D("88.5"), D("92"), D("88.5"), D("70")]) == [2, 1, 2, 4]


def test_stored_points_keep_four_decimals_half_up():
    assert metrics.stored(D("11.63983625")) == D("11.6398")
    assert metrics.stored(D("0.00005")) == D("0.0001")


@given(
    weight=st.decimals(min_value=1, max_value=50, places=2),
    step=st.decimals(min_value=0, max_value=10, places=2),
    ranks=st.lists(st.integers(min_value=1, max_value=20), min_size=1, max_size=10),
)
def test_rank_points_fall_with_rank_and_stay_within_the_weight(weight, step, ranks):
    points = {r: metrics.rank_points(weight, step, r) for r in ranks}
    for a in points:
        assert 0 <= points[a] <= weight
        for b in points:
            if a < b:
                assert points[a] >= points[b]


@pytest.mark.parametrize(
    ("ratio", "cap", "expected"),
    [(D("0.5"), D("1.2"), D(10)), (D("1.2"), D("1.2"), D(24)), (D("2"), D("1"), D(20)), (D(0), D("1.2"), D(0))],
)
def test_completion_table(ratio, cap, expected):
    assert metrics.completion_points(D(20), ratio, cap) == expected
