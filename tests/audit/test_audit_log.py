"""The audit log: what it records, that it cannot be changed, and the auditor's page."""

import datetime as dt
import io

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from openpyxl import load_workbook

from tests.conftest import PASSWORD
from tuijin.audit.models import AuditEvent
from tuijin.orgs import services
from tuijin.orgs.models import Unit, UnitType


def test_a_create_is_recorded_with_actor_unit_ip_and_values(cast, client_for):
    client = client_for(cast.sysadmin)
    client.post(
        "/orgs/units/new/",
        {"code": "C-A-9", "name": "甲九镇", "type": UnitType.TOWN, "parent": cast.county_a.pk, "sort_order": 0},
        REMOTE_ADDR="10.1.2.3",
    )
    event = AuditEvent.objects.get(action="create", object_type="orgs.unit", object_repr="甲九镇")
    assert event.actor == cast.sysadmin
    assert event.actor_username == "sysadmin"
    assert event.ip_address == "10.1.2.3"
    assert event.changes["code"] == [None, "C-A-9"]
    assert event.changes["parent"] == [None, cast.county_a.pk]


def test_an_update_records_before_and_after_of_changed_fields_only(cast):
    services.unit_update(actor=cast.sysadmin, unit=cast.county_b, expected_version=None, name="乙县新")
    event = AuditEvent.objects.filter(action="update", object_type="orgs.unit").latest("id")
    assert event.changes == {"name": ["乙县", "乙县新"]}
    assert event.object_id == str(cast.county_b.pk)


def test_logins_logouts_and_failed_logins_are_recorded(cast, client):
    client.post("/accounts/login/", {"username": "supervisor", "password": "wrong-password"}, REMOTE_ADDR="10.9.9.9")
    failed = AuditEvent.objects.get(action="login_failed")
    assert failed.actor_username == "supervisor"
    assert failed.ip_address == "10.9.9.9"
    client.post("/accounts/login/", {"username": "supervisor", "password": PASSWORD})
    client.post("/accounts/logout/")
    assert AuditEvent.objects.filter(action="login", actor=cast.supervisor).count() == 1
    assert AuditEvent.objects.filter(action="logout", actor=cast.supervisor).count() == 1


def test_a_change_whose_audit_row_cannot_be_written_does_not_happen(cast, monkeypatch):
    def broken(**kwargs):
        raise DatabaseError("audit store unavailable")

    monkeypatch.setattr(services, "record", broken)
    with pytest.raises(DatabaseError):
        services.unit_create(actor=cast.sysadmin, code="C-Q", name="不应存在", type=UnitType.TOWN, parent=cast.county_a)
    assert not Unit.objects.filter(code="C-Q").exists()


def test_audit_rows_refuse_update_and_delete_in_python(cast):
    event = AuditEvent.objects.first()
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().update(note="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


def test_the_database_itself_refuses_update_and_delete_of_audit_rows(cast):
    event = AuditEvent.objects.first()
    table = AuditEvent._meta.db_table
    statements = [f"UPDATE {table} SET note = 'forged' WHERE id = %s", f"DELETE FROM {table} WHERE id = %s"]  # noqa: S608
    if connection.vendor == "postgresql":
        statements.append(f"TRUNCATE {table}")
    for sql in statements:
        # Each attempt in its own savepoint: the trigger aborts it, the test goes on.
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk] if "%s" in sql else [])
    assert AuditEvent.objects.get(pk=event.pk).note == event.note


def test_no_url_changes_an_audit_row(cast, client_for):
    client = client_for(cast.auditor)
    count = AuditEvent.objects.count()
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)("/audit/")
        assert response.status_code in (403, 405)
    assert AuditEvent.objects.filter(action__in=["update", "delete"], object_type="audit.auditevent").count() == 0
    assert AuditEvent.objects.count() == count


def test_auditor_filters_by_actor_action_and_date(cast, client_for):
    client = client_for(cast.auditor)
    body = client.get("/audit/", {"actor": "secadmin", "action": "update"}).content.decode()
    assert "secadmin" in body
    assert "sysadmin</td>" not in body.replace(" ", "")
    tomorrow = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    body = client.get("/audit/", {"date_from": tomorrow}).content.decode()
    assert "没有符合条件的审计记录" in body


def test_auditor_exports_the_filtered_log_to_excel(cast, client_for):
    services.unit_update(actor=cast.sysadmin, unit=cast.county_b, expected_version=None, name="=HYPERLINK(1)")
    response = client_for(cast.auditor).get("/audit/", {"export": "xlsx", "action": "update", "actor": "sysadmin"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1
    assert rows[0][1] == "sysadmin"
    # User text that starts like a formula is written as text, never as a formula.
    assert rows[0][6].startswith("'=")
    assert AuditEvent.objects.filter(action="export", actor=cast.auditor).count() == 1


@pytest.mark.parametrize("who", ["sysadmin", "secadmin", "supervisor", "reporter_a"])
def test_nobody_but_the_auditor_reads_the_log(cast, client_for, who):
    client = client_for(getattr(cast, who))
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/?export=xlsx").status_code == 403


def test_a_failed_login_with_control_characters_does_not_break_the_export(cast, client, client_for):
    from tests.core.hostile import open_safely
    from tuijin.audit.models import AuditAction
    from tuijin.audit.services import record

    # Stored before the login form refused control characters.
    record(actor=None, action=AuditAction.LOGIN_FAILED, object_type="orgs.user", object_repr="evil\x01user",
           attempted_username="evil\x07user")  # fmt: skip
    wb = open_safely(client_for(cast.auditor).get("/audit/", {"export": "xlsx"}))
    assert any("eviluser" in str(c.value) for row in wb.active.iter_rows() for c in row)
