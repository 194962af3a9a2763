"""Writing the audit log. `record` is called by every service inside its transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import ipaddress
from collections.abc import Iterable
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from tuijin.audit import chain, conf
from tuijin.audit.context import client_ip, export_recorded, system_run
from tuijin.audit.models import AuditAction, AuditArchive, AuditEvent
from tuijin.core.encryption import EncryptedCharField, masked

# Any constant will do: every writer of the chain takes this one transaction-level lock.
CHAIN_LOCK_KEY = 0x7475696A696E  # "tuijin"


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
) -> AuditEvent | None:
    """Append one event. Raises on failure, so the caller's transaction rolls back with it.

    An update whose change set is empty (a save that changed nothing) and carries no note is not
    an event: nothing is written and None is returned.
    """
    if action == AuditAction.UPDATE and changes is not None and not changes and not note:
        return None
    if obj is not None:
        # A model that moved between apps keeps the type its rows were first logged under.
        object_type = object_type or getattr(obj, "audit_type", "") or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    user = actor if getattr(actor, "is_authenticated", False) else None
    system = system_run.get()
    if system is not None:  # an automatic job: whoever's request set it off did not act
        user, attempted_username, ip_address = None, "", None
        note = f"{note}（{system.cause}）" if note and system.cause else note or system.cause
    unit = getattr(user, "unit", None)
    if action in (AuditAction.EXPORT, AuditAction.DOWNLOAD):
        export_recorded.set(True)
    return _append(
        actor=user,
        system_actor=system.actor if system is not None else "",
        actor_username=getattr(user, "username", "") or attempted_username,
        actor_unit_code=getattr(unit, "code", "") or "",
        actor_unit_name=getattr(unit, "name", "") or "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        changes=changes or {},
        note=note[:500],
        ip_address=_ip(ip_address or client_ip.get()),
    )


def _append(**values: Any) -> AuditEvent:
    """Insert one row at the head of the chain.

    Locks the chain until the caller's transaction ends, so two writers never link to the same
    previous row: PostgreSQL by a transaction-level advisory lock, SQLite by its write lock (every
    transaction here begins IMMEDIATE). Rows are thus linked in commit order, which is id order.
    """
    algorithm = conf.AUDIT_HASH_ALGORITHM
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
        event = AuditEvent(at=timezone.now(), hash_alg=algorithm, prev_hash=chain_head(), **values)
        event.row_hash = chain.row_hash(algorithm, event.prev_hash, _content(event))
        event.save(force_insert=True)
    return event


def chain_head() -> str:
    """The hash the next row links to: the last row's, else the chain's anchor."""
    last = AuditEvent.objects.order_by("-id").values_list("row_hash", flat=True).first()
    return last or chain_anchor()


def chain_anchor() -> str:
    """What the oldest row in the table links to: the last archived row's hash, else genesis."""
    last = AuditArchive.objects.order_by("-last_id").values_list("last_hash", flat=True).first()
    return last or chain.GENESIS


def _content(event: AuditEvent) -> dict[str, Any]:
    return {name: getattr(event, name) for name in chain.COLUMNS}


def _ip(value: str | None) -> str | None:
    # The form PostgreSQL's inet gives back, so the row hashes the same after reading it.
    try:
        return str(ipaddress.ip_address(value)) if value else None
    except ValueError:
        return None


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The JSON-safe values of `fields` on `obj` (foreign keys by id, many-to-many as sorted ids)."""
    values: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.many_to_many:
            values[name] = sorted((obj.pk and getattr(obj, name).values_list("pk", flat=True)) or [])
        elif field.is_relation:
            values[name] = getattr(obj, field.attname)
        elif isinstance(field, EncryptedCharField):
            values[name] = masked(getattr(obj, name))  # the log shows that it changed, never the number
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
