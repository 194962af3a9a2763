"""The auditor reads the log in the users' words: object names, field labels and values as shown
elsewhere in the app, computed when shown (the stored rows stay as the chain hashed them)."""

import io

import pytest
import time_machine
from openpyxl import load_workbook

from tests.indicators.conftest import build_catalogue
from tests.indicators.reporting_support import FILLING_DAY, save
from tuijin.audit import display
from tuijin.audit.context import as_system
from tuijin.audit.models import AuditAction, AuditEvent, SystemActor
from tuijin.audit.queries import verify_chain
from tuijin.audit.services import record
from tuijin.orgs import services
from tuijin.orgs.models import UnitType


def row_of(event: AuditEvent) -> display.EventView:
    (row,) = display.present([event])
    return row


def changes_of(event: AuditEvent) -> dict[str, tuple[str, str]]:
    return {c.label: (c.before, c.after) for c in row_of(event).changes}


def test_a_user_change_reads_as_the_user_type_name_and_field_labels(cast):
    services.user_update(actor=cast.sysadmin, user=cast.reporter_b, expected_version=None, is_active=False)
    event = AuditEvent.objects.filter(object_type="orgs.user", action="update").latest("id")
    row = row_of(event)
    assert row.type_label == "用户"
    assert row.name == "reporter_b"
    assert changes_of(event)["有效"] == ("是", "否")
    assert row.actor == "sysadmin"


def test_choices_read_by_label_and_foreign_keys_by_name(cast):
    town = services.unit_create(actor=cast.sysadmin, code="C-A-9", name="甲九镇", type=UnitType.TOWN,
                                parent=cast.county_a)  # fmt: skip
    services.unit_update(actor=cast.sysadmin, unit=town, expected_version=None, parent=cast.county_b)
    created = AuditEvent.objects.filter(object_type="orgs.unit", action="create", object_id=str(town.pk)).get()
    assert changes_of(created)["类型"] == ("（空）", UnitType.TOWN.label)
    moved = AuditEvent.objects.filter(object_type="orgs.unit", action="update", object_id=str(town.pk)).get()
    assert changes_of(moved)["上级单位"] == ("甲县", "乙县")
    assert row_of(moved).type_label == "单位"


def test_a_deleted_object_still_reads_by_what_the_row_stored(cast):
    town = services.unit_create(actor=cast.sysadmin, code="C-A-8", name="甲八镇", type=UnitType.TOWN,
                                parent=cast.county_a)  # fmt: skip
    services.unit_delete(actor=cast.sysadmin, unit=town)
    row = row_of(AuditEvent.objects.filter(object_type="orgs.unit", action="delete").latest("id"))
    assert row.name == "甲八镇"
    assert row.gone
    assert {c.label: c.before for c in row.changes}["名称"] == "甲八镇"


@time_machine.travel(FILLING_DAY, tick=False)
def test_a_figures_change_reads_as_indicator_and_label_with_plain_numbers(cast):
    catalogue = build_catalogue(cast)
    save(cast, catalogue, {"fai": ("151.750000", None, ""), "fdi": (1200, None, "")})
    event = AuditEvent.objects.filter(object_type="indicators.submission", action="update").latest("id")
    changes = changes_of(event)
    assert changes["固定资产投资 · 本期值"] == ("（空）", "151.75")
    assert changes["合同外资 · 本期值"] == ("（空）", "1200")
    assert row_of(event).name == "甲县 · 2026年3月月报"


def test_a_number_keeps_every_stored_digit_and_at_least_the_indicators_decimals():
    assert display.number("151.750000000000") == "151.75"
    assert display.number("12.0000", decimals=1) == "12.0"
    assert display.number("12.3456", decimals=1) == "12.3456"
    assert display.number("1E+3") == "1000"


def test_times_read_in_shanghai_and_nothing_reads_as_a_raw_code(cast):
    record(actor=cast.supervisor, action=AuditAction.UPDATE, obj=cast.zone,
           changes={"reminded_at": [None, "2026-04-02T02:00:00+00:00"], "flag": [True, False]})  # fmt: skip
    changes = changes_of(AuditEvent.objects.latest("id"))
    assert changes["reminded_at"] == ("（空）", "2026-04-02 10:00:00")
    assert changes["flag"] == ("是", "否")


def test_the_log_page_reads_names_not_codes(cast, client_for):
    services.user_update(actor=cast.sysadmin, user=cast.reporter_b, expected_version=None, is_active=False)
    body = client_for(cast.auditor).get("/audit/", {"object_type": "orgs.user"}).content.decode()
    table = body.split('data-testid="audit-table"')[1]
    assert "orgs.user#" not in table
    assert "用户" in table
    assert "<b>有效</b>：是 → 否" in table
    assert '<option value="orgs.user" selected>用户</option>' in body


def test_a_page_of_fifty_mixed_rows_costs_a_fixed_number_of_queries(cast, client_for, django_assert_max_num_queries):
    with time_machine.travel(FILLING_DAY, tick=False):
        catalogue = build_catalogue(cast)
        for n in range(8):
            save(cast, catalogue, {"fai": (n + 1, None, "")})
    for n in range(10):
        services.unit_update(actor=cast.sysadmin, unit=cast.town_a1, expected_version=None, name=f"甲一镇{n}",
                             parent=cast.county_b if n % 2 else cast.county_a)  # fmt: skip
        services.user_update(actor=cast.sysadmin, user=cast.reporter_b, expected_version=None, is_active=n % 2 == 0)
    with as_system(SystemActor.TIMER):
        for n in range(5):
            record(actor=None, action=AuditAction.UPDATE, obj=cast.zone, changes={"name": [str(n), "高新区"]})
    assert AuditEvent.objects.count() >= 50
    client = client_for(cast.auditor)
    # session, user, roles, the page's count and rows, the object types, one query per model named
    with django_assert_max_num_queries(16):
        response = client.get("/audit/")
    assert response.content.decode().count("<tr>") == 51  # the header row and fifty rows


