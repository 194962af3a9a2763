"""Every write to units, ranking groups, users and roles.

Each function checks the policy, validates, writes, and records its audit event in the
same transaction: a change that cannot be audited does not happen.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.audit.models import AuditAction
from tuijin.audit.services import created, deleted, diff, record, snapshot
from tuijin.core.concurrency import lock_current
from tuijin.orgs import policy, tokens
from tuijin.orgs.models import ADMIN_ROLES, RankingGroup, Role, RoleGrant, Unit, UnitType, User

UNIT_FIELDS = ("code", "name", "short_name", "type", "parent", "sort_order", "is_active", "ranking_groups")
GROUP_FIELDS = ("code", "name", "description", "sort_order", "units")
USER_FIELDS = ("username", "full_name", "email", "phone", "title", "unit", "is_active")


# --- units -------------------------------------------------------------------------------


def _unit_snapshot(unit: Unit) -> dict:
    values = snapshot(unit, [f for f in UNIT_FIELDS if f != "ranking_groups"])
    values["ranking_groups"] = sorted(unit.ranking_groups.values_list("code", flat=True)) if unit.pk else []
    return values


def _validate_parent(unit: Unit, parent: Unit | None) -> None:
    if unit.type == UnitType.CITY:
        if parent is not None:
            raise ValidationError({"parent": _("市级单位不能有上级单位。")})
        return
    if parent is None:
        raise ValidationError({"parent": _("请选择上级单位。")})
    if unit.pk and parent.is_within(unit):
        raise ValidationError({"parent": _("不能把单位移动到它自己或它的下级单位之下。")})


@transaction.atomic
def unit_create(
    *,
    actor: User,
    code: str,
    name: str,
    type: str,
    parent: Unit | None,
    short_name: str = "",
    sort_order: int = 0,
    ranking_groups: Iterable[RankingGroup] = (),
) -> Unit:
    policy.require(actor, "unit.manage")
    unit = Unit(code=code, name=name, short_name=short_name, type=type, parent=parent, sort_order=sort_order)
    _validate_parent(unit, parent)
    unit.path = "/"  # placeholder until the id is known; replaced below in the same transaction
    unit.full_clean()
    unit.save()
    unit.path = _path(parent, unit.pk)
    unit.depth = parent.depth + 1 if parent else 1
    unit.save(update_fields=["path", "depth"])
    unit.ranking_groups.set(ranking_groups)
    record(actor=actor, action=AuditAction.CREATE, obj=unit, changes=created(_unit_snapshot(unit)))
    return unit


@transaction.atomic
def unit_update(
    *,
    actor: User,
    unit: Unit,
    expected_version: int | None,
    ranking_groups: Iterable[RankingGroup] | None = None,
    **fields,
) -> Unit:
    """Update a unit's attributes; a new `parent` moves the unit with everything below it."""
    policy.require(actor, "unit.manage", unit)
    unit = lock_current(unit, expected_version)
    before = _unit_snapshot(unit)
    new_parent = fields.pop("parent", unit.parent)
    for name, value in fields.items():
        if name not in UNIT_FIELDS:
            raise TypeError(f"unit_update() does not set {name!r}")
        setattr(unit, name, value)
    _validate_parent(unit, new_parent)
    unit.full_clean(exclude=["parent"])
    if new_parent != unit.parent:
        _move_subtree(unit, new_parent)
    unit.version += 1
    unit.save()
    if ranking_groups is not None:
        unit.ranking_groups.set(ranking_groups)
    changes = diff(before, _unit_snapshot(unit))
    record(actor=actor, action=AuditAction.UPDATE, obj=unit, changes=changes)
    return unit


def _path(parent: Unit | None, pk: int) -> str:
    # Zero-padded so that sorting by path lists the tree depth-first in creation order.
    return f"{parent.path if parent else '/'}{pk:07d}/"


def _move_subtree(unit: Unit, new_parent: Unit | None) -> None:
    old_path, old_depth = unit.path, unit.depth
    new_path = _path(new_parent, unit.pk)
    new_depth = new_parent.depth + 1 if new_parent else 1
    # Rewrite the whole branch in one statement; rows are locked in path order first.
    list(Unit.objects.select_for_update().filter(path__startswith=old_path).order_by("pk").values_list("pk"))
    Unit.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + (new_depth - old_depth),
    )
    unit.parent, unit.path, unit.depth = new_parent, new_path, new_depth


