"""三员分立 for real: no administrator acts on another administrator's account alone, only the
security administrator changes roles and data scopes (a user's unit), and an administrator's
password is reset by the other two (or by the audited break-glass command)."""

import datetime as dt
import itertools

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from tests.conftest import PASSWORD
from tuijin.audit.models import AuditEvent
from tuijin.orgs import admin_resets, services
from tuijin.orgs.models import AdminResetRequest, Role, User

ADMINS = ("sysadmin", "secadmin", "auditor")
CROSS = [(a, t) for a, t in itertools.permutations(ADMINS, 2)]


def snapshot(user: User) -> tuple:
    user.refresh_from_db()
    user.__dict__.pop("_roles_cache", None)
    return (user.password, user.is_active, user.unit_id, user.full_name, user.must_change_password, user.roles)


@pytest.fixture
def api():
    return APIClient()


# --- the web pages -------------------------------------------------------------------------


@pytest.mark.parametrize(("actor", "target"), CROSS)
def test_no_administrator_resets_another_administrators_password_on_the_page(cast, client_for, actor, target):
    victim, client = getattr(cast, target), client_for(getattr(cast, actor))
    before, audit_rows = snapshot(victim), AuditEvent.objects.count()
    response = client.post(f"/orgs/users/{target}/password/", {"password": "Taken-Over-Pass-1"})
    assert response.status_code == 403
    assert snapshot(victim) == before
    assert not victim.check_password("Taken-Over-Pass-1")
    assert AuditEvent.objects.count() == audit_rows


@pytest.mark.parametrize(("actor", "target"), CROSS)
def test_no_administrator_edits_or_deactivates_another_administrator_on_the_page(cast, client_for, actor, target):
    victim, client = getattr(cast, target), client_for(getattr(cast, actor))
    before, audit_rows = snapshot(victim), AuditEvent.objects.count()
    assert client.get(f"/orgs/users/{target}/").status_code == 403
    form = {"username": target, "full_name": "改了", "is_active": "", "version": victim.version}
    assert client.post(f"/orgs/users/{target}/", form).status_code == 403
    assert snapshot(victim) == before
    assert AuditEvent.objects.count() == audit_rows


@pytest.mark.parametrize(("actor", "target"), CROSS)
def test_no_administrator_changes_another_administrators_roles_or_unit_on_the_page(cast, client_for, actor, target):
    victim, client = getattr(cast, target), client_for(getattr(cast, actor))
    before, audit_rows = snapshot(victim), AuditEvent.objects.count()
    assert client.get(f"/orgs/users/{target}/roles/").status_code == 403
    response = client.post(f"/orgs/users/{target}/roles/", {"roles": [Role.REPORTER], "unit": cast.county_a.pk})
    assert response.status_code == 403
    assert snapshot(victim) == before
    assert AuditEvent.objects.count() == audit_rows


def test_sysadmin_cannot_move_a_user_to_another_unit(cast, client_for):
    target, client = cast.reporter_a, client_for(cast.sysadmin)
    form = {"username": "reporter_a", "full_name": "reporter_a", "unit": cast.county_b.pk, "is_active": "on",
            "version": target.version}  # fmt: skip
    response = client.post("/orgs/users/reporter_a/", form)
    target.refresh_from_db()
    assert target.unit == cast.county_a  # the unit field is read-only on the sysadmin's page
    assert response.status_code == 302
    event = AuditEvent.objects.filter(object_type="orgs.user", object_id=str(target.pk)).first()
    assert "unit" not in event.changes

    with pytest.raises(ValidationError, match="安全管理员"):
        services.user_update(actor=cast.sysadmin, user=target, expected_version=None, unit=cast.county_b)
    target.refresh_from_db()
    assert target.unit == cast.county_a


