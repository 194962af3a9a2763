"""Link the rows written before the chain existed, in id order, as the owner role.

The append-only triggers are lifted for this one transaction and put back before it commits.
On SQLite, 0004 rebuilt the table (that is how SQLite alters a column) and so dropped them: they are
created again here. Any later migration that alters this table on SQLite must do the same.
"""

from django.db import migrations

from tuijin.audit import chain, conf

LIFT = {
    "postgresql": ["ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_change"],
    "sqlite": ["DROP TRIGGER IF EXISTS audit_event_no_update", "DROP TRIGGER IF EXISTS audit_event_no_delete"],
}
RESTORE = {
    "postgresql": ["ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_no_change"],
    "sqlite": [
        """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
           BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
        """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
           BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    ],
}


def fill(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    algorithm = conf.AUDIT_HASH_ALGORITHM
    vendor = schema_editor.connection.vendor
    rows = AuditEvent.objects.order_by("id").values("id", *chain.FIELDS)
    prev, updates = chain.GENESIS, []
    for row in rows.iterator(chunk_size=5000):
        digest = chain.row_hash(algorithm, prev, row)
        updates.append((algorithm, prev, digest, row["id"]))
        prev = digest
    with schema_editor.connection.cursor() as cursor:
        for sql in LIFT.get(vendor, []):
            cursor.execute(sql)
        if updates:
            cursor.executemany(
                "UPDATE audit_auditevent SET hash_alg = %s, prev_hash = %s, row_hash = %s WHERE id = %s", updates
            )
        for sql in RESTORE.get(vendor, []):
            cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_chain_and_archive")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
