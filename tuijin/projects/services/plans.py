"""A project's annual plan (年度计划): planned investment, start and completion month, set by the project's
supervisor; warnings (not errors) where the plan disagrees with the project."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tuijin.audit.models import AuditAction
from tuijin.audit.services import created, diff, record, snapshot
from tuijin.core.concurrency import lock_current
from tuijin.orgs import policy
from tuijin.orgs.models import User
from tuijin.projects.models import (
    PlanKind,
    Project,
    ProjectPlan,
)

PLAN_FIELDS = ("kind", "planned_investment", "planned_start_month", "planned_completion_month")


@dataclass(frozen=True)
class PlanResult:
    plan: ProjectPlan
    created: bool
    changed: bool
    warnings: list[str]


def _validate_plan(plan: ProjectPlan) -> list[str]:
    errors = {}
    if plan.planned_investment is not None and plan.planned_investment < 0:
        errors["planned_investment"] = _("年度计划投资不能为负数。")
    if plan.kind == PlanKind.NEW and plan.planned_start_month is None:
        errors["planned_start_month"] = _("新开工项目须填写计划开工月份。")
    if plan.kind == PlanKind.COMPLETING and plan.planned_completion_month is None:
        errors["planned_completion_month"] = _("竣工项目须填写计划竣工月份。")
    start, end = plan.planned_start_month, plan.planned_completion_month
    if start and end and end < start:
        errors["planned_completion_month"] = _("计划竣工月份不能早于计划开工月份。")
    if errors:
        raise ValidationError(errors)
    plan.full_clean(exclude=["project"])
    if plan.planned_investment > plan.project.total_investment:
        return [_("年度计划投资（%(p)s 亿元）超过项目总投资（%(t)s 亿元），请核实。") % {
            "p": plan.planned_investment.normalize(), "t": plan.project.total_investment.normalize()}]  # fmt: skip
    return []


@transaction.atomic
def plan_set(
    *,
    actor: User,
    project: Project,
    year: int,
    kind: str,
    planned_investment: Decimal,
    planned_start_month: int | None = None,
    planned_completion_month: int | None = None,
    expected_version: int | None = None,
) -> PlanResult:
    """Create or update the project's plan for `year`. A plan above the total investment is a warning."""
    policy.require(actor, "project.manage", project.unit)
    existing = ProjectPlan.objects.filter(project=project, year=year).first()
    plan = lock_current(existing, expected_version) if existing else ProjectPlan(project=project, year=year)
    plan.project = project
    before = snapshot(plan, PLAN_FIELDS) if existing else {}
    stored = [getattr(plan, name) for name in PLAN_FIELDS] if existing else None
    plan.kind, plan.planned_investment = kind, planned_investment
    plan.planned_start_month, plan.planned_completion_month = planned_start_month, planned_completion_month
    warnings = _validate_plan(plan)
    after = snapshot(plan, PLAN_FIELDS)
    if existing and stored == [getattr(plan, name) for name in PLAN_FIELDS]:
        return PlanResult(plan=plan, created=False, changed=False, warnings=warnings)
    if existing:
        plan.version += 1
    plan.save()
    changes = diff(before, after) if existing else created(after)
    record(actor=actor, action=AuditAction.UPDATE if existing else AuditAction.CREATE, obj=plan, changes=changes)
    return PlanResult(plan=plan, created=existing is None, changed=True, warnings=warnings)
