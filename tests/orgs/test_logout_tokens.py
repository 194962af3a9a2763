"""What a web logout ends: always the session; the API tokens only when asked (the token page's
“退出登录并注销所有 API 令牌”), since they serve API clients, not the browser. A password change and
a deactivation end every token (tests/orgs/test_api_tokens.py)."""

import pytest
from rest_framework.test import APIClient

from tests.orgs.test_api_tokens import get_with, issue
from tuijin.audit.models import AuditEvent
from tuijin.orgs import tokens
from tuijin.orgs.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_logout_with_the_option_ends_every_token_of_the_account_and_is_audited(cast, api, client_for):
    mine = [issue(api, name=n)["token"] for n in ("一", "二")]
    theirs = issue(api, username="reporter_b")["token"]
    client = client_for(cast.reporter_a)
    page = client.get("/accounts/tokens/")
    assert 'data-testid="logout-end-tokens"' in page.text

    response = client.post("/accounts/logout/", {"end_tokens": "1"})

    assert response.status_code == 302
    assert client.get("/accounts/tokens/").status_code == 302  # signed out
    assert [get_with(k).status_code for k in mine] == [401, 401]
    assert get_with(theirs).status_code == 200  # someone else's tokens are untouched
    assert set(ApiToken.objects.filter(user=cast.reporter_a).values_list("revoke_reason", flat=True)) == {
        tokens.REASON_LOGOUT
    }
    assert AuditEvent.objects.filter(actor=cast.reporter_a, note__contains="2 个 API 令牌已失效").exists()


def test_a_plain_logout_leaves_the_api_tokens_working(cast, api, client_for):
    key = issue(api)["token"]
    client = client_for(cast.reporter_a)
    assert client.post("/accounts/logout/").status_code == 302
    assert get_with(key).status_code == 200


def test_an_anonymous_logout_with_the_option_ends_nothing(cast, api, client):
    key = issue(api)["token"]
    assert client.post("/accounts/logout/", {"end_tokens": "1"}).status_code == 302
    assert get_with(key).status_code == 200
