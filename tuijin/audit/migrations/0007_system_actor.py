"""Who acted when no person did (the feed, the timers); empty on every older row.

SQLite adds a NOT NULL column by rebuilding the table, which drops its triggers: they are
created again here. PostgreSQL adds the column in place and keeps its triggers.
"""

from django.db import migrations, models

TRIGGERS = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
    """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
    """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
]


def sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in TRIGGERS:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0006_truncate_only_when_empty")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="system_actor",
            field=models.CharField(
                blank=True,
                choices=[("feed", "系统（自动汇总）"), ("timer", "系统（定时任务）")],
                max_length=16,
                verbose_name="系统操作",
            ),
        ),
        migrations.RunPython(sqlite_triggers, migrations.RunPython.noop),
    ]
