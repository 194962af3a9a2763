"""Every write to the project library: projects, stage changes, milestones, plans, batches,
designations and node templates.

Each function checks the policy, validates (`full_clean`), writes, and records its audit event in
one transaction. A function that edits a row a form was built from takes `expected_version` and
locks the row (`lock_current`), so a stale save is refused and nothing is overwritten.

Who may do what: the library belongs to supervisors (`project.manage`, the project's unit in
scope); designations, batches and node templates to the city (`project.manage` + `sees_all`).
The unit's reporter (`project.report`) may state why a project has not started (`delay_reason`)
and record a milestone's actual date, nothing else. Stage changes need `project.stage`.

Admission rules (`settings.TUIJIN_PROJECT_ADMISSION_RULES`, default on): a project is not marked
started while its EIA and land checkpoints have no actual date. A supervisor may override with a
reason; the project is then started *and* flagged (`admission_flags`), never silently accepted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.audit.models import AuditAction
from tuijin.audit.services import created, diff, record, snapshot
from tuijin.core.concurrency import lock_current
from tuijin.orgs import policy
from tuijin.orgs.models import Role, Unit, User
from tuijin.projects.models import (
    ADMISSION_CHECKPOINTS,
    REASONED_STAGES,
    STAGE_TRANSITIONS,
    Batch,
    CheckpointKey,
    Designation,
    Milestone,
    NodeTemplate,
    NodeTemplateItem,
    PlanKind,
    Project,
    ProjectPlan,
    Stage,
    StageChange,
)
from tuijin.projects.services import progress

PROJECT_FIELDS = (
    "code", "national_code", "name", "unit", "industry", "address", "longitude", "latitude", "total_investment",
    "registered_capital", "owner_company", "contact_name", "contact_phone", "construction_content", "batch",
    "node_template", "lead_leader", "commissioner", "agent", "planned_start_on", "planned_completion_on",
    "delay_reason",
)  # fmt: skip
# A project is created in one of these; every later stage goes through `project_change_stage`.
INITIAL_STAGES = (Stage.CONCEPT, Stage.PREPARATION)
MILESTONE_FIELDS = ("name", "key", "planned_on", "actual_on", "responsible_unit", "responsible_person", "note")
# What the unit's reporter may change on a milestone of its own project.
REPORTER_MILESTONE_FIELDS = frozenset({"actual_on"})
PLAN_FIELDS = ("kind", "planned_investment", "planned_start_month", "planned_completion_month")
BATCH_FIELDS = ("code", "name", "launch_date", "start_deadline", "description")
DESIGNATION_FIELDS = ("code", "name", "sort_order")


def admission_rules_on() -> bool:
    return bool(getattr(settings, "TUIJIN_PROJECT_ADMISSION_RULES", True))


# --- guards --------------------------------------------------------------------------------


def require_city_manager(actor: User) -> None:
    """Designations, batches and node templates are the city's lists."""
    policy.require(actor, "project.manage")
    if not policy.sees_all(actor):
        raise PermissionDenied(_("只有市级督查员可以维护标签、批次和节点模板。"))


def can_manage(actor: User, project: Project) -> bool:
    return policy.allows(actor, "project.manage", project.unit)


def can_report(actor: User, project: Project) -> bool:
    """The unit's reporter (its own unit or a unit below it)."""
    return policy.allows(actor, "project.report", project.unit)


def _not_future(value: dt.date | None, field: str) -> None:
    if value is not None and value > timezone.localdate():
        raise ValidationError({field: _("日期不能晚于今天。")})


# --- projects ------------------------------------------------------------------------------


def _snapshot(project: Project) -> dict:
    return snapshot(project, [*PROJECT_FIELDS, "stage", "stage_reason", "started_on", "completed_on", "designations"])


def _validate_people(project: Project) -> None:
    leader = project.lead_leader
    if leader is not None and not (leader.is_active and leader.has_role(Role.LEADER)):
        raise ValidationError({"lead_leader": _("领衔领导须为在职的领导账号。")})
    for name in ("commissioner", "agent"):
        person = getattr(project, name)
        if person is not None and not person.is_active:
            raise ValidationError({name: _("该账号已停用。")})


