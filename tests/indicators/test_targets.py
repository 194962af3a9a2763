"""Annual targets: one at a time, the units × indicators grid, the API; versions and scope."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tuijin.audit.models import AuditEvent
from tuijin.indicators.models import Target
from tuijin.indicators.services import catalogue as services
from tuijin.indicators.services.catalogue import TargetCell

YEAR = 2026
pytestmark = pytest.mark.django_db


def test_target_set_creates_then_changes_with_milestones(cast, catalogue):
    target = services.target_set(
        actor=cast.supervisor, unit=cast.county_a, indicator=catalogue.fai, year=YEAR, value="120",
        milestones={"6": "60", "9": 80},
    )  # fmt: skip
    assert target.milestones == {"6": "60", "9": "80"}

    changed = services.target_set(
        actor=cast.supervisor, unit=cast.county_a, indicator=catalogue.fai, year=YEAR, value="130", expected_version=1
    )

    assert (changed.value, changed.version, changed.milestones) == (Decimal(130), 2, {"6": "60", "9": "80"})
    assert AuditEvent.objects.filter(object_type="indicators.target", object_id=str(target.pk)).count() == 2


@pytest.mark.parametrize(
    ("indicator", "value", "milestones", "message"),
    [
        ("fai", "0", None, "累计类指标的年度目标须大于 0。"),
        ("fai", "abc", None, "不是有效的数字"),
        ("fai", "100", {"6": "120"}, "0 到 100 之间"),
        ("fai", "100", {"9": "50", "6": "60"}, "随月份递增"),
        ("fai", "100", {"12": "100"}, "1 到 11"),
        ("gdp", "6.5", {"6": "50"}, "只有累计类指标"),
    ],
)
def test_invalid_targets_are_refused(cast, catalogue, indicator, value, milestones, message):
    with pytest.raises(ValidationError, match=message):
        services.target_set(
            actor=cast.supervisor, unit=cast.county_a, indicator=getattr(catalogue, indicator), year=YEAR,
            value=value, milestones=milestones,
        )  # fmt: skip
    assert Target.objects.count() == 0


def test_targets_only_for_units_that_report_the_indicator_and_in_scope(cast, catalogue):
    with pytest.raises(ValidationError, match="排名组"):
        services.target_set(actor=cast.supervisor, unit=cast.department, indicator=catalogue.fai, year=YEAR, value=1)
    with pytest.raises(PermissionDenied):
        services.target_set(
            actor=cast.county_supervisor, unit=cast.county_b, indicator=catalogue.fai, year=YEAR, value=1
        )
    with pytest.raises(PermissionDenied):
        services.target_set(actor=cast.reporter_a, unit=cast.county_a, indicator=catalogue.fai, year=YEAR, value=1)
    assert Target.objects.count() == 0


def test_grid_save_is_all_or_nothing(cast, catalogue):
    cells = [
        TargetCell(cast.county_a, catalogue.fai, "100", {"6": "55"}),
        TargetCell(cast.county_b, catalogue.fai, "-3"),
    ]

    with pytest.raises(ValidationError) as exc:
        services.targets_grid_save(actor=cast.supervisor, year=YEAR, cells=cells)

    assert list(exc.value.message_dict) == ["C-B:FAI"]
    assert Target.objects.count() == 0


def test_grid_save_refuses_a_stale_cell_and_saves_nothing(cast, catalogue, make_target):
    a = make_target(cast.county_a, catalogue.fai, 100)
    b = make_target(cast.county_b, catalogue.fai, 80)
    services.target_set(
        actor=cast.supervisor, unit=cast.county_b, indicator=catalogue.fai, year=YEAR, value=90, expected_version=1
    )  # someone else changes C-B after our page was built

    with pytest.raises(ValidationError) as exc:
        services.targets_grid_save(
            actor=cast.supervisor, year=YEAR,
            cells=[TargetCell(cast.county_a, catalogue.fai, "110", version=1),
                   TargetCell(cast.county_b, catalogue.fai, "85", version=1)],
        )  # fmt: skip

    assert "已被他人修改" in exc.value.message_dict["C-B:FAI"][0]
    a.refresh_from_db(), b.refresh_from_db()
    assert (a.value, b.value) == (Decimal(100), Decimal(90))


def test_grid_save_creates_updates_deletes_and_leaves_the_rest(cast, catalogue, make_target):
    make_target(cast.county_a, catalogue.fai, 100)
    make_target(cast.county_b, catalogue.fai, 80)
    make_target(cast.county_a, catalogue.fdi, 5000)

    result = services.targets_grid_save(
        actor=cast.supervisor, year=YEAR,
        cells=[TargetCell(cast.county_a, catalogue.fai, "100", version=1),
               TargetCell(cast.county_b, catalogue.fai, "88", version=1),
               TargetCell(cast.county_a, catalogue.fdi, "", version=1),
               TargetCell(cast.county_b, catalogue.fdi, "4000")],
    )  # fmt: skip

    assert (result.created, result.updated, result.deleted, result.unchanged) == (1, 1, 1, 1)
    assert dict(Target.objects.values_list("unit__code", "value").filter(indicator=catalogue.fdi)) == {
        "C-B": Decimal(4000)
    }
    assert Target.objects.get(unit=cast.county_a, indicator=catalogue.fai).version == 1


# --- the grid page -------------------------------------------------------------------------


def grid_post(grid_response, **changes):
    """The form as the page rendered it, with some inputs changed."""
    data = {"year": YEAR, "group": "G-CTY"}
    html = grid_response.text

    for name, value in re.findall(r'name="((?:v|m|ov|om|ver)-\d+-\d+)" value="([^"]*)"', html):
        data[name] = value
    data.update(changes)
    return data


def cell(unit, indicator, prefix="v"):
    return f"{prefix}-{unit.pk}-{indicator.pk}"


def test_supervisor_edits_the_grid_with_htmx(cast, catalogue, client_for, make_target, django_assert_max_num_queries):
    make_target(cast.county_a, catalogue.fai, 100)
    client = client_for(cast.supervisor)
    with django_assert_max_num_queries(15):
        page = client.get("/indicators/config/targets/", {"year": YEAR, "group": "G-CTY"})
    assert [u.code for u in page.context["grid"].units] == ["C-A", "C-B"]

    data = grid_post(page, **{cell(cast.county_b, catalogue.fai): "75", cell(cast.county_b, catalogue.fai, "m"): "50"})
    response = client.post("/indicators/config/targets/", data, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert "已保存：新增 1 项" in response.text
    target = Target.objects.get(unit=cast.county_b, indicator=catalogue.fai)
    assert (target.value, target.milestones) == (Decimal(75), {"6": "50"})
    assert Target.objects.get(unit=cast.county_a, indicator=catalogue.fai).version == 1  # untouched cell


def test_grid_page_shows_a_stale_cell_and_saves_nothing(cast, catalogue, client_for, make_target):
    make_target(cast.county_a, catalogue.fai, 100)
    client = client_for(cast.supervisor)
    page = client.get("/indicators/config/targets/", {"year": YEAR, "group": "G-CTY"})
    services.target_set(actor=cast.supervisor, unit=cast.county_a, indicator=catalogue.fai, year=YEAR, value=105)

    data = grid_post(page, **{cell(cast.county_a, catalogue.fai): "110", cell(cast.county_b, catalogue.fai): "70"})
    response = client.post("/indicators/config/targets/", data, headers={"HX-Request": "true"})

    assert response.status_code == 200  # htmx swaps only 2xx; the fragment carries the errors
    assert "已被他人修改" in response.text
    assert Target.objects.get(unit=cast.county_a).value == Decimal(105)
    assert not Target.objects.filter(unit=cast.county_b).exists()


def test_county_supervisor_sees_and_saves_only_their_county(cast, catalogue, client_for):
    client = client_for(cast.county_supervisor)
    page = client.get("/indicators/config/targets/", {"year": YEAR, "group": "G-CTY"})
    assert [u.code for u in page.context["grid"].units] == ["C-A"]

    forged = grid_post(page, **{cell(cast.county_b, catalogue.fai): "70"})
    client.post("/indicators/config/targets/", forged)

    assert not Target.objects.filter(unit=cast.county_b).exists()
    assert client.get("/indicators/config/targets/", {"group": "G-ZN"}).status_code == 404
    assert client_for(cast.reporter_a).get("/indicators/config/targets/").status_code == 403


# --- the API -------------------------------------------------------------------------------


def test_target_api_is_scoped_and_versioned(cast, catalogue, client_for, make_target):
    a = make_target(cast.county_a, catalogue.fai, 100)
    b = make_target(cast.county_b, catalogue.fai, 80)
    county = client_for(cast.county_supervisor)

    listing = county.get("/api/v1/targets/", {"year": YEAR})
    assert [t["unit"] for t in listing.json()["results"]] == ["C-A"]
    assert county.get(f"/api/v1/targets/{b.pk}/").status_code == 404
    assert (
        county.put(
            f"/api/v1/targets/{b.pk}/", {"value": "1", "version": 1}, content_type="application/json"
        ).status_code
        == 404
    )
    stale = county.put(f"/api/v1/targets/{a.pk}/", {"value": "101", "version": 9}, content_type="application/json")
    assert stale.status_code == 409
    ok = county.put(f"/api/v1/targets/{a.pk}/", {"value": "101", "version": 1}, content_type="application/json")
    assert ok.json()["version"] == 2
    created = county.post(
        "/api/v1/targets/", {"unit": "C-A", "indicator": "FDI", "year": YEAR, "value": "3000"},
        content_type="application/json",
    )  # fmt: skip
    assert created.status_code == 201
    assert county.delete(f"/api/v1/targets/{b.pk}/?version=1").status_code == 404
    b.refresh_from_db()
    assert b.value == Decimal(80)
