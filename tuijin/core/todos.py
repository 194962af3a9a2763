"""One item of 我的待办, as every app's `todos.for_user` hands it out (tuijin.shell.todos gathers them)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Todo:
    title: str
    url: str
    detail: str = ""
    count: int | None = None
    level: str = "info"  # danger: overdue or returned; warning: due soon; info: waiting for you
