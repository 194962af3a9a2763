"""The shared cast: a small city built through the services, one user per role.

示例 city "C" → counties "C-A" (towns "C-A-1", "C-A-2") and "C-B" (town "C-B-1"),
zone "C-Z", department "C-D". Ranking groups "G-CTY" (both counties) and "G-ZN" (the zone).
"""

from dataclasses import dataclass

import pytest
from django.core.cache import cache

from tests.twofactor import verify_session
from tuijin.orgs import services
from tuijin.orgs.models import RankingGroup, Role, Unit, UnitType, User

PASSWORD = "Tuijin-Test-2026!"


@dataclass
class Cast:
    city: Unit
    county_a: Unit
    county_b: Unit
    town_a1: Unit
    town_a2: Unit
    town_b1: Unit
    zone: Unit
    department: Unit
    counties: RankingGroup
    zones: RankingGroup
    sysadmin: User
    secadmin: User
    auditor: User
    supervisor: User
    leader: User
    head_a: User
    reporter_a: User
    reporter_b: User
    reporter_town_a1: User
    handler: User
    county_supervisor: User


def _person(cast_admins, username, unit, *roles) -> User:
    sysadmin, secadmin = cast_admins
    user = services.user_create(
        actor=sysadmin, username=username, password=PASSWORD, unit=unit, full_name=username,
        must_change_password=False,
    )  # fmt: skip
    if roles:
        user = services.roles_set(actor=secadmin, user=user, roles=roles)
    return user


def build_cast() -> Cast:
    sysadmin = services.admin_bootstrap(username="sysadmin", password=PASSWORD, role=Role.SYSADMIN)
    secadmin = services.admin_bootstrap(username="secadmin", password=PASSWORD, role=Role.SECADMIN)
    auditor = services.admin_bootstrap(username="auditor", password=PASSWORD, role=Role.AUDITOR)

    def unit(code, name, type_, parent):
        return services.unit_create(actor=sysadmin, code=code, name=name, type=type_, parent=parent)

    city = unit("C", "示例市", UnitType.CITY, None)
    county_a = unit("C-A", "甲县", UnitType.COUNTY, city)
    county_b = unit("C-B", "乙县", UnitType.COUNTY, city)
    town_a1 = unit("C-A-1", "甲一镇", UnitType.TOWN, county_a)
    town_a2 = unit("C-A-2", "甲二镇", UnitType.TOWN, county_a)
    town_b1 = unit("C-B-1", "乙一镇", UnitType.TOWN, county_b)
    zone = unit("C-Z", "高新区", UnitType.ZONE, city)
    department = unit("C-D", "市资规局", UnitType.DEPARTMENT, city)
    counties = services.group_create(actor=sysadmin, code="G-CTY", name="县组", units=[county_a, county_b])
    zones = services.group_create(actor=sysadmin, code="G-ZN", name="平台组", units=[zone])
    admins = (sysadmin, secadmin)
    return Cast(
        city=city, county_a=county_a, county_b=county_b, town_a1=town_a1, town_a2=town_a2, town_b1=town_b1,
        zone=zone, department=department, counties=counties, zones=zones,
        sysadmin=sysadmin, secadmin=secadmin, auditor=auditor,
        supervisor=_person(admins, "supervisor", city, Role.SUPERVISOR),
        leader=_person(admins, "leader", city, Role.LEADER),
        head_a=_person(admins, "head_a", county_a, Role.UNIT_HEAD),
        reporter_a=_person(admins, "reporter_a", county_a, Role.REPORTER),
        reporter_b=_person(admins, "reporter_b", county_b, Role.REPORTER),
        reporter_town_a1=_person(admins, "reporter_town_a1", town_a1, Role.REPORTER),
        handler=_person(admins, "handler", department, Role.HANDLER),
        county_supervisor=_person(admins, "county_supervisor", county_a, Role.SUPERVISOR),
    )  # fmt: skip


@pytest.fixture
def cast(db) -> Cast:
    return build_cast()


@pytest.fixture(autouse=True)
def _clear_cache():
    # django-axes and throttles keep state in the caches; every test starts clean. The "shared"
    # cache is a database table here, whose rows are rolled back with each test.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client_for(client):
    """client_for(user) -> a test client logged in as that user, past the second factor where the
    account must use one (a real confirmed device, see tests/twofactor.py)."""

    def login(user):
        client.force_login(user)
        verify_session(client, user)
        return client

    return login
