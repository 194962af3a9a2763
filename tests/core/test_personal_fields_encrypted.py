"""Phone numbers are encrypted at rest: the column holds Fernet tokens, the pages, the API and
the exports show the number, the migration encrypts what was stored, and keys rotate."""

import io
from decimal import Decimal

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tuijin.audit.models import AuditEvent
from tuijin.core import encryption
from tuijin.orgs import services
from tuijin.orgs.models import User
from tuijin.projects.models import Project, Stage

pytestmark = pytest.mark.django_db

PHONE = "13812345678"


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 (fixed names)
        return cursor.fetchone()[0]


@pytest.fixture
def person(cast):
    return services.user_create(
        actor=cast.sysadmin, username="zhang", password="Tuijin-Test-2026!", unit=cast.county_a, phone=PHONE
    )


def test_the_database_column_holds_no_phone_number(person):
    raw = _raw("orgs_user", "phone", person.pk)
    assert PHONE not in raw
    assert "5678" not in raw
    assert raw.startswith(encryption.FERNET_PREFIX)
    person.refresh_from_db()
    assert person.phone == PHONE


def test_an_empty_phone_stays_empty(cast):
    assert _raw("orgs_user", "phone", cast.reporter_a.pk) == ""
    assert User.objects.get(pk=cast.reporter_a.pk).phone == ""


def test_the_user_page_and_the_api_show_the_number(cast, client_for, person):
    client = client_for(cast.sysadmin)
    assert PHONE in client.get(f"/orgs/users/{person.username}/").content.decode()
    assert client.get(f"/api/v1/users/{person.username}/").json()["phone"] == PHONE


def test_a_projects_contact_phone_is_encrypted_and_shown(cast, client_for):
    project = Project.objects.create(
        code="P-PH", name="物流园", unit=cast.county_a, total_investment=Decimal(20), stage=Stage.PREPARATION,
        contact_name="赵工", contact_phone=PHONE,
    )  # fmt: skip
    assert PHONE not in _raw("projects_project", "contact_phone", project.pk)
    client = client_for(cast.supervisor)
    assert PHONE in client.get(f"/projects/p/{project.code}/").content.decode()
    assert client.get(f"/api/v1/projects/{project.code}/").json()["contact_phone"] == PHONE


def test_the_audit_log_records_a_changed_phone_masked(cast, person):
    services.user_update(actor=cast.sysadmin, user=person, expected_version=person.version, phone="13900001111")
    event = AuditEvent.objects.filter(object_type="orgs.user", object_id=str(person.pk)).latest("pk")
    assert event.changes["phone"] == ["138****5678", "139****1111"]
    assert not AuditEvent.objects.filter(changes__icontains="12345678").exists()


def test_the_encrypted_column_cannot_be_searched_by_mistake(person):
    with pytest.raises(FieldError, match="encrypted"):
        User.objects.filter(phone=PHONE).exists()
    assert User.objects.filter(phone__isnull=False).exists()


def test_a_new_key_first_still_reads_the_old_rows_and_rotation_moves_them(settings, person):
    old = settings.FIELD_ENCRYPTION_KEYS[0]
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old]
    assert User.objects.get(pk=person.pk).phone == PHONE
    call_command("rotate_field_keys", stdout=io.StringIO())
    settings.FIELD_ENCRYPTION_KEYS = settings.FIELD_ENCRYPTION_KEYS[:1]  # the old key dropped
    assert User.objects.get(pk=person.pk).phone == PHONE


def test_a_wrong_key_fails_loudly_instead_of_showing_ciphertext(settings, person):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEY"):
        User.objects.get(pk=person.pk)


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_the_phone_numbers_already_stored():
    executor = MigrationExecutor(connection)
    before = [("orgs", "0004_merge_0002_admin_reset_request_0003_end_legacy_tokens")]
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    OldUser = old_apps.get_model("orgs", "User")
    old = OldUser.objects.create(username="li", password="!", phone=PHONE)
    blank = OldUser.objects.create(username="wang", password="!", phone="")
    assert _raw("orgs_user", "phone", old.pk) == PHONE

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    raw = _raw("orgs_user", "phone", old.pk)
    assert PHONE not in raw
    assert User.objects.get(pk=old.pk).phone == PHONE
    assert User.objects.get(pk=blank.pk).phone == ""

    executor = MigrationExecutor(connection)
    executor.migrate(before)  # and back: plaintext again
    assert _raw("orgs_user", "phone", old.pk) == PHONE
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
