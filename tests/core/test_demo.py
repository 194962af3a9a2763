"""The demo city: what it holds, one login per role, and that loading twice changes nothing."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from tuijin.audit.models import AuditEvent
from tuijin.orgs.models import RankingGroup, Role, Unit, UnitType, User

LOGINS = {
    "demo-sysadmin": Role.SYSADMIN,
    "demo-secadmin": Role.SECADMIN,
    "demo-auditor": Role.AUDITOR,
    "demo-supervisor": Role.SUPERVISOR,
    "demo-leader": Role.LEADER,
    "demo-head": Role.UNIT_HEAD,
    "demo-reporter": Role.REPORTER,
    "demo-reporter2": Role.REPORTER,
    "demo-handler": Role.HANDLER,
}


@pytest.fixture
def demo(db, monkeypatch):
    monkeypatch.setenv("TUIJIN_DEMO_PASSWORD", "Demo-Password-2026")
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_demo_city_has_the_units_of_the_design(demo):
    counts = {t: Unit.objects.filter(type=t).count() for t in UnitType.values}
    assert counts == {"city": 1, "county": 7, "zone": 2, "town": 15, "department": 6}
    assert set(RankingGroup.objects.values_list("code", flat=True)) == {"G-COUNTY", "G-ZONE"}
    assert RankingGroup.objects.get(code="G-COUNTY").units.count() == 7


def test_demo_has_one_login_per_role_with_the_given_password(demo):
    for username, role in LOGINS.items():
        user = User.objects.get(username=username)
        assert user.roles == frozenset({role}), username
        assert user.check_password("Demo-Password-2026")
        assert not user.must_change_password
        assert username in demo
    assert User.objects.get(username="demo-reporter").unit.code == "SL-DH"
    assert User.objects.get(username="demo-reporter2").unit.code == "SL-XS"
    assert User.objects.get(username="demo-handler").unit.type == UnitType.DEPARTMENT


def test_loading_the_demo_twice_changes_nothing(demo):
    before = (Unit.objects.count(), User.objects.count(), AuditEvent.objects.count())
    call_command("load_demo", stdout=io.StringIO())
    assert (Unit.objects.count(), User.objects.count(), AuditEvent.objects.count()) == before


def test_demo_is_not_loaded_into_a_real_installation(cast):
    out = io.StringIO()
    call_command("load_demo", "--only-if-empty", stdout=out)
    assert "not loaded" in out.getvalue()
    assert not Unit.objects.filter(code="SL").exists()


def test_demo_indicators_have_targets_ten_months_and_a_realistic_spread(demo):
    from tuijin.indicators import analytics
    from tuijin.indicators.models import CorrectionRequest, Indicator, Report, ReportRevision, Submission

    assert Indicator.objects.count() == 11
    assert Report.objects.filter(year=2026, month=10).exclude(unit__code="SL-YX").exists()
    assert not Report.objects.filter(year=2026, month=10, unit__code="SL-YX").exists()  # 未报
    statuses = set(Submission.objects.filter(year=2026, month=10).values_list("status", flat=True))
    assert {"accepted", "submitted", "approved"} <= statuses
    assert set(CorrectionRequest.objects.values_list("status", flat=True)) == {"approved", "pending"}
    assert ReportRevision.objects.filter(kind="correction").count() == 1

    # DESIGN.md's worked example is in the demo: 示例高新区's contracted foreign capital after July.
    ranking = analytics.indicator_ranking(
        Indicator.objects.get(code="FDI_C"), 2026, 7, RankingGroup.objects.get(code="G-ZONE")
    )
    row = next(r for r in ranking.rows if r.unit.code == "SL-GX")
    assert (round(row.completion * 100, 1), round(row.time_progress * 100, 1)) == (Decimal("58.2"), Decimal("58.3"))
    assert round(row.pace_gap, 1) == Decimal("-0.1")
    county = analytics.indicator_ranking(
        Indicator.objects.get(code="FAI"), 2026, 10, RankingGroup.objects.get(code="G-COUNTY")
    )
    bands = {r.band for r in county.rows}
    assert len(bands) >= 2  # some ahead, some behind
    assert [u.code for u in county.missing] == ["SL-YX"]