def _validate_amounts_and_dates(project: Project) -> None:
    if project.total_investment is not None and project.total_investment < 0:
        raise ValidationError({"total_investment": _("总投资不能为负数。")})
    start, end = project.planned_start_on, project.planned_completion_on
    if start and end and end < start:
        raise ValidationError({"planned_completion_on": _("计划竣工日期不能早于计划开工日期。")})


@transaction.atomic
def project_create(
    *,
    actor: User,
    code: str,
    name: str,
    unit: Unit,
    total_investment: Decimal,
    designations: Iterable[Designation] = (),
    stage: str = Stage.CONCEPT,
    **fields,
) -> Project:
    """Create a project in 谋划 or 前期; a node template lays its milestones out."""
    policy.require(actor, "project.manage", unit)
    if stage not in INITIAL_STAGES:
        raise ValidationError({"stage": _("新项目只能处于谋划或前期阶段；开工等阶段请通过阶段变更登记。")})
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise TypeError(f"project_create() does not set {sorted(unknown)}")
    project = Project(code=code, name=name, unit=unit, total_investment=total_investment, stage=stage, **fields)
    _validate_people(project)
    _validate_amounts_and_dates(project)
    project.full_clean()
    project.save()
    project.designations.set(designations)
    record(actor=actor, action=AuditAction.CREATE, obj=project, changes=created(_snapshot(project)))
    if project.node_template_id:
        _lay_out(actor, project, project.node_template)
    return project


@transaction.atomic
def project_update(
    *,
    actor: User,
    project: Project,
    expected_version: int | None,
    designations: Iterable[Designation] | None = None,
    **fields,
) -> Project:
    """Edit a project's facts (not its stage). Moving it to another unit needs both units in scope."""
    policy.require(actor, "project.manage", project.unit)
    project = lock_current(project, expected_version)
    before = _snapshot(project)
    for name, value in fields.items():
        if name not in PROJECT_FIELDS:
            raise TypeError(f"project_update() does not set {name!r}")
        setattr(project, name, value)
    policy.require(actor, "project.manage", project.unit)
    _validate_people(project)
    _validate_amounts_and_dates(project)
    project.full_clean()
    project.version += 1
    project.save()
    if designations is not None:
        project.designations.set(designations)
    record(actor=actor, action=AuditAction.UPDATE, obj=project, changes=diff(before, _snapshot(project)))
    if project.node_template_id and not project.milestones.exists():
        _lay_out(actor, project, project.node_template)
    return project


@transaction.atomic
def project_set_delay_reason(*, actor: User, project: Project, delay_reason: str, expected_version: int | None):
    """未开工原因: the unit's own account of why a late project has not started."""
    if not (can_report(actor, project) or can_manage(actor, project)):
        raise PermissionDenied(_("您没有执行此操作的权限。"))
    project = lock_current(project, expected_version)
    old = project.delay_reason
    project.delay_reason = (delay_reason or "").strip()
    project.full_clean()
    project.version += 1
    project.save(update_fields=["delay_reason", "version", "updated_at"])
    record(actor=actor, action=AuditAction.UPDATE, obj=project, changes={"delay_reason": [old, project.delay_reason]})
    return project


# --- stage changes -------------------------------------------------------------------------


def admission_failures(project: Project) -> list[str]:
    """The admission checkpoints (keys) without an actual date; a missing node counts as not done."""
    done = set(
        project.milestones.filter(key__in=ADMISSION_CHECKPOINTS, actual_on__isnull=False).values_list("key", flat=True)
    )
    return [str(key) for key in ADMISSION_CHECKPOINTS if key not in done]


def checkpoint_labels(keys: Iterable[str]) -> str:
    return "、".join(str(CheckpointKey(k).label) for k in keys)


