"""The contact sheets' settings, each with its default (set from the environment in tuijin/settings.py)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from tuijin.workdays.workcalendar import MODES


def answer_days() -> int:
    """N: the answer (受理意见 + promised date) is due N days after receipt."""
    return _non_negative("TUIJIN_SHEET_ANSWER_DAYS", 7)


def day_mode() -> str:
    """ "natural" (the statutory rule) or "working" days."""
    mode = getattr(settings, "TUIJIN_SHEET_DAY_MODE", "natural")
    if mode not in MODES:
        raise ImproperlyConfigured(f"TUIJIN_SHEET_DAY_MODE must be one of {MODES}, got {mode!r}")
    return mode


def transfer_restarts_clock() -> bool:
    """After 转办 the new department gets the full N days (True) or inherits the first due date."""
    return bool(getattr(settings, "TUIJIN_SHEET_TRANSFER_RESTARTS_CLOCK", True))


def agenda_days() -> int:
    """Days after an escalation before a sheet still unsolved goes on the mayor's office
    meeting agenda by itself (the ladder's second rung); 0 leaves it to the leader."""
    return _non_negative("TUIJIN_SHEET_AGENDA_DAYS", 7)


def attachment_max_bytes() -> int:
    return _non_negative("TUIJIN_SHEET_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)


def attachments_per_sheet() -> int:
    return _non_negative("TUIJIN_SHEET_ATTACHMENTS_PER_SHEET", 10)


def _non_negative(name: str, default: int) -> int:
    value = getattr(settings, name, default)
    if not isinstance(value, int) or value < 0:
        raise ImproperlyConfigured(f"{name} must be a non-negative integer, got {value!r}")
    return value
