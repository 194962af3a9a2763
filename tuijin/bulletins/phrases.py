"""The sentences of a bulletin, as pure functions (no Django): figures in, Chinese text out.

The style is that of the official bulletins (一月一督查一通报), e.g. the worked example of
issue 7, which must come out exactly so:

    全市累计完成固定资产投资 971.6 亿元，同比增长 20.7%，增幅比去年同期高 12.1 个百分点，
    完成全年目标的 51.4%，实现时间过半、任务过半

Conventions (one style, used everywhere):
- Chinese text takes full-width punctuation only (issue 15): clauses are joined by the
  full-width comma `SEP` ("，"); lists of names use the enumeration comma "、".
- Numbers are surrounded by one space ("971.6 亿元", "12.1 个百分点"); percentages keep the sign
  glued ("20.7%"). Rounding happens here, at display, half up, to one decimal for
  percentages and points and to the indicator's decimals for values; values are grouped by
  thousands ("1,801.5") exactly as the tables show them (`analytics_tables.amount`), so a
  figure reads the same in a sentence and in its table.
- Fractions (completion, time progress, YoY) come in as fractions (0.514); pace gaps and growth
  changes in percentage points (12.1).
- A clause whose figure is undefined (None) is left out, never written as "—".
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

SEP = "，"
CHINESE_ORDINALS = "一二三四五六七八九十"
HUNDRED = Decimal(100)
HALF = Decimal("0.5")
MID_YEAR_MONTH = 6


def ordinal(i: int) -> str:
    """一 … 十 for the numbered sections (一、总体情况)."""
    return CHINESE_ORDINALS[i - 1] if 1 <= i <= 10 else str(i)


def rounded(number: Decimal, places: int = 1) -> Decimal:
    return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def number(value: Decimal, places: int = 1) -> str:
    """A figure rounded half up to `places` decimals, grouped by thousands as in the tables
    ("971.6", "13,955", "1,801.5")."""
    return f"{rounded(value, places):,}"


def pct(fraction: Decimal) -> str:
    """A fraction as a percentage with one decimal: 0.2074 → "20.7%"."""
    return f"{rounded(fraction * HUNDRED)}%"


def pp(points: Decimal) -> str:
    """Percentage points as an unsigned number with one decimal: -12.06 → "12.1"."""
    return f"{abs(rounded(points))}"


def _is_zero(points: Decimal) -> bool:
    return rounded(points) == 0


# --- clauses ----------------------------------------------------------------------------


def yoy_clause(yoy: Decimal | None) -> str:
    """同比增长 20.7% / 同比下降 3.2% / 与去年同期持平; "" when undefined."""
    if yoy is None:
        return ""
    if _is_zero(yoy * HUNDRED):
        return "与去年同期持平"
    return f"同比{'增长' if yoy > 0 else '下降'} {pct(abs(yoy))}"


def growth_change_clause(change_pp: Decimal | None) -> str:
    """增幅比去年同期高 / 低 x 个百分点, or 增幅与去年同期持平; "" when undefined."""
    if change_pp is None:
        return ""
    if _is_zero(change_pp):
        return "增幅与去年同期持平"
    return f"增幅比去年同期{'高' if change_pp > 0 else '低'} {pp(change_pp)} 个百分点"


def completion_clause(completion: Decimal | None) -> str:
    return "" if completion is None else f"完成全年目标的 {pct(completion)}"


def is_half_and_half(completion: Decimal | None, time_progress: Decimal | None, month: int) -> bool | None:
    """ "时间过半、任务过半" at mid-year: at month 6 the completion reaches both half the annual
    target and the calendar line. None outside month 6 or when a figure is undefined."""
    if month != MID_YEAR_MONTH or completion is None or time_progress is None:
        return None
    return completion >= HALF and completion >= time_progress


def pace_clause(completion: Decimal | None, time_progress: Decimal | None, month: int) -> str:
    """The verdict against the calendar (时序进度).

    Month 6 and on pace: 实现时间过半、任务过半. Otherwise on pace: 快于时序进度 x 个百分点 (or
    与时序进度持平 when the gap rounds to 0.0). Behind: 低于时序进度 x 个百分点 (and no 过半 claim).
    """
    if completion is None or time_progress is None:
        return ""
    gap = (completion - time_progress) * HUNDRED
    if gap >= 0 and is_half_and_half(completion, time_progress, month):
        return "实现时间过半、任务过半"
    if _is_zero(gap):
        return "与时序进度持平"
    return f"{'快于' if gap > 0 else '低于'}时序进度 {pp(gap)} 个百分点"


def _join(*clauses: str) -> str:
    return SEP.join(c for c in clauses if c)


# --- sentences ---------------------------------------------------------------------------


def cumulative_head(subject: str, name: str, verb: str = "完成", wording: str = "") -> str:
    """全市累计完成固定资产投资. `wording` (a setting per indicator, e.g. "实到外资") replaces the
    verb and the name; a name that holds its verb already reads once: 重大项目完成投资 →
    全市重大项目累计完成投资 (never "累计完成重大项目完成投资")."""
    if wording:
        return f"{subject}累计{wording}"
    if verb and verb in name:
        at = name.index(verb)
        return f"{subject}{name[:at]}累计{name[at:]}"
    return f"{subject}累计{verb}{name}"


def cumulative_sentence(
    *,
    subject: str,
    name: str,
    value: Decimal,
    decimals: int,
    measure: str,
    yoy: Decimal | None,
    growth_change: Decimal | None,
    completion: Decimal | None,
    time_progress: Decimal | None,
    month: int,
    verb: str = "完成",
    wording: str = "",
    provisional: bool = False,
    span: str = "",
) -> str:
    """A flow or a count summed over the year (固定资产投资, 合同外资; a count such as 新开工重大项目
    reads better without the verb: 累计新开工重大项目 135 个). `provisional`: the period is open
    or units have not reported, the figure is 暂计; `span` names the months a quarterly figure
    covers when they are not the bulletin's (1—9月)."""
    mark = "（暂计）" if provisional else ""
    lead = f"{span}，" if span else ""
    head = f"{lead}{cumulative_head(subject, name, verb, wording)} {number(value, decimals)} {measure}{mark}"
    tail = completion_clause(completion)
    return _join(
        head, yoy_clause(yoy), growth_change_clause(growth_change), tail, pace_clause(completion, time_progress, month)
    )


