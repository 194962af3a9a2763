"""Every download and export leaves an audit event; logged-in pages are never cached; saves that
change nothing leave no audit row."""

import pytest

from tuijin.audit.models import AuditEvent
from tuijin.orgs import services

pytestmark = pytest.mark.django_db


def test_an_excel_export_is_recorded_with_the_user_the_view_and_the_file(cast, client_for):
    response = client_for(cast.sysadmin).get("/orgs/units/", {"export": "xlsx"}, REMOTE_ADDR="10.3.3.3")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="export", actor=cast.sysadmin)
    assert event.object_repr == "units.xlsx"
    assert event.note == "/orgs/units/?export=xlsx"
    assert event.ip_address == "10.3.3.3"


def test_a_view_that_records_its_own_export_is_not_recorded_twice(cast, client_for):
    client_for(cast.auditor).get("/audit/", {"export": "xlsx"})
    assert AuditEvent.objects.filter(action="export", actor=cast.auditor).count() == 1


def test_a_page_view_is_not_a_download(cast, client_for):
    client_for(cast.sysadmin).get("/orgs/units/")
    assert not AuditEvent.objects.filter(action__in=["export", "download"]).exists()


def test_logged_in_pages_and_downloads_are_not_stored_by_caches(cast, client_for):
    client = client_for(cast.sysadmin)
    assert "no-store" in client.get("/orgs/units/")["Cache-Control"]
    assert "no-store" in client.get("/orgs/units/", {"export": "xlsx"})["Cache-Control"]


def test_an_update_that_changes_nothing_writes_no_audit_row(cast):
    before = AuditEvent.objects.count()
    services.unit_update(actor=cast.sysadmin, unit=cast.county_b, expected_version=None, name=cast.county_b.name)
    assert AuditEvent.objects.count() == before
    services.unit_update(actor=cast.sysadmin, unit=cast.county_b, expected_version=None, name="乙县新")
    assert AuditEvent.objects.count() == before + 1
