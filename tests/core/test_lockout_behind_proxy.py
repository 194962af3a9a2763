"""Lockout that cannot be aimed at someone else: per (username, client address) behind the
trusted proxies, a higher per-address limit across usernames, a page saying what to do, and
the security administrator's release."""

import datetime as dt
import os
import subprocess
import sys

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.test import RequestFactory
from rest_framework.test import APIClient

from tests.conftest import PASSWORD
from tuijin.audit.models import AuditEvent
from tuijin.core.clientip import client_ip

PROXY = "10.0.0.1"
ATTACKER = "203.0.113.5"
VICTIM = "198.51.100.7"
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def login(client, username, password, forwarded=None, remote=PROXY):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


@pytest.fixture
def behind_proxy(settings):
    settings.TUIJIN_TRUSTED_PROXIES = 1
    return settings


def test_an_attacker_behind_the_proxy_does_not_lock_the_user_out_elsewhere(cast, client, behind_proxy):
    with time_machine.travel(START, tick=False):
        for _ in range(6):
            login(client, "supervisor", "wrong-password", forwarded=ATTACKER)
        assert login(client, "supervisor", PASSWORD, forwarded=ATTACKER).status_code == 429
        client.cookies.clear()
        assert login(client, "supervisor", PASSWORD, forwarded=VICTIM).status_code == 302


def test_without_a_trusted_proxy_addresses_are_the_peers(cast, client):
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            login(client, "supervisor", "wrong-password", remote=ATTACKER)
        assert login(client, "supervisor", PASSWORD, remote=ATTACKER).status_code == 429
        assert login(client, "supervisor", PASSWORD, remote=VICTIM).status_code == 302


def test_a_forged_forwarded_for_beyond_the_trusted_proxies_is_ignored(cast, client, behind_proxy):
    # The attacker writes the victim's address first; the proxy appends the attacker's real one.
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            login(client, "supervisor", "wrong-password", forwarded=f"{VICTIM}, {ATTACKER}")
        assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
        assert login(client, "supervisor", PASSWORD, forwarded=VICTIM).status_code == 302


@pytest.mark.parametrize(
    ("trusted", "forwarded", "expected"),
    [
        (0, f"{VICTIM}, {ATTACKER}", PROXY),  # 0: the header is never read
        (1, f"{VICTIM}, {ATTACKER}", ATTACKER),
        (2, f"{VICTIM}, {ATTACKER}", VICTIM),
        (2, ATTACKER, PROXY),  # fewer hops than trusted proxies: the peer, not a client-written entry
        (1, "not-an-address", PROXY),
        (1, "", PROXY),
    ],
)
def test_client_address_counts_trusted_proxies_from_the_right(settings, trusted, forwarded, expected):
    settings.TUIJIN_TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_password_spraying_from_one_address_is_locked_across_usernames(cast, client, behind_proxy):
    behind_proxy.TUIJIN_LOGIN_IP_FAILURE_LIMIT = 12
    with time_machine.travel(START, tick=False):
        for i in range(12):  # 3 tries on each of 4 names: no single (name, address) reaches 5
            login(client, ["leader", "head_a", "reporter_a", "handler"][i % 4], "Spring2026!", forwarded=ATTACKER)
        response = login(client, "supervisor", PASSWORD, forwarded=ATTACKER)
        assert response.status_code == 429
        assert "网络地址" in response.content.decode()
        assert login(client, "supervisor", PASSWORD, forwarded=VICTIM).status_code == 302


def test_below_the_address_limit_other_names_still_log_in(cast, client, behind_proxy):
    with time_machine.travel(START, tick=False):
        for name in ("leader", "head_a", "reporter_a", "handler"):
            for _ in range(3):
                login(client, name, "wrong-password", forwarded=ATTACKER)
        assert login(client, "supervisor", PASSWORD, forwarded=ATTACKER).status_code == 302


def test_the_locked_page_says_when_to_retry_and_whom_to_ask(cast, client, settings):
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=20)
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            login(client, "supervisor", "wrong-password")
        body = login(client, "supervisor", PASSWORD).content.decode()
    assert "20 分钟后再试" in body
    assert "安全管理员" in body


def test_the_api_token_lockout_answers_in_chinese(cast):
    api = APIClient(REMOTE_ADDR=ATTACKER)
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            api.post("/api/v1/auth/token/", {"username": "supervisor", "password": "nope"}, format="json")
        response = api.post("/api/v1/auth/token/", {"username": "supervisor", "password": PASSWORD}, format="json")
    assert response.status_code == 429
    assert "安全管理员" in response.json()["detail"]


def test_the_secadmin_releases_a_lockout_and_it_is_audited(cast, client, client_for):
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            login(client, "supervisor", "wrong-password", remote=ATTACKER)
        admin = client_for(cast.secadmin)
        page = admin.get("/orgs/lockouts/")
        assert page.status_code == 200
        assert "supervisor" in page.content.decode()
        assert admin.post("/orgs/lockouts/release/", {"username": "supervisor"}).status_code == 302
        assert not AccessAttempt.objects.filter(username="supervisor").exists()
        event = AuditEvent.objects.get(object_type="axes.accessattempt")
        assert event.actor == cast.secadmin
        assert event.object_repr == "supervisor"
        admin.logout()
        assert login(client, "supervisor", PASSWORD, remote=ATTACKER).status_code == 302


@pytest.mark.parametrize("who", ["sysadmin", "auditor", "supervisor"])
def test_only_the_secadmin_releases_lockouts(cast, client, client_for, who):
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            login(client, "leader", "wrong-password", remote=ATTACKER)
        other = client_for(getattr(cast, who))
        assert other.get("/orgs/lockouts/").status_code == 403
        assert other.post("/orgs/lockouts/release/", {"username": "leader"}).status_code == 403
    assert AccessAttempt.objects.get(username="leader").failures_since_start == 5
    assert not AuditEvent.objects.filter(object_type="axes.accessattempt").exists()


@pytest.mark.parametrize(("name", "value"), [("TRUSTED_PROXIES", "-1"), ("LOGIN_IP_FAILURE_LIMIT", "many")])
def test_bad_lockout_settings_stop_start_up(name, value):
    env = {**os.environ, "TUIJIN_TESTING": "1", name: value}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=django_settings.BASE_DIR, env=env, capture_output=True,
        text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert name in result.stderr
