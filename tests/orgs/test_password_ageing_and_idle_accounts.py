"""Password ageing (a change forced after N days) and idle accounts (disabled by the daily timer
after N days without a login): both off by default, both audited."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings as django_settings
from rest_framework.test import APIClient

from tests.conftest import PASSWORD, build_cast
from tests.twofactor import password_login
from tuijin.audit.models import AuditEvent
from tuijin.notifications.timers import run_timers
from tuijin.orgs import conf, services
from tuijin.orgs.ageing import IDLE_TIMER, disable_idle_accounts
from tuijin.orgs.models import User

T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)  # the cast is built on this day


@pytest.fixture
def old_cast(db):
    with time_machine.travel(T0, tick=False):
        return build_cast()


def login(client, username, password=PASSWORD):
    return password_login(client, username, password)


def test_both_are_off_by_default():
    assert conf.PASSWORD_MAX_AGE_DAYS == 0
    assert conf.IDLE_ACCOUNT_DAYS == 0


def test_without_ageing_an_old_password_is_kept(old_cast, client):
    with time_machine.travel(T0 + dt.timedelta(days=400), tick=False):
        login(client, "supervisor")
        assert client.get("/").status_code == 200


def test_a_password_older_than_the_limit_must_be_changed_first(old_cast, client, settings):
    settings.TUIJIN_PASSWORD_MAX_AGE_DAYS = 90
    with time_machine.travel(T0 + dt.timedelta(days=89), tick=False):
        login(client, "supervisor")
        assert client.get("/").status_code == 200
    with time_machine.travel(T0 + dt.timedelta(days=91), tick=False):
        login(client, "supervisor")
        assert client.get("/").url == "/accounts/password/"
        assert "已使用较长时间" in client.get("/accounts/password/").content.decode()
        client.get("/orgs/units/")  # flagged once, not once per request
        events = AuditEvent.objects.filter(
            object_id=str(old_cast.supervisor.pk), changes__has_key="must_change_password"
        )
        assert events.count() == 1
        assert "90 天" in events.get().note
        response = client.post(
            "/accounts/password/",
            {"old_password": PASSWORD, "new_password1": "Fresh-Chosen-Pass-3", "new_password2": "Fresh-Chosen-Pass-3"},
        )
        assert response.status_code == 302
        assert client.get("/").status_code == 200
    supervisor = User.objects.get(pk=old_cast.supervisor.pk)
    assert not supervisor.must_change_password
    assert supervisor.password_changed_at == T0 + dt.timedelta(days=91)


def test_an_expired_password_also_stops_the_api(old_cast, settings):
    settings.TUIJIN_PASSWORD_MAX_AGE_DAYS = 90
    api = APIClient()
    with time_machine.travel(T0 + dt.timedelta(days=100), tick=False):
        api.force_authenticate(old_cast.reporter_a)
        response = api.get("/api/v1/units/")
    assert response.status_code == 403
    assert "修改密码" in response.json()["detail"]


def test_idle_accounts_are_disabled_by_the_daily_timer_and_audited(old_cast, settings):
    settings.TUIJIN_IDLE_ACCOUNT_DAYS = 90
    recent = old_cast.reporter_b
    with time_machine.travel(T0 + dt.timedelta(days=60), tick=False):
        User.objects.filter(pk=recent.pk).update(last_login=dt.datetime.now(tz=dt.UTC))
    day = (T0 + dt.timedelta(days=95)).date()
    with time_machine.travel(T0 + dt.timedelta(days=95, hours=2), tick=False):
        (outcome,) = run_timers(day, names=[IDLE_TIMER])
        assert outcome.status == "done"
        assert run_timers(day, names=[IDLE_TIMER])[0].status == "already_ran"
        assert disable_idle_accounts(day) == 0  # a forced rerun disables nobody twice
    disabled = set(User.objects.filter(is_active=False).values_list("username", flat=True))
    assert "supervisor" in disabled
    assert "reporter_b" not in disabled  # logged in 35 days ago
    assert not disabled & {"sysadmin", "secadmin", "auditor"}  # the administrators are left alone
    assert outcome.acted == len(disabled)
    event = AuditEvent.objects.get(object_id=str(old_cast.supervisor.pk), note__contains="闲置")
    assert event.actor is None
    assert event.changes == {"is_active": [True, False]}
    assert "90 天" in event.note


def test_idle_accounts_stay_when_switched_off(old_cast):
    assert disable_idle_accounts((T0 + dt.timedelta(days=500)).date()) == 0
    assert not User.objects.filter(is_active=False).exists()


def test_a_disabled_idle_account_cannot_log_in_until_the_sysadmin_enables_it(old_cast, client, settings):
    settings.TUIJIN_IDLE_ACCOUNT_DAYS = 30
    with time_machine.travel(T0 + dt.timedelta(days=40), tick=False):
        disable_idle_accounts((T0 + dt.timedelta(days=40)).date())
        assert login(client, "leader").status_code == 200  # the login form again
        leader = User.objects.get(username="leader")
        services.user_update(actor=old_cast.sysadmin, user=leader, expected_version=None, is_active=True)
        assert login(client, "leader").status_code == 302


@pytest.mark.parametrize("name", ["PASSWORD_MAX_AGE_DAYS", "IDLE_ACCOUNT_DAYS"])
def test_bad_values_stop_start_up(name):
    import os
    import subprocess
    import sys

    env = {**os.environ, "TUIJIN_TESTING": "1", name: "-90"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=django_settings.BASE_DIR, env=env, capture_output=True,
        text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert name in result.stderr
