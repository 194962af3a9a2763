"""The generated sentences, worked by hand (no database)."""

from decimal import Decimal as D

from tuijin.bulletins import phrases

ISSUE_SENTENCE = (
    "全市累计完成固定资产投资 971.6 亿元，同比增长 20.7%，增幅比去年同期高 12.1 个百分点，"
    "完成全年目标的 51.4%，实现时间过半、任务过半"
)


def investment(**overrides):
    figures = {
        "subject": "全市", "name": "固定资产投资", "value": D("971.6"), "decimals": 1, "measure": "亿元",
        # 971.6 of a 1890.3 target; 971.6 against 805.0 last year (growth 20.7%) after 8.6% a year before.
        "yoy": D("971.6") / D("805.0") - 1, "growth_change": (D("971.6") / D("805.0") - D("1.086")) * 100,
        "completion": D("971.6") / D("1890.3"), "time_progress": D(6) / 12, "month": 6,
    }  # fmt: skip
    return phrases.cumulative_sentence(**{**figures, **overrides})


def test_the_worked_example_of_the_issue_reads_exactly_so():
    assert investment() == ISSUE_SENTENCE


def test_growth_below_last_year_says_lower_by_the_points():
    # Growth 5.0% this year after 8.2% a year before: 3.2 points lower.
    sentence = investment(yoy=D("0.05"), growth_change=D("-3.2"))
    assert "同比增长 5.0%，增幅比去年同期低 3.2 个百分点，" in sentence


def test_a_fall_says_decline_and_equal_growth_says_unchanged():
    assert phrases.yoy_clause(D("-0.032")) == "同比下降 3.2%"
    assert phrases.growth_change_clause(D("0.04")) == "增幅与去年同期持平"


def test_completion_behind_the_calendar_says_by_how_much_and_claims_no_half():
    # 48.2% of the target at month 6 (time progress 50.0%): 1.8 points behind.
    sentence = investment(completion=D("0.482"))
    assert sentence.endswith("完成全年目标的 48.2%，低于时序进度 1.8 个百分点")
    assert "时间过半" not in sentence


def test_the_zone_of_the_design_example_is_past_half_but_behind_the_calendar():
    # DESIGN.md: 13,955 of 23,978 after July → 58.2%, time progress 58.3%, gap −0.1 pp.
    sentence = phrases.cumulative_sentence(
        subject="高新区", name="合同外资", value=D(13955), decimals=0, measure="万美元", yoy=None,
        growth_change=None, completion=D(13955) / D(23978), time_progress=D(7) / 12, month=7,
    )  # fmt: skip
    assert sentence == "高新区累计完成合同外资 13,955 万美元，完成全年目标的 58.2%，低于时序进度 0.1 个百分点"


def test_undefined_yoy_leaves_out_both_growth_clauses():
    sentence = investment(yoy=None, growth_change=None)
    assert sentence == "全市累计完成固定资产投资 971.6 亿元，完成全年目标的 51.4%，实现时间过半、任务过半"


def test_ahead_of_the_calendar_outside_mid_year_says_faster_by():
    sentence = investment(completion=D("0.80"), time_progress=D(9) / 12, month=9)
    assert sentence.endswith("完成全年目标的 80.0%，快于时序进度 5.0 个百分点")


def test_half_and_half_needs_month_six_half_the_target_and_the_calendar():
    assert phrases.is_half_and_half(D("0.514"), D("0.5"), 6) is True
    assert phrases.is_half_and_half(D("0.499"), D("0.496"), 6) is False  # by days: ahead of pace, not half
    assert phrases.is_half_and_half(D("0.9"), D("0.75"), 9) is None


def test_the_narrow_lead_over_the_next_unit():
    assert phrases.gap_to_above_clause("西山区", D("0.26")) == "仅高于西山区 0.3 个百分点"
    assert phrases.close_race_sentence(leader="东湖区", runner_up="西山区", gap_pp=D("0.3")) == (
        "东湖区仅高于西山区 0.3 个百分点"
    )
    assert phrases.gap_to_above_clause("西山区", None) == ""


def test_a_rate_against_its_target():
    gdp = phrases.level_sentence(
        subject="全市", name="地区生产总值增速", value=D("7.24"), decimals=1, measure="%", target=D("7.0"),
        lower_is_better=False,
    )  # fmt: skip
    assert gdp == "全市地区生产总值增速为 7.2%，高于年度目标 0.2 个百分点"
    pm = phrases.level_sentence(
        subject="东湖区", name="PM2.5平均浓度", value=D("36.5"), decimals=1, measure="微克/立方米",
        target=D("35"), lower_is_better=True,
    )  # fmt: skip
    assert pm == "东湖区PM2.5平均浓度为 36.5 微克/立方米，劣于年度目标 1.5 微克/立方米"


def ranks(*pairs):
    return [(name, rank) for name, rank in pairs]


