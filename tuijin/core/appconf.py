"""An app's own settings, declared once in its `conf.py`: the name, the default, the rule a value
must follow, the environment variable tuijin/settings.py sets it from, and what it means.

    SETTINGS = appconf.Settings(
        "projects",
        Setting("PHOTOS_PER_MONTH", 9, appconf.integer(), env="PHOTOS_PER_MONTH", help="…"),
    )
    __getattr__ = SETTINGS.read  # conf.PHOTOS_PER_MONTH

`conf.X` looks `settings.TUIJIN_X` up when it is read (so override_settings applies), else the
default. A value that breaks its rule raises ImproperlyConfigured where it is read, and
`check_settings` (registered by tuijin.core.apps) reports every broken one at start-up, as these
system check errors (listed in docs/settings.md, which `manage.py settings_doc` writes):

- tuijin.E010: the value is not of the setting's type;
- tuijin.E011: an integer outside the setting's range;
- tuijin.E012: not one of the setting's allowed values;
- tuijin.E013: a rule of the setting's own (a retention of at least 180 days, a hash the server has).

Ground: imports nothing of the project.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.apps import AppConfig, apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import module_has_submodule

PREFIX = "TUIJIN_"
E_TYPE, E_RANGE, E_CHOICE, E_RULE = "tuijin.E010", "tuijin.E011", "tuijin.E012", "tuijin.E013"
ERRORS = {
    E_TYPE: "the value is not of the setting's type (an integer, a boolean, a text…)",
    E_RANGE: "an integer outside the setting's range",
    E_CHOICE: "not one of the setting's allowed values",
    E_RULE: "a rule of the setting's own (a retention of at least 180 days, a hash the server has)",
}

Problem = tuple[str, str]  # (check id, message)
Rule = Callable[[str, Any], Problem | None]  # (setting name, value) → the problem, if any
_UNSET = object()


# --- rules ---------------------------------------------------------------------------------------


def boolean(name: str, value: Any) -> Problem | None:
    return None if isinstance(value, bool) else (E_TYPE, f"{name} must be True or False, got {value!r}")


def text(name: str, value: Any) -> Problem | None:
    return None if isinstance(value, str) else (E_TYPE, f"{name} must be a string, got {value!r}")


def path(name: str, value: Any) -> Problem | None:
    return None if isinstance(value, str | os.PathLike) else (E_TYPE, f"{name} must be a path, got {value!r}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def integer(minimum: int = 0, maximum: int | None = None) -> Rule:
    def rule(name: str, value: Any) -> Problem | None:
        if not _is_int(value):
            return E_TYPE, f"{name} must be an integer, got {value!r}"
        if value < minimum or (maximum is not None and value > maximum):
            bounds = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
            return E_RANGE, f"{name} must be {bounds}, got {value}"
        return None

    return rule


def integers(minimum: int, maximum: int) -> Rule:
    """A tuple (or list) of integers, each within the range."""
    each = integer(minimum, maximum)

    def rule(name: str, value: Any) -> Problem | None:
        if not isinstance(value, tuple | list):
            return E_TYPE, f"{name} must be a tuple of integers, got {value!r}"
        return next((problem for item in value if (problem := each(name, item))), None)

    return rule


def one_of(*choices: str) -> Rule:
    def rule(name: str, value: Any) -> Problem | None:
        return None if value in choices else (E_CHOICE, f"{name} must be one of {', '.join(choices)}, got {value!r}")

    return rule


def texts(name: str, value: Any) -> Problem | None:
    """A mapping of text to text."""
    if isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        return None
    return E_TYPE, f"{name} must map strings to strings, got {value!r}"


def also(rule: Rule, test: Callable[[Any], bool], message: str) -> Rule:
    """`rule`, then the setting's own `test` (E013 with `message` when it fails)."""

    def combined(name: str, value: Any) -> Problem | None:
        if problem := rule(name, value):
            return problem
        return None if test(value) else (E_RULE, f"{name} {message}, got {value!r}")

    return combined


# --- declarations --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Derived:
    """A default computed from other settings when read (`shown` is how the documentation says it)."""

    compute: Callable[[], Any]
    shown: str


