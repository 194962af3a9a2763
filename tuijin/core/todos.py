"""我的待办: what the user must do now, gathered from every app that has work to hand out.

Each provider is a function `(user) -> list[Todo]` named in PROVIDERS; the home page shows
their items, most urgent first. Providers read only (one or two counting queries each).
"""

from dataclasses import dataclass

from django.utils.module_loading import import_string

PROVIDERS = (
    "tuijin.notifications.todos.for_user",
    "tuijin.indicators.todos.for_user",
    "tuijin.liaison.todos.for_user",
    "tuijin.supervision.todos.for_user",
    "tuijin.bulletins.todos.for_user",
    "tuijin.assessment.todos.for_user",
)

LEVELS = {"danger": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Todo:
    title: str
    url: str
    detail: str = ""
    count: int | None = None
    level: str = "info"  # danger: overdue or returned; warning: due soon; info: waiting for you


def for_user(user) -> list[Todo]:
    items: list[Todo] = []
    for path in PROVIDERS:
        items.extend(import_string(path)(user))
    return sorted(items, key=lambda t: LEVELS.get(t.level, 9))
