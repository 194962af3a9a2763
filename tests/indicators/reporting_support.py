"""Shared steps for the reporting tests: a clean March 2026 for 甲县 (C-A), driven through the services.

The clock is frozen on 2 April 2026 (Asia/Shanghai): March is the period being filled, its
deadline is 5 April, and March is a quarter month, so the quarterly PARK indicator is due.
"""

from __future__ import annotations

from decimal import Decimal

import time_machine

from tuijin.indicators.services import reporting

YEAR, MONTH = 2026, 3
FILLING_DAY = "2026-04-02 10:00 +0800"
AFTER_DEADLINE = "2026-04-08 09:00 +0800"  # March was due on 5 April, moved past Qingming to the 7th


def filling_clock():
    return time_machine.travel(FILLING_DAY, tick=False)


def d(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


# A plausible, rule-abiding March for C-A: value, last year, remark.
GOOD_MARCH = {
    "fai": (30, 28, ""),
    "fdi": (1200, 1100, ""),
    "gdp": (6.5, 6.1, ""),
    "hitech": (45.2, 43.0, ""),
    "pm25": (32, 35, ""),
    "parks": (2, 1, ""),
}


def entries(catalogue, values: dict) -> list[reporting.Entry]:
    return [
        reporting.Entry(getattr(catalogue, name), d(value), d(last), remark)
        for name, (value, last, remark) in values.items()
    ]


def save(cast, catalogue, values=None, *, actor=None, unit=None, year=YEAR, month=MONTH, version=None):
    return reporting.submission_save_draft(
        actor=actor or cast.reporter_a, unit=unit or cast.county_a, year=year, month=month,
        entries=entries(catalogue, GOOD_MARCH if values is None else values), expected_version=version,
    )  # fmt: skip


def submit(cast, catalogue, values=None):
    submission = save(cast, catalogue, values)
    return reporting.submission_submit(
        actor=cast.reporter_a, submission=submission, expected_version=submission.version
    )


def approve(cast, catalogue):
    submission = submit(cast, catalogue)
    return reporting.submission_approve(actor=cast.head_a, submission=submission, expected_version=submission.version)


def accept(cast, catalogue):
    submission = approve(cast, catalogue)
    return reporting.submission_accept(
        actor=cast.supervisor, submission=submission, expected_version=submission.version
    )
