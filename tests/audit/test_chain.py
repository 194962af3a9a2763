"""The audit log's hash chain: it holds as written, and an edit made around the app shows."""

import itertools
import threading

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction

from tuijin.audit import chain
from tuijin.audit.models import AuditEvent
from tuijin.audit.queries import verify_chain
from tuijin.audit.services import record
from tuijin.orgs import services

pytestmark = pytest.mark.django_db


def _as_owner(sql: str, params: list) -> None:
    """What the owner role can do: lift the append-only trigger, change a row, put it back."""
    table = AuditEvent._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER audit_event_no_change")
            cursor.execute(sql, params)
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER audit_event_no_change")
        else:
            cursor.execute("DROP TRIGGER audit_event_no_update")
            cursor.execute("DROP TRIGGER audit_event_no_delete")
            cursor.execute(sql, params)
            cursor.execute("CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent "
                           "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END")  # fmt: skip
            cursor.execute("CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent "
                           "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END")  # fmt: skip


def test_every_row_links_to_the_one_before(cast):
    rows = list(AuditEvent.objects.order_by("id"))
    assert rows[0].prev_hash == chain.GENESIS
    assert all(later.prev_hash == earlier.row_hash for earlier, later in itertools.pairwise(rows))
    verdict = verify_chain()
    assert verdict.ok
    assert verdict.checked == len(rows)


def test_rows_with_json_floats_ips_and_unicode_hash_the_same_after_reading_back(cast):
    record(actor=cast.supervisor, action="update", object_type="x.y", object_id="1",
           changes={"v": [2.0, 1e20], "z": [0.1, "甲县\u3000"], "n": [None, {"b": 1, "a": True}]},
           ip_address="2001:DB8::1", note="说明")  # fmt: skip
    assert verify_chain().ok


def test_an_edit_made_as_the_owner_is_reported_at_exactly_that_row(cast):
    services.unit_update(actor=cast.sysadmin, unit=cast.county_b, expected_version=None, name="乙县新")
    target = AuditEvent.objects.order_by("id")[3]
    _as_owner("UPDATE audit_auditevent SET note = 'forged' WHERE id = %s", [target.pk])
    verdict = verify_chain()
    assert verdict.broken_id == target.pk
    assert verdict.broken_at == target.at
    assert verdict.checked == 3
    with pytest.raises(CommandError, match=f"row {target.pk} "):
        call_command("audit_verify")


def test_a_row_removed_as_the_owner_is_reported_at_the_row_after_it(cast):
    rows = list(AuditEvent.objects.order_by("id")[:6])
    _as_owner("DELETE FROM audit_auditevent WHERE id = %s", [rows[4].pk])
    assert verify_chain().broken_id == rows[5].pk
    assert "链接断开" in verify_chain().reason


def test_the_auditor_sees_the_first_broken_link_on_the_verification_page(cast, client_for):
    client = client_for(cast.auditor)
    assert "哈希链完整" in client.get("/audit/verify/").content.decode()
    target = AuditEvent.objects.order_by("id")[2]
    _as_owner("UPDATE audit_auditevent SET actor_username = 'nobody' WHERE id = %s", [target.pk])
    body = client.get("/audit/verify/").content.decode()
    assert f'data-testid="broken-id">{target.pk}<' in body
    assert "记录被修改" in body


@pytest.mark.parametrize("who", ["sysadmin", "secadmin", "supervisor"])
def test_only_the_auditor_opens_the_verification_page(cast, client_for, who):
    assert client_for(getattr(cast, who)).get("/audit/verify/").status_code == 403


def test_sm3_chains_verify_alongside_sha256_rows(cast, settings):
    settings.TUIJIN_AUDIT_HASH_ALGORITHM = "sm3"
    record(actor=cast.auditor, action="export", object_type="audit.auditevent")
    last = AuditEvent.objects.latest("id")
    assert last.hash_alg == "sm3"
    assert verify_chain().ok


def test_the_command_says_the_chain_holds(cast, capsys):
    with time_machine.travel("2026-12-07 10:00 +0800"):
        record(actor=cast.auditor, action="export", object_type="audit.auditevent")
    call_command("audit_verify")
    assert "audit chain holds" in capsys.readouterr().out


@pytest.fixture
def committed_log(transactional_db):
    """Rows this test commits are removed as the owner would, so the suite's flush can run."""
    yield
    _as_owner("DELETE FROM audit_auditevent", [])


def test_two_writers_at_once_never_fork_the_chain(committed_log):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers by its write lock; the race needs two PostgreSQL sessions")
    barrier = threading.Barrier(2)

    def write(n):
        try:
            barrier.wait()
            for i in range(15):
                with transaction.atomic():
                    record(actor=None, action="export", object_type="race", object_id=f"{n}-{i}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    prevs = list(AuditEvent.objects.values_list("prev_hash", flat=True))
    assert len(prevs) == len(set(prevs))
    assert AuditEvent.objects.filter(object_type="race").count() == 30
    assert verify_chain().ok


def test_the_system_actor_is_covered_by_the_chain_and_older_rows_hash_as_before(cast):
    from tuijin.audit.context import as_system
    from tuijin.audit.models import SystemActor

    before = list(AuditEvent.objects.order_by("id").values_list("row_hash", flat=True))
    with as_system(SystemActor.TIMER):
        record(actor=None, action="update", object_type="x.y", object_id="1", changes={"v": [1, 2]})
    person = record(actor=cast.supervisor, action="update", object_type="x.y", object_id="2", changes={"v": [2, 3]})
    system = AuditEvent.objects.get(object_id="1", object_type="x.y")
    assert verify_chain().ok
    # A row without a system actor hashes as rows did before the column existed.
    assert chain.row_hash(person.hash_alg, person.prev_hash, {n: getattr(person, n) for n in chain.FIELDS}) == (
        person.row_hash
    )
    assert list(AuditEvent.objects.order_by("id").values_list("row_hash", flat=True))[: len(before)] == before
    _as_owner("UPDATE audit_auditevent SET system_actor = '' WHERE id = %s", [system.pk])
    assert verify_chain().broken_id == system.pk
