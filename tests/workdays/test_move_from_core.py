"""The calendar's models moved from core to workdays in state only: the tables keep core's names,
the content types are renamed in place (same ids, so permissions keep pointing at them), and the
audit log keeps one type for the rows logged before the move and after it."""

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from tuijin.audit import display
from tuijin.audit.models import AuditEvent
from tuijin.workdays import services
from tuijin.workdays.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db
MIGRATION = importlib.import_module("tuijin.workdays.migrations.0001_initial")


def test_the_tables_keep_cores_names():
    assert (CalendarYear._meta.db_table, CalendarDay._meta.db_table) == ("core_calendaryear", "core_calendarday")
    assert {CalendarYear._meta.app_label, CalendarDay._meta.app_label} == {"workdays"}


def test_an_old_databases_content_types_are_renamed_in_place():
    ContentType.objects.filter(app_label="workdays").delete()  # as before the move: core's rows only
    old = {m: ContentType.objects.create(app_label="core", model=m) for m in ("calendarday", "calendaryear")}
    granted = Permission.objects.create(codename="view_calendarday", name="x", content_type=old["calendarday"])
    MIGRATION.forwards(apps, SimpleNamespace(connection=connection))
    assert ContentType.objects.get_for_model(CalendarDay).pk == old["calendarday"].pk
    assert ContentType.objects.get_for_model(CalendarYear).pk == old["calendaryear"].pk
    assert not ContentType.objects.filter(app_label="core").exists()
    granted.refresh_from_db()
    assert granted.content_type.model_class() is CalendarDay
    MIGRATION.backwards(apps, SimpleNamespace(connection=connection))
    assert set(ContentType.objects.filter(pk__in=[c.pk for c in old.values()]).values_list("app_label", flat=True)) == {
        "core"
    }
    ContentType.objects.clear_cache()


def test_the_log_reads_old_and_new_rows_as_one_type(cast):
    # A row logged before the move (under core's type), and one logged after it.
    AuditEvent.objects.create(action="create", object_type="core.calendaryear", object_id="999", object_repr="2026")
    services.declare_year(actor=cast.sysadmin, year=2031, source="通知")
    events = list(AuditEvent.objects.filter(object_type="core.calendaryear").order_by("id"))
    assert len(events) == 2
    old, new = display.present(events)
    assert (old.type_label, old.name, old.gone) == ("节假日年度", "2026", True)
    assert (new.type_label, new.name, new.gone) == ("节假日年度", "2031", False)
    assert display.model_of("core.calendarday") is CalendarDay
    assert display.model_of("workdays.calendarday") is CalendarDay


def test_a_day_logged_after_the_move_is_found_under_its_type(cast):
    services.declare_year(actor=cast.sysadmin, year=2031, source="通知")
    day = services.add_day(actor=cast.sysadmin, date=dt.date(2031, 1, 1), is_working_day=False, name="元旦")
    assert AuditEvent.objects.filter(object_type="core.calendarday", object_id=str(day.pk)).exists()