def _check_stage_change(actor, project, to_stage, on_date, reason, override_admission) -> list[str]:
    """Validate a transition; returns the admission flags it will carry (empty when it passes)."""
    if to_stage not in STAGE_TRANSITIONS[project.stage]:
        raise ValidationError(
            _("“%(old)s”阶段的项目不能变为“%(new)s”。")
            % {"old": Stage(project.stage).label, "new": Stage(to_stage).label}
        )
    if on_date is None:
        raise ValidationError({"on_date": _("请填写日期。")})
    _not_future(on_date, "on_date")
    if to_stage in REASONED_STAGES and not reason.strip():
        raise ValidationError({"reason": _("停缓建或终止须说明原因。")})
    if to_stage == Stage.COMPLETED and project.started_on and on_date < project.started_on:
        raise ValidationError({"on_date": _("竣工日期不能早于开工日期（%(d)s）。") % {"d": project.started_on}})
    if to_stage != Stage.STARTED or project.stage not in (Stage.PREPARATION, Stage.SUSPENDED):
        return []
    if not admission_rules_on():
        return []
    failures = admission_failures(project)
    if not failures:
        return []
    if not override_admission:
        raise ValidationError(
            _("准入规则：%(c)s尚未完成（无实际完成日期），不能登记开工。请先在节点中登记完成日期。")
            % {"c": checkpoint_labels(failures)}
        )
    if not can_manage(actor, project):
        raise PermissionDenied(_("只有督查员可以在准入条件未满足时登记开工。"))
    if not reason.strip():
        raise ValidationError({"reason": _("未满足准入条件仍登记开工，须说明原因。")})
    return failures


@transaction.atomic
def project_change_stage(
    *,
    actor: User,
    project: Project,
    to_stage: str,
    on_date: dt.date | None,
    evidence: str = "",
    reason: str = "",
    override_admission: bool = False,
    expected_version: int | None,
) -> StageChange:
    """Move a project along `STAGE_TRANSITIONS`, recording who, when, the evidence and any flags."""
    policy.require(actor, "project.stage", project.unit)
    project = lock_current(project, expected_version)
    reason, evidence = (reason or "").strip(), (evidence or "").strip()
    flags = _check_stage_change(actor, project, to_stage, on_date, reason, override_admission)
    before = snapshot(project, ("stage", "stage_reason", "started_on", "completed_on", "admission_flags"))
    from_stage, project.stage = project.stage, to_stage
    project.stage_reason = reason if to_stage in REASONED_STAGES else ""
    if to_stage == Stage.STARTED and project.started_on is None:
        project.started_on = on_date
        _mark_checkpoint(project, CheckpointKey.START, on_date)
        # 最多报一次: indicators counting started projects are derived again from that month on.
        progress.enqueue_feed(actor=actor, year=on_date.year, month=on_date.month, units=[project.unit])
    if to_stage == Stage.COMPLETED:
        project.completed_on = on_date
        _mark_checkpoint(project, CheckpointKey.COMPLETION, on_date)
    if flags:
        project.admission_flags = sorted(set(project.admission_flags) | set(flags))
    project.version += 1
    project.save()
    change = StageChange.objects.create(
        project=project, from_stage=from_stage, to_stage=to_stage, on_date=on_date, evidence=evidence,
        reason=reason, admission_flags=flags, changed_by=actor,
    )  # fmt: skip
    after = snapshot(project, ("stage", "stage_reason", "started_on", "completed_on", "admission_flags"))
    note = _("准入未通过，督查员确认开工：%(c)s") % {"c": checkpoint_labels(flags)} if flags else evidence
    record(actor=actor, action=AuditAction.TRANSITION, obj=project, changes=diff(before, after), note=note)
    return change


def _mark_checkpoint(project: Project, key: str, on_date: dt.date) -> None:
    Milestone.objects.filter(project=project, key=key, actual_on__isnull=True).update(
        actual_on=on_date, version=F("version") + 1
    )


# --- milestones and node templates ---------------------------------------------------------


