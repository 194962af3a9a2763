"""Accounts (sysadmin), roles (secadmin), 三员分立, first-login password change."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.conftest import PASSWORD
from tuijin.orgs import services
from tuijin.orgs.models import Role, RoleGrant, User


def new_user_form(cast, **overrides):
    return {"username": "newbie", "full_name": "新同志", "unit": cast.county_b.pk, "password": "Brand-New-Pass-1",
            **overrides}  # fmt: skip


def test_sysadmin_creates_an_account_that_must_change_its_password(cast, client_for):
    response = client_for(cast.sysadmin).post("/orgs/users/new/", new_user_form(cast))
    assert response.status_code == 302
    user = User.objects.get(username="newbie")
    assert user.must_change_password
    assert user.unit == cast.county_b
    assert user.roles == frozenset()


@pytest.mark.parametrize(
    ("password", "reason"),
    [("Short1!", "太短"), ("alllowercaseletters", "至少 3 类"), ("password123", "")],
)
def test_weak_passwords_are_refused(cast, client_for, password, reason):
    response = client_for(cast.sysadmin).post("/orgs/users/new/", new_user_form(cast, password=password))
    assert response.status_code == 200
    assert not User.objects.filter(username="newbie").exists()
    if reason:
        assert reason in response.content.decode() or "至少" in response.content.decode()


def test_first_login_forces_a_password_change_before_anything_else(cast, client):
    services.user_create(actor=cast.sysadmin, username="newbie", password="Brand-New-Pass-1", unit=cast.county_b)
    assert client.post("/accounts/login/", {"username": "newbie", "password": "Brand-New-Pass-1"}).status_code == 302
    assert client.get("/").url == "/accounts/password/"
    assert client.get("/orgs/units/").url == "/accounts/password/"
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "Brand-New-Pass-1",
            "new_password1": "Own-Chosen-Pass-9",
            "new_password2": "Own-Chosen-Pass-9",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="newbie")
    assert not user.must_change_password
    assert user.check_password("Own-Chosen-Pass-9")
    assert client.get("/").status_code == 200


def test_secadmin_sets_roles_and_sysadmin_cannot(cast, client_for):
    target = cast.reporter_b
    response = client_for(cast.sysadmin).post(f"/orgs/users/{target.username}/roles/", {"roles": [Role.UNIT_HEAD]})
    assert response.status_code == 403
    assert set(RoleGrant.objects.filter(user=target).values_list("role", flat=True)) == {Role.REPORTER}

    response = client_for(cast.secadmin).post(
        f"/orgs/users/{target.username}/roles/", {"roles": [Role.REPORTER, Role.UNIT_HEAD]}
    )
    assert response.status_code == 302
    assert set(RoleGrant.objects.filter(user=target).values_list("role", flat=True)) == {Role.REPORTER, Role.UNIT_HEAD}


def test_secadmin_cannot_create_accounts_or_read_the_audit_log(cast, client_for):
    client = client_for(cast.secadmin)
    assert client.post("/orgs/users/new/", new_user_form(cast)).status_code == 403
    assert client.get("/audit/").status_code == 403
    assert not User.objects.filter(username="newbie").exists()


def test_auditor_can_only_read_the_audit_log(cast, client_for):
    client = client_for(cast.auditor)
    assert client.get("/audit/").status_code == 200
    assert client.get("/orgs/users/").status_code == 403
    assert client.post("/orgs/users/new/", new_user_form(cast)).status_code == 403
    assert (
        client.post(f"/orgs/users/{cast.reporter_a.username}/roles/", {"roles": [Role.SUPERVISOR]}).status_code == 403
    )
    assert cast.reporter_a.roles == frozenset({Role.REPORTER})


def test_administrator_roles_cannot_be_combined(cast):
    with pytest.raises(ValidationError, match="三员分立"):
        services.roles_set(actor=cast.secadmin, user=cast.reporter_a, roles=[Role.REPORTER, Role.AUDITOR])
    with pytest.raises(ValidationError, match="三员分立"):
        services.roles_set(actor=cast.secadmin, user=cast.sysadmin, roles=[Role.SYSADMIN, Role.AUDITOR])
    assert cast.reporter_a.role_grants.count() == 1


def test_secadmin_cannot_change_own_roles(cast):
    with pytest.raises(ValidationError):
        services.roles_set(actor=cast.secadmin, user=cast.secadmin, roles=[Role.SECADMIN, Role.SUPERVISOR])


def test_business_users_cannot_manage_accounts(cast):
    with pytest.raises(PermissionDenied):
        services.user_create(actor=cast.supervisor, username="x", password=PASSWORD, unit=cast.city)
    with pytest.raises(PermissionDenied):
        services.roles_set(actor=cast.supervisor, user=cast.reporter_a, roles=[Role.SUPERVISOR])


def test_sysadmin_cannot_deactivate_own_account(cast):
    with pytest.raises(ValidationError):
        services.user_update(actor=cast.sysadmin, user=cast.sysadmin, expected_version=None, is_active=False)


def test_password_reset_by_sysadmin_forces_a_change_at_next_login(cast, client_for):
    response = client_for(cast.sysadmin).post(
        f"/orgs/users/{cast.reporter_a.username}/password/", {"password": "Temp-Reset-Pass-7"}
    )
    assert response.status_code == 302
    cast.reporter_a.refresh_from_db()
    assert cast.reporter_a.must_change_password
    assert cast.reporter_a.check_password("Temp-Reset-Pass-7")


def test_no_account_can_be_a_superuser(cast):
    from django.db import IntegrityError, transaction

    with pytest.raises(NotImplementedError):
        User.objects.create_superuser("root", "root@example.com", PASSWORD)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=cast.supervisor.pk).update(is_superuser=True)
