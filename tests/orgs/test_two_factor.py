"""Two-factor login (等保 三级): who must, enrolment, the code page, backup codes, throttling,
the security administrator's reset (and the two-of-three rule for administrators), API tokens."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from tests.conftest import PASSWORD
from tests.twofactor import code, device_for, pass_second_factor, verify_session
from tuijin.audit.models import AuditEvent
from tuijin.orgs import admin_resets, services, tokens, twofactor
from tuijin.orgs.models import AdminResetRequest, ApiToken

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
VERIFY = "/accounts/two-factor/verify/"
SETUP = "/accounts/two-factor/setup/"


@pytest.fixture
def frozen():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def password_step(client, username):
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def enrolled(user):
    """A user who went through enrolment: a confirmed authenticator and ten backup codes."""
    device = twofactor.enrol_start(user=user)
    _device, codes = twofactor.enrol_confirm(user=user, token=code(device))
    return TOTPDevice.objects.get(pk=device.pk), codes


def failures(user):
    return AuditEvent.objects.filter(action="login_failed", actor=user, note__contains="两步验证")


# --- who must ---------------------------------------------------------------------------------


def test_the_administrators_and_supervisors_must_others_may(cast):
    must = [cast.sysadmin, cast.secadmin, cast.auditor, cast.supervisor, cast.county_supervisor]
    may = [cast.leader, cast.head_a, cast.reporter_a, cast.handler]
    assert all(twofactor.required(u) for u in must)
    assert not any(twofactor.required(u) for u in may)


def test_a_setting_makes_it_mandatory_for_everyone(cast, client, settings, frozen):
    settings.TUIJIN_TWO_FACTOR_FOR_ALL = True
    password_step(client, "reporter_a")
    assert client.get("/").url == f"{SETUP}?next=%2F"


def test_the_demo_setting_exempts_the_demo_logins_only(cast, settings):
    demo_admin = services.admin_bootstrap(username="demo-secadmin", password=PASSWORD, role="secadmin")
    assert twofactor.required(demo_admin)
    settings.TUIJIN_DEMO_TWO_FACTOR = False
    assert not twofactor.required(demo_admin)
    assert twofactor.required(cast.secadmin)


def test_production_defaults_hold_demo_logins_to_it_too():
    from tuijin.core import conf as core_conf
    from tuijin.orgs import conf

    assert core_conf.DEMO_TWO_FACTOR is True
    assert conf.TWO_FACTOR_FOR_ALL is False


def test_with_the_demo_setting_off_the_demo_supervisor_logs_straight_in(cast, client, settings, frozen):
    from tuijin.shell.management.commands.load_demo import _two_factor_line

    settings.TUIJIN_DEMO_TWO_FACTOR = False
    user = services.user_create(
        actor=cast.sysadmin, username="demo-supervisor", password=PASSWORD, unit=cast.city, must_change_password=False
    )
    services.roles_set(actor=cast.secadmin, user=user, roles=["supervisor"])
    password_step(client, "demo-supervisor")
    assert client.get("/").status_code == 200
    assert "DEMO_TWO_FACTOR=0" in _two_factor_line()
    settings.TUIJIN_DEMO_TWO_FACTOR = True
    assert client.get("/").url.startswith(SETUP)
    assert "DEMO_TWO_FACTOR=1" in _two_factor_line()


# --- enrolment --------------------------------------------------------------------------------


def test_a_required_user_without_a_device_is_sent_to_enrolment_and_reaches_nothing_else(cast, client, frozen):
    password_step(client, "supervisor")
    for path in ("/", "/orgs/units/", "/accounts/tokens/", "/accounts/password/", VERIFY):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith(SETUP), path
    assert client.get("/api/v1/units/").status_code == 403
    assert client.get("/static/tuijin/tuijin.css").status_code != 302
    assert client.get(SETUP).status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").url.startswith("/accounts/login/")


def test_enrolment_shows_a_local_qr_code_and_the_secret_then_ten_backup_codes_once(cast, client, frozen):
    password_step(client, "supervisor")
    page = client.get(f"{SETUP}?next=/orgs/units/").content.decode()
    device = TOTPDevice.objects.get(user=cast.supervisor, confirmed=False)
    assert "<svg" in page
    assert "http" not in page.split("<svg", 1)[1].split("</svg>", 1)[0].replace("http://www.w3.org", "")
    assert twofactor.secret_text(device) in page
    response = client.post(SETUP, {"token": code(device), "next": "/orgs/units/"})
    assert response.status_code == 200
    shown = response.context["codes"]
    assert len(shown) == 10
    assert sorted(c.replace("-", "") for c in shown) == sorted(
        StaticToken.objects.filter(device__user=cast.supervisor).values_list("token", flat=True)
    )
    assert 'download="tuijin-backup-codes-supervisor.txt"' in response.content.decode()
    assert client.get("/orgs/units/").status_code == 200
    assert client.get(SETUP).url == "/accounts/two-factor/"  # nothing shown twice
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="create", actor=cast.supervisor, note__contains="启用两步验证").exists()


def test_every_visit_to_enrolment_makes_a_new_secret(cast, client, frozen):
    password_step(client, "supervisor")
    client.get(SETUP)
    first = TOTPDevice.objects.get(user=cast.supervisor).key
    client.get(SETUP)
    assert TOTPDevice.objects.get(user=cast.supervisor).key != first


def test_a_wrong_code_at_enrolment_confirms_nothing_and_is_audited(cast, client, frozen):
    password_step(client, "supervisor")
    client.get(SETUP)
    response = client.post(SETUP, {"token": "000000"})
    assert "验证码不正确" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=cast.supervisor, confirmed=True).exists()
    assert failures(cast.supervisor).count() == 1
    assert client.get("/").url.startswith(SETUP)


def test_a_new_account_enrols_first_then_changes_its_password(cast, client, frozen):
    user = services.user_create(
        actor=cast.sysadmin, username="new_sup", password=PASSWORD, unit=cast.city, must_change_password=True
    )
    user = services.roles_set(actor=cast.secadmin, user=user, roles=["supervisor"])
    password_step(client, "new_sup")
    assert client.get("/").url.startswith(SETUP)
    client.get(SETUP)
    client.post(SETUP, {"token": code(TOTPDevice.objects.get(user=user))})
    assert client.get("/").url == "/accounts/password/"


# --- the code page ----------------------------------------------------------------------------


def test_a_user_with_a_device_is_asked_for_the_code_and_a_right_one_lets_in(cast, client, frozen):
    device, _codes = enrolled(cast.supervisor)
    password_step(client, "supervisor")
    assert client.get("/orgs/units/").url == f"{VERIFY}?next=%2Forgs%2Funits%2F"
    response = client.post(VERIFY, {"token": code(device), "next": "/orgs/units/"})
    assert response.url == "/orgs/units/"
    assert client.get("/").status_code == 200
    event = AuditEvent.objects.filter(action="login", actor=cast.supervisor).latest("id")
    assert event.note == "两步验证通过（动态口令）"


def test_a_wrong_code_is_refused_and_audited(cast, client, frozen):
    enrolled(cast.supervisor)
    password_step(client, "supervisor")
    response = client.post(VERIFY, {"token": "123456"})
    assert response.status_code == 200
    assert "验证码不正确" in response.content.decode()
    assert client.get("/").url.startswith(VERIFY)
    event = failures(cast.supervisor).get()
    assert "两步验证失败（登录）" in event.note


def test_a_code_is_accepted_once(cast, client, frozen):
    device, _codes = enrolled(cast.supervisor)
    used = code(device)
    password_step(client, "supervisor")
    assert client.post(VERIFY, {"token": used}).status_code == 302
    other = Client()
    password_step(other, "supervisor")
    assert "验证码不正确" in other.post(VERIFY, {"token": used}).content.decode()


def test_a_backup_code_works_once(cast, client, frozen):
    _device, codes = enrolled(cast.supervisor)
    backup = twofactor.grouped(codes)[0]  # typed as printed, with the dash
    password_step(client, "supervisor")
    assert client.post(VERIFY, {"token": backup.upper()}).status_code == 302
    assert client.get("/").status_code == 200
    assert twofactor.backup_codes_left(cast.supervisor) == 9
    assert AuditEvent.objects.filter(actor=cast.supervisor, note="两步验证通过（备用码）").count() == 1
    client.post("/accounts/logout/")
    password_step(client, "supervisor")
    assert "验证码不正确" in client.post(VERIFY, {"token": backup}).content.decode()
    assert client.get("/").url.startswith(VERIFY)


def test_wrong_codes_are_throttled_then_the_right_one_passes_after_the_wait(cast, client, frozen):
    device, _codes = enrolled(cast.supervisor)
    password_step(client, "supervisor")
    for wait in (0, 1, 2):  # 1, 2, 4 seconds after the 1st, 2nd, 3rd failure
        frozen.shift(wait + 0.1)
        assert "验证码不正确" in client.post(VERIFY, {"token": "000000"}).content.decode()
    refused = client.post(VERIFY, {"token": code(device)}).content.decode()
    assert "错误次数过多，请 4 秒后再试" in refused
    assert client.get("/").url.startswith(VERIFY)
    assert failures(cast.supervisor).count() == 4  # the throttled try is recorded too
    frozen.shift(4)
    assert client.post(VERIFY, {"token": code(device)}).status_code == 302
    assert client.get("/").status_code == 200


def test_the_code_page_does_not_redirect_off_site(cast, client, frozen):
    device, _codes = enrolled(cast.supervisor)
    password_step(client, "supervisor")
    assert client.post(VERIFY, {"token": code(device), "next": "https://evil.example/"}).url == "/"


def test_an_optional_user_logs_in_without_a_second_factor(cast, client, frozen):
    password_step(client, "reporter_a")
    assert client.get("/").status_code == 200
    assert client.get(VERIFY).url == "/"


def test_an_optional_user_who_enrolled_is_asked_and_may_switch_it_off(cast, client, frozen):
    device, _codes = enrolled(cast.reporter_a)
    password_step(client, "reporter_a")
    assert client.get("/").url.startswith(VERIFY)
    pass_second_factor(client, cast.reporter_a)
    frozen.shift(30)
    assert client.post("/accounts/two-factor/disable/", {"token": code(device)}).status_code == 302
    assert not twofactor.has_device(cast.reporter_a)
    assert AuditEvent.objects.filter(actor=cast.reporter_a, action="delete", note="本人关闭两步验证").exists()


def test_a_required_user_cannot_switch_it_off(cast, client_for, frozen):
    client = client_for(cast.supervisor)
    device = device_for(cast.supervisor)
    assert client.post("/accounts/two-factor/disable/", {"token": code(device)}).status_code == 403
    assert twofactor.has_device(cast.supervisor)


# --- the account page -------------------------------------------------------------------------


def test_backup_codes_are_regenerated_only_with_a_current_code(cast, client, frozen):
    device, old = enrolled(cast.supervisor)
    password_step(client, "supervisor")
    pass_second_factor(client, cast.supervisor)
    page = client.get("/accounts/two-factor/").content.decode()
    assert "剩余 10 个" in page
    frozen.shift(2)
    client.post("/accounts/two-factor/backup-codes/", {"token": "000000"})
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(old)
    frozen.shift(30)
    response = client.post("/accounts/two-factor/backup-codes/", {"token": code(device)})
    new = [c.replace("-", "") for c in response.context["codes"]]
    assert len(new) == 10
    assert not set(new) & set(old)
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(new)
    assert AuditEvent.objects.filter(actor=cast.supervisor, note__contains="重新生成两步验证备用码").exists()


# --- lost devices -----------------------------------------------------------------------------


def reset_url(username):
    return f"/orgs/users/{username}/two-factor/reset/"


def test_the_security_administrator_resets_a_lost_device_and_the_user_enrols_again(cast, client_for, frozen):
    enrolled(cast.supervisor)
    holder = Client()
    holder.force_login(cast.supervisor)
    verify_session(holder, cast.supervisor)
    assert holder.get("/").status_code == 200
    admin = client_for(cast.secadmin)
    assert "重置两步验证" in admin.get("/orgs/users/supervisor/roles/").content.decode()
    assert admin.post(reset_url("supervisor")).status_code == 302
    assert not TOTPDevice.objects.filter(user=cast.supervisor).exists()
    assert not StaticToken.objects.filter(device__user=cast.supervisor).exists()
    event = AuditEvent.objects.get(actor=cast.secadmin, action="delete", object_id=str(cast.supervisor.pk))
    assert "重置两步验证" in event.note
    assert holder.get("/").url.startswith(SETUP)  # the verified session is verified no more


@pytest.mark.parametrize("who", ["sysadmin", "auditor", "reporter_b", "supervisor"])
def test_only_the_security_administrator_resets_devices(cast, client_for, frozen, who):
    enrolled(cast.reporter_a)
    response = client_for(getattr(cast, who)).post(reset_url("reporter_a"))
    assert response.status_code == 403
    assert twofactor.has_device(cast.reporter_a)
    assert not AuditEvent.objects.filter(action="delete", object_id=str(cast.reporter_a.pk)).exists()


def test_an_administrators_device_is_not_reset_by_the_security_administrator_alone(cast, client_for, frozen):
    enrolled(cast.auditor)
    assert client_for(cast.secadmin).post(reset_url("auditor")).status_code == 403
    with pytest.raises(PermissionDenied):
        twofactor.device_reset(actor=cast.secadmin, target=cast.auditor)
    assert twofactor.has_device(cast.auditor)


def test_an_administrators_device_is_reset_by_the_other_two(cast, client_for, frozen):
    enrolled(cast.auditor)
    asker = client_for(cast.sysadmin)
    form = {"target": cast.auditor.pk, "kind": "two_factor", "reason": "手机丢失"}
    assert asker.post("/orgs/admin-resets/", form).status_code == 302
    req = AdminResetRequest.objects.get()
    assert req.kind == "two_factor"
    assert asker.post(f"/orgs/admin-resets/{req.pk}/approve/").status_code == 403  # not the asker
    assert twofactor.has_device(cast.auditor)
    approver = Client()
    approver.force_login(cast.secadmin)
    verify_session(approver, cast.secadmin)
    assert approver.post(f"/orgs/admin-resets/{req.pk}/approve/").status_code == 302
    assert not twofactor.has_device(cast.auditor)
    cast.auditor.refresh_from_db()
    assert cast.auditor.check_password(PASSWORD)  # the password is left alone
    assert AuditEvent.objects.filter(actor=cast.secadmin, note__contains="双人审批重置管理员两步验证").exists()


def test_a_password_reset_request_and_a_device_reset_request_may_wait_side_by_side(cast):
    admin_resets.reset_request(actor=cast.sysadmin, target=cast.auditor, reason="忘记密码")
    admin_resets.reset_request(actor=cast.sysadmin, target=cast.auditor, reason="手机丢失", kind="two_factor")
    assert AdminResetRequest.objects.filter(status="pending").count() == 2


def test_break_glass_resets_a_device_from_the_server(cast, frozen):
    enrolled(cast.secadmin)
    call_command("breakglass_reset", username="secadmin", reason="手机丢失，另两名管理员不在", two_factor=True)
    assert not twofactor.has_device(cast.secadmin)
    event = AuditEvent.objects.get(action="delete", object_id=str(cast.secadmin.pk))
    assert event.actor is None
    assert "breakglass_reset" in event.note


# --- API tokens -------------------------------------------------------------------------------


def test_a_required_user_gets_no_token_for_a_password(cast):
    api = APIClient()
    response = api.post("/api/v1/auth/token/", {"username": "supervisor", "password": PASSWORD}, format="json")
    assert response.status_code == 403
    assert "两步验证" in response.json()["detail"]
    with pytest.raises(PermissionDenied):
        tokens.token_issue(user=cast.supervisor, name="x")
    assert not ApiToken.objects.exists()


def test_an_optional_user_who_enrolled_gets_no_token_for_a_password(cast, frozen):
    enrolled(cast.reporter_a)
    api = APIClient()
    response = api.post("/api/v1/auth/token/", {"username": "reporter_a", "password": PASSWORD}, format="json")
    assert response.status_code == 403


def test_a_required_user_creates_a_token_from_a_verified_session(cast, client, frozen):
    password_step(client, "supervisor")
    assert client.post("/accounts/tokens/", {"name": "对接"}).url.startswith(SETUP)
    assert not ApiToken.objects.exists()
    client.get(SETUP)
    client.post(SETUP, {"token": code(TOTPDevice.objects.get(user=cast.supervisor))})
    response = client.post("/accounts/tokens/", {"name": "对接"})
    assert response.status_code == 200
    assert ApiToken.objects.get().user == cast.supervisor
