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
HIGHLIGHTS = "项目推进快、形象进度好，{name}重点项目全部开工，签约项目落地率高。"
PROBLEMS = ["{name}部分项目用地报批滞后，影响开工。", "{name}第三季度固定资产投资完成率低于时序进度。"]
MEASURES = "倒排工期、挂图作战，10月底前完成用地报批，确保四季度投资完成率达到时序进度。"
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
    for unit in counties:
        name = unit.short_name or unit.name
        services.review_save(
            actor=supervisor, meeting=observation, unit=unit, highlights=HIGHLIGHTS.format(name=name),
            problems=[p.format(name=name) for p in PROBLEMS], measures=MEASURES,
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
