"""Retention: audit rows older than the retention period are exported to a signed file, then removed.

Off unless TUIJIN_AUDIT_RETENTION_DAYS is set (never under 180 days, 等保). Runs as the owner role
(the app role may not delete audit rows), only over the oldest rows of the chain, so what stays
still verifies: its first row links to the archive's last hash, recorded in `AuditArchive`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from pathlib import Path

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, transaction
from django.utils import timezone

from tuijin.audit import conf
from tuijin.audit.chain import COLUMNS as CHAINED
from tuijin.audit.models import AuditArchive, AuditEvent
from tuijin.audit.services import CHAIN_LOCK_KEY

MINIMUM_DAYS = 180
TRIGGER = "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END"
COLUMNS = ("id", "hash_alg", "prev_hash", "row_hash", *CHAINED)


def sign(manifest: dict) -> str:
    body = json.dumps(manifest, sort_keys=True, ensure_ascii=False).encode()
    return hmac.new(conf.AUDIT_ARCHIVE_KEY.encode(), body, hashlib.sha256).hexdigest()


def archive_old_rows(*, using: str, now: dt.datetime | None = None) -> AuditArchive | None:
    """Export and remove the rows older than the retention period; None when there is nothing to do."""
    days = conf.AUDIT_RETENTION_DAYS
    if not days:
        return None
    cutoff = (now or timezone.now()) - dt.timedelta(days=max(days, MINIMUM_DAYS))
    connection = connections[using]
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
        events = AuditEvent.objects.using(using)
        young = events.filter(at__gte=cutoff).order_by("id").values_list("id", flat=True).first()
        old = events.filter(id__lt=young) if young is not None else events.all()
        rows = list(old.order_by("id").values(*COLUMNS))
        if not rows:
            return None
        record = _write(rows, cutoff)
        _remove(connection, rows[0]["id"], rows[-1]["id"])
        return AuditArchive.objects.using(using).create(**record)


def _write(rows: list[dict], cutoff: dt.datetime) -> dict:
    folder = Path(conf.AUDIT_ARCHIVE_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"audit-{rows[0]['id']}-{rows[-1]['id']}-{timezone.localdate():%Y%m%d}.jsonl"
    body = "".join(json.dumps(r, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True) + "\n" for r in rows)
    (folder / name).write_text(body, encoding="utf-8")
    manifest = {
        "file_name": name, "file_sha256": hashlib.sha256(body.encode()).hexdigest(), "rows": len(rows),
        "first_id": rows[0]["id"], "last_id": rows[-1]["id"], "last_hash": rows[-1]["row_hash"],
        "cutoff": cutoff.isoformat(),
    }  # fmt: skip
    signature = sign(manifest)
    (folder / f"{name}.manifest.json").write_text(
        json.dumps(manifest | {"hmac_sha256": signature}, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return {k: v for k, v in manifest.items() if k != "cutoff"} | {"cutoff": cutoff, "signature": signature}


def _remove(connection, first_id: int, last_id: int) -> None:
    # The append-only trigger is lifted inside this transaction only (the owner role may do so).
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_change")
            cursor.execute("DELETE FROM audit_auditevent WHERE id BETWEEN %s AND %s", [first_id, last_id])
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_no_change")
        else:
            cursor.execute("DROP TRIGGER audit_event_no_delete")
            cursor.execute("DELETE FROM audit_auditevent WHERE id BETWEEN %s AND %s", [first_id, last_id])
            cursor.execute(f"CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent {TRIGGER}")
