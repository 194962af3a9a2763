"""The demo city's inbox: a welcome message for each demo login, pointing at where their work is.

Idempotent (each message has a dedupe key). No unit robot is configured in the demo: a robot
address must be a real DingTalk / WeCom webhook, which the administrator enters on the
群机器人 page."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from tuijin.core.models import CalendarYear
from tuijin.core.workcalendar import package_knows
from tuijin.notifications.services import notify
from tuijin.notifications.services_calendar import add_day, declare_year

# The demo is laid out around the day it is loaded, which may lie in a year the installed
# `chinesecalendar` does not know yet. The demo administrator then enters that year as an
# office would, with the fixed-date holidays only (the lunar ones need the State Council's
# notice): an illustrative calendar for the fictional city, marked so in its source.
DEMO_CALENDAR_SOURCE = "示例数据：演示用节假日安排（仅含元旦、劳动节、国庆节，非国务院正式通知）"
FIXED_HOLIDAYS = [
    ((1, 1), "元旦"),
    *[((5, d), "劳动节") for d in range(1, 6)],
    *[((10, d), "国庆节") for d in range(1, 8)],
]


def declare_calendar(people: dict) -> list[int]:
    """Enter the years around today that neither the package nor an administrator knows."""
    admin, this_year = people["demo-sysadmin"], timezone.localdate().year
    declared = []
    for year in (this_year - 1, this_year, this_year + 1):
        if package_knows(year) or CalendarYear.objects.filter(year=year).exists():
            continue
        declare_year(actor=admin, year=year, source=DEMO_CALENDAR_SOURCE)
        for (month, day), name in FIXED_HOLIDAYS:
            add_day(actor=admin, date=dt.date(year, month, day), is_working_day=False, name=name)
        declared.append(year)
    return declared


WELCOME = {
    "demo-supervisor": (
        "欢迎使用推进平台",
        "您可以在“对标对表”和“重大项目”中查看全市进度，未读消息会显示在这里。",
        "home",
    ),
    "demo-leader": ("欢迎使用推进平台", "分管项目和升级到您的事项会以消息通知您。", "projects:my_projects"),
    "demo-head": ("欢迎使用推进平台", "本单位待审核的月报和待处理的联系单会以消息通知您。", "home"),
    "demo-reporter": ("欢迎使用推进平台", "每月填报提醒和退回的月报会以消息通知您。", "indicators:fill"),
    "demo-reporter2": ("欢迎使用推进平台", "每月填报提醒和退回的月报会以消息通知您。", "indicators:fill"),
    "demo-handler": ("欢迎使用推进平台", "发给本部门的工作联系单会以消息通知您，请在期限内答复。", "home"),
}


def load(people: dict) -> None:
    for username, (title, body, url_name) in WELCOME.items():
        user = people.get(username)
        if user is None:
            continue
        notify(
            recipients=[user],
            kind="notifications.welcome",
            title=title,
            body=body,
            url=reverse(url_name),
            dedupe_key="demo:welcome",
        )
