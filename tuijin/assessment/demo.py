"""The demo city's assessment: this year's scheme of the county group with a trial run on the
latest locked month.

Written through the services as the demo supervisor: a scheme over 固定资产投资 (completion and
pace), 合同外资 and GDP 增速 (rank), PM2.5 (completion, lower is better), the two deductions
(overdue contact-sheet answers, 挂牌督办 items) and a bonus item with two entries; published,
computed on the figures up to the latest locked month, the results published with a two-week objection window,
东湖区's objection pending, and a second version in draft for the year-end run. Idempotent.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tuijin.assessment import services
from tuijin.assessment.models import Result, RuleKind, Scheme
from tuijin.indicators.demo import timeline
from tuijin.indicators.models import Indicator
from tuijin.orgs.models import RankingGroup, Unit, User

# (name, rule, indicator code, weight, parameters)
ITEMS = [
    ("固定资产投资完成率", RuleKind.COMPLETION, "FAI", 25, {"cap": Decimal("1.2")}),
    ("固定资产投资时序进度", RuleKind.PACE, "FAI", 15, {}),
    ("合同外资排名", RuleKind.RANK, "FDI_C", 20, {}),
    ("地区生产总值增速排名", RuleKind.RANK, "GDP", 15, {"step": Decimal(2)}),
    ("PM2.5平均浓度", RuleKind.COMPLETION, "PM25", 10, {"cap": Decimal("1.1")}),
    ("工作联系单按时答复", RuleKind.DEDUCTION_SHEETS, None, 5, {"amount": Decimal(1), "cap": Decimal(5)}),
    ("挂牌督办事项", RuleKind.DEDUCTION_LISTED, None, 0, {"amount": Decimal(2), "cap": Decimal(6)}),
    ("创新工作加分", RuleKind.BONUS, None, 10, {}),
]
BONUSES = [
    (
        "SL-DH",
        Decimal(3),
        "获评全省营商环境改革试点",
        "省发展改革委《关于公布营商环境改革试点名单的通知》（{year}年第12号）",
    ),
    ("SL-LH", Decimal(2), "“标准地”改革经验在全省推广", "省政府办公厅简报第45期"),
]
OBJECTION = "我区{month}月新签约外资项目2个（合同外资共1.2亿美元）因统计口径未计入，申请复核合同外资排名。"


def load(people: dict[str, User]) -> None:
    group = RankingGroup.objects.filter(code="G-COUNTY").first()
    t = timeline()
    if group is None or Scheme.objects.filter(year=t.year, group=group).exists():
        return
    supervisor = people["demo-supervisor"]
    run = "年终按全年数据计算" if t.last == 12 else f"{t.last}月为试算，年终按全年数据计算"
    scheme = services.scheme_create(
        actor=supervisor, year=t.year, group=group, name=f"{t.year}年度县(市、区)目标责任制考核",
        description=f"按《示例市重点工作目标责任制考核办法》制定；{run}。",
    )  # fmt: skip
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=[i[2] for i in ITEMS if i[2]])}
    for order, (name, kind, code, weight, params) in enumerate(ITEMS, start=1):
        services.item_create(
            actor=supervisor, scheme=scheme, order=order, name=name, kind=kind,
            indicator=indicators.get(code), weight=Decimal(weight), **params,
        )  # fmt: skip
    bonus_item = scheme.items.get(kind=RuleKind.BONUS)
    for code, points, reason, evidence in BONUSES:
        unit = Unit.objects.get(code=code)
        services.bonus_add(
            actor=supervisor, item=bonus_item, unit=unit, points=points, reason=reason,
            evidence=evidence.format(year=t.year),
        )  # fmt: skip
    scheme.refresh_from_db()
    services.scheme_publish(actor=supervisor, scheme=scheme)
    services.results_compute(actor=supervisor, scheme=scheme, month=t.last)
    scheme.refresh_from_db()
    deadline = t.today + dt.timedelta(days=14)
    services.results_publish(actor=supervisor, scheme=scheme, objection_deadline=deadline)
    result = Result.objects.get(scheme=scheme, unit__code="SL-DH")
    item = scheme.items.get(order=3)
    services.objection_file(
        actor=people["demo-head"], result=result, text=OBJECTION.format(month=max(t.last - 1, 1)), item=item
    )
    services.scheme_new_version(actor=supervisor, scheme=scheme)
