"""The demo city: what it holds, one login per role, and that loading twice changes nothing."""

import io

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