@dataclass(frozen=True)
class Setting:
    name: str  # without the TUIJIN_ prefix: conf.NAME reads settings.TUIJIN_NAME
    default: Any
    rule: Rule
    help: str
    env: str = ""  # the environment variable(s) tuijin/settings.py sets it from, for the documentation
    refused_when_read: bool = True  # False: only the check reports it (the reader copes with a bad value)

    @property
    def setting(self) -> str:
        return PREFIX + self.name

    def current(self) -> Any:
        value = getattr(settings, self.setting, _UNSET)
        if value is not _UNSET:
            return value
        return self.default.compute() if isinstance(self.default, Derived) else self.default

    def problem(self) -> Problem | None:
        return self.rule(self.setting, self.current())


class Settings:
    """One app's declared settings; `read` is its conf module's `__getattr__`."""

    def __init__(self, app: str, *declared: Setting) -> None:
        self.app = app
        self.declared = {setting.name: setting for setting in declared}

    def __iter__(self) -> Iterator[Setting]:
        return iter(self.declared.values())

    def read(self, name: str) -> Any:
        try:
            setting = self.declared[name]
        except KeyError:
            raise AttributeError(f"the {self.app} app declares no setting {name}") from None
        value = setting.current()
        if setting.refused_when_read and (problem := setting.rule(setting.setting, value)):
            raise ImproperlyConfigured(f"{problem[1]} ({problem[0]}, see docs/settings.md)")
        return value


def declared(app_configs: Iterable[AppConfig] | None = None) -> list[Settings]:
    """The settings of every installed app (or of `app_configs`) that has a conf.py declaring them."""
    found = []
    for config in app_configs if app_configs is not None else apps.get_app_configs():
        if config.name.startswith("tuijin.") and module_has_submodule(config.module, "conf"):
            conf = getattr(import_module(f"{config.name}.conf"), "SETTINGS", None)
            if isinstance(conf, Settings):
                found.append(conf)
    return found


def check_settings(app_configs: Iterable[AppConfig] | None = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return [
        checks.Error(problem[1], hint=f"See docs/settings.md ({conf.app}).", obj=setting.setting, id=problem[0])
        for conf in declared(app_configs)
        for setting in conf
        if (problem := setting.problem())
    ]


# --- documentation -------------------------------------------------------------------------------

MiB = 1024 * 1024


def shown(default: Any) -> str:
    if isinstance(default, Derived):
        return default.shown
    if _is_int(default) and default >= MiB and default % MiB == 0:
        return f"{default // MiB} MiB"
    if isinstance(default, tuple):
        return ",".join(str(item) for item in default) or "（空）"
    if isinstance(default, dict):
        return "; ".join(f"{k}: {v}" for k, v in default.items()) or "{}"
    if isinstance(default, bool):
        return "on" if default else "off"
    return str(default) if default != "" else "（空）"


def document(confs: Iterable[Settings]) -> str:
    """docs/settings.md: every project setting, and the check ids."""
    lines = [
        "# Project settings",
        "",
        "Written by `manage.py settings_doc` from each app's `conf.py` (tests/core/test_appconf.py",
        "fails when they differ). A setting is read as `conf.NAME` from Django's `settings.TUIJIN_NAME`,",
        "which tuijin/settings.py sets only when its environment variable is set; otherwise the default",
        "below applies. A malformed environment value stops settings.py; a value that breaks the",
        "setting's rule is refused where it is read and reported by these system check errors",
        "(`manage.py check`, `migrate`, `runserver`):",
        "",
        "| id | meaning |",
        "| --- | --- |",
        *(f"| {code} | {meaning} |" for code, meaning in ERRORS.items()),
        "",
        "| app | setting | environment | default | meaning |",
        "| --- | --- | --- | --- | --- |",
    ]
    for conf in confs:
        for s in conf:
            env = ", ".join(f"`{name.strip()}`" for name in s.env.split(",")) if s.env else "—"
            lines.append(f"| {conf.app} | `{s.setting}` | {env} | {shown(s.default)} | {s.help} |")
    return "\n".join(lines) + "\n"
