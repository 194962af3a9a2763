"""Every write to a project of the library: create, edit, the delay reason and stage changes.
Its milestones are in `services.milestones`, its annual plan in `services.plans`, the city's
batches and designations in `services.batches`; the checks they share in `services.guards`.

Each function checks the policy, validates (`full_clean`), writes, and records its audit event in
one transaction. A function that edits a row a form was built from takes `expected_version` and
locks the row (`lock_current`), so a stale save is refused and nothing is overwritten.

Who may do what: the library belongs to supervisors (`project.manage`, the project's unit in
scope); designations, batches and node templates to the city (`project.manage` + `sees_all`).
The unit's reporter (`project.report`) may state why a project has not started (`delay_reason`)
and record a milestone's actual date, nothing else. Stage changes need `project.stage`.

Admission rules (`conf.PROJECT_ADMISSION_RULES`, default on): a project is not marked
started while its EIA and land checkpoints have no actual date. A supervisor may override with a
reason; the project is then started *and* flagged (`admission_flags`), never silently accepted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from tuijin.audit.models import AuditAction
from tuijin.audit.services import created, diff, record, snapshot
from tuijin.core.concurrency import lock_current
from tuijin.orgs import policy
from tuijin.orgs.models import Role, Unit, User
from tuijin.projects import conf
from tuijin.projects.models import (
    ADMISSION_CHECKPOINTS,
    REASONED_STAGES,
    STAGE_TRANSITIONS,
    CheckpointKey,
    Designation,
    Milestone,
    Project,
    Stage,
    StageChange,
)
from tuijin.projects.services import milestones, progress
from tuijin.projects.services.guards import can_manage, can_report, not_future

PROJECT_FIELDS = (
    "code", "national_code", "name", "unit", "industry", "address", "longitude", "latitude", "total_investment",
    "registered_capital", "owner_company", "contact_name", "contact_phone", "construction_content", "batch",
    "node_template", "lead_leader", "commissioner", "agent", "planned_start_on", "planned_completion_on",
    "delay_reason",
)  # fmt: skip
# A project is created in one of these; every later stage goes through `project_change_stage`.
INITIAL_STAGES = (Stage.CONCEPT, Stage.PREPARATION)


def admission_rules_on() -> bool:
    return conf.PROJECT_ADMISSION_RULES


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
        milestones.lay_out(actor, project, project.node_template)
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
        milestones.lay_out(actor, project, project.node_template)
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
    not_future(on_date, "on_date")
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