def level_sentence(
    *,
    subject: str,
    name: str,
    value: Decimal,
    decimals: int,
    measure: str,
    target: Decimal | None,
    lower_is_better: bool,
    last: Decimal | None = None,
) -> str:
    """A rate or a level (地区生产总值增速 7.2%, PM2.5 浓度): the value against its target, and
    against last year's in points (or in its measure) — never a growth of a rate."""
    spacer = "" if measure == "%" else " "
    head = f"{subject}{name}为 {number(value, decimals)}{spacer}{measure}"
    clauses = [head, change_clause(value, last, decimals, measure)]
    if target is None:
        return _join(*clauses)
    above = value - target if not lower_is_better else target - value
    points = f"{pp(above)} 个百分点" if measure == "%" else f"{number(abs(above), decimals)}{spacer}{measure}"
    if _is_zero(above) if measure == "%" else rounded(above, decimals) == 0:
        verdict = "与年度目标持平"
    elif lower_is_better:
        verdict = f"{'优于' if above > 0 else '劣于'}年度目标 {points}"
    else:
        verdict = f"{'高于' if above > 0 else '低于'}年度目标 {points}"
    return _join(*clauses, verdict)


def change_clause(value: Decimal, last: Decimal | None, decimals: int, measure: str) -> str:
    """比去年同期提高 0.5 个百分点 / 回落 / 持平 for rates and levels (in its measure when not %);
    "" without last year's figure."""
    if last is None:
        return ""
    diff = value - last
    if measure == "%":
        if _is_zero(diff):
            return "与去年同期持平"
        return f"比去年同期{'提高' if diff > 0 else '回落'} {pp(diff)} 个百分点"
    if rounded(diff, decimals) == 0:
        return "与去年同期持平"
    return f"比去年同期{'上升' if diff > 0 else '下降'} {number(abs(diff), decimals)} {measure}"