def test_secadmin_moves_a_user_to_another_unit_and_it_is_audited(cast, client_for):
    target = cast.reporter_a
    response = client_for(cast.secadmin).post(
        "/orgs/users/reporter_a/roles/", {"roles": [Role.REPORTER], "unit": cast.county_b.pk}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.unit == cast.county_b
    event = AuditEvent.objects.filter(object_type="orgs.user", object_id=str(target.pk)).first()
    assert event.actor == cast.secadmin
    assert event.changes == {"unit": [cast.county_a.pk, cast.county_b.pk]}


def test_sysadmin_still_manages_business_accounts(cast, client_for):
    client = client_for(cast.sysadmin)
    form = {"username": "reporter_b", "full_name": "乙", "is_active": "", "version": cast.reporter_b.version}
    assert client.post("/orgs/users/reporter_b/", form).status_code == 302
    cast.reporter_b.refresh_from_db()
    assert not cast.reporter_b.is_active
    assert client.post("/orgs/users/reporter_a/password/", {"password": "Temp-Reset-Pass-7"}).status_code == 302
    cast.reporter_a.refresh_from_db()
    assert cast.reporter_a.check_password("Temp-Reset-Pass-7")


def test_an_administrator_edits_their_own_profile_but_not_by_reset(cast, client_for):
    client = client_for(cast.sysadmin)
    form = {"username": "sysadmin", "full_name": "系统管理员甲", "is_active": "on", "version": cast.sysadmin.version}
    assert client.post("/orgs/users/sysadmin/", form).status_code == 302
    cast.sysadmin.refresh_from_db()
    assert cast.sysadmin.full_name == "系统管理员甲"
    with pytest.raises(ValidationError):
        services.user_reset_password(actor=cast.sysadmin, user=cast.sysadmin, password="Self-Reset-Pass-1")


@pytest.mark.parametrize(("actor", "target"), CROSS)
def test_the_services_refuse_every_cross_administrator_action(cast, actor, target):
    actor, victim = getattr(cast, actor), getattr(cast, target)
    before, audit_rows = snapshot(victim), AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        # The sysadmin's functions: refused to the others by role, to the sysadmin by 三员分立.
        services.user_reset_password(actor=actor, user=victim, password="Taken-Over-Pass-1")
    with pytest.raises(PermissionDenied):
        services.user_update(actor=actor, user=victim, expected_version=None, is_active=False)
    with pytest.raises(PermissionDenied):
        services.roles_set(actor=actor, user=victim, roles=[], unit=cast.county_a)
    assert snapshot(victim) == before
    assert AuditEvent.objects.count() == audit_rows


# --- the API -------------------------------------------------------------------------------


@pytest.mark.parametrize(("actor", "target"), CROSS)
def test_the_api_refuses_cross_administrator_role_and_unit_changes(cast, api, actor, target):
    victim = getattr(cast, target)
    before, audit_rows = snapshot(victim), AuditEvent.objects.count()
    api.force_authenticate(getattr(cast, actor))
    body = {"roles": [], "unit": "C-A", "version": victim.version}
    response = api.put(f"/api/v1/users/{target}/roles/", body, format="json")
    assert response.status_code == 403
    assert snapshot(victim) == before
    assert AuditEvent.objects.count() == audit_rows


def test_the_api_moves_a_user_only_for_the_secadmin(cast, api):
    def body(**extra):
        cast.reporter_a.refresh_from_db()
        return {"roles": ["reporter"], "version": cast.reporter_a.version, **extra}

    api.force_authenticate(cast.sysadmin)
    response = api.put("/api/v1/users/reporter_a/roles/", body(unit="C-B"), format="json")
    assert response.status_code == 403
    cast.reporter_a.refresh_from_db()
    assert cast.reporter_a.unit == cast.county_a
    api.force_authenticate(cast.secadmin)
    response = api.put("/api/v1/users/reporter_a/roles/", body(unit="C-B"), format="json")
    assert response.status_code == 200, response.content
    assert response.json()["unit"] == "C-B"
    response = api.put("/api/v1/users/reporter_a/roles/", body(), format="json")
    assert response.json()["unit"] == "C-B"  # omitted: unchanged


# --- two-administrator reset ---------------------------------------------------------------


def test_an_administrators_password_is_reset_by_the_other_two(cast, client_for):
    client = client_for(cast.sysadmin)
    response = client.post("/orgs/admin-resets/", {"target": cast.auditor.pk, "reason": "审计员忘记密码"})
    assert response.status_code == 302
    req = AdminResetRequest.objects.get()
    before = snapshot(cast.auditor)

    # The asker cannot approve their own request; the holder cannot approve either.
    assert client.post(f"/orgs/admin-resets/{req.pk}/approve/").status_code == 403
    assert client_for(cast.auditor).post(f"/orgs/admin-resets/{req.pk}/approve/").status_code == 403
    assert snapshot(cast.auditor) == before

    response = client_for(cast.secadmin).post(f"/orgs/admin-resets/{req.pk}/approve/")
    assert response.status_code == 200
    password = response.context["password"]
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    cast.auditor.refresh_from_db()
    assert cast.auditor.check_password(password)
    assert cast.auditor.must_change_password
    req.refresh_from_db()
    assert (req.status, req.decided_by) == ("approved", cast.secadmin)
    note = AuditEvent.objects.get(action="password", object_id=str(cast.auditor.pk)).note
    assert "sysadmin 申请" in note
    assert "secadmin 批准" in note
    assert AuditEvent.objects.filter(object_type="orgs.adminresetrequest").count() == 2  # asked, approved


def test_a_request_cannot_be_approved_twice_or_after_a_day(cast):
    req = admin_resets.reset_request(actor=cast.secadmin, target=cast.sysadmin, reason="离职交接")
    admin_resets.reset_approve(actor=cast.auditor, req=req)
    with pytest.raises(ValidationError):
        admin_resets.reset_approve(actor=cast.auditor, req=req)

    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        late = admin_resets.reset_request(actor=cast.secadmin, target=cast.auditor, reason="忘记密码")
    before = snapshot(cast.auditor)
    with time_machine.travel(start + dt.timedelta(hours=25), tick=False):
        with pytest.raises(ValidationError, match="过期"):
            admin_resets.reset_approve(actor=cast.sysadmin, req=late)
        # A new request replaces the stale one.
        admin_resets.reset_request(actor=cast.secadmin, target=cast.auditor, reason="再次申请")
    late.refresh_from_db()
    assert late.status == "expired"
    assert snapshot(cast.auditor) == before


def test_reset_requests_are_only_for_administrators_and_not_for_oneself(cast):
    with pytest.raises(ValidationError):
        admin_resets.reset_request(actor=cast.sysadmin, target=cast.reporter_a, reason="x")
    with pytest.raises(ValidationError):
        admin_resets.reset_request(actor=cast.sysadmin, target=cast.sysadmin, reason="x")
    with pytest.raises(ValidationError):
        admin_resets.reset_request(actor=cast.sysadmin, target=cast.auditor, reason="  ")
    with pytest.raises(PermissionDenied):
        admin_resets.reset_request(actor=cast.supervisor, target=cast.auditor, reason="x")
    assert not AdminResetRequest.objects.exists()


def test_business_users_cannot_open_the_reset_page(cast, client_for):
    assert client_for(cast.supervisor).get("/orgs/admin-resets/").status_code == 403


def test_a_rejected_request_resets_nothing(cast, client_for):
    req = admin_resets.reset_request(actor=cast.sysadmin, target=cast.secadmin, reason="忘记密码")
    before = snapshot(cast.secadmin)
    assert client_for(cast.auditor).post(f"/orgs/admin-resets/{req.pk}/reject/").status_code == 302
    req.refresh_from_db()
    assert req.status == "rejected"
    assert snapshot(cast.secadmin) == before


# --- break-glass ---------------------------------------------------------------------------


def test_breakglass_reset_on_the_server_is_audited(cast, capsys):
    call_command("breakglass_reset", "--username", "secadmin", "--reason", "安全管理员离职，经书面批准")
    password = capsys.readouterr().out.strip().splitlines()[-1]
    cast.secadmin.refresh_from_db()
    assert cast.secadmin.check_password(password)
    assert cast.secadmin.must_change_password
    event = AuditEvent.objects.get(action="password", object_id=str(cast.secadmin.pk))
    assert event.actor is None
    assert "breakglass_reset" in event.note
    assert "安全管理员离职" in event.note


def test_breakglass_reset_needs_a_reason_and_a_real_account(cast):
    rows = AuditEvent.objects.count()
    with pytest.raises(CommandError):
        call_command("breakglass_reset", "--username", "secadmin", "--reason", " ")
    with pytest.raises(CommandError):
        call_command("breakglass_reset", "--username", "nobody", "--reason", "x")
    assert AuditEvent.objects.count() == rows
    assert cast.secadmin.check_password(PASSWORD)
