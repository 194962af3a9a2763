"""我的待办: what the user must do now, gathered from every app that has work to hand out.

Each provider is a function `(user) -> list[Todo]` named in PROVIDERS; the home page shows
their items, most urgent first. Providers read only (one or two counting queries each).
"""

from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from tuijin.core.todos import Todo
from tuijin.workdays.workcalendar import UnknownCalendarYear

PROVIDERS = (
    "tuijin.orgs.todos.for_user",
    "tuijin.notifications.todos.for_user",
    "tuijin.indicators.todos.for_user",
    "tuijin.liaison.todos.for_user",
    "tuijin.supervision.todos.for_user",
    "tuijin.bulletins.todos.for_user",
    "tuijin.assessment.todos.for_user",
)

LEVELS = {"danger": 0, "warning": 1, "info": 2}


def for_user(user) -> list[Todo]:
    items: list[Todo] = []
    unknown: set[int] = set()
    for path in PROVIDERS:
        try:
            items.extend(import_string(path)(user))
        except UnknownCalendarYear as exc:  # a deadline in a year nobody has entered: say so
            unknown.add(exc.year)
    items += [_calendar_missing(year) for year in sorted(unknown)]
    return sorted(items, key=lambda t: LEVELS.get(t.level, 9))


def _calendar_missing(year: int) -> Todo:
    return Todo(
        _("%(y)d 年节假日安排尚未录入，相关期限暂无法计算") % {"y": year},
        reverse("notifications:calendar"),
        _("请系统管理员在“节假日”页面录入该年度的节假日和调休上班日。"),
        level="danger",
    )
