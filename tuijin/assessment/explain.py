"""The drill-down in words: what a result line's stored explanation says, for pages and exports.

`describe(line)` reads the JSON the scoring stored (exact figures) and rounds only here, for
display: percentages to one decimal, points to two. The page, the .xlsx and the .docx all
use it, so every export explains a point in the same sentence as the screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from tuijin.assessment.models import RuleKind

DASH = "—"


@dataclass
class Explanation:
    rule: str
    formula: str  # the computation with its figures, ending in the points
    facts: list[tuple[str, str]] = field(default_factory=list)  # (label, figure as shown)
    evidence: list[dict] = field(default_factory=list)  # bonus entries
    source: str = ""  # where the figures come from


def _d(raw) -> Decimal | None:
    return None if raw is None else Decimal(str(raw))


def pts(value) -> str:
    """Points with two decimals (display only)."""
    number = _d(value)
    return DASH if number is None else format(number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), "f")


def pct(value) -> str:
    number = _d(value)
    if number is None:
        return DASH
    return format((number * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), "f") + "%"


def pp(value) -> str:
    number = _d(value)
    if number is None:
        return DASH
    return format(number.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), "+f")


def plain(value) -> str:
    """An exact figure without trailing zeros (13955.0000 → 13955)."""
    number = _d(value)
    if number is None:
        return DASH
    return format(number.normalize(), "f")


def describe(item_kind: str, points, data: dict) -> Explanation:
    builder = {
        RuleKind.COMPLETION: _completion, RuleKind.RANK: _rank, RuleKind.PACE: _pace,
        RuleKind.DEDUCTION_SHEETS: _deduction, RuleKind.DEDUCTION_LISTED: _deduction, RuleKind.BONUS: _bonus,
    }[item_kind]  # fmt: skip
    explanation = builder(data, points)
    explanation.rule = str(RuleKind(item_kind).label)
    return explanation


def describe_line(line) -> Explanation:
    return describe(line.item.kind, line.points, line.explanation)


def _period(data: dict) -> str:
    month = data.get("data_month") or data.get("month")
    return _("%(y)s年1—%(m)s月") % {"y": data.get("year"), "m": month}


def _indicator_facts(data: dict) -> list[tuple[str, str]]:
    measure = data.get("measure", "")
    return [
        (_("指标"), f"{data.get('indicator_name', '')}（{data.get('indicator', '')}）"),
        (_("统计期"), _period(data)),
        (_("本期值"), f"{plain(data.get('value'))} {measure}" if data.get("value") is not None else _("未报")),
        (_("年度目标"), f"{plain(data.get('target'))} {measure}" if data.get("target") is not None else DASH),
    ]


def _source(data: dict) -> str:
    return _("对标对表 %(p)s 排名数据（%(i)s）") % {"p": _period(data), "i": data.get("indicator_name", "")}


def _completion(data: dict, points) -> Explanation:
    facts = [*_indicator_facts(data), (_("完成比"), pct(data.get("ratio"))), (_("封顶"), pct(data.get("cap")))]
    weight = plain(data.get("weight"))
    if data.get("ratio") is None:
        formula = _("未报或无年度目标，得 0 分")
    else:
        cap = _("封顶 %(c)s") % {"c": pct(data["cap"])} if data.get("cap") is not None else _("不封顶")
        formula = _("%(w)s × 完成比 %(r)s（%(c)s）= %(p)s") % {"w": weight, "r": pct(data["ratio"]), "c": cap,
                                                          "p": pts(points)}  # fmt: skip
        if data.get("capped"):
            formula += _("（按封顶计）")
    return Explanation("", formula, facts, source=_source(data))


def _rank(data: dict, points) -> Explanation:
    rank, ranked = data.get("rank"), data.get("ranked")
    rank_text = _("第 %(r)s 名（共 %(n)s 个单位参与排名）") % {"r": rank, "n": ranked} if rank else _("未排名")
    if rank and data.get("tied"):
        rank_text += _("，并列")
    step = plain(data.get("step"))
    if data.get("step_default"):
        step += _("（分值 ÷ 单位数 %(n)s）") % {"n": data.get("group_size")}
    facts = [*_indicator_facts(data), (_("名次"), rank_text), (_("每名次递减"), step)]
    if not rank:
        formula = _("未报，不参与排名，得 0 分")
    else:
        formula = _("%(w)s − (%(r)s − 1) × %(s)s = %(p)s") % {
            "w": plain(data.get("weight")), "r": rank, "s": pts(data.get("step")), "p": pts(points),
        }  # fmt: skip
    return Explanation("", formula, facts, source=_source(data))


def _pace(data: dict, points) -> Explanation:
    facts = [
        *_indicator_facts(data), (_("完成比"), pct(data.get("ratio"))),
        (_("时序进度"), pct(data.get("time_progress"))), (_("进度差（百分点）"), pp(data.get("pace_gap"))),
    ]  # fmt: skip
    weight = plain(data.get("weight"))
    if data.get("pace_gap") is None or data.get("achieved") is None:
        formula = _("未报或无年度目标，得 0 分")
    elif data.get("on_pace"):
        formula = _("进度差 %(g)s 个百分点，达到时序进度，得满分 %(w)s") % {"g": pp(data["pace_gap"]), "w": weight}
    else:
        formula = _("进度差 %(g)s 个百分点，按比例计分：%(w)s × %(a)s ÷ %(e)s = %(p)s") % {
            "g": pp(data["pace_gap"]), "w": weight, "a": pct(data["achieved"]), "e": pct(data["expected"]),
            "p": pts(points),
        }  # fmt: skip
    return Explanation("", formula, facts, source=_source(data))


def _deduction(data: dict, points) -> Explanation:
    sheets = data.get("rule") == RuleKind.DEDUCTION_SHEETS
    what = _("逾期答复的工作联系单") if sheets else _("挂牌督办事项")
    period = _("%(a)s 至 %(b)s") % {"a": data.get("start"), "b": data.get("end")}
    facts = [(_("扣分依据"), what), (_("统计期"), period if sheets else _("截至 %(d)s") % {"d": data.get("end")}),
             (_("件数"), str(data.get("count"))), (_("每件扣分"), plain(data.get("amount"))),
             (_("最多扣分"), plain(data.get("cap")))]  # fmt: skip
    formula = _("%(w)s − min(%(n)s 件 × %(a)s, %(c)s) = %(p)s") % {
        "w": plain(data.get("weight")), "n": data.get("count"), "a": plain(data.get("amount")),
        "c": plain(data.get("cap")), "p": pts(points),
    }  # fmt: skip
    source = _("工作联系单办理统计") if sheets else _("督办事项挂牌督办清单")
    return Explanation("", formula, facts, source=source)


def _bonus(data: dict, points) -> Explanation:
    evidence = data.get("evidence") or []
    facts = [(_("加分记录"), _("%(n)s 条") % {"n": len(evidence)}), (_("加分合计"), plain(data.get("sum")))]
    formula = _("min(加分合计 %(s)s, 分值 %(w)s) = %(p)s") % {
        "s": plain(data.get("sum")), "w": plain(data.get("weight")), "p": pts(points),
    }  # fmt: skip
    if not evidence:
        formula = _("无加分记录，得 0 分")
    return Explanation("", formula, facts, evidence=evidence, source=_("督查员录入的加分记录及佐证材料"))
