"""The access policy: who sees which units, who may do what."""

import pytest
from django.core.exceptions import PermissionDenied

from tuijin.orgs import policy
from tuijin.orgs.models import Unit


def codes(qs):
    return sorted(qs.values_list("code", flat=True))


def test_city_supervisor_and_leader_see_every_unit(cast):
    every = codes(Unit.objects.all())
    assert codes(policy.visible_units(cast.supervisor)) == every
    assert codes(policy.visible_units(cast.leader)) == every


def test_county_reporter_sees_own_county_and_its_towns_only(cast):
    assert codes(policy.visible_units(cast.reporter_a)) == ["C-A", "C-A-1", "C-A-2"]


def test_county_supervisor_is_limited_to_the_county(cast):
    # Only supervisors of a top-level unit see everything.
    assert codes(policy.visible_units(cast.county_supervisor)) == ["C-A", "C-A-1", "C-A-2"]


def test_town_reporter_sees_only_the_town(cast):
    assert codes(policy.visible_units(cast.reporter_town_a1)) == ["C-A-1"]


def test_in_scope_refuses_a_sibling_county(cast):
    assert policy.in_scope(cast.reporter_a, cast.town_a1)
    assert not policy.in_scope(cast.reporter_a, cast.county_b)
    assert not policy.in_scope(cast.reporter_a, cast.city)


def test_inactive_user_sees_nothing_and_may_do_nothing(cast):
    cast.supervisor.is_active = False
    assert codes(policy.visible_units(cast.supervisor)) == []
    assert not policy.allows(cast.supervisor, "unit.view")


def test_unknown_action_is_refused(cast):
    assert not policy.allows(cast.supervisor, "no.such.action")
    with pytest.raises(ValueError, match="unknown policy action"):
        policy.permission("no.such.action")


def test_require_raises_permission_denied_for_a_missing_role(cast):
    with pytest.raises(PermissionDenied):
        policy.require(cast.reporter_a, "unit.manage")
    policy.require(cast.sysadmin, "unit.manage")


@pytest.mark.parametrize(
    ("who", "action", "allowed"),
    [
        ("sysadmin", "user.manage", True),
        ("sysadmin", "role.assign", False),
        ("sysadmin", "audit.read", False),
        ("secadmin", "role.assign", True),
        ("secadmin", "user.manage", False),
        ("secadmin", "audit.read", False),
        ("auditor", "audit.read", True),
        ("auditor", "user.manage", False),
        ("auditor", "role.assign", False),
        ("auditor", "unit.view", False),
        ("reporter_a", "unit.manage", False),
        ("supervisor", "audit.read", False),
        ("supervisor", "user.view", True),
        ("supervisor", "user.manage", False),
        ("reporter_a", "user.view", False),
    ],
)
def test_separation_of_the_three_administrators(cast, who, action, allowed):
    assert policy.allows(getattr(cast, who), action) is allowed


def test_scope_filters_any_queryset_through_its_unit(cast):
    from tuijin.orgs.models import User

    names = sorted(policy.scope(User.objects.all(), cast.reporter_a, "unit").values_list("username", flat=True))
    assert names == ["county_supervisor", "head_a", "reporter_a", "reporter_town_a1"]