def change_points(value: Decimal | None, last: Decimal | None) -> Decimal | None:
    """A rate's or level's change on last year, in its own terms (points for %)."""
    return None if value is None or last is None else value - last


def gap_to_above_clause(next_name: str | None, gap_pp: Decimal | None) -> str:
    """仅高于 X 0.3 个百分点 — how narrowly a unit leads X, the unit ranked just below it (whose
    `gap_to_above` in the ranking is `gap_pp`, in points). "" when either is missing."""
    if not next_name or gap_pp is None:
        return ""
    return f"仅高于{next_name} {pp(gap_pp)} 个百分点"


def names(items: Sequence[str]) -> str:
    return "、".join(items)


def marks_named(count: int, n: int) -> bool:
    """前N / 后N are named only where a group has more than 2N ranked units (DESIGN.md);
    otherwise the first and the last are."""
    return count > 2 * n


def ranked_names(ranks: Sequence[tuple[str, int | None]], n: int) -> tuple[list[str], list[str]]:
    """(the top, the bottom) the sentence and the lists name, from (unit, rank) in rank order:
    前N and 后N (`metrics.marks`) in a group of more than 2N ranked units; else the units at
    rank 1 and those at the last rank (never the same unit)."""
    ranked = [(u, r) for u, r in ranks if r is not None]
    if not ranked:
        return [], []
    count, last = len(ranked), max(r for _, r in ranked)
    if marks_named(count, n):
        return [u for u, r in ranked if r <= n], [u for u, r in ranked if r > n and r > count - n]
    top = [u for u, r in ranked if r == 1]
    return top, [u for u, r in ranked if r == last and last != 1]


def _by_rank(ranked: Sequence[tuple[str, int]]) -> str:
    """临河市第一名，东湖区、西山区并列第二名 — for ties that would put more than N in 前N."""
    parts, seen = [], {}
    for unit, rank in ranked:
        seen.setdefault(rank, []).append(unit)
    for rank, units in seen.items():
        tie = "并列" if len(units) > 1 else ""
        parts.append(f"{names(units)}{tie}第{ordinal(rank)}名")
    return SEP.join(parts)


def ranking_sentence(
    *,
    name: str,
    group: str,
    ranks: Sequence[tuple[str, int | None]],
    missing: Sequence[str] = (),
    n: int = 3,
) -> str:
    """One indicator in one group, from its units in rank order with their competition ranks.

    More than 2N ranked units: 前三位为 A、B、C (where ties would put more than N there, the
    places are said one by one: A第一名，B、C、D并列第二名), then 后N — the units whose rank lies
    in the last N places (`metrics.marks`), so a tie across that line leaves fewer (后两位为 X、Y;
    末位为 Z) and "后三位" never names two or four. 2N or fewer: 第一名为 A … 末位为 Z.
    """
    clauses = [f"{name}（{group}）"]
    ranked = [(u, r) for u, r in ranks if r is not None]
    top, bottom = ranked_names(ranked, n)
    if marks_named(len(ranked), n):
        if len(top) <= n:
            clauses.append(f"前{ordinal(n)}位为{names(top)}")
        else:
            clauses.append(_by_rank([(u, r) for u, r in ranked if r <= n]))
        if bottom:
            clauses.append(f"{_last_places(len(bottom), ordinal(n))}为{names(bottom)}")
    elif len(ranked) == 1:
        clauses.append(f"仅{top[0]}参与排名")
    elif ranked:
        clauses.append(f"{names(top)}并列第一名" if len(top) > 1 else f"第一名为{top[0]}")
        if bottom:
            clauses.append(f"{names(bottom)}并列末位" if len(bottom) > 1 else f"末位为{bottom[0]}")
    if missing:
        clauses.append(f"{names(missing)}未报送")
    return _join(*clauses)


def _last_places(count: int, n: str) -> str:
    word = ordinal(count)
    if word == n:
        return f"后{n}位"
    if count == 1:
        return "末位"
    return "后两位" if count == 2 else f"后{word}位"


def close_race_sentence(*, leader: str, runner_up: str, gap_pp: Decimal) -> str:
    """第一名 A 仅高于 B 0.3 个百分点 — said when the top two are close."""
    return f"{leader}{gap_to_above_clause(runner_up, gap_pp)}"


