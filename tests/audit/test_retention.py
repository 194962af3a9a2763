"""Retention: nothing younger than 180 days goes; older rows go to a signed file first; off by default."""

import datetime as dt
import json

import pytest
import time_machine
from django.core.management import call_command

from tuijin.audit.models import AuditArchive, AuditEvent
from tuijin.audit.queries import verify_chain
from tuijin.audit.retention import sign
from tuijin.audit.services import record

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def aged_log(db):
    with time_machine.travel(START, tick=False):
        for i in range(3):
            record(actor=None, action="export", object_type="old", object_id=str(i))
    with time_machine.travel(START + dt.timedelta(days=200), tick=False):
        record(actor=None, action="export", object_type="young")


def test_by_default_every_row_is_kept(aged_log, settings, tmp_path):
    settings.TUIJIN_AUDIT_ARCHIVE_DIR = tmp_path
    count = AuditEvent.objects.count()
    with time_machine.travel(START + dt.timedelta(days=1000)):
        call_command("audit_archive")
    assert AuditEvent.objects.count() == count
    assert not list(tmp_path.iterdir())


def test_old_rows_are_archived_to_a_signed_file_and_the_rest_still_verifies(aged_log, settings, tmp_path):
    settings.TUIJIN_AUDIT_ARCHIVE_DIR, settings.TUIJIN_AUDIT_RETENTION_DAYS = tmp_path, 180
    old = list(
        AuditEvent.objects.filter(at__lt=START + dt.timedelta(days=1)).order_by("id").values_list("id", flat=True)
    )
    with time_machine.travel(START + dt.timedelta(days=190), tick=False):
        call_command("audit_archive")
    assert not AuditEvent.objects.filter(id__in=old).exists()
    assert AuditEvent.objects.filter(object_type="young").exists()
    archive = AuditArchive.objects.get()
    lines = (tmp_path / archive.file_name).read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == old
    manifest = json.loads((tmp_path / f"{archive.file_name}.manifest.json").read_text(encoding="utf-8"))
    signature = manifest.pop("hmac_sha256")
    assert signature == sign(manifest) == archive.signature
    assert verify_chain().ok
    record(actor=None, action="export", object_type="after")
    assert verify_chain().ok


def test_rows_younger_than_180_days_stay_even_with_a_shorter_setting(aged_log, settings, tmp_path):
    settings.TUIJIN_AUDIT_ARCHIVE_DIR, settings.TUIJIN_AUDIT_RETENTION_DAYS = tmp_path, 30
    count = AuditEvent.objects.count()
    with time_machine.travel(START + dt.timedelta(days=100), tick=False):
        call_command("audit_archive")
    assert AuditEvent.objects.count() == count
