"""Lockout, session lifetime, security headers (等保 2.0 baseline)."""

import datetime as dt

import time_machine
from django.conf import settings

from tests.conftest import PASSWORD
from tests.twofactor import password_login
from tuijin.audit.models import AuditEvent


def login(client, username, password):
    return password_login(client, username, password)


def test_five_failed_logins_lock_the_account_for_fifteen_minutes(cast, client):
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            login(client, "supervisor", "wrong-password")
        response = login(client, "supervisor", PASSWORD)
        assert response.status_code == 429
        assert "锁定" in response.content.decode()
        assert client.get("/").status_code == 302
    with time_machine.travel(start + dt.timedelta(minutes=16), tick=False):
        assert login(client, "supervisor", PASSWORD).status_code == 302
        assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="login_failed", actor_username="supervisor").count() >= 5


def test_four_failures_do_not_lock(cast, client):
    for _ in range(4):
        login(client, "supervisor", "wrong-password")
    assert login(client, "supervisor", PASSWORD).status_code == 302


def test_idle_sessions_expire_after_thirty_minutes(cast, client):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        login(client, "supervisor", PASSWORD)
        assert client.get("/").status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=29), tick=False):
        assert client.get("/").status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=29 + 31), tick=False):
        assert client.get("/").status_code == 302


def test_active_sessions_end_after_twelve_hours(cast, client):
    start = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        login(client, "supervisor", PASSWORD)
    # Active every 20 minutes, so the idle limit never triggers; the absolute one does.
    for step in range(1, 36):
        with time_machine.travel(start + dt.timedelta(minutes=20 * step), tick=False):
            assert client.get("/").status_code == 200
    with time_machine.travel(start + dt.timedelta(hours=12, minutes=5), tick=False):
        response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_every_html_response_carries_the_content_security_policy(cast, client_for):
    response = client_for(cast.supervisor).get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "object-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert client_for(cast.supervisor).get("/accounts/login/").has_header("Content-Security-Policy")


def test_language_switch_to_english(cast, client_for):
    client = client_for(cast.supervisor)
    assert "首页" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert "Home" in body
    assert 'lang="en"' in body


def test_browser_language_does_not_override_chinese_default(cast, client_for):
    body = client_for(cast.supervisor).get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).content.decode()
    assert 'lang="zh-hans"' in body