def test_rankings_projects_and_lists():
    # Seven units ranked 1, 2, 3, 4, 4, 4, 7: only 第7名 lies in the last three places.
    seven = ranks(("甲", 1), ("乙", 2), ("丙", 3), ("A", 4), ("B", 4), ("C", 4), ("丁", 7))
    assert (
        phrases.ranking_sentence(name="固定资产投资", group="县（市、区）组", ranks=seven, missing=["戊"])
        == "固定资产投资（县（市、区）组），前三位为甲、乙、丙，末位为丁，戊未报送"
    )
    # Ranks 1, 2, 3, 4, 4, 6, 7: the two 第4名 are not 后三, and the sentence names two, not "后三位".
    tied = ranks(("甲", 1), ("乙", 2), ("丙", 3), ("丁", 4), ("戊", 4), ("庚", 6), ("辛", 7))
    assert (
        phrases.ranking_sentence(name="合同外资", group="县组", ranks=tied)
        == "合同外资（县组），前三位为甲、乙、丙，后两位为庚、辛"
    )
    # DESIGN.md: 129 planned to start, 86 started → 66.7%; 141 to complete, 97 done → 68.8%.
    assert phrases.project_sentence(
        subject="全市",
        planned_start=129,
        started=86,
        start_rate=D(86) / 129,
        planned_completion=141,
        completed=97,
        completion_rate=D(97) / 141,
        investment_completion=None,
    ) == ("全市计划新开工重大项目 129 个，已开工 86 个，开工率 66.7%，计划竣工 141 个，已竣工 97 个，竣工率 68.8%")
    assert phrases.honour_sentence(red=["甲"], black=[]) == "列入红榜的有甲，本期无单位列入黑榜"
    assert phrases.flags_sentence(slow=0, idle=0) == "本期无迟迟不开工、开而未建项目"


def test_ties_that_would_put_more_than_three_in_the_top_three_are_said_place_by_place():
    # Issue 15: "前三位为" listed six units when five shared 第二名.
    group = ranks(("临河市", 1), ("东湖区", 2), ("西山区", 2), ("南江区", 2), ("青川县", 2), ("云溪县", 2),
                  ("北岭县", 7))  # fmt: skip
    sentence = phrases.ranking_sentence(name="新增小微企业园", group="县组", ranks=group)
    assert (
        sentence
        == "新增小微企业园（县组），临河市第一名，东湖区、西山区、南江区、青川县、云溪县并列第二名，末位为北岭县"
    )
    assert "前三" not in sentence


def test_a_group_of_six_or_fewer_names_its_first_and_its_last():
    # Issue 15: a two-unit group had both units as 前三, one of them 9.9 points behind.
    two = ranks(("示例高新区", 1), ("示例经济开发区", 2))
    assert phrases.ranking_sentence(name="固定资产投资", group="平台组", ranks=two) == (
        "固定资产投资（平台组），第一名为示例高新区，末位为示例经济开发区"
    )
    six = ranks(("甲", 1), ("乙", 2), ("丙", 3), ("丁", 4), ("戊", 5), ("己", 5))
    assert phrases.ranking_sentence(name="合同外资", group="县组", ranks=six) == (
        "合同外资（县组），第一名为甲，戊、己并列末位"
    )
    assert phrases.ranking_sentence(name="合同外资", group="县组", ranks=ranks(("甲", 1), ("乙", 1))) == (
        "合同外资（县组），甲、乙并列第一名"
    )
    assert (
        phrases.ranking_sentence(name="合同外资", group="县组", ranks=ranks(("甲", 1)))
        == "合同外资（县组），仅甲参与排名"
    )


def test_a_rate_moves_in_points_against_last_year_never_grows():
    # Issue 15: GDP 同比增速 30.2% — a growth of a growth rate.
    gdp = phrases.level_sentence(
        subject="东湖区", name="地区生产总值增速", value=D("7.6"), decimals=1, measure="%", target=D("7.4"),
        lower_is_better=False, last=D("7.1"),
    )  # fmt: skip
    assert gdp == "东湖区地区生产总值增速为 7.6%，比去年同期提高 0.5 个百分点，高于年度目标 0.2 个百分点"
    assert "同比" not in gdp
    assert phrases.change_clause(D("88.0"), D("88.9"), 1, "%") == "比去年同期回落 0.9 个百分点"


def test_a_unit_red_on_one_indicator_and_black_on_another_is_on_neither_list():
    sentence = phrases.honour_sentence(red=["甲", "乙"], black=["乙", "丙"])
    assert sentence == "列入红榜的有甲，列入黑榜的有丙，乙在不同指标上分别列入红榜和黑榜（见下表）"


def test_an_indicator_whose_name_holds_its_verb_reads_it_once():
    # Issue 15: "累计完成重大项目完成投资".
    assert phrases.cumulative_head("全市", "重大项目完成投资") == "全市重大项目累计完成投资"
    assert phrases.cumulative_head("全市", "实到外资", wording="实际利用外资") == "全市累计实际利用外资"
    assert phrases.cumulative_head("全市", "新开工重大项目", verb="") == "全市累计新开工重大项目"


def test_figures_are_grouped_as_in_the_tables():
    # Issue 15: 1801.5 in the text and 1,801.5 in the table.
    assert phrases.number(D("1801.54")) == "1,801.5"
    assert phrases.number(D("13955"), 0) == "13,955"


def test_an_open_period_says_how_many_reported_and_that_the_totals_are_provisional():
    note = phrases.provisional_sentence(as_of_month=12, as_of_day=3, reported=1, expected=9, missing=["甲", "乙"],
                                        locked=False)  # fmt: skip
    assert (
        note
        == "截至12月3日，9 个应报单位中 1 个已报送，甲、乙未报送；本通报的合计、排名均为暂计数，以数据锁定后的数据为准"
    )
    assert phrases.provisional_sentence(as_of_month=1, as_of_day=1, reported=9, expected=9, missing=[],
                                        locked=True) == ""  # fmt: skip
