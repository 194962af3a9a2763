"""Helpers of the statistics tests: many projects at once, straight to the tables."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tuijin.projects.models import Project, ProjectPlan, Stage

YEAR = 2026


def bulk_projects(unit, n, *, prefix, kind, stage=Stage.PREPARATION, started_on=None, completed_on=None,
                  start_month=None, completion_month=None, planned_investment=1, year=YEAR, **fields):  # fmt: skip
    """`n` projects of `unit`, each with a plan of `year`: two INSERTs whatever `n` is."""
    projects = Project.objects.bulk_create([
        Project(code=f"{prefix}{i:04d}", name=f"{prefix}项目{i}", unit=unit, total_investment=Decimal(10),
                stage=stage, started_on=started_on, completed_on=completed_on, **fields)
        for i in range(n)
    ])  # fmt: skip
    ProjectPlan.objects.bulk_create([
        ProjectPlan(project=p, year=year, kind=kind, planned_investment=Decimal(str(planned_investment)),
                    planned_start_month=start_month, planned_completion_month=completion_month)
        for p in projects
    ])  # fmt: skip
    return projects


def day(month: int, d: int = 1, year: int = YEAR) -> dt.date:
    return dt.date(year, month, d)
