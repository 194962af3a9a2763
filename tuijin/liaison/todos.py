"""The contact-sheet items of 我的待办: parts to answer or solve (the department), sheets to confirm
or revise (the sender), sheets escalated to me (the leader), agenda items to decide (the city's
supervisor). A few counting queries; nothing is written."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.core.todos import Todo
from tuijin.liaison import queries
from tuijin.liaison.models import (
    AWAITING_ANSWER,
    AWAITING_SOLUTION,
    HANDLING_STATUSES,
    ContactSheet,
    SheetAssignment,
    SheetStatus,
)
from tuijin.orgs import policy


def for_user(user) -> list[Todo]:
    items: list[Todo] = []
    if user.unit_id and policy.allows(user, "sheet.handle"):
        items.extend(_department(user))
    if user.unit_id and policy.allows(user, "sheet.write"):
        items.extend(_sender(user))
    if policy.allows(user, "sheet.escalation"):
        items.extend(_leader(user))
    if policy.allows(user, "sheet.agenda") and policy.sees_all(user):
        items.extend(_agenda())
    return items


def _department(user) -> list[Todo]:
    today = timezone.localdate()
    parts = SheetAssignment.objects.filter(department_id=user.unit_id, sheet__status__in=HANDLING_STATUSES)
    c = parts.aggregate(
        answer=Count("pk", filter=Q(status__in=AWAITING_ANSWER)),
        answer_late=Count("pk", filter=Q(status__in=AWAITING_ANSWER, due_on__lt=today)),
        solve=Count("pk", filter=Q(status__in=AWAITING_SOLUTION)),
        solve_late=Count("pk", filter=Q(status__in=AWAITING_SOLUTION, promised_on__lt=today)),
    )
    url = reverse("liaison:inbox")
    items = []
    if c["answer"]:
        detail = _("其中 %(n)d 件已逾期") % {"n": c["answer_late"]} if c["answer_late"] else ""
        level = "danger" if c["answer_late"] else "warning"
        items.append(Todo(_("待答复的工作联系单"), f"{url}?status=open", detail, c["answer"], level))
    if c["solve"]:
        detail = _("其中 %(n)d 件超过承诺办结日期") % {"n": c["solve_late"]} if c["solve_late"] else ""
        level = "danger" if c["solve_late"] else "info"
        items.append(Todo(_("已受理待办结的工作联系单"), f"{url}?status=open", detail, c["solve"], level))
    return items


def _sender(user) -> list[Todo]:
    mine = queries.visible_sheets(user).filter(sender_unit_id=user.unit_id)
    c = mine.aggregate(
        resolved=Count("pk", filter=Q(status=SheetStatus.RESOLVED)),
        returned=Count("pk", filter=Q(status=SheetStatus.RETURNED)),
    )
    url = reverse("liaison:sent")
    items = []
    if c["returned"]:
        items.append(Todo(_("被退回的工作联系单"), f"{url}?status=returned", _("请修改后重新发送。"), c["returned"],
                          "danger"))  # fmt: skip
    if c["resolved"]:
        items.append(Todo(_("待确认销号的工作联系单"), f"{url}?status=resolved", _("满意则销号，不满意可退回重办。"),
                          c["resolved"], "warning"))  # fmt: skip
    return items


def _leader(user) -> list[Todo]:
    count = (
        queries.in_box(user, "escalated")
        .filter(status__in=HANDLING_STATUSES, agenda_at=None)
        .filter(escalated_to=user)
        .count()
    )
    if not count:
        return []
    url = f"{reverse('liaison:escalated')}?status=open"
    return [Todo(_("升级至我的工作联系单"), url, _("可批示、改派或提请市长办公会议研究。"), count, "danger")]


def _agenda() -> list[Todo]:
    count = ContactSheet.objects.filter(agenda_at__isnull=False, decision="").count()
    if not count:
        return []
    return [Todo(_("待记录决定的市长办公会议议题"), reverse("liaison:agenda"), count=count, level="warning")]
