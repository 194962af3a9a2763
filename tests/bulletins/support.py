"""A small month of data on top of the shared cast and catalogue, for drafting bulletins.

June 2026 (month 6, time progress 50%): 固定资产投资 (FAI) of the two counties and the zone,
with targets and last year's figures (and last year's own report for the growth change);
a few projects in 甲县 and 乙县. Rows go straight to the tables, like the analytics tests.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tuijin.indicators.models import Report, Submission, SubmissionStatus, Target
from tuijin.projects.models import PlanKind, Project, ProjectPlan, Stage

YEAR = 2026


def report(unit, indicator, month, value, last=None, year=YEAR):
    submission, _ = Submission.objects.get_or_create(
        unit=unit, year=year, month=month, defaults={"status": SubmissionStatus.SUBMITTED}
    )
    return Report.objects.create(
        submission=submission, unit=unit, indicator=indicator, year=year, month=month, value=Decimal(str(value)),
        last_year_value=None if last is None else Decimal(str(last)),
    )  # fmt: skip


def target(unit, indicator, value, year=YEAR):
    return Target.objects.create(unit=unit, indicator=indicator, year=year, value=Decimal(str(value)))


def june(cast, catalogue) -> None:
    """甲县 260 of 500 (52%), 乙县 230 of 500 (46%), 高新区 120 of 250 (48%) in June."""
    fai = catalogue.fai
    for unit, tgt, value, last, prev_last in (
        (cast.county_a, 500, 260, 220, 200),
        (cast.county_b, 500, 230, 200, 190),
        (cast.zone, 250, 120, 100, 95),
    ):
        target(unit, fai, tgt)
        report(unit, fai, 6, value, last)
        report(unit, fai, 6, last, prev_last, year=YEAR - 1)
    project(cast.county_a, "P1", kind=PlanKind.NEW, started_on=dt.date(YEAR, 3, 1), stage=Stage.STARTED)
    project(cast.county_a, "P2", kind=PlanKind.NEW, start_month=2)  # 迟迟不开工
    project(cast.county_b, "P3", kind=PlanKind.NEW, start_month=5)


def project(unit, code, *, kind, start_month=None, started_on=None, stage=Stage.PREPARATION, planned=10):
    p = Project.objects.create(code=code, name=f"项目{code}", unit=unit, total_investment=Decimal(50), stage=stage,
                               started_on=started_on)  # fmt: skip
    ProjectPlan.objects.create(project=p, year=YEAR, kind=kind, planned_investment=Decimal(planned),
                               planned_start_month=start_month)  # fmt: skip
    return p