@transaction.atomic
def unit_delete(*, actor: User, unit: Unit, expected_version: int | None = None) -> None:
    policy.require(actor, "unit.manage", unit)
    unit = lock_current(unit, expected_version)
    if unit.children.exists():
        raise ValidationError(_("该单位还有下级单位，不能删除；请先移走或删除下级单位。"))
    if unit.users.exists():
        raise ValidationError(_("该单位还有用户，不能删除；可以停用该单位。"))
    before = _unit_snapshot(unit)
    record(actor=actor, action=AuditAction.DELETE, obj=unit, changes=deleted(before))
    unit.delete()


# --- ranking groups ----------------------------------------------------------------------


def _group_snapshot(group: RankingGroup) -> dict:
    values = snapshot(group, ("code", "name", "description", "sort_order"))
    values["units"] = sorted(group.units.values_list("code", flat=True)) if group.pk else []
    return values


@transaction.atomic
def group_create(
    *, actor: User, code: str, name: str, description: str = "", sort_order: int = 0, units: Iterable[Unit] = ()
) -> RankingGroup:
    policy.require(actor, "group.manage")
    group = RankingGroup(code=code, name=name, description=description, sort_order=sort_order)
    group.full_clean()
    group.save()
    group.units.set(units)
    record(actor=actor, action=AuditAction.CREATE, obj=group, changes=created(_group_snapshot(group)))
    return group


@transaction.atomic
def group_update(
    *, actor: User, group: RankingGroup, expected_version: int | None, units: Iterable[Unit] | None = None, **fields
) -> RankingGroup:
    policy.require(actor, "group.manage")
    group = lock_current(group, expected_version)
    before = _group_snapshot(group)
    for name, value in fields.items():
        if name not in GROUP_FIELDS:
            raise TypeError(f"group_update() does not set {name!r}")
        setattr(group, name, value)
    group.full_clean()
    group.version += 1
    group.save()
    if units is not None:
        group.units.set(units)
    record(actor=actor, action=AuditAction.UPDATE, obj=group, changes=diff(before, _group_snapshot(group)))
    return group


@transaction.atomic
def group_delete(*, actor: User, group: RankingGroup, expected_version: int | None = None) -> None:
    policy.require(actor, "group.manage")
    group = lock_current(group, expected_version)
    record(actor=actor, action=AuditAction.DELETE, obj=group, changes=deleted(_group_snapshot(group)))
    group.delete()


# --- users -------------------------------------------------------------------------------


def _user_snapshot(user: User) -> dict:
    return snapshot(user, USER_FIELDS)


@transaction.atomic
def user_create(
    *,
    actor: User,
    username: str,
    password: str,
    unit: Unit | None,
    full_name: str = "",
    email: str = "",
    phone: str = "",
    title: str = "",
    must_change_password: bool = True,
) -> User:
    """Create an account with a temporary password the holder must change at first login."""
    policy.require(actor, "user.manage")
    user = User(
        username=username, unit=unit, full_name=full_name, email=email, phone=phone, title=title,
        must_change_password=must_change_password,
    )  # fmt: skip
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    record(actor=actor, action=AuditAction.CREATE, obj=user, changes=created(_user_snapshot(user)))
    return user


@transaction.atomic
def user_update(*, actor: User, user: User, expected_version: int | None, **fields) -> User:
    """The system administrator edits an account's profile and status (启用/停用).

    Never the unit: a user's unit is their data scope, which only the security administrator
    changes (`roles_set`). Never another administrator's account (三员分立).
    """
    policy.require(actor, "user.manage")
    policy.require_may_change_account(actor, user)
    user = lock_current(user, expected_version)
    before = _user_snapshot(user)
    for name, value in fields.items():
        if name not in USER_FIELDS:
            raise TypeError(f"user_update() does not set {name!r}")
        setattr(user, name, value)
    if user.unit_id != before["unit"]:
        raise ValidationError({"unit": _("所属单位决定账号的数据范围，只能由安全管理员在“角色与范围”中调整。")})
    if user.pk == actor.pk and not user.is_active:
        raise ValidationError(_("不能停用自己的账号。"))
    user.full_clean()
    user.version += 1
    user.save()
    record(actor=actor, action=AuditAction.UPDATE, obj=user, changes=diff(before, _user_snapshot(user)))
    if not user.is_active:
        tokens.tokens_end_all(user=user, actor=actor, reason=tokens.REASON_DEACTIVATED)
    return user


