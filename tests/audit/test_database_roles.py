"""On PostgreSQL the app's own role cannot rewrite the audit log: it owns nothing and may only
INSERT and SELECT there."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from tuijin.audit.models import AuditEvent
from tuijin.audit.services import record

pytestmark = pytest.mark.django_db

APP, OWNER = "tuijin_test_app", "tuijin_test_owner"


@pytest.fixture
def roles():
    if connection.vendor != "postgresql":
        pytest.skip("database roles are PostgreSQL's")
    # Roles made inside the test's transaction go with its rollback; dropped here as well.
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {OWNER} NOLOGIN")
        cursor.execute(f"CREATE ROLE {APP} NOLOGIN")
    call_command("pg_grant_app_role", role=APP, database="default")
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
        cursor.execute(f"DROP OWNED BY {APP}")
        cursor.execute(f"DROP ROLE {APP}")
        cursor.execute(f"DROP ROLE {OWNER}")


def _as_app(sql: str, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {APP}")
        cursor.execute(sql, params)


@pytest.mark.parametrize(
    "sql",
    [
        "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
        "UPDATE audit_auditevent SET note = 'forged'",
        "DELETE FROM audit_auditevent",
        "TRUNCATE audit_auditevent",
        "UPDATE audit_auditarchive SET rows = 0",
    ],
)
def test_the_app_role_cannot_alter_update_or_delete_the_audit_log(cast, roles, sql):
    notes = list(AuditEvent.objects.order_by("id").values_list("note", flat=True))
    with pytest.raises(DatabaseError, match=r"permission denied|must be owner"):
        _as_app(sql)
    assert list(AuditEvent.objects.order_by("id").values_list("note", flat=True)) == notes


def test_the_app_role_appends_to_the_log_and_works_on_app_tables(cast, roles):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {APP}")
        record(actor=cast.supervisor, action="export", object_type="audit.test", note="as the app")
        cursor.execute("UPDATE orgs_unit SET name = name WHERE id = %s", [cast.county_a.pk])
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == APP
    assert AuditEvent.objects.filter(note="as the app").exists()
