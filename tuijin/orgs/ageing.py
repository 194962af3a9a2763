"""Password ageing and idle accounts (等保 2.0 8.1.4.1–2), both off unless switched on.

TUIJIN_PASSWORD_MAX_AGE_DAYS: a password older than this (since the holder last chose it, or
since the account was created) must be changed before anything else; the account is flagged
once (`must_change_password`, audited) on its next request, web or API.

TUIJIN_IDLE_ACCOUNT_DAYS: the daily timer `orgs.idle_accounts` (registered by notifications,
which runs the timers and sits above orgs) disables accounts with no login
for this many days (never logged in: since created), each audited. The three administrators
are left alone: a disabled administrator could only come back through break-glass, and the
other two watch their use in the audit log. Idempotent: each account is claimed with a
conditional UPDATE, so a rerun or a second worker disables nobody twice.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.audit.models import AuditAction
from tuijin.audit.services import record
from tuijin.orgs import conf
from tuijin.orgs.models import ADMIN_ROLES, User

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
IDLE_TIMER = "orgs.idle_accounts"


def password_expired(user: User, now: dt.datetime | None = None) -> bool:
    days = conf.PASSWORD_MAX_AGE_DAYS
    if not days or not user.pk:
        return False
    chosen = user.password_changed_at or user.date_joined
    return (now or timezone.now()) - chosen > dt.timedelta(days=days)


def must_change_password(user: User) -> bool:
    """Must this signed-in user change their password first? Flags an expired one (audited, once)."""
    if user.must_change_password:
        return True
    if not password_expired(user):
        return False
    with transaction.atomic():
        flagged = User.objects.filter(pk=user.pk, must_change_password=False).update(
            must_change_password=True, version=F("version") + 1
        )
        if flagged:
            days = conf.PASSWORD_MAX_AGE_DAYS
            record(
                actor=None, action=AuditAction.UPDATE, obj=user, changes={"must_change_password": [False, True]},
                note=_("密码已超过 %(n)d 天未修改，须修改后继续使用") % {"n": days},
            )  # fmt: skip
    user.must_change_password = True
    return True


def _idle(cutoff: dt.datetime) -> Q:
    return Q(last_login__lt=cutoff) | Q(last_login=None, date_joined__lt=cutoff)


def disable_idle_accounts(as_of: dt.date) -> int:
    """The daily timer: disable accounts idle for N days as of `as_of`; returns how many."""
    days = conf.IDLE_ACCOUNT_DAYS
    if not days:
        return 0
    cutoff = dt.datetime.combine(as_of, dt.time.min, tzinfo=SHANGHAI) - dt.timedelta(days=days)
    candidates = (
        User.objects.filter(_idle(cutoff), is_active=True)
        .exclude(role_grants__role__in=ADMIN_ROLES)
        .values_list("pk", "username")
    )
    acted = 0
    for pk, username in list(candidates):
        with transaction.atomic():
            # Re-checked in the UPDATE: a login since the query above keeps the account.
            if User.objects.filter(_idle(cutoff), pk=pk, is_active=True).update(
                is_active=False, version=F("version") + 1
            ):
                record(
                    actor=None, action=AuditAction.UPDATE, object_type="orgs.user", object_id=str(pk),
                    object_repr=username, changes={"is_active": [True, False]},
                    note=_("账号闲置超过 %(n)d 天，由每日定时任务自动停用") % {"n": days},
                )  # fmt: skip
                acted += 1
    return acted
