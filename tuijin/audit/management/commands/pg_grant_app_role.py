"""Grant the app's database role what it needs and no more (PostgreSQL, run as the owner role).

Every table: SELECT, INSERT, UPDATE, DELETE. The audit log and its archive record: SELECT and
INSERT only, so the app itself can neither change nor remove an audit row, and as it owns nothing
it cannot ALTER a table (to lift the append-only trigger) either. Sequences: USAGE and SELECT.
Run after every `migrate` (the `migrate` command here does it when DATABASE_OWNER_URL is set).
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from tuijin.audit.models import AuditArchive, AuditEvent

APPEND_ONLY = (AuditEvent._meta.db_table, AuditArchive._meta.db_table)


def grant_statements(role: str, quote) -> list[str]:
    r = quote(role)
    statements = [
        f"GRANT USAGE ON SCHEMA public TO {r}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {r}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {r}",
    ]
    for table in APPEND_ONLY:
        statements.append(f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {quote(table)} FROM {r}")
    return statements


class Command(BaseCommand):
    help = "Grant the app role its rights: all app tables, but INSERT and SELECT only on the audit log."

    def add_arguments(self, parser):
        parser.add_argument("--role", default="", help="the app's role (default: DATABASE_URL's user)")
        parser.add_argument("--database", default="owner" if "owner" in settings.DATABASES else DEFAULT_DB_ALIAS)

    def handle(self, *args, role: str, database: str, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError("pg_grant_app_role is for PostgreSQL only")
        role = role or settings.DATABASES[DEFAULT_DB_ALIAS].get("USER", "")
        if not role:
            raise CommandError("name the app role with --role")
        if role == connection.settings_dict.get("USER"):
            raise CommandError("the app role must not be the owner role that runs this command")
        with transaction.atomic(using=database), connection.cursor() as cursor:
            for sql in grant_statements(role, connection.ops.quote_name):
                cursor.execute(sql)
        self.stdout.write(f"granted {role}: app tables read/write, audit log INSERT and SELECT only")
