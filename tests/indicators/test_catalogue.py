"""The indicator catalogue and the reporting calendar: who may change them, what is refused."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tuijin.audit.models import AuditEvent
from tuijin.indicators import periods
from tuijin.indicators.models import Frequency, Indicator, KeyWork, Kind, ReportingRule
from tuijin.indicators.services import catalogue as services

pytestmark = pytest.mark.django_db


def new_indicator(actor, key_work, **extra):
    fields = {"code": "NEWP", "name": "新增入库项目", "measure": "个", "kind": Kind.COUNT, "key_work": key_work}
    return services.indicator_create(actor=actor, **(fields | extra))


def test_city_supervisor_creates_an_indicator_with_its_ranking_groups(cast, catalogue):
    indicator = new_indicator(cast.supervisor, catalogue.investment, ranking_groups=[cast.counties])

    assert indicator.ranking_groups.get() == cast.counties
    event = AuditEvent.objects.get(object_type="indicators.indicator", object_id=str(indicator.pk))
    assert event.changes["code"] == [None, "NEWP"]
    assert event.changes["ranking_groups"] == [None, ["G-CTY"]]


def test_county_supervisor_and_reporter_cannot_change_the_catalogue(cast, catalogue):
    with pytest.raises(PermissionDenied):
        new_indicator(cast.county_supervisor, catalogue.investment)
    with pytest.raises(PermissionDenied):
        services.indicator_update(actor=cast.reporter_a, indicator=catalogue.fai, expected_version=None, name="x")
    with pytest.raises(PermissionDenied):
        services.keywork_create(actor=cast.county_supervisor, code="X", name="x")
    assert not Indicator.objects.filter(code="NEWP").exists()


def test_validation_messages_are_in_chinese(cast, catalogue):
    with pytest.raises(ValidationError) as duplicate:
        new_indicator(cast.supervisor, catalogue.investment, code="FAI")
    assert "已存在" in str(duplicate.value.message_dict["code"])
    with pytest.raises(ValidationError) as decimals:
        new_indicator(cast.supervisor, catalogue.investment, decimals=6)
    assert decimals.value.message_dict["decimals"] == ["小数位数须在 0 到 4 之间。"]


def test_kind_and_frequency_are_frozen_once_figures_exist(cast, catalogue, make_report):
    updated = services.indicator_update(
        actor=cast.supervisor, indicator=catalogue.fai, expected_version=1, frequency="quarterly"
    )
    assert updated.version == 2
    make_report(cast.county_a, catalogue.fdi, 3, 100)

    with pytest.raises(ValidationError) as exc:
        services.indicator_update(
            actor=cast.supervisor, indicator=catalogue.fdi, expected_version=None, kind=Kind.LEVEL
        )

    assert "已有填报数据" in exc.value.message_dict["kind"][0]
    assert Indicator.objects.get(code="FDI").kind == Kind.CUMULATIVE


def test_a_stale_indicator_edit_is_refused(cast, catalogue):
    services.indicator_update(
        actor=cast.supervisor, indicator=catalogue.gdp, expected_version=1, name="地区生产总值增速"
    )

    with pytest.raises(ValidationError, match="已被他人修改"):
        services.indicator_update(actor=cast.supervisor, indicator=catalogue.gdp, expected_version=1, name="GDP")
    assert Indicator.objects.get(code="GDP").name == "地区生产总值增速"


def test_deactivating_keeps_the_indicator_and_its_history(cast, catalogue):
    services.indicator_deactivate(actor=cast.supervisor, indicator=catalogue.parks)

    assert Indicator.objects.get(code="PARK").is_active is False


def test_reporting_calendar_sets_the_deadline_day(cast):
    services.reporting_rule_set(actor=cast.supervisor, year=2026, deadline_day=8)
    assert periods.deadline(2026, 3).isoformat() == "2026-04-08"
    with pytest.raises(ValidationError):
        services.reporting_rule_set(actor=cast.supervisor, year=2026, deadline_day=31)
    with pytest.raises(PermissionDenied):
        services.reporting_rule_set(actor=cast.county_supervisor, year=2026, deadline_day=3)
    assert ReportingRule.objects.get(year=2026).deadline_day == 8


# --- pages and API -------------------------------------------------------------------------


def test_catalogue_page_lists_and_filters_without_n_plus_one(
    cast, catalogue, client_for, django_assert_max_num_queries
):
    client = client_for(cast.reporter_a)

    with django_assert_max_num_queries(13):  # +1: the session's OTP device check
        response = client.get("/indicators/config/indicators/", {"key_work": "ATT"})

    assert response.status_code == 200
    codes = [i.code for i in response.context["indicators"]]
    assert codes == ["FDI", "PARK"]
    assert response.context["can_manage"] is False
    assert "新建指标" not in response.text


def test_supervisor_creates_and_edits_an_indicator_through_the_pages(cast, catalogue, client_for):
    client = client_for(cast.supervisor)
    data = {
        "code": "TAX", "name": "税收收入", "measure": "亿元", "key_work": catalogue.investment.pk, "kind": "cumulative",
        "direction": "higher", "frequency": "monthly", "decimals": 2, "rank_key": "completion",
        "time_progress_mode": "linear", "ranking_groups": [cast.counties.pk], "sort_order": 3,
    }  # fmt: skip

    assert client.post("/indicators/config/indicators/new/", data).status_code == 302
    tax = Indicator.objects.get(code="TAX")
    response = client.post("/indicators/config/indicators/TAX/edit/", data | {"name": "一般公共预算税收", "version": 1})

    assert response.status_code == 302
    tax.refresh_from_db()
    assert (tax.name, tax.version, tax.decimals) == ("一般公共预算税收", 2, 2)
    bad = client.post("/indicators/config/indicators/new/", data | {"code": "TAX2", "decimals": 9})
    assert "小数位数须在 0 到 4 之间" in bad.text


def test_county_supervisor_cannot_open_the_catalogue_editor(cast, catalogue, client_for):
    client = client_for(cast.county_supervisor)
    page = client.get("/indicators/config/indicators/FAI/edit/")
    attempt = client.post(
        "/indicators/config/indicators/FAI/edit/",
        {"code": "FAI", "name": "改名", "measure": "亿元", "key_work": catalogue.investment.pk, "kind": "cumulative",
         "direction": "higher", "frequency": "monthly", "decimals": 1, "rank_key": "completion",
         "time_progress_mode": "linear", "sort_order": 0},
    )  # fmt: skip
    assert attempt.status_code == 403
    assert page.status_code == 403
    assert Indicator.objects.get(code="FAI").name == "固定资产投资"
    assert client_for(cast.reporter_a).get("/indicators/config/indicators/new/").status_code == 403


def test_key_work_and_calendar_pages(cast, catalogue, client_for):
    client = client_for(cast.supervisor)

    assert (
        client.post(
            "/indicators/config/key-works/new/", {"code": "ECO", "name": "生态治理", "sort_order": 4}
        ).status_code
        == 302
    )
    assert (
        client.post(
            "/indicators/config/key-works/ECO/edit/", {"code": "ECO", "name": "生态环境", "sort_order": 4}
        ).status_code
        == 302
    )
    assert KeyWork.objects.get(code="ECO").name == "生态环境"
    assert client.post("/indicators/config/calendar/", {"year": 2027, "deadline_day": 7}).status_code == 302
    assert ReportingRule.objects.get(year=2027).deadline_day == 7
    assert (
        client_for(cast.reporter_a).post("/indicators/config/calendar/", {"year": 2027, "deadline_day": 1}).status_code
        == 403
    )
    assert ReportingRule.objects.get(year=2027).deadline_day == 7


def test_indicator_api_reads_for_all_and_writes_for_the_city_supervisor(cast, catalogue, client_for):
    listing = client_for(cast.reporter_b).get("/api/v1/indicators/", {"key_work": "ATT"})
    assert [i["code"] for i in listing.json()["results"]] == ["FDI", "PARK"]
    refused = client_for(cast.reporter_b).patch(
        "/api/v1/indicators/FAI/", {"name": "x", "version": 1}, content_type="application/json"
    )
    assert refused.status_code == 403

    client = client_for(cast.supervisor)
    created = client.post(
        "/api/v1/indicators/",
        {"code": "EXP", "name": "出口额", "measure": "亿元", "key_work": "ATT", "ranking_groups": ["G-CTY"]},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    patched = client.patch("/api/v1/indicators/EXP/", {"decimals": 2, "version": 1}, content_type="application/json")
    assert patched.json()["decimals"] == 2
    assert patched.json()["ranking_groups"] == ["G-CTY"]
    assert client.delete("/api/v1/indicators/EXP/").status_code == 428  # the version it read, like an update
    assert client.delete("/api/v1/indicators/EXP/?version=2").status_code == 204
    assert Indicator.objects.get(code="EXP").is_active is False
    invalid = client.patch(
        "/api/v1/indicators/EXP/",
        {"frequency": Frequency.QUARTERLY, "decimals": 7, "version": 3},
        content_type="application/json",
    )
    assert invalid.status_code == 400
