"""Units: create, edit, move, delete; validation; scope refusals."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tuijin.audit.models import AuditEvent
from tuijin.core.concurrency import StaleEditError
from tuijin.orgs import services
from tuijin.orgs.models import Unit, UnitType


def test_sysadmin_creates_a_town_under_a_county_through_the_page(cast, client_for):
    client = client_for(cast.sysadmin)
    response = client.post(
        "/orgs/units/new/",
        {"code": "C-A-3", "name": "甲三镇", "type": UnitType.TOWN, "parent": cast.county_a.pk, "sort_order": 0,
         "ranking_groups": []},
    )  # fmt: skip
    assert response.status_code == 302
    town = Unit.objects.get(code="C-A-3")
    assert town.parent == cast.county_a
    assert town.path.startswith(cast.county_a.path)
    assert town.depth == 3


def test_duplicate_code_is_refused_with_a_message_and_nothing_saved(cast, client_for):
    client = client_for(cast.sysadmin)
    before = Unit.objects.count()
    response = client.post(
        "/orgs/units/new/",
        {"code": "C-A", "name": "重复", "type": UnitType.TOWN, "parent": cast.city.pk, "sort_order": 0},
    )
    assert response.status_code == 200
    assert "编码" in response.content.decode()
    assert Unit.objects.count() == before


def test_moving_a_county_under_its_own_town_is_refused(cast):
    with pytest.raises(ValidationError) as info:
        services.unit_update(actor=cast.sysadmin, unit=cast.county_a, expected_version=None, parent=cast.town_a1)
    assert "下级" in str(info.value)
    cast.county_a.refresh_from_db()
    assert cast.county_a.parent == cast.city


def test_moving_a_town_moves_its_path_and_everything_below(cast):
    village = services.unit_create(
        actor=cast.sysadmin, code="C-A-1-V", name="村", type=UnitType.TOWN, parent=cast.town_a1
    )
    services.unit_update(actor=cast.sysadmin, unit=cast.town_a1, expected_version=None, parent=cast.county_b)
    cast.town_a1.refresh_from_db()
    village.refresh_from_db()
    assert cast.town_a1.parent == cast.county_b
    assert cast.town_a1.path.startswith(cast.county_b.path)
    assert village.path.startswith(cast.town_a1.path)
    assert village.depth == 4
    assert sorted(Unit.objects.subtree_of(cast.county_b).values_list("code", flat=True)) == [
        "C-A-1", "C-A-1-V", "C-B", "C-B-1",
    ]  # fmt: skip


def test_a_non_city_unit_needs_a_parent(cast):
    with pytest.raises(ValidationError):
        services.unit_create(actor=cast.sysadmin, code="X", name="孤儿", type=UnitType.COUNTY, parent=None)
    assert not Unit.objects.filter(code="X").exists()


def test_a_stale_edit_is_refused_and_the_first_edit_kept(cast):
    stale_version = cast.county_a.version
    services.unit_update(actor=cast.sysadmin, unit=cast.county_a, expected_version=stale_version, name="甲县（一）")
    with pytest.raises(StaleEditError):
        services.unit_update(actor=cast.sysadmin, unit=cast.county_a, expected_version=stale_version, name="甲县（二）")
    cast.county_a.refresh_from_db()
    assert cast.county_a.name == "甲县（一）"


def test_stale_edit_through_the_page_shows_a_clear_message(cast, client_for):
    client = client_for(cast.sysadmin)
    form = {"code": "C-B", "name": "乙县新名", "type": UnitType.COUNTY, "parent": cast.city.pk, "sort_order": 0,
            "is_active": "on", "version": cast.county_b.version}  # fmt: skip
    assert client.post("/orgs/units/C-B/", form).status_code == 302
    response = client.post("/orgs/units/C-B/", {**form, "name": "乙县另一个名"})
    assert response.status_code == 200
    assert "已被他人修改" in response.content.decode()
    cast.county_b.refresh_from_db()
    assert cast.county_b.name == "乙县新名"


def test_a_unit_with_children_cannot_be_deleted(cast):
    with pytest.raises(ValidationError):
        services.unit_delete(actor=cast.sysadmin, unit=cast.county_a)
    assert Unit.objects.filter(code="C-A").exists()


def test_deleting_an_empty_unit_is_audited(cast):
    services.unit_delete(actor=cast.sysadmin, unit=cast.town_b1)
    assert not Unit.objects.filter(code="C-B-1").exists()
    event = AuditEvent.objects.filter(action="delete", object_type="orgs.unit").get()
    assert event.changes["code"] == ["C-B-1", None]


@pytest.mark.parametrize("who", ["supervisor", "reporter_a", "secadmin", "auditor"])
def test_only_the_sysadmin_manages_units(cast, client_for, who):
    client = client_for(getattr(cast, who))
    before = Unit.objects.count()
    assert client.get("/orgs/units/new/").status_code == 403
    response = client.post(
        "/orgs/units/new/", {"code": "Z", "name": "Z", "type": UnitType.TOWN, "parent": cast.city.pk}
    )
    assert response.status_code == 403
    assert client.post("/orgs/units/C-B-1/delete/").status_code == 403
    assert Unit.objects.count() == before
    with pytest.raises(PermissionDenied):
        services.unit_create(actor=getattr(cast, who), code="Z", name="Z", type=UnitType.TOWN, parent=cast.city)


def test_reporter_list_shows_only_own_subtree(cast, client_for):
    body = client_for(cast.reporter_a).get("/orgs/units/").content.decode()
    assert "甲一镇" in body
    assert "乙县" not in body


def test_unit_list_search_returns_the_results_fragment_for_htmx(cast, client_for):
    response = client_for(cast.supervisor).get("/orgs/units/?q=甲", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body
    assert "甲一镇" in body
    assert "乙县" not in body


def test_unit_list_exports_to_excel(cast, client_for):
    import io

    from openpyxl import load_workbook

    response = client_for(cast.supervisor).get("/orgs/units/?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "C-A-1" in codes
    assert len(codes) == Unit.objects.count()


def test_unit_list_runs_a_fixed_number_of_queries(cast, client_for, django_assert_max_num_queries):
    client = client_for(cast.supervisor)
    # 13: one of them is django-otp loading the device that verified the supervisor's session.
    with django_assert_max_num_queries(13):
        client.get("/orgs/units/")