@transaction.atomic
def user_reset_password(*, actor: User, user: User, password: str) -> User:
    """An administrator sets a temporary password; the holder must change it at next login.

    Not for administrator accounts (their reset needs two other administrators, see
    tuijin.orgs.admin_resets) and not for one's own account (the holder changes it themselves).
    """
    policy.require(actor, "user.manage")
    if user.pk == actor.pk:
        raise ValidationError(_("请在“修改密码”中修改自己的密码。"))
    policy.require_may_change_account(actor, user)
    user = lock_current(user, None)
    password_validation.validate_password(password, user)
    set_temporary_password(user, password)
    record(actor=actor, action=AuditAction.PASSWORD, obj=user, note=_("管理员重置密码"))
    tokens.tokens_end_all(user=user, actor=actor, reason=tokens.REASON_PASSWORD)
    return user


def set_temporary_password(user: User, password: str) -> None:
    """Set `password` on a locked row; its holder must change it at next login (caller audits)."""
    user.set_password(password)
    user.must_change_password = True
    user.version += 1
    user.save()


@transaction.atomic
def user_change_own_password(*, user: User, new_password: str) -> User:
    """The holder's own change (the form has checked the old password and the policy)."""
    user = lock_current(user, None)
    user.set_password(new_password)
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.version += 1
    user.save()
    record(actor=user, action=AuditAction.PASSWORD, obj=user, note=_("本人修改密码"))
    tokens.tokens_end_all(user=user, actor=user, reason=tokens.REASON_PASSWORD)
    return user


# --- roles -------------------------------------------------------------------------------


def validate_roles(user: User, roles: set[str]) -> None:
    unknown = roles - set(Role.values)
    if unknown:
        raise ValidationError(_("未知角色：%(roles)s") % {"roles": ", ".join(sorted(unknown))})
    admin = roles & ADMIN_ROLES
    if admin and len(roles) > 1:
        raise ValidationError(
            _("三员分立：系统管理员、安全管理员、安全审计员只能单独授予，不能与其他角色同时授予同一账号。")
        )
    if roles - ADMIN_ROLES and user.unit is None:
        raise ValidationError(_("业务角色需要账号先归属一个单位。"))


class _Unchanged:
    pass


UNCHANGED = _Unchanged()


@transaction.atomic
def roles_set(
    *,
    actor: User,
    user: User,
    roles: Iterable[str],
    unit: Unit | _Unchanged | None = UNCHANGED,
    expected_version: int | None = None,
) -> User:
    """Replace the user's roles, and their unit (data scope) when `unit` is given.

    Security administrator only; never on their own account nor on another administrator's.
    """
    policy.require(actor, "role.assign")
    if user.pk == actor.pk:
        raise ValidationError(_("不能修改自己的角色。"))
    user = lock_current(user, expected_version)
    wanted = set(roles)
    old_unit = user.unit
    if not isinstance(unit, _Unchanged):
        user.unit = unit
    validate_roles(user, wanted)
    policy.require_may_change_account(actor, user)
    current = set(user.role_grants.values_list("role", flat=True))
    user.role_grants.filter(role__in=current - wanted).delete()
    RoleGrant.objects.bulk_create([RoleGrant(user=user, role=r, granted_by=actor) for r in sorted(wanted - current)])
    user.version += 1
    user.save(update_fields=["version", "unit"])
    changes = {}
    if current != wanted:
        changes["roles"] = [sorted(current), sorted(wanted)]
    if user.unit != old_unit:
        changes["unit"] = [old_unit.pk if old_unit else None, user.unit_id]
    if changes:
        record(actor=actor, action=AuditAction.UPDATE, obj=user, changes=changes)
    user.__dict__.pop("_roles_cache", None)
    return user


@transaction.atomic
def admin_bootstrap(*, username: str, password: str, role: str, full_name: str = "", unit: Unit | None = None) -> User:
    """Create one of the three administrator accounts from the command line (no actor yet).

    This is how a new installation gets its first sysadmin/secadmin/auditor; it is audited
    like any other change, with no actor and a note saying where it came from.
    """
    if role not in ADMIN_ROLES:
        raise ValidationError(_("命令行只能初始化系统管理员、安全管理员或安全审计员账号。"))
    user = User(username=username, full_name=full_name, unit=unit, must_change_password=False)
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    RoleGrant.objects.create(user=user, role=role)
    record(
        actor=None, action=AuditAction.CREATE, obj=user,
        changes=created({**_user_snapshot(user), "roles": [role]}), note=_("命令行初始化管理员账号"),
    )  # fmt: skip
    return user
