"""The demo city's meetings: a 观摩 (on-site review) of every county with reviews, and a 推进会
with decisions; one review problem and one decision already turned into assignments.

Written through the services as the demo supervisor; dates relative to today. Idempotent.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tuijin.meetings import services
from tuijin.meetings.models import Meeting, MeetingType
from tuijin.orgs.models import Unit, UnitType, User
from tuijin.supervision.models import Cycle

OBSERVATION = "第三季度重大项目现场观摩会"
PROMOTION = "重点工作推进会（第10次）"
SITE = "{name}重点产业项目现场"
# Each county's review differs, as a real 观摩点评 does (the first problem of the first county is
# the one turned into an assignment).
HIGHLIGHTS = [
    "项目推进快、形象进度好，{name}重点项目全部开工，签约项目落地率高。",
    "{name}产业项目集聚度高，龙头企业带动明显，技改投资增长较快。",
    "{name}要素保障有力，“标准地”出让和代办服务提速，项目从签约到开工平均缩短一个月。",
    "{name}城市更新片区征迁推进平稳，民生项目按节点完成。",
    "{name}招商引资成效明显，新签约亿元以上项目数居全市前列。",
]
PROBLEMS = [
    ["{name}部分项目用地报批滞后，影响开工。", "{name}第三季度固定资产投资完成率低于时序进度。"],
    ["{name}两个省重点项目环评批复未取得，开工时间推迟。", "{name}部分续建项目资金到位率偏低。"],
    ["{name}签约项目落地转化慢，开而未建问题突出。"],
    ["{name}重大项目前期工作深度不够，储备项目偏少。", "{name}施工许可办理周期偏长。"],
]
MEASURES = [
    "倒排工期、挂图作战，10月底前完成用地报批，确保四季度投资完成率达到时序进度。",
    "建立问题清单，领衔领导逐项协调，年底前完成环评和资金落实。",
    "对开而未建项目逐个约谈业主，限期复工，推动签约项目尽快开工。",
    "加大前期经费投入，谋划储备一批重大项目，压缩审批时限。",
]
DECISIONS = [
    ("SL-ZRZY", "市资规局牵头，两周内完成全市重大项目用地报批“清零”行动方案。", 14),
    ("SL-FGW", "市发改委牵头，建立未开工项目周调度机制，每周五前报送进展。", 30),
    ("SL-ZJ", "市住建局会同各区县，月底前完成老旧小区改造开工手续并联审批。", 21),
]


def load(people: dict[str, User]) -> None:
    supervisor, leader = people["demo-supervisor"], people["demo-leader"]
    if Meeting.objects.filter(title__in=[OBSERVATION, PROMOTION]).exists():
        return
    today = timezone.localdate()
    counties = list(Unit.objects.filter(type=UnitType.COUNTY).order_by("sort_order", "path"))
    heads = list(User.objects.filter(unit__in=counties, is_active=True).order_by("username"))
    observation = services.meeting_create(
        actor=supervisor, type=MeetingType.OBSERVATION, title=OBSERVATION, date=today - dt.timedelta(days=40),
        place="各县（市、区）观摩点", chair=leader, attending_units=counties, attendees=[leader, supervisor, *heads],
        visits=[(unit, SITE.format(name=unit.short_name or unit.name)) for unit in counties],
        agenda="现场观摩各县（市、区）重大项目，逐一点评。",
    )  # fmt: skip
    for i, unit in enumerate(counties):
        name = unit.short_name or unit.name
        highlights, problems = HIGHLIGHTS[i % len(HIGHLIGHTS)], PROBLEMS[i % len(PROBLEMS)]
        services.review_save(
            actor=supervisor, meeting=observation, unit=unit, highlights=highlights.format(name=name),
            problems=[p.format(name=name) for p in problems], measures=MEASURES[i % len(MEASURES)],
        )  # fmt: skip
    first = observation.reviews.order_by("unit__path").first().problems.order_by("order").first()
    services.review_problem_to_assignment(
        actor=supervisor, problem=first, deadline=today + dt.timedelta(days=20), leader=leader, cycle=Cycle.WEEKLY,
        on_task_list=True, responsibility="分管副区长",
    )  # fmt: skip
    departments = {u.code: u for u in Unit.objects.filter(code__in=[d[0] for d in DECISIONS])}
    promotion = services.meeting_create(
        actor=supervisor, type=MeetingType.PROMOTION, title=PROMOTION, date=today - dt.timedelta(days=10),
        place="市政府第一会议室", chair=leader, attending_units=[*counties, *departments.values()],
        agenda="通报前三季度重点工作进展；研究重大项目要素保障问题。",
    )  # fmt: skip
    for code, text, days in DECISIONS:
        decision = services.decision_add(actor=supervisor, meeting=promotion, text=text, owner_unit=departments[code],
                                         deadline=promotion.date + dt.timedelta(days=days))  # fmt: skip
        if code == "SL-ZRZY":
            services.decision_to_assignment(actor=supervisor, decision=decision, leader=leader, cycle=Cycle.WEEKLY)
