"""Resetting an administrator's password or two-factor devices: two other administrators, or
break-glass (三员分立).

No administrator may reset another administrator's password alone (that would let the system
administrator become the auditor). One administrator asks, with a reason; a third one (neither
the asker nor the holder) approves; only then is a random temporary password set and shown,
once, to the approver, who hands it to the holder. The holder must change it at next login.
A lost two-factor device (kind TWO_FACTOR) goes the same way: on approval the holder's devices
are removed and the holder enrols again at next login (tuijin.orgs.twofactor).
A request not approved within `REQUEST_TTL` expires. Every step is audited.

Where fewer than two other administrators can act (one left, or all locked out), the
`manage.py breakglass_reset` command run on the server does the same with a reason; it is
audited like everything else, with no actor and the server account that ran it.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.audit.models import AuditAction
from tuijin.audit.services import record
from tuijin.core.concurrency import lock_current
from tuijin.orgs import policy, twofactor
from tuijin.orgs.models import AdminResetRequest, User
from tuijin.orgs.passwords import temporary_password
from tuijin.orgs.services import set_temporary_password

REQUEST_TTL = dt.timedelta(hours=24)
Status = AdminResetRequest.Status
Kind = AdminResetRequest.Kind


def expired(req: AdminResetRequest, now: dt.datetime | None = None) -> bool:
    return req.status == Status.PENDING and (now or timezone.now()) - req.requested_at > REQUEST_TTL


@transaction.atomic
def reset_request(*, actor: User, target: User, reason: str, kind: str = Kind.PASSWORD) -> AdminResetRequest:
    """One administrator asks to reset another administrator's password (or two-factor devices)."""
    policy.require(actor, "admin.reset")
    if not policy.is_administrator(target):
        raise ValidationError(
            _("只有管理员账号需要双人审批重置；普通账号的密码由系统管理员、两步验证由安全管理员直接重置。")
        )
    if target.pk == actor.pk:
        raise ValidationError(_("不能申请重置自己的账号；须由另两名管理员办理。"))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("请填写申请事由。")})
    _expire_stale(target)
    if AdminResetRequest.objects.filter(target=target, kind=kind, status=Status.PENDING).exists():
        raise ValidationError(_("该账号已有一条同类的待批准重置申请。"))
    req = AdminResetRequest(target=target, kind=kind, requested_by=actor, reason=reason)
    req.full_clean()
    req.save()
    what = _("申请重置管理员两步验证") if kind == Kind.TWO_FACTOR else _("申请重置管理员密码")
    record(
        actor=actor, action=AuditAction.CREATE, obj=req, object_repr=target.username,
        changes={"target": [None, target.username], "kind": [None, kind], "reason": [None, reason]}, note=what,
    )  # fmt: skip
    return req


@transaction.atomic
def reset_approve(*, actor: User, req: AdminResetRequest) -> str:
    """A third administrator approves; returns the temporary password (shown once, never stored),
    or "" for a two-factor reset (the holder's devices are removed)."""
    req = _decidable(actor, req)
    if req.requested_by_id == actor.pk:
        raise PermissionDenied(_("三员分立：申请人不能批准自己的申请，须由另一名管理员批准。"))
    _decide(actor, req, Status.APPROVED)
    target = lock_current(req.target, None)
    names = {"a": req.requested_by.username, "b": actor.username}
    if req.kind == Kind.TWO_FACTOR:
        note = _("双人审批重置管理员两步验证：%(a)s 申请，%(b)s 批准") % names
        twofactor.reset_devices(target=target, actor=actor, note=note)
        return ""
    password = temporary_password()
    set_temporary_password(target, password)
    note = _("双人审批重置管理员密码：%(a)s 申请，%(b)s 批准") % names
    record(actor=actor, action=AuditAction.PASSWORD, obj=target, note=note)
    return password


@transaction.atomic
def reset_reject(*, actor: User, req: AdminResetRequest) -> AdminResetRequest:
    """The asker withdraws, or the other administrator refuses."""
    req = _decidable(actor, req)
    _decide(actor, req, Status.REJECTED)
    return req


def _decidable(actor: User, req: AdminResetRequest) -> AdminResetRequest:
    policy.require(actor, "admin.reset")
    req = AdminResetRequest.objects.select_for_update().select_related("target", "requested_by").get(pk=req.pk)
    if req.target_id == actor.pk:
        raise PermissionDenied(_("三员分立：不能审批重置自己密码的申请。"))
    if req.status != Status.PENDING:
        raise ValidationError(_("该申请已处理（%(s)s）。") % {"s": req.get_status_display()})
    if expired(req):
        raise ValidationError(_("该申请已超过 24 小时未批准，已过期，请重新申请。"))
    return req


def _decide(actor: User, req: AdminResetRequest, status: str) -> None:
    # Conditional update: two approvers clicking at once cannot both act.
    now = timezone.now()
    changed = AdminResetRequest.objects.filter(pk=req.pk, status=Status.PENDING).update(
        status=status, decided_by=actor, decided_at=now
    )
    if changed != 1:
        raise ValidationError(_("该申请已被处理。"))
    req.status, req.decided_by, req.decided_at = status, actor, now
    record(
        actor=actor, action=AuditAction.TRANSITION, obj=req, object_repr=req.target.username,
        changes={"status": [Status.PENDING, status]},
    )  # fmt: skip


def _expire_stale(target: User) -> None:
    AdminResetRequest.objects.filter(
        target=target, status=Status.PENDING, requested_at__lt=timezone.now() - REQUEST_TTL
    ).update(status=Status.EXPIRED)


@transaction.atomic
def breakglass_reset(*, username: str, reason: str, operator: str, two_factor: bool = False) -> str:
    """Reset any account's password from the server (no actor); returns the temporary password.
    With `two_factor`, remove the account's two-factor devices instead and return ""."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("请用 --reason 写明应急重置的事由。"))
    try:
        user = User.objects.select_for_update().get(username=username)
    except User.DoesNotExist:
        raise ValidationError(_("账号 %(u)s 不存在。") % {"u": username}) from None
    if two_factor:
        note = _("应急重置两步验证（breakglass_reset，服务器账号 %(op)s）：%(reason)s")
        twofactor.reset_devices(target=user, actor=None, note=note % {"op": operator, "reason": reason})
        return ""
    password = temporary_password()
    set_temporary_password(user, password)
    record(
        actor=None, action=AuditAction.PASSWORD, obj=user,
        note=_("应急重置密码（breakglass_reset，服务器账号 %(op)s）：%(reason)s") % {"op": operator, "reason": reason},
    )  # fmt: skip
    return password


def pending_for(actor: User):
    """Requests the actor may see: all of them (the three administrators watch each other)."""
    if not policy.allows(actor, "admin.reset"):
        return AdminResetRequest.objects.none()
    return AdminResetRequest.objects.select_related("target", "requested_by", "decided_by")
