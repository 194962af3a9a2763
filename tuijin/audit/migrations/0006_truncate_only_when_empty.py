"""TRUNCATE stays refused while the table holds a row; an empty table may be truncated.

Truncating nothing destroys no record, and it lets the test suite's flush (TRUNCATE of every table)
run after a test that cleared the log as the owner role would.
"""

from django.db import migrations

FORWARD = [
    """CREATE FUNCTION audit_event_truncate_only_empty() RETURNS trigger AS $$
       BEGIN
         IF EXISTS (SELECT 1 FROM audit_auditevent) THEN
           RAISE EXCEPTION 'audit events are append-only';
         END IF;
         RETURN NULL;
       END; $$ LANGUAGE plpgsql""",
    "DROP TRIGGER audit_event_no_truncate ON audit_auditevent",
    """CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION audit_event_truncate_only_empty()""",
]
REVERSE = [
    "DROP TRIGGER audit_event_no_truncate ON audit_auditevent",
    """CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()""",
    "DROP FUNCTION audit_event_truncate_only_empty()",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_fill_chain")]

    operations = [migrations.RunPython(_run(FORWARD), _run(REVERSE))]