def _lay_out(actor: User, project: Project, template: NodeTemplate) -> list[Milestone]:
    start = project.planned_start_on
    milestones = [
        Milestone(
            project=project,
            order=item.order,
            name=item.name,
            key=item.key,
            planned_on=start + dt.timedelta(days=item.offset_days) if start else None,
        )
        for item in template.items.order_by("order")
    ]
    Milestone.objects.bulk_create(milestones)
    record(
        actor=actor, action=AuditAction.CREATE, obj=project, object_type="projects.milestone",
        changes={"template": [None, template.code], "nodes": [None, len(milestones)]},
        note=_("按节点模板“%(t)s”生成节点") % {"t": template.name},
    )  # fmt: skip
    return milestones


@transaction.atomic
def milestones_layout(*, actor: User, project: Project, template: NodeTemplate) -> list[Milestone]:
    """Lay a project's nodes out from a template: planned date = planned start + offset
    (left empty without a planned start). Only for a project that has no nodes yet."""
    policy.require(actor, "project.manage", project.unit)
    project = lock_current(project, None)
    if project.milestones.exists():
        raise ValidationError(_("该项目已有节点，不能再按模板生成。"))
    return _lay_out(actor, project, template)


@transaction.atomic
def milestone_create(*, actor: User, project: Project, name: str, key: str = CheckpointKey.OTHER, **fields):
    policy.require(actor, "project.manage", project.unit)
    lock_current(project, None)  # serialises the order numbers of one project
    order = (project.milestones.aggregate(m=Max("order"))["m"] or 0) + 1
    milestone = Milestone(project=project, order=order, name=name, key=key, **fields)
    _not_future(milestone.actual_on, "actual_on")
    milestone.full_clean()
    milestone.save()
    record(
        actor=actor, action=AuditAction.CREATE, obj=milestone, changes=created(snapshot(milestone, MILESTONE_FIELDS))
    )
    return milestone


@transaction.atomic
def milestone_update(*, actor: User, milestone: Milestone, expected_version: int | None, **fields) -> Milestone:
    """Edit a node. Supervisors edit everything; the unit's reporter only records the actual date."""
    project = milestone.project
    manager = can_manage(actor, project)
    if not manager and not can_report(actor, project):
        raise PermissionDenied(_("您没有执行此操作的权限。"))
    milestone = lock_current(milestone, expected_version)
    before = snapshot(milestone, MILESTONE_FIELDS)
    for name, value in fields.items():
        if name not in MILESTONE_FIELDS:
            raise TypeError(f"milestone_update() does not set {name!r}")
        if getattr(milestone, name) != value and not manager and name not in REPORTER_MILESTONE_FIELDS:
            raise PermissionDenied(_("填报员只能登记节点的实际完成日期。"))
        setattr(milestone, name, value)
    _not_future(milestone.actual_on, "actual_on")
    milestone.full_clean()
    milestone.version += 1
    milestone.save()
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=milestone,
        changes=diff(before, snapshot(milestone, MILESTONE_FIELDS)),
    )
    return milestone


@dataclass(frozen=True)
class NodeItem:
    name: str
    key: str
    offset_days: int


def _set_items(template: NodeTemplate, items: Sequence[NodeItem]) -> list[dict]:
    if not items:
        raise ValidationError({"items": _("节点模板至少要有一个节点。")})
    template.items.all().delete()
    rows = []
    for order, item in enumerate(items, start=1):
        row = NodeTemplateItem(
            template=template, order=order, name=item.name.strip(), key=item.key, offset_days=item.offset_days
        )
        try:
            row.full_clean(exclude=["template"])
        except ValidationError as exc:
            raise ValidationError(
                {"items": [_("第 %(n)d 个节点：%(e)s") % {"n": order, "e": " ".join(exc.messages)}]}
            ) from None
        rows.append(row)
    NodeTemplateItem.objects.bulk_create(rows)
    return [{"name": r.name, "key": r.key, "offset_days": r.offset_days} for r in rows]


@transaction.atomic
def node_template_create(*, actor: User, code: str, name: str, items: Sequence[NodeItem]) -> NodeTemplate:
    require_city_manager(actor)
    template = NodeTemplate(code=code, name=name)
    template.full_clean()
    template.save()
    nodes = _set_items(template, items)
    record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=template,
        changes=created({"code": code, "name": name, "items": nodes}),
    )
    return template


