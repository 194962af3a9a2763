"""The 三员's items of 我的待办: accounts and their safety, never reporting.

安全管理员: accounts waiting for a role, login lockouts, passwords about to expire; every
administrator: another administrator's password reset waiting for a second one to decide.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.core.todos import Todo
from tuijin.orgs import conf, lockout, policy
from tuijin.orgs.models import AdminResetRequest, User

# Passwords within this many days of TUIJIN_PASSWORD_MAX_AGE_DAYS are listed as expiring.
EXPIRY_WARNING_DAYS = 7


def for_user(user) -> list[Todo]:
    items: list[Todo] = []
    if policy.allows(user, "role.assign"):
        items += _awaiting_roles() + _expiring_passwords()
    if policy.allows(user, "lockout.release"):
        items += _lockouts()
    if policy.allows(user, "admin.reset"):
        items += _resets_to_decide(user)
    return items


def _awaiting_roles() -> list[Todo]:
    n = User.objects.filter(is_active=True, role_grants__isnull=True).count()
    if not n:
        return []
    url = reverse("orgs:user_list") + "?role=none"
    return [Todo(_("待分配角色的账号"), url, _("账号已建好，授予角色和数据范围后才能使用。"), n, "warning")]


def _expiring_passwords() -> list[Todo]:
    days = conf.PASSWORD_MAX_AGE_DAYS
    if not days:
        return []
    soon = timezone.now() - dt.timedelta(days=days - EXPIRY_WARNING_DAYS)
    changed = Q(password_changed_at__lt=soon) | Q(password_changed_at=None, date_joined__lt=soon)
    n = User.objects.filter(changed, is_active=True).count()
    if not n:
        return []
    detail = _("%(n)d 天内到期或已过期，到期后登录须先改密码。") % {"n": EXPIRY_WARNING_DAYS}
    return [Todo(_("密码即将到期的账号"), reverse("orgs:user_list"), detail, n, "info")]


def _lockouts() -> list[Todo]:
    n = len(lockout.current_lockouts())
    if not n:
        return []
    return [Todo(_("被锁定的登录"), reverse("orgs:lockouts"), _("核实后可解除锁定。"), n, "warning")]


def _resets_to_decide(user) -> list[Todo]:
    pending = AdminResetRequest.objects.filter(status=AdminResetRequest.Status.PENDING)
    n = pending.exclude(requested_by=user).exclude(target=user).count()
    if not n:
        return []
    detail = _("另一名管理员申请重置密码，须由您批准或驳回。")
    return [Todo(_("待批准的管理员重置"), reverse("orgs:admin_resets"), detail, n, "warning")]
