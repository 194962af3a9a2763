"""The demo city's inbox: a welcome message for each demo login, pointing at where their work is.

Idempotent (each message has a dedupe key). No unit robot is configured in the demo: a robot
address must be a real DingTalk / WeCom webhook, which the administrator enters on the
群机器人 page. (The demo's holiday calendar is tuijin.workdays.demo's.)"""

from __future__ import annotations

from django.urls import reverse

from tuijin.notifications.services import notify

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
