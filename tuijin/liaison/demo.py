"""The demo city's contact sheets: every state, some overdue, escalated sheets and one on the
mayor's office meeting agenda.

Written through the services by the demo people (东湖区's reporter and head, 西山区's reporter,
市资规局's handler, the mayor), each step replayed on its own day relative to today, so the states
make sense whenever the demo is loaded. A sheet whose dates fall in a year the calendar does not
know yet is skipped (nothing guessed). Running it again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from tuijin.liaison import services, timers
from tuijin.liaison.models import ContactSheet, SheetAssignment
from tuijin.liaison.services.common import replaying
from tuijin.orgs.models import Unit, User
from tuijin.projects.models import Project
from tuijin.workdays.workcalendar import UnknownCalendarYear

logger = logging.getLogger(__name__)


@dataclass
class Cast:
    reporter: User
    reporter2: User
    handler: User
    leader: User
    units: dict[str, Unit]
    projects: list[Project]
    led: Project | None
    today: dt.date

    def day(self, offset: int) -> dt.date:
        return self.today + dt.timedelta(days=offset)


def load(people: dict[str, User]) -> None:
    if ContactSheet.objects.exists():
        return
    projects = list(Project.objects.filter(unit__code="SL-DH").select_related("lead_leader").order_by("code"))
    cast = Cast(
        reporter=people["demo-reporter"], reporter2=people["demo-reporter2"], handler=people["demo-handler"],
        leader=people["demo-leader"], units={u.code: u for u in Unit.objects.filter(code__startswith="SL-")},
        projects=projects, led=next((p for p in projects if p.lead_leader_id == people["demo-leader"].pk), None),
        today=timezone.localdate(),
    )  # fmt: skip
    for story in STORIES:
        try:
            with transaction.atomic():
                story(cast)
        except UnknownCalendarYear as exc:
            logger.warning("demo contact sheet %s skipped: %s", story.__name__, exc.messages[0])
    with replaying(cast.today):
        timers.escalate_overdue(cast.today)
        _agenda(cast)


def _project(cast: Cast, n: int) -> Project | None:
    return cast.projects[n % len(cast.projects)] if cast.projects else None


def _write(cast: Cast, day: int, title: str, problem: str, request: str, codes, *, author=None, project=None,
           copies=(), send=True) -> ContactSheet:  # fmt: skip
    with replaying(cast.day(day)):
        sheet = services.sheet_create(
            actor=author or cast.reporter, title=title, problem=problem, request=request,
            departments=[cast.units[c] for c in codes], copies=[cast.units[c] for c in copies], project=project,
        )  # fmt: skip
        if send:
            sheet = services.sheet_send(actor=author or cast.reporter, sheet=sheet)
    return sheet


def _part(sheet: ContactSheet, code: str = "SL-ZRZY") -> SheetAssignment:
    return sheet.assignments.filter(department__code=code).order_by("pk").last()


def _on(cast: Cast, day: int, fn: Callable, **kwargs):
    with replaying(cast.day(day)):
        return fn(**kwargs)


# --- the stories, one sheet each ----------------------------------------------------------------


def draft(cast: Cast) -> None:
    _write(cast, 0, "关于临时用电接入的工作联系单", "项目施工临时用电尚未接入，影响桩基施工。",
           "请协调供电部门尽快完成临时用电接入。", ["SL-ZJ"], project=_project(cast, 1), send=False)  # fmt: skip


def just_sent(cast: Cast) -> None:
    _write(cast, -2, "关于规划条件核发的工作联系单", "项目地块规划条件尚未核发，无法开展方案设计。",
           "请市资规局于本周内核发规划条件。", ["SL-ZRZY"], project=_project(cast, 2), copies=["SL-FGW"])  # fmt: skip


def overdue_answer(cast: Cast) -> None:
    _write(cast, -15, "关于环评审批提速的工作联系单", "项目环评报告书已受理，审批进度滞后于计划。",
           "请市生态环境局加快环评审批。", ["SL-STHJ"], project=_project(cast, 3))  # fmt: skip


def accepted(cast: Cast) -> None:
    sheet = _write(cast, -6, "关于用地报批的工作联系单", "项目用地报批材料已上报，尚未批复。", "请协调加快用地报批。",
                   ["SL-ZRZY"], project=_project(cast, 4))  # fmt: skip
    _on(cast, -4, services.assignment_accept, actor=cast.handler, assignment=_part(sheet),
        answer="已受理，正在会同相关科室审核报批材料。", promised_on=cast.day(20))  # fmt: skip


def promise_missed_on_agenda(cast: Cast) -> None:
    sheet = _write(cast, -30, "关于土地征收补偿争议的工作联系单", "项目红线内 3 户征收补偿未达成一致，影响整体开工。",
                   "请协调解决征收补偿争议。", ["SL-ZRZY"], project=cast.led or _project(cast, 5))  # fmt: skip
    _on(cast, -27, services.assignment_accept, actor=cast.handler, assignment=_part(sheet),
        answer="已受理，拟会同属地街道开展协商。", promised_on=cast.day(-5))  # fmt: skip


def transferred(cast: Cast) -> None:
    sheet = _write(cast, -5, "关于施工许可办理的工作联系单", "项目施工图审查已通过，施工许可尚未办理。",
                   "请协调办理施工许可证。", ["SL-ZRZY"], project=_project(cast, 6))  # fmt: skip
    _on(cast, -3, services.assignment_transfer, actor=cast.handler, assignment=_part(sheet),
        to_department=cast.units["SL-ZJ"], reason="施工许可属市住建局职能，已转办。")  # fmt: skip


def returned(cast: Cast) -> None:
    sheet = _write(cast, -8, "关于项目配套道路的工作联系单", "项目配套道路建设滞后。", "请协调。", ["SL-ZRZY"],
                   project=_project(cast, 7))  # fmt: skip
    _on(cast, -7, services.assignment_return, actor=cast.handler, assignment=_part(sheet),
        reason="所提事项不明确，请补充道路名称、责任主体及需协调的具体问题后重新发送。")  # fmt: skip


def resolved(cast: Cast) -> None:
    sheet = _write(cast, -20, "关于不动产权证办理的工作联系单", "项目不动产权证办理材料已齐全。",
                   "请加快办理不动产权证。", ["SL-ZRZY"], project=_project(cast, 8))  # fmt: skip
    _on(cast, -18, services.assignment_accept, actor=cast.handler, assignment=_part(sheet),
        answer="已受理。", promised_on=cast.day(-5))  # fmt: skip
    _on(cast, -6, services.assignment_resolve, actor=cast.handler, assignment=_part(sheet),
        result="不动产权证已于近日核发，请项目单位领取。")  # fmt: skip


def confirmed(cast: Cast) -> None:
    sheet = _write(cast, -40, "关于用地指标调剂的工作联系单", "项目新增建设用地指标不足 12 亩。",
                   "请协调调剂用地指标。", ["SL-ZRZY"], project=_project(cast, 9))  # fmt: skip
    _on(cast, -37, services.assignment_accept, actor=cast.handler, assignment=_part(sheet),
        answer="已受理，将在全市统筹调剂。", promised_on=cast.day(-20))  # fmt: skip
    _on(cast, -22, services.assignment_resolve, actor=cast.handler, assignment=_part(sheet),
        result="已调剂用地指标 12 亩并下达。")  # fmt: skip
    sheet.refresh_from_db()
    _on(cast, -21, services.sheet_confirm, actor=cast.reporter, sheet=sheet, note="指标已落实，同意销号。")


def reopened(cast: Cast) -> None:
    sheet = _write(cast, -25, "关于地块规划调整的工作联系单", "项目地块容积率与产业需求不匹配。",
                   "请协调调整规划指标。", ["SL-ZRZY"], project=_project(cast, 10))  # fmt: skip
    _on(cast, -23, services.assignment_accept, actor=cast.handler, assignment=_part(sheet),
        answer="已受理，拟启动控规局部调整程序。", promised_on=cast.day(5))  # fmt: skip
    _on(cast, -10, services.assignment_resolve, actor=cast.handler, assignment=_part(sheet),
        result="已出具规划调整意见。")  # fmt: skip
    sheet.refresh_from_db()
    _on(cast, -8, services.sheet_reopen, actor=cast.reporter, sheet=sheet,
        reason="调整意见未明确容积率上限，无法据此开展设计，请进一步明确。")  # fmt: skip


def two_departments(cast: Cast) -> None:
    sheet = _write(cast, -10, "关于项目能评与用地同步审批的工作联系单", "项目能评和用地审批串联办理，耗时较长。",
                   "请市资规局、市发改委并联审批。", ["SL-ZRZY", "SL-FGW"], project=_project(cast, 11))  # fmt: skip
    _on(cast, -8, services.assignment_accept, actor=cast.handler, assignment=_part(sheet),
        answer="已受理，用地审批同步推进。", promised_on=cast.day(10))  # fmt: skip


def from_another_county(cast: Cast) -> None:
    _write(cast, -3, "关于山前片区土地收储的工作联系单", "山前片区土地收储进度滞后。", "请协调加快收储。", ["SL-ZRZY"],
           author=cast.reporter2)  # fmt: skip


STORIES = (draft, just_sent, overdue_answer, accepted, promise_missed_on_agenda, transferred, returned, resolved,
           confirmed, reopened, two_departments, from_another_county)  # fmt: skip


def _agenda(cast: Cast) -> None:
    sheet = ContactSheet.objects.filter(title="关于土地征收补偿争议的工作联系单", escalated_at__isnull=False).first()
    if sheet is None or not sheet.escalated_to.filter(pk=cast.leader.pk).exists():
        return
    services.sheet_put_on_agenda(actor=cast.leader, sheet=sheet,
                                 note="征收补偿涉及政策口径，部门层面难以解决，提请市长办公会议研究。")  # fmt: skip
