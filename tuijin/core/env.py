"""Reading the environment strictly, for tuijin/settings.py: a value that is not what the setting
takes stops start-up (ImproperlyConfigured) instead of being guessed. Each reader returns
`default` when the variable is unset, so `integer("X")` is None unless the environment names X:
settings.py then leaves the app's own default (its conf.py) in place.

Ground: imports nothing of the project, and needs no configured Django (settings.py runs it).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import overload

from django.core.exceptions import ImproperlyConfigured

TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off", ""})


def is_set(name: str) -> bool:
    return name in os.environ


@overload
def boolean(name: str, default: bool) -> bool: ...
@overload
def boolean(name: str, default: None = None) -> bool | None: ...
def boolean(name: str, default: bool | None = None) -> bool | None:
    # Any unknown word is refused: a typo in DEBUG must not pass silently as False.
    if name not in os.environ:
        return default
    raw = os.environ[name].strip().lower()
    if raw in TRUE:
        return True
    if raw in FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


@overload
def integer(name: str, default: int, *, minimum: int | None = None) -> int: ...
@overload
def integer(name: str, default: None = None, *, minimum: int | None = None) -> int | None: ...
def integer(name: str, default: int | None = None, *, minimum: int | None = None) -> int | None:
    # A minimum stops start-up on a negative limit or count rather than locking everyone out.
    if name not in os.environ:
        return default
    raw = os.environ[name].strip()
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    return value


def integers(name: str) -> tuple[int, ...] | None:
    """A comma-separated list of integers ("2,0"); an empty value is the empty tuple."""
    if name not in os.environ:
        return None
    parts = [part.strip() for part in os.environ[name].split(",") if part.strip()]
    try:
        return tuple(int(part) for part in parts)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be integers separated by commas, got {os.environ[name]!r}") from None


def text(name: str, *, lower: bool = False) -> str | None:
    """The value as written (stripped and lower-cased with `lower`); None when unset or empty (an
    empty value leaves the default)."""
    raw = os.environ.get(name, "")
    return (raw.strip().lower() if lower else raw) or None


def path(name: str) -> Path | None:
    raw = text(name)
    return Path(os.path.abspath(raw)) if raw else None
