"""The sentences of a bulletin, as pure functions (no Django): figures in, Chinese text out.

The style is that of the official bulletins (一月一督查一通报), e.g. the worked example of
issue 7, which must come out exactly so:

    全市累计完成固定资产投资 971.6 亿元,同比增长 20.7%,增幅比去年同期高 12.1 个百分点,
    完成全年目标的 51.4%,实现时间过半、任务过半

Conventions (one style, used everywhere):
- Clauses are joined by the comma of the issue's worked example, `SEP` (ASCII ","), so the
  generated text matches the sentence quoted there character for character; lists of names
  use the enumeration comma "、".
- Numbers are surrounded by one space ("971.6 亿元", "12.1 个百分点"); percentages keep the sign
  glued ("20.7%"). Rounding happens here, at display, half up, to one decimal for
  percentages and points and to the indicator's decimals for values.
- Fractions (completion, time progress, YoY) come in as fractions (0.514); pace gaps and growth
  changes in percentage points (12.1).
- A clause whose figure is undefined (None) is left out, never written as "—".
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

SEP = ","
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
    """A figure rounded half up to `places` decimals, without grouping ("971.6", "13955")."""
    return f"{rounded(value, places)}"


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
) -> str:
    """A flow or a count summed over the year (固定资产投资, 合同外资; a count such as 新开工重大项目
    reads better without the verb: 累计新开工重大项目 135 个)."""
    head = f"{subject}累计{verb}{name} {number(value, decimals)} {measure}"
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
) -> str:
    """A rate or a level (地区生产总值增速 7.2%, PM2.5 浓度): the value against its target."""
    spacer = "" if measure == "%" else " "
    head = f"{subject}{name}为 {number(value, decimals)}{spacer}{measure}"
    if target is None:
        return head
    above = value - target if not lower_is_better else target - value
    points = f"{pp(above)} 个百分点" if measure == "%" else f"{number(abs(above), decimals)}{spacer}{measure}"
    if _is_zero(above) if measure == "%" else rounded(above, decimals) == 0:
        verdict = "与年度目标持平"
    elif lower_is_better:
        verdict = f"{'优于' if above > 0 else '劣于'}年度目标 {points}"
    else:
        verdict = f"{'高于' if above > 0 else '低于'}年度目标 {points}"
    return _join(head, verdict)


def gap_to_above_clause(next_name: str | None, gap_pp: Decimal | None) -> str:
    """仅高于 X 0.3 个百分点 — how narrowly a unit leads X, the unit ranked just below it (whose
    `gap_to_above` in the ranking is `gap_pp`, in points). "" when either is missing."""
    if not next_name or gap_pp is None:
        return ""
    return f"仅高于{next_name} {pp(gap_pp)} 个百分点"


def names(items: Sequence[str]) -> str:
    return "、".join(items)


def ranking_sentence(
    *,
    name: str,
    group: str,
    top: Sequence[str],
    bottom: Sequence[str],
    missing: Sequence[str] = (),
    n: str = "三",
) -> str:
    """前三位为 A、B、C,后三位为 X、Y、Z (one group, one indicator).

    The top clause says 前N whatever the ties (units tied at 第N名 are all 前N). The bottom one
    counts the names it lists: 后N are the units whose rank lies in the last N places
    (`metrics.marks`), so a tie across that line leaves fewer (后两位为 X、Y; 末位为 Z), and
    "后三位" never names two or four units.
    """
    clauses = [f"{name}（{group}）"]
    if top:
        clauses.append(f"前{n}位为{names(top)}")
    if bottom:
        clauses.append(f"{_last_places(len(bottom), n)}为{names(bottom)}")
    if missing:
        clauses.append(f"{names(missing)}未报送")
    return _join(*clauses)


def _last_places(count: int, n: str) -> str:
    digits = "一二三四五六七八九十"
    word = digits[count - 1] if 1 <= count <= 10 else str(count)
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
    """红榜 (top, on pace) and 黑榜 (bottom, behind) in one sentence."""
    clauses = []
    clauses.append(f"列入红榜的有{names(red)}" if red else "本期无单位列入红榜")
    clauses.append(f"列入黑榜的有{names(black)}" if black else "本期无单位列入黑榜")
    return _join(*clauses)


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