@transaction.atomic
def node_template_update(
    *,
    actor: User,
    template: NodeTemplate,
    code: str,
    name: str,
    items: Sequence[NodeItem],
    expected_version: int | None = None,
) -> NodeTemplate:
    """Rename a template and replace its nodes. Projects already laid out keep their own nodes."""
    require_city_manager(actor)
    template = lock_current(template, expected_version)
    before = {"code": template.code, "name": template.name, "items": list(
        template.items.order_by("order").values("name", "key", "offset_days"))}  # fmt: skip
    template.code, template.name = code, name
    template.full_clean()
    template.version += 1
    template.save()
    after = {"code": code, "name": name, "items": _set_items(template, items)}
    record(actor=actor, action=AuditAction.UPDATE, obj=template, changes=diff(before, after))
    return template


# --- annual plans --------------------------------------------------------------------------


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


# --- batches and designations --------------------------------------------------------------


def _validate_batch(batch: Batch) -> None:
    if batch.launch_date and batch.start_deadline and batch.start_deadline < batch.launch_date:
        raise ValidationError({"start_deadline": _("全部开工期限不能早于集中开工日期。")})
    batch.full_clean()


def _set_batch_projects(actor: User, batch: Batch, projects: Iterable[Project] | None) -> list[str]:
    if projects is None:
        return sorted(batch.projects.values_list("code", flat=True))
    projects = list(projects)
    for project in projects:
        policy.require(actor, "project.manage", project.unit)
    ids = [p.pk for p in projects]
    Project.objects.filter(batch=batch).exclude(pk__in=ids).update(batch=None)
    Project.objects.filter(pk__in=ids).update(batch=batch)
    return sorted(p.code for p in projects)


@transaction.atomic
def batch_create(*, actor: User, projects: Iterable[Project] = (), **fields) -> Batch:
    require_city_manager(actor)
    batch = Batch(**{k: v for k, v in fields.items() if k in BATCH_FIELDS})
    _validate_batch(batch)
    batch.save()
    codes = _set_batch_projects(actor, batch, projects)
    record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=batch,
        changes=created({**snapshot(batch, BATCH_FIELDS), "projects": codes}),
    )
    return batch


@transaction.atomic
def batch_update(
    *, actor: User, batch: Batch, expected_version: int | None, projects: Iterable[Project] | None = None, **fields
) -> Batch:
    """Edit a batch; `projects` (when given) becomes its exact membership."""
    require_city_manager(actor)
    batch = lock_current(batch, expected_version)
    before = {**snapshot(batch, BATCH_FIELDS), "projects": sorted(batch.projects.values_list("code", flat=True))}
    for name, value in fields.items():
        if name not in BATCH_FIELDS:
            raise TypeError(f"batch_update() does not set {name!r}")
        setattr(batch, name, value)
    _validate_batch(batch)
    batch.version += 1
    batch.save()
    after = {**snapshot(batch, BATCH_FIELDS), "projects": _set_batch_projects(actor, batch, projects)}
    record(actor=actor, action=AuditAction.UPDATE, obj=batch, changes=diff(before, after))
    return batch


@transaction.atomic
def designation_create(*, actor: User, code: str, name: str, sort_order: int = 0) -> Designation:
    require_city_manager(actor)
    designation = Designation(code=code, name=name, sort_order=sort_order)
    designation.full_clean()
    designation.save()
    record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=designation,
        changes=created(snapshot(designation, DESIGNATION_FIELDS)),
    )
    return designation


@transaction.atomic
def designation_update(
    *, actor: User, designation: Designation, expected_version: int | None = None, **fields
) -> Designation:
    require_city_manager(actor)
    designation = lock_current(designation, expected_version)
    before = snapshot(designation, DESIGNATION_FIELDS)
    for name, value in fields.items():
        if name not in DESIGNATION_FIELDS:
            raise TypeError(f"designation_update() does not set {name!r}")
        setattr(designation, name, value)
    designation.full_clean()
    designation.version += 1
    designation.save()
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=designation,
        changes=diff(before, snapshot(designation, DESIGNATION_FIELDS)),
    )
    return designation
