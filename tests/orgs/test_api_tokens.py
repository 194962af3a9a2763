"""API tokens: hashed, named, expiring, revocable by the owner and the security administrator,
ended by a password change or deactivation; guessing is throttled per client address."""

import datetime as dt

import pytest
import time_machine
from django.test import override_settings
from rest_framework.test import APIClient

from tests.conftest import PASSWORD
from tests.twofactor import verify_session
from tuijin.audit.models import AuditEvent
from tuijin.orgs import services, tokens
from tuijin.orgs.models import ApiToken

T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
UNITS = "/api/v1/units/"


@pytest.fixture
def api():
    return APIClient()


def issue(api, username="reporter_a", name="对接"):
    response = api.post(
        "/api/v1/auth/token/", {"username": username, "password": PASSWORD, "name": name}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def get_with(key, path=UNITS):
    return APIClient().get(path, headers={"Authorization": f"Token {key}"})


def test_each_issuance_is_a_new_named_token_stored_only_as_a_hash(cast, api):
    first, second = issue(api, name="对接一"), issue(api, name="对接二")
    assert first["token"] != second["token"]
    rows = ApiToken.objects.filter(user=cast.reporter_a)
    assert sorted(rows.values_list("name", flat=True)) == ["对接一", "对接二"]
    stored = {value for row in rows.values() for value in row.values()}
    assert first["token"] not in stored
    assert second["token"] not in stored
    assert rows.get(name="对接一").key_hash == tokens.hash_key(first["token"])
    assert get_with(first["token"]).status_code == 200
    assert get_with(second["token"]).status_code == 200


def test_a_token_expires_after_the_configured_days(cast, api):
    with time_machine.travel(T0, tick=False):
        key = issue(api)["token"]
        assert ApiToken.objects.get().expires_at == T0 + dt.timedelta(days=30)
    with time_machine.travel(T0 + dt.timedelta(days=29, hours=23), tick=False):
        assert get_with(key).status_code == 200
    with time_machine.travel(T0 + dt.timedelta(days=30, seconds=1), tick=False):
        response = get_with(key)
        assert response.status_code == 401
        assert response.json()["detail"] == "令牌无效、已过期或已被撤销。"


@override_settings(TUIJIN_API_TOKEN_DAYS=2)
def test_the_lifetime_is_a_setting(cast, api):
    with time_machine.travel(T0, tick=False):
        issue(api)
    assert ApiToken.objects.get().expires_at == T0 + dt.timedelta(days=2)


def test_the_owner_lists_and_revokes_their_tokens_over_the_api(cast, api):
    mine, other = issue(api)["token"], issue(api, username="reporter_b")["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {mine}")
    listed = client.get("/api/v1/auth/tokens/").json()["results"]
    assert [t["user"] for t in listed] == ["reporter_a"]
    assert "token" not in listed[0]
    assert "key_hash" not in listed[0]
    other_id = ApiToken.objects.get(user=cast.reporter_b).pk
    assert client.delete(f"/api/v1/auth/tokens/{other_id}/").status_code == 404
    assert get_with(other).status_code == 200
    response = client.delete(f"/api/v1/auth/tokens/{listed[0]['id']}/")
    assert response.status_code == 200
    assert response.json()["revoke_reason"] == tokens.REASON_OWNER
    assert get_with(mine).status_code == 401


def test_the_security_administrator_revokes_anyones_token_and_it_is_audited(cast, api):
    key = issue(api)["token"]
    token = ApiToken.objects.get()
    admin = APIClient()
    admin.force_authenticate(cast.secadmin)
    assert [t["id"] for t in admin.get("/api/v1/auth/tokens/", {"user": "reporter_a"}).json()["results"]] == [token.pk]
    assert admin.delete(f"/api/v1/auth/tokens/{token.pk}/").status_code == 200
    assert get_with(key).status_code == 401
    event = AuditEvent.objects.get(actor=cast.secadmin, object_type="orgs.apitoken")
    assert "reporter_a" in event.note


def test_the_system_administrator_cannot_see_or_revoke_other_peoples_tokens(cast, api):
    key = issue(api)["token"]
    token = ApiToken.objects.get()
    admin = APIClient()
    admin.force_authenticate(cast.sysadmin)
    assert admin.get("/api/v1/auth/tokens/").json()["results"] == []
    assert admin.delete(f"/api/v1/auth/tokens/{token.pk}/").status_code == 404
    client = APIClient()
    client.force_login(cast.sysadmin)
    verify_session(client, cast.sysadmin)
    assert client.get("/orgs/users/reporter_a/tokens/").status_code == 403
    assert client.post(f"/orgs/users/reporter_a/tokens/{token.pk}/revoke/").status_code == 403
    assert get_with(key).status_code == 200


def test_a_password_change_ends_every_token(cast, api):
    keys = [issue(api, name=n)["token"] for n in ("一", "二")]
    services.user_change_own_password(user=cast.reporter_a, new_password="Another-Pass-2026!")
    assert [get_with(k).status_code for k in keys] == [401, 401]
    assert set(ApiToken.objects.values_list("revoke_reason", flat=True)) == {tokens.REASON_PASSWORD}


def test_a_password_reset_and_a_deactivation_end_every_token(cast, api):
    key_a, key_b = issue(api)["token"], issue(api, username="reporter_b")["token"]
    services.user_reset_password(actor=cast.sysadmin, user=cast.reporter_a, password="Reset-Pass-2026!")
    assert get_with(key_a).status_code == 401
    services.user_update(actor=cast.sysadmin, user=cast.reporter_b, expected_version=None, is_active=False)
    assert get_with(key_b).status_code == 401
    assert ApiToken.objects.live(dt.datetime.now(dt.UTC)).count() == 0


@override_settings(TUIJIN_API_TOKEN_FAILURES=3, TUIJIN_API_TOKEN_FAILURE_WINDOW=600)
def test_token_guessing_is_throttled_per_client_address(cast, api):
    good = issue(api)["token"]
    with time_machine.travel(T0, tick=False):
        for _ in range(3):
            assert get_with("guess-" + "x" * 30).status_code == 401
        response = get_with("guess-" + "y" * 30)
        assert response.status_code == 429
        assert "令牌验证失败次数过多" in response.json()["detail"]
        assert get_with(good).status_code == 429  # the address is held, whatever it sends
        other = APIClient(REMOTE_ADDR="10.0.0.9").get(UNITS, headers={"Authorization": f"Token {good}"})
        assert other.status_code == 200


def test_the_web_page_shows_a_new_secret_once_and_revokes(cast, client_for):
    client = client_for(cast.reporter_a)
    page = client.post("/accounts/tokens/", {"name": "报表工具"})
    secret = page.context["secret"]
    assert secret
    assert secret in page.content.decode()
    again = client.get("/accounts/tokens/").content.decode()
    assert "报表工具" in again
    assert secret not in again
    token = ApiToken.objects.get(user=cast.reporter_a)
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.revoke_reason == tokens.REASON_OWNER


def test_a_user_cannot_revoke_someone_elses_token_on_the_page(cast, client_for):
    _token, _key = tokens.token_issue(user=cast.reporter_b, name="乙")
    token = ApiToken.objects.get()
    assert client_for(cast.reporter_a).post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_security_administrator_page_lists_and_revokes(cast, client_for):
    tokens.token_issue(user=cast.reporter_a, name="甲")
    token = ApiToken.objects.get()
    client = client_for(cast.secadmin)
    assert "甲" in client.get("/orgs/users/reporter_a/tokens/").content.decode()
    assert client.post(f"/orgs/users/reporter_a/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_by == cast.secadmin
    assert token.revoke_reason == tokens.REASON_SECADMIN


@override_settings(TUIJIN_API_TOKENS_PER_USER=2)
def test_live_tokens_per_account_are_capped(cast, api):
    issue(api), issue(api)
    response = api.post("/api/v1/auth/token/", {"username": "reporter_a", "password": PASSWORD}, format="json")
    assert response.status_code == 400
    assert "上限" in str(response.json())
    assert ApiToken.objects.count() == 2


def test_the_schema_is_served_to_a_token(cast, api):
    key = issue(api)["token"]
    response = get_with(key, "/api/schema/?format=json")
    assert response.status_code == 200
    assert "/api/v1/auth/tokens/" in response.json()["paths"]
    assert APIClient().get("/api/schema/").status_code in (401, 403)
