"""Properties of every generated sentence (issue 15), over generated figures and rankings: Chinese
text takes full-width punctuation only, 前N names at most N units and only in a group of more than
2N, no unit is on both 红榜 and 黑榜, and every figure reads as its table cell does."""

import re
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from tuijin.bulletins import phrases
from tuijin.indicators import analytics_tables as at
from tuijin.indicators import metrics

# ASCII punctuation that Chinese text never takes; a comma or point inside a number is the figure's.
ASCII_PUNCTUATION = re.compile(r"[;:!?()]|,(?!\d{3})|(?<!\d)\.(?!\d)")
UNITS = [f"{c}县" for c in "甲乙丙丁戊己庚辛壬癸"] + ["示例高新区", "示例经济开发区"]

figures = st.decimals(min_value=Decimal("-999999"), max_value=Decimal("9999999"), places=3, allow_nan=False)
fractions = st.decimals(min_value=Decimal("-2"), max_value=Decimal("3"), places=4, allow_nan=False)
maybe = lambda s: st.none() | s  # noqa: E731


def assert_chinese(text: str) -> None:
    assert not ASCII_PUNCTUATION.search(text), text


@st.composite
def rankings(draw):
    units = draw(st.lists(st.sampled_from(UNITS), min_size=0, max_size=len(UNITS), unique=True))
    keys = draw(st.lists(st.integers(0, 5).map(Decimal), min_size=len(units), max_size=len(units)))
    ranks = metrics.competition_ranks(keys, True)
    order = sorted(range(len(units)), key=lambda i: ranks[i])
    return [(units[i], ranks[i]) for i in order], draw(st.integers(1, 3))


@settings(max_examples=300, deadline=None)
@given(rankings())
def test_the_ranking_sentence_names_at_most_n_as_top_and_only_in_a_large_group(case):
    ranks, n = case
    sentence = phrases.ranking_sentence(name="固定资产投资", group="县组", ranks=ranks, n=n)
    assert_chinese(sentence)
    top, bottom = phrases.ranked_names(ranks, n)
    assert not set(top) & set(bottom)
    if match := re.search(r"前[一二三]位为([^，]+)", sentence):
        assert len(ranks) > 2 * n
        assert len(match.group(1).split("、")) <= n
    if len(ranks) <= 2 * n:
        assert "前" not in sentence
        assert "后" not in sentence


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(UNITS), unique=True), st.lists(st.sampled_from(UNITS), unique=True))
def test_no_unit_is_on_both_lists(red, black):
    sentence = phrases.honour_sentence(red=red, black=black)
    assert_chinese(sentence)
    listed = re.search(r"列入红榜的有([^，]+)", sentence)
    blacked = re.search(r"列入黑榜的有([^，]+)", sentence)
    reds = set(listed.group(1).split("、")) if listed else set()
    blacks = set(blacked.group(1).split("、")) if blacked else set()
    assert not reds & blacks
    assert set(red) | set(black) <= reds | blacks | set(re.findall("|".join(UNITS), sentence))


@settings(max_examples=300, deadline=None)
@given(value=figures, decimals=st.integers(0, 2), yoy=maybe(fractions), change=maybe(fractions.map(lambda f: f * 100)),
       completion=maybe(fractions), month=st.integers(1, 12), provisional=st.booleans())  # fmt: skip
def test_the_figures_of_a_sentence_read_as_their_table_cells(value, decimals, yoy, change, completion, month,
                                                             provisional):  # fmt: skip
    sentence = phrases.cumulative_sentence(
        subject="全市", name="固定资产投资", value=value, decimals=decimals, measure="亿元", yoy=yoy,
        growth_change=change, completion=completion, time_progress=Decimal(month) / 12, month=month,
        provisional=provisional,
    )  # fmt: skip
    assert_chinese(sentence)
    assert f" {at.amount(value, decimals).text} 亿元" in sentence
    if completion is not None:
        assert f"完成全年目标的 {at.percent(completion).text}" in sentence
    if yoy is not None and phrases.rounded(yoy * 100) != 0:
        assert at.percent(abs(yoy)).text in sentence
    assert ("（暂计）" in sentence) == provisional


@settings(max_examples=200, deadline=None)
@given(value=figures, last=maybe(figures), target=maybe(figures), measure=st.sampled_from(["%", "微克/立方米"]),
       lower=st.booleans())  # fmt: skip
def test_a_rate_or_level_never_says_a_growth(value, last, target, measure, lower):
    sentence = phrases.level_sentence(subject="全市", name="地区生产总值增速", value=value, decimals=1,
                                      measure=measure, target=target, lower_is_better=lower, last=last)  # fmt: skip
    assert_chinese(sentence)
    assert "同比" not in sentence
    assert "增长" not in sentence
    assert at.amount(value, 1).text in sentence
