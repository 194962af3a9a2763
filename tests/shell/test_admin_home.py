"""The 三员's home shows the work of their role, never reporting (issue 11: the secadmin's home talked of 填报)."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from tuijin.orgs import admin_resets
from tuijin.orgs import services as org_services
from tuijin.orgs.models import User

REPORTING_WORDS = ("填报", "月报", "审核", "更正")
NOW = dt.datetime(2026, 11, 3, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def home(client_for, user) -> str:
    response = client_for(user).get("/")
    assert response.status_code == 200
    return response.content.decode()


def main_part(html: str) -> str:
    """The page without its menu (the menu has its own tests)."""
    return html[html.index('class="page-wrapper"') :] if 'class="page-wrapper"' in html else html


@pytest.mark.parametrize("role", ["sysadmin", "secadmin", "auditor"])
def test_an_administrators_home_never_talks_of_reporting(cast, client_for, role):
    html = main_part(home(client_for, getattr(cast, role)))
    for word in REPORTING_WORDS:
        assert word not in html, (role, word)


def test_the_security_administrator_sees_accounts_waiting_for_a_role_and_lockouts(cast, client_for, settings):
    org_services.user_create(actor=cast.sysadmin, username="newbie", password="Tuijin-Test-2026!x",
                             unit=cast.county_a, full_name="新同事")  # fmt: skip
    html = home(client_for, cast.secadmin)
    assert "待分配角色的账号" in html
    assert "/orgs/users/?role=none" in html
    assert 'data-testid="admin-links"' in html
    assert "登录锁定" in html
    assert "角色授权" in html
    assert 'data-testid="scope-units"' not in html  # units are the business users' scope
    listed = client_for(cast.secadmin).get("/orgs/users/", {"role": "none"}).content.decode()
    assert "newbie" in listed
    assert "reporter_a" not in listed


def test_the_security_administrator_sees_passwords_about_to_expire(cast, client_for, settings):
    settings.TUIJIN_PASSWORD_MAX_AGE_DAYS = 90
    User.objects.filter(pk=cast.reporter_a.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=85))
    html = home(client_for, cast.secadmin)
    assert "密码即将到期的账号" in html


def test_a_pending_reset_is_shown_to_the_administrator_who_may_decide_it(cast, client_for):
    admin_resets.reset_request(actor=cast.secadmin, target=cast.sysadmin, reason="离职交接")
    assert "待批准的管理员重置" in home(client_for, cast.auditor)
    assert "待批准的管理员重置" not in home(client_for, cast.secadmin)  # who asked
    assert "待批准的管理员重置" not in home(client_for, cast.sysadmin)  # whose password it is


def test_the_auditor_is_led_to_the_log_and_its_integrity_check(cast, client_for):
    html = home(client_for, cast.auditor)
    assert "审计日志" in html
    assert "日志完整性校验" in html
    assert "/audit/verify/" in html
    assert "需要您处理的账号" in html


def test_the_system_administrator_is_led_to_users_units_and_the_calendar(cast, client_for):
    html = home(client_for, cast.sysadmin)
    for label in ("用户管理", "单位管理", "节假日设置"):
        assert label in html
    assert 'data-testid="scope-units"' in html


def test_a_reporters_home_is_unchanged(cast, client_for):
    html = home(client_for, cast.reporter_a)
    assert 'data-testid="admin-links"' not in html
    assert "待分配角色的账号" not in html
