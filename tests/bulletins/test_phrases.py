"""The generated sentences, worked by hand (no database)."""

from decimal import Decimal as D

from tuijin.bulletins import phrases

ISSUE_SENTENCE = (
    "全市累计完成固定资产投资 971.6 亿元,同比增长 20.7%,增幅比去年同期高 12.1 个百分点,"
    "完成全年目标的 51.4%,实现时间过半、任务过半"
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
    assert "同比增长 5.0%,增幅比去年同期低 3.2 个百分点," in sentence


def test_a_fall_says_decline_and_equal_growth_says_unchanged():
    assert phrases.yoy_clause(D("-0.032")) == "同比下降 3.2%"
    assert phrases.growth_change_clause(D("0.04")) == "增幅与去年同期持平"


def test_completion_behind_the_calendar_says_by_how_much_and_claims_no_half():
    # 48.2% of the target at month 6 (time progress 50.0%): 1.8 points behind.
    sentence = investment(completion=D("0.482"))
    assert sentence.endswith("完成全年目标的 48.2%,低于时序进度 1.8 个百分点")
    assert "时间过半" not in sentence


def test_the_zone_of_the_design_example_is_past_half_but_behind_the_calendar():
    # DESIGN.md: 13,955 of 23,978 after July → 58.2%, time progress 58.3%, gap −0.1 pp.
    sentence = phrases.cumulative_sentence(
        subject="高新区", name="合同外资", value=D(13955), decimals=0, measure="万美元", yoy=None,
        growth_change=None, completion=D(13955) / D(23978), time_progress=D(7) / 12, month=7,
    )  # fmt: skip
    assert sentence == "高新区累计完成合同外资 13955 万美元,完成全年目标的 58.2%,低于时序进度 0.1 个百分点"


def test_undefined_yoy_leaves_out_both_growth_clauses():
    sentence = investment(yoy=None, growth_change=None)
    assert sentence == "全市累计完成固定资产投资 971.6 亿元,完成全年目标的 51.4%,实现时间过半、任务过半"


def test_ahead_of_the_calendar_outside_mid_year_says_faster_by():
    sentence = investment(completion=D("0.80"), time_progress=D(9) / 12, month=9)
    assert sentence.endswith("完成全年目标的 80.0%,快于时序进度 5.0 个百分点")


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
    assert gdp == "全市地区生产总值增速为 7.2%,高于年度目标 0.2 个百分点"
    pm = phrases.level_sentence(
        subject="东湖区", name="PM2.5平均浓度", value=D("36.5"), decimals=1, measure="微克/立方米",
        target=D("35"), lower_is_better=True,
    )  # fmt: skip
    assert pm == "东湖区PM2.5平均浓度为 36.5 微克/立方米,劣于年度目标 1.5 微克/立方米"


def test_rankings_projects_and_lists():
    assert (
        phrases.ranking_sentence(
            name="固定资产投资", group="县（市、区）组", top=["甲", "乙", "丙"], bottom=["丁"], missing=["戊"]
        )
        == "固定资产投资（县（市、区）组）,前三位为甲、乙、丙,末位为丁,戊未报送"
    )
    # Ranks 1, 2, 3, 4, 4, 6, 7: the two 第4名 are not 后三, and the sentence names two, not "后三位".
    assert (
        phrases.ranking_sentence(name="合同外资", group="县组", top=["甲", "乙", "丙"], bottom=["庚", "辛"])
        == "合同外资（县组）,前三位为甲、乙、丙,后两位为庚、辛"
    )
    assert phrases.ranking_sentence(name="合同外资", group="县组", top=["甲"], bottom=["己", "庚", "辛"]) == (
        "合同外资（县组）,前三位为甲,后三位为己、庚、辛"
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
    ) == ("全市计划新开工重大项目 129 个,已开工 86 个,开工率 66.7%,计划竣工 141 个,已竣工 97 个,竣工率 68.8%")
    assert phrases.honour_sentence(red=["甲"], black=[]) == "列入红榜的有甲,本期无单位列入黑榜"
    assert phrases.flags_sentence(slow=0, idle=0) == "本期无迟迟不开工、开而未建项目"
