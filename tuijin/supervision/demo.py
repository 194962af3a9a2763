"""The demo city's assignments: every state (open, close-out requested, closed, returned, with
an extension granted and one pending) and every overdue level (on track, due soon, 催办, 督办,
挂牌督办), with progress on time, caught up late and missed. Dates relative to today.

Written through the services (the demo supervisor assigns and decides, the 东湖区 and 西山区
reporters report); the item from a contact sheet links the first escalated demo sheet; the
overdue timer runs once for today. Idempotent: nothing is added once the demo's first item exists.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tuijin.orgs.models import Unit, User
from tuijin.supervision import metrics, services, sources, timers
from tuijin.supervision.models import Assignment, Cycle, ProgressUpdate, SourceKind

FIRST = "加快东湖区智能装备产业园项目开工"

# (title, source, owner code, reporter, assigned days ago, deadline days from today, cycle, on task list)
ITEMS = [
    (FIRST, SourceKind.INSTRUCTION, "SL-DH", "demo-reporter", 20, 25, Cycle.WEEKLY, True),
    ("西山区城市更新片区征迁扫尾", SourceKind.INSTRUCTION, "SL-XS", "demo-reporter2", 40, 2, Cycle.BIWEEKLY, True),
    ("东湖区新能源产业项目环评审批", SourceKind.SHEET, "SL-DH", "demo-reporter", 60, 0, Cycle.MONTHLY, False),
    ("西山区招商引资签约项目落地", SourceKind.BULLETIN, "SL-XS", "demo-reporter2", 70, -10, Cycle.MONTHLY, True),
    ("东湖区老旧小区改造开工滞后整改", SourceKind.BULLETIN, "SL-DH", "demo-reporter", 100, -40, Cycle.MONTHLY, True),
    ("东湖区快速路工程用地手续", SourceKind.OTHER, "SL-DH", "demo-reporter", 50, 15, Cycle.MONTHLY, False),
    ("西山区水系综合治理二期验收", SourceKind.INSTRUCTION, "SL-XS", "demo-reporter2", 80, 10, Cycle.MONTHLY, False),
    ("东湖区数字产业园招商推介", SourceKind.OTHER, "SL-DH", "demo-reporter", 45, 20, Cycle.MONTHLY, True),
]


def load(people: dict[str, User]) -> None:
    supervisor, leader = people["demo-supervisor"], people["demo-leader"]
    if Assignment.objects.filter(title=FIRST).exists():
        return
    today = timezone.localdate()
    made = {}
    sheets = sources.picker_for(SourceKind.SHEET)  # the escalated sheets, as the form offers them
    sheet = sheets.picker.linkable(supervisor).order_by("pk").first() if sheets else None
    for title, source, owner, reporter, ago, due, cycle, listed in ITEMS:
        linked = sheet if source == SourceKind.SHEET else None
        made[title] = (services.assignment_create(
            actor=supervisor, title=title, content=f"{title}：明确时间节点，按周期报送进展，按期办结销号。",
            source_kind=source, source_obj=linked, source_label=_label(source, linked),
            owner_unit=Unit.objects.get(code=owner), leader=leader, assigned_on=today - dt.timedelta(days=ago),
            deadline=today + dt.timedelta(days=due), cycle=cycle, on_task_list=listed, responsibility="分管副区长",
        ), people[reporter])  # fmt: skip
        _entered(made[title][0], ago)
    _progress(made, today)
    _states(made, supervisor)
    timers.overdue_ladder(today)  # 催办, 督办 and 挂牌督办 notices and timeline entries, as the daily timer would


def _entered(item: Assignment, ago: int) -> None:
    """The demo's history: the item as if entered `ago` days back (its progress cycles run from
    then), not today when the demo is loaded."""
    item.created_at = timezone.now() - dt.timedelta(days=ago)
    Assignment.objects.filter(pk=item.pk).update(created_at=item.created_at)


def _label(source: str, sheet) -> str:
    if source == SourceKind.INSTRUCTION:
        return "市长批示（市长办公会议）"
    if sheet is not None:
        return f"工作联系单 {sheet.number} 升级协调"
    return ""


# Items whose owners stopped reporting (the 挂牌督办 one) or missed a cycle they caught up late:
# the demo keeps their gaps. Every other item reported each past cycle on time.
GAPS = ("东湖区老旧小区改造开工滞后整改", "西山区招商引资签约项目落地", "东湖区数字产业园招商推介")
HISTORY = (
    "按计划推进，本周期完成节点任务。",
    "已协调相关部门，问题逐项推进解决。",
    "现场推进顺利，下一步按节点加快实施。",
)


def _history(made: dict, today: dt.date) -> None:
    """On-time updates for the cycles that ended before today, dated a few days into each cycle
    (history the demo starts with, as if the owners had reported all along)."""
    for title, (item, reporter) in made.items():
        if title in GAPS:
            continue
        past = [c for c in metrics.cycles(item.reporting_from, today, item.cycle) if c[1] < today]
        ProgressUpdate.objects.bulk_create(
            ProgressUpdate(assignment=item, text=HISTORY[i % len(HISTORY)], cycle_start=start, cycle_end=end,
                           posted_on=min(start + dt.timedelta(days=2), end), late=False, posted_by=reporter)
            for i, (start, end) in enumerate(past)
        )  # fmt: skip


def _progress(made: dict, today: dt.date) -> None:
    _history(made, today)
    for title in (FIRST, "西山区招商引资签约项目落地", "东湖区快速路工程用地手续"):
        item, reporter = made[title]
        services.progress_post(actor=reporter, assignment=item, text="已完成前期手续，正在按节点推进。")
    # A missed cycle caught up late (the 督办-level item answers its first month now).
    item, reporter = made["西山区招商引资签约项目落地"]
    services.progress_post(actor=reporter, assignment=item, text="补报：首月已完成项目对接。",
                           cycle_start=item.reporting_from)  # fmt: skip


def _states(made: dict, supervisor: User) -> None:
    item, reporter = made["东湖区快速路工程用地手续"]
    item = services.closeout_request(actor=reporter, assignment=item, evidence="用地批复已取得（文号见附件）。",
                                     expected_version=item.version)  # fmt: skip
    item, reporter = made["西山区水系综合治理二期验收"]
    item = services.closeout_request(actor=reporter, assignment=item, evidence="已通过竣工验收。",
                                     expected_version=item.version)  # fmt: skip
    services.closeout_approve(
        actor=supervisor, assignment=item, note="佐证齐全，同意销号。", expected_version=item.version
    )
    item, reporter = made["东湖区数字产业园招商推介"]
    item = services.closeout_request(actor=reporter, assignment=item, evidence="已举办推介会。",
                                     expected_version=item.version)  # fmt: skip
    services.closeout_return(actor=supervisor, assignment=item, reason="缺少签约项目清单，请补充后再申请。",
                             expected_version=item.version)  # fmt: skip
    item, reporter = made[FIRST]
    extension = services.extension_request(actor=reporter, assignment=item, reason="设备招标延期。",
                                           new_deadline=item.deadline + dt.timedelta(days=30))  # fmt: skip
    services.extension_grant(actor=supervisor, extension=extension, note="同意延期一个月。")
    item, reporter = made["西山区城市更新片区征迁扫尾"]
    services.extension_request(actor=reporter, assignment=item, reason="剩余 3 户仍在协商。",
                               new_deadline=item.deadline + dt.timedelta(days=20))  # fmt: skip