def project_sentence(
    *,
    subject: str,
    planned_start: int,
    started: int,
    start_rate: Decimal | None,
    planned_completion: int,
    completed: int,
    completion_rate: Decimal | None,
    investment_completion: Decimal | None,
) -> str:
    """全市计划新开工重大项目 129 个,已开工 86 个,开工率 66.7%,…"""
    clauses = [f"{subject}计划新开工重大项目 {planned_start} 个", f"已开工 {started} 个"]
    if start_rate is not None:
        clauses.append(f"开工率 {pct(start_rate)}")
    clauses += [f"计划竣工 {planned_completion} 个", f"已竣工 {completed} 个"]
    if completion_rate is not None:
        clauses.append(f"竣工率 {pct(completion_rate)}")
    if investment_completion is not None:
        clauses.append(f"完成年度计划投资的 {pct(investment_completion)}")
    return _join(*clauses)


def flags_sentence(*, slow: int, idle: int) -> str:
    """迟迟不开工 and 开而未建 counts; says so plainly when there are none."""
    if not slow and not idle:
        return "本期无迟迟不开工、开而未建项目"
    parts = []
    if slow:
        parts.append(f"迟迟不开工项目 {slow} 个")
    if idle:
        parts.append(f"开而未建项目 {idle} 个")
    return f"本期共有{names(parts)}（见下表）{SEP}请所在地抓紧推进"


def honour_sentence(*, red: Sequence[str], black: Sequence[str]) -> str:
    """红榜 (top, on pace) and 黑榜 (bottom, behind) in one sentence, each unit on one list at
    most: a unit red on one indicator and black on another is on neither list but said apart
    (在不同指标上分别列入红榜和黑榜), so no unit is named on both."""
    both = [u for u in red if u in set(black)]
    red_only = [u for u in red if u not in set(both)]
    black_only = [u for u in black if u not in set(both)]
    clauses = [f"列入红榜的有{names(red_only)}" if red_only else "本期无单位仅列入红榜" if both
               else "本期无单位列入红榜",
               f"列入黑榜的有{names(black_only)}" if black_only else "本期无单位仅列入黑榜" if both
               else "本期无单位列入黑榜"]  # fmt: skip
    if both:
        clauses.append(f"{names(both)}在不同指标上分别列入红榜和黑榜（见下表）")
    return _join(*clauses)


def provisional_sentence(
    *, as_of_month: int, as_of_day: int, reported: int, expected: int, missing: Sequence[str], locked: bool
) -> str:
    """The note on an open period or one with units 未报: 截至7月2日，9 个单位中 1 个已报送，…；
    本通报的合计和排名为暂计数. "" when the period is locked and every unit has reported."""
    if locked and not missing:
        return ""
    clauses = []
    if not locked:
        clauses.append(f"截至{as_of_month}月{as_of_day}日，{expected} 个应报单位中 {reported} 个已报送")
    if missing:
        clauses.append(f"{names(missing)}未报送")
    scope = "本通报的合计、排名均为暂计数，以数据锁定后的数据为准" if not locked else "合计不含未报单位"
    return f"{SEP.join(clauses)}；{scope}"


def targets_met_sentence(*, subject: str, name: str, met: int, reported: int) -> str:
    """For rates and levels, which do not add up across units: how many reached the target."""
    return _join(f"{subject}{name}", f"{reported} 个报送单位中 {met} 个达到年度目标")


def liaison_sentence(*, received: int, on_time_rate: Decimal | None, overdue_sheets: int, listed: int) -> str:
    """各部门收到工作联系单 N 件,按期答复率 x%,逾期未办结 n 件,挂牌督办事项 m 项."""
    clauses = [f"本期各部门收到工作联系单 {received} 件"]
    if on_time_rate is not None:
        clauses.append(f"按期答复率 {pct(on_time_rate)}")
    clauses.append(f"逾期未办结工作联系单 {overdue_sheets} 件" if overdue_sheets else "无逾期未办结工作联系单")
    clauses.append(f"挂牌督办事项 {listed} 项" if listed else "无挂牌督办事项")
    return _join(*clauses)
