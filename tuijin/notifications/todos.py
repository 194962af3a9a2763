"""The notification items of 我的待办: unread messages for everyone; for the system
administrator, next year's holiday arrangement still to enter (from November) and robot
messages that failed for good."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from tuijin.core.todos import Todo
from tuijin.notifications import queries, timers
from tuijin.notifications.models import Delivery, DeliveryStatus
from tuijin.orgs import policy
from tuijin.workdays.models import CalendarYear
from tuijin.workdays.workcalendar import package_knows

# The State Council publishes next year's arrangement in late October or November.
CALENDAR_REMINDER_FROM_MONTH = 11


def for_user(user) -> list[Todo]:
    items: list[Todo] = []
    unread = queries.unread_count(user)
    if unread:
        items.append(Todo(title=_("未读消息"), url=reverse("notifications:inbox") + "?status=unread", count=unread))
    if policy.allows(user, "calendar.manage"):
        items.extend(_calendar())
    if policy.allows(user, "notification.manage"):
        failed = Delivery.objects.filter(status=DeliveryStatus.FAILED, channel="webhook").count()
        if failed:
            items.append(
                Todo(
                    title=_("群机器人推送失败"),
                    url=reverse("notifications:channels"),
                    detail=_("请检查单位群机器人的地址和密钥。"),
                    count=failed,
                    level="warning",
                )
            )
    return items


def _calendar() -> list[Todo]:
    today = timers.today()
    year = today.year + 1
    if today.month < CALENDAR_REMINDER_FROM_MONTH or package_knows(year):
        return []
    if CalendarYear.objects.filter(year=year).exists():
        return []
    return [
        Todo(
            title=_("录入 %(year)d 年节假日安排") % {"year": year},
            url=reverse("notifications:calendar"),
            detail=_("未录入前，落在 %(year)d 年的期限无法计算。") % {"year": year},
            level="warning",
        )
    ]