def test_the_export_reads_like_the_page(cast, client_for):
    services.unit_update(actor=cast.sysadmin, unit=cast.town_a1, expected_version=None, parent=cast.county_b)
    with as_system(SystemActor.FEED, "触发：reporter_a"):
        record(actor=cast.reporter_a, action=AuditAction.UPDATE, obj=cast.zone, changes={"name": ["x", "高新区"]},
               note="由项目进展汇总")  # fmt: skip
    response = client_for(cast.auditor).get("/audit/", {"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2, values_only=True))
    system = next(r for r in rows if r[1] == "系统（自动汇总）")
    assert (system[4], system[6], system[7], system[8], system[9]) == (
        "单位", "高新区", "名称：x → 高新区", "由项目进展汇总（触发：reporter_a）", None,
    )  # fmt: skip
    moved = next(r for r in rows if r[7] and r[7].startswith("上级单位"))
    assert moved[7] == "上级单位：甲县 → 乙县"
    assert moved[1] == "sysadmin"
    assert verify_chain().ok


def test_the_actor_filter_finds_the_system_and_people_by_name(cast, client_for):
    with as_system(SystemActor.TIMER):
        record(actor=None, action=AuditAction.UPDATE, obj=cast.zone, changes={"name": ["x", "高新区"]})
    client = client_for(cast.auditor)
    body = client.get("/audit/", {"actor": "系统"}).content.decode()
    assert body.count('data-testid="system-actor"') == 1
    services.user_update(actor=cast.sysadmin, user=cast.supervisor, expected_version=None, full_name="张督查")
    record(actor=cast.supervisor, action=AuditAction.EXPORT, object_type="indicators.report", note="导出")
    body = client.get("/audit/", {"actor": "张督查"}).content.decode()
    assert "张督查（supervisor）" in body
    assert body.count("<tr>") == 2


def test_the_auditor_opens_one_event_with_what_it_reads_as_and_what_is_stored(cast, client_for):
    services.user_update(actor=cast.sysadmin, user=cast.reporter_b, expected_version=None, is_active=False)
    event = AuditEvent.objects.filter(object_type="orgs.user", action="update").latest("id")
    body = client_for(cast.auditor).get(f"/audit/{event.pk}/").content.decode()
    assert "<td>有效</td><td>是</td><td>否</td>" in body
    assert event.row_hash in body
    assert "&quot;is_active&quot;: [true, false]" in body  # the stored JSON, escaped


@pytest.mark.parametrize("who", ["sysadmin", "secadmin", "supervisor", "reporter_a"])
def test_nobody_but_the_auditor_opens_an_event(cast, client_for, who):
    event = AuditEvent.objects.latest("id")
    assert client_for(getattr(cast, who)).get(f"/audit/{event.pk}/").status_code == 403


def test_roles_read_by_label_and_a_new_rows_empty_fields_are_left_out(cast):
    from tuijin.orgs.models import Role

    services.roles_set(actor=cast.secadmin, user=cast.reporter_b, roles=[Role.REPORTER, Role.UNIT_HEAD])
    event = AuditEvent.objects.filter(object_type="orgs.user", object_id=str(cast.reporter_b.pk)).latest("id")
    assert changes_of(event)["角色"] == (Role.REPORTER.label, f"{Role.REPORTER.label}、{Role.UNIT_HEAD.label}")
    created = AuditEvent.objects.filter(object_type="orgs.user", action="create", object_id=str(cast.handler.pk))
    assert all(c.before != c.after for c in row_of(created.get()).changes)


def test_the_labels_read_in_english_too(cast):
    from django.utils import translation

    with as_system(SystemActor.TIMER):
        record(actor=None, action=AuditAction.UPDATE, obj=cast.zone, changes={"name": [None, "高新区"]})
    with translation.override("en"):
        row = row_of(AuditEvent.objects.latest("id"))
        assert row.actor == "System (scheduled job)"
        assert row.changes[0].before == "(empty)"


def test_an_object_whose_app_registers_no_label_reads_as_its_str(cast):
    services.unit_update(actor=cast.sysadmin, unit=cast.town_a1, expected_version=None, parent=cast.county_b)
    event = AuditEvent.objects.filter(object_type="orgs.unit", action="update").latest("id")
    assert "orgs.unit" not in display._LABELLERS
    assert row_of(event).name == str(cast.town_a1)
    assert changes_of(event)["上级单位"] == (str(cast.county_a), str(cast.county_b))


def test_an_apps_labeller_names_its_objects_in_the_row_and_in_the_changes(cast, monkeypatch):
    monkeypatch.setitem(display._LABELLERS, "orgs.unit", lambda unit: f"{unit.name}（{unit.code}）")
    services.unit_update(actor=cast.sysadmin, unit=cast.town_a1, expected_version=None, parent=cast.county_b)
    event = AuditEvent.objects.filter(object_type="orgs.unit", action="update").latest("id")
    assert row_of(event).name == f"{cast.town_a1.name}（{cast.town_a1.code}）"
    assert changes_of(event)["上级单位"] == (f"甲县（{cast.county_a.code}）", f"乙县（{cast.county_b.code}）")
