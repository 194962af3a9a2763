"""Writes to the city's batches (集中开工批次) and designations (省市重点…): city supervisors only
(`project.manage` + `sees_all`), each with its audit event in one transaction; an edit takes the form's
`expected_version`."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tuijin.audit.models import AuditAction
from tuijin.audit.services import created, diff, record, snapshot
from tuijin.core.concurrency import lock_current
from tuijin.orgs import policy
from tuijin.orgs.models import User
from tuijin.projects.models import (
    Batch,
    Designation,
    Project,
)
from tuijin.projects.services.guards import require_city_manager

BATCH_FIELDS = ("code", "name", "launch_date", "start_deadline", "description")
DESIGNATION_FIELDS = ("code", "name", "sort_order")
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
