"""Writing the audit log. `record` is called by every service inside its transaction."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable
from typing import Any

from django.db import models

from tuijin.audit.context import client_ip
from tuijin.audit.models import AuditAction, AuditEvent


def record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    note: str = "",
    ip_address: str | None = None,
    attempted_username: str = "",
) -> AuditEvent:
    """Append one event. Raises on failure, so the caller's transaction rolls back with it."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    user = actor if getattr(actor, "is_authenticated", False) else None
    unit = getattr(user, "unit", None)
    return AuditEvent.objects.create(
        actor=user,
        actor_username=getattr(user, "username", "") or attempted_username,
        actor_unit_code=getattr(unit, "code", "") or "",
        actor_unit_name=getattr(unit, "name", "") or "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        changes=changes or {},
        note=note[:500],
        ip_address=ip_address or client_ip.get(),
    )


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The JSON-safe values of `fields` on `obj` (foreign keys by id, many-to-many as sorted ids)."""
    values: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.many_to_many:
            values[name] = sorted((obj.pk and getattr(obj, name).values_list("pk", flat=True)) or [])
        elif field.is_relation:
            values[name] = getattr(obj, field.attname)
        else:
            values[name] = _jsonable(getattr(obj, name))
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for the fields whose value changed."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}


def created(after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [None, v] for k, v in after.items()}


def deleted(before: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [v, None] for k, v in before.items()}


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


__all__ = ["AuditAction", "created", "deleted", "diff", "record", "snapshot"]
