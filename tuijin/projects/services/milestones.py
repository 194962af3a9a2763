"""A project's milestones (节点) and the city's node templates (节点模板).

Supervisors lay out and edit milestones; the unit's reporter may only record a milestone's actual date
(`REPORTER_MILESTONE_FIELDS`). Node templates belong to the city. Each write checks the policy, locks the
row against a stale form (`expected_version`) and records its audit event in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from tuijin.audit.models import AuditAction
from tuijin.audit.services import created, diff, record, snapshot
from tuijin.core.concurrency import lock_current
from tuijin.orgs import policy
from tuijin.orgs.models import User
from tuijin.projects.models import (
    CheckpointKey,
    Milestone,
    NodeTemplate,
    NodeTemplateItem,
    Project,
)
from tuijin.projects.services.guards import can_manage, can_report, not_future, require_city_manager

MILESTONE_FIELDS = ("name", "key", "planned_on", "actual_on", "responsible_unit", "responsible_person", "note")
# What the unit's reporter may change on a milestone of its own project.
REPORTER_MILESTONE_FIELDS = frozenset({"actual_on"})


def lay_out(actor: User, project: Project, template: NodeTemplate) -> list[Milestone]:
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
    return lay_out(actor, project, template)


@transaction.atomic
def milestone_create(*, actor: User, project: Project, name: str, key: str = CheckpointKey.OTHER, **fields):
    policy.require(actor, "project.manage", project.unit)
    lock_current(project, None)  # serialises the order numbers of one project
    order = (project.milestones.aggregate(m=Max("order"))["m"] or 0) + 1
    milestone = Milestone(project=project, order=order, name=name, key=key, **fields)
    not_future(milestone.actual_on, "actual_on")
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
    not_future(milestone.actual_on, "actual_on")
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
