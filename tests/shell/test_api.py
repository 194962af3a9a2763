"""The REST API: token auth, scope, the three administrators, the schema."""

import pytest
from rest_framework.test import APIClient

from tests.conftest import PASSWORD
from tuijin.orgs.models import RankingGroup, Role, Unit, User


@pytest.fixture
def api():
    return APIClient()


def token_for(api, username):
    response = api.post("/api/v1/auth/token/", {"username": username, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    return response.json()["token"]


def test_token_auth_round_trip(cast, api):
    token = token_for(api, "reporter_a")
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api.get("/api/v1/units/")
    assert response.status_code == 200
    assert sorted(u["code"] for u in response.json()["results"]) == ["C-A", "C-A-1", "C-A-2"]


def test_a_token_handed_out_is_audited(cast, api):
    from tuijin.audit.models import AuditEvent

    token_for(api, "reporter_a")
    assert AuditEvent.objects.filter(action="login", actor=cast.reporter_a, note="API token").count() == 1


def test_bad_credentials_get_no_token(cast, api):
    response = api.post("/api/v1/auth/token/", {"username": "reporter_a", "password": "nope"}, format="json")
    assert response.status_code == 400
    assert "token" not in response.json()


def test_anonymous_api_calls_are_refused(cast, api):
    assert api.get("/api/v1/units/").status_code in (401, 403)


def test_a_unit_outside_scope_does_not_exist_for_the_caller(cast, api):
    api.force_authenticate(cast.reporter_b)
    assert api.get("/api/v1/units/C-A/").status_code == 404
    assert api.get("/api/v1/units/C-B-1/").status_code == 200


def test_sysadmin_creates_and_moves_units_by_code(cast, api):
    api.force_authenticate(cast.sysadmin)
    response = api.post(
        "/api/v1/units/", {"code": "C-B-2", "name": "乙二镇", "type": "town", "parent": "C-B"}, format="json"
    )
    assert response.status_code == 201, response.content
    response = api.patch("/api/v1/units/C-B-2/", {"parent": "C-A", "version": 1}, format="json")
    assert response.status_code == 200, response.content
    assert Unit.objects.get(code="C-B-2").parent.code == "C-A"


def test_api_refuses_a_cycle_with_a_clear_error(cast, api):
    api.force_authenticate(cast.sysadmin)
    response = api.patch(
        "/api/v1/units/C-A/", {"parent": "C-A-1", "version": Unit.objects.get(code="C-A").version}, format="json"
    )
    assert response.status_code == 400
    assert "parent" in response.json()
    assert Unit.objects.get(code="C-A").parent.code == "C"


def test_reporter_cannot_write_units_through_the_api(cast, api):
    api.force_authenticate(cast.reporter_a)
    count = Unit.objects.count()
    assert api.post("/api/v1/units/", {"code": "Z", "name": "Z", "type": "town", "parent": "C-A"}).status_code == 403
    assert api.patch("/api/v1/units/C-A-1/", {"name": "改名"}, format="json").status_code == 403
    assert api.delete("/api/v1/units/C-A-1/").status_code == 403
    assert Unit.objects.count() == count
    assert Unit.objects.get(code="C-A-1").name == "甲一镇"


def test_ranking_groups_by_code(cast, api):
    api.force_authenticate(cast.supervisor)
    response = api.get("/api/v1/ranking-groups/G-CTY/")
    assert response.json()["units"] == ["C-A", "C-B"]
    api.force_authenticate(cast.reporter_a)
    assert api.get("/api/v1/ranking-groups/G-ZN/").status_code == 404
    assert api.put("/api/v1/ranking-groups/G-CTY/", {"code": "G-CTY", "name": "x"}).status_code == 403
    assert RankingGroup.objects.get(code="G-CTY").name == "县组"


def test_users_endpoint_follows_the_three_administrators(cast, api):
    api.force_authenticate(cast.reporter_a)
    assert api.get("/api/v1/users/").status_code == 403
    api.force_authenticate(cast.sysadmin)
    response = api.post(
        "/api/v1/users/",
        {"username": "api-user", "full_name": "接口", "unit": "C-B", "password": "Api-User-Pass-42"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert (
        api.put("/api/v1/users/api-user/roles/", {"roles": ["reporter"], "version": 1}, format="json").status_code
        == 403
    )
    api.force_authenticate(cast.secadmin)
    response = api.put("/api/v1/users/api-user/roles/", {"roles": ["reporter"], "version": 1}, format="json")
    assert response.status_code == 200
    assert User.objects.get(username="api-user").roles == frozenset({Role.REPORTER})


def test_token_of_an_account_that_must_change_its_password_is_refused(cast, api):
    User.objects.filter(pk=cast.reporter_a.pk).update(must_change_password=True)
    token = token_for(api, "reporter_a")
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/units/").status_code == 403


def test_openapi_schema_and_docs_are_served(cast, client_for):
    client = client_for(cast.supervisor)
    schema = client.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    assert "/api/v1/units/" in schema.json()["paths"]
    assert client.get("/api/docs/").status_code == 200
