"""Every API update names the version it read: 428 without it, 409 when stale, `If-Match` accepted.

The first test walks the OpenAPI schema, so an endpoint added later is held to the rule the day
it appears: PUT and PATCH always, and every DELETE and every POST to a URL naming a row unless its
view declares the action in `version_exempt` (with the reason: it only adds rows; the row has no
version).
"""

import re
from decimal import Decimal

import pytest
from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from tests.indicators.conftest import build_catalogue
from tuijin.indicators.models import Target
from tuijin.orgs.models import RankingGroup, Role, RoleGrant, Unit, User
from tuijin.projects.models import Project
from tuijin.projects.services import library


@pytest.fixture
def everyone(cast) -> User:
    """An account holding every role, so the policy lets each request through to the version check.
    Built around the services on purpose: 三员分立 would (rightly) refuse such an account."""
    user = User.objects.create(username="every-role", unit=cast.city)
    RoleGrant.objects.bulk_create([RoleGrant(user=user, role=r) for r in Role.values])
    return User.objects.get(pk=user.pk)


def updating_operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        for method in operations:
            if method in ("put", "patch", "delete") or (method == "post" and "{" in path):
                yield method, path


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def exempt(method: str, url: str) -> str:
    match = resolve(url)
    cls = match.func.cls
    action = match.func.actions.get(method) if hasattr(match.func, "actions") else method
    return getattr(cls, "version_exempt", {}).get(action, "")


def test_every_updating_endpoint_refuses_a_request_without_the_version(everyone):
    api = APIClient()
    api.force_authenticate(everyone)
    checked, answered = [], {}
    for method, path in updating_operations():
        url = concrete(path)
        if method in ("post", "delete") and exempt(method, url):
            continue
        checked.append((method, path))
        response = getattr(api, method)(url, {}, format="json")
        if response.status_code != 428:
            answered[f"{method.upper()} {path}"] = response.status_code
    assert answered == {}
    assert len(checked) >= 49  # the walk really covers the API (51 operations today)
    assert len([m for m, _p in checked if m == "delete"]) == 4  # every DELETE but the token's revocation


def test_exemptions_give_their_reason_and_name_real_actions():
    for _method, path in updating_operations():
        match = resolve(concrete(path))
        table = getattr(match.func.cls, "version_exempt", {})
        for action, reason in table.items():
            assert reason.strip(), action
            assert hasattr(match.func.cls, action), action


def project(cast) -> Project:
    return library.project_create(
        actor=cast.supervisor, code="P-1", unit=cast.county_a, name="一号项目", total_investment=Decimal("10")
    )


def test_a_patch_without_the_version_no_longer_overwrites(cast):
    p = project(cast)
    api = APIClient()
    api.force_authenticate(cast.supervisor)
    response = api.patch(f"/api/v1/projects/{p.code}/", {"name": "覆盖"}, format="json")
    assert response.status_code == 428
    assert "version" in response.json()["detail"]
    p.refresh_from_db()
    assert p.name == "一号项目"


def test_a_stale_version_is_409_and_changes_nothing(cast):
    p = project(cast)
    api = APIClient()
    api.force_authenticate(cast.supervisor)
    assert (
        api.patch(f"/api/v1/projects/{p.code}/", {"name": "甲", "version": p.version}, format="json").status_code == 200
    )
    response = api.patch(f"/api/v1/projects/{p.code}/", {"name": "乙", "version": p.version}, format="json")
    assert response.status_code == 409
    assert "已被他人修改" in response.json()["detail"]
    p.refresh_from_db()
    assert p.name == "甲"


def test_the_version_can_come_as_an_if_match_header(cast):
    p = project(cast)
    api = APIClient()
    api.force_authenticate(cast.supervisor)
    url = f"/api/v1/projects/{p.code}/"
    assert api.patch(url, {"name": "甲"}, format="json", headers={"If-Match": f'"{p.version}"'}).status_code == 200
    assert api.patch(url, {"name": "乙"}, format="json", headers={"If-Match": str(p.version)}).status_code == 409
    mismatch = api.patch(url, {"name": "丙", "version": p.version + 1}, format="json", headers={"If-Match": "1"})
    assert mismatch.status_code == 400
    p.refresh_from_db()
    assert p.name == "甲"


def test_a_state_transition_needs_the_version_too(cast):
    p = project(cast)
    api = APIClient()
    api.force_authenticate(cast.supervisor)
    response = api.post(f"/api/v1/projects/{p.code}/stage/", {"stage": "preparation"}, format="json")
    assert response.status_code == 428
    p.refresh_from_db()
    assert p.stage == "concept"


def test_a_caller_of_another_unit_is_refused_before_the_version(cast):
    p = project(cast)
    api = APIClient()
    api.force_authenticate(cast.reporter_b)
    assert api.patch(f"/api/v1/projects/{p.code}/", {"name": "乙"}, format="json").status_code == 403
    p.refresh_from_db()
    assert p.name == "一号项目"


# --- DELETE --------------------------------------------------------------------------------


def test_a_delete_without_the_version_deletes_nothing(cast):
    unit = Unit.objects.create(code="C-X", name="空单位", type=cast.county_a.type, parent=cast.city)
    api = APIClient()
    api.force_authenticate(cast.sysadmin)
    response = api.delete(f"/api/v1/units/{unit.code}/")
    assert response.status_code == 428
    assert Unit.objects.filter(pk=unit.pk).exists()


def test_a_stale_delete_is_409_and_the_row_stays(cast):
    group = cast.counties
    api = APIClient()
    api.force_authenticate(cast.sysadmin)
    assert api.delete(f"/api/v1/ranking-groups/{group.code}/?version={group.version + 1}").status_code == 409
    assert (
        api.delete(f"/api/v1/ranking-groups/{group.code}/", {"version": group.version + 1}, format="json").status_code
        == 409
    )
    assert RankingGroup.objects.filter(pk=group.pk).exists()


def test_a_delete_with_the_version_read_goes_through_by_body_query_or_if_match(cast):
    units = [
        Unit.objects.create(code=f"C-X{n}", name=f"空单位{n}", type=cast.county_a.type, parent=cast.city)
        for n in range(3)
    ]
    api = APIClient()
    api.force_authenticate(cast.sysadmin)
    first, second, third = units
    assert api.delete(f"/api/v1/units/{first.code}/", {"version": first.version}, format="json").status_code == 204
    assert api.delete(f"/api/v1/units/{second.code}/?version={second.version}").status_code == 204
    assert api.delete(f"/api/v1/units/{third.code}/", headers={"If-Match": f'"{third.version}"'}).status_code == 204
    assert not Unit.objects.filter(pk__in=[u.pk for u in units]).exists()


def test_a_supervisor_of_another_county_cannot_delete_a_target_even_with_the_version(cast):
    catalogue = build_catalogue(cast)
    target = Target.objects.create(unit=cast.county_b, indicator=catalogue.fai, year=2026, value=Decimal(5))
    api = APIClient()
    api.force_authenticate(cast.county_supervisor)  # of county A
    assert api.delete(f"/api/v1/targets/{target.pk}/?version={target.version}").status_code in (403, 404)
    assert Target.objects.filter(pk=target.pk).exists()
