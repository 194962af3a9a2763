"""API tokens: issuance, revocation, and the authentication class DRF uses.

A token is shown once and stored as its SHA-256; it expires after TUIJIN_API_TOKEN_DAYS, can be
revoked by its owner or the security administrator, and every token of a user ends when the
password changes or the account is deactivated (`tokens_end_all`, called by those services).
Failed token authentication counts per client address, in the cache every process shares;
past TUIJIN_API_TOKEN_FAILURES within TUIJIN_API_TOKEN_FAILURE_WINDOW seconds the address is
answered 429 until the window ends.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.core.cache import caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from tuijin.audit.context import client_ip
from tuijin.audit.models import AuditAction
from tuijin.audit.services import record
from tuijin.orgs import conf, policy, twofactor
from tuijin.orgs.models import ApiToken, User

# Revocation reasons, as stored and shown on the token pages.
REASON_OWNER = gettext_noop("本人撤销")
REASON_SECADMIN = gettext_noop("安全管理员撤销")
REASON_PASSWORD = gettext_noop("密码已修改")
REASON_DEACTIVATED = gettext_noop("账号已停用")
REASON_LEGACY = gettext_noop("旧版永久令牌作废")
REASON_LOGOUT = gettext_noop("退出登录时注销")


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def may_manage(actor: User, token: ApiToken) -> bool:
    """The owner manages their own tokens; the security administrator manages anyone's."""
    return policy.is_active_user(actor) and (token.user_id == actor.pk or policy.allows(actor, "token.manage"))


@transaction.atomic
def token_issue(*, user: User, name: str, verified: bool = False, via_password: bool = False) -> tuple[ApiToken, str]:
    """A new token for `user`; returns the row and the secret (never stored, shown once).

    `verified`: the caller's session passed the second factor. An account that must use
    two-factor login, or has switched it on, gets a token only then: a password alone (the
    `auth/token/` endpoint) would get round the second factor for as long as the token lives.
    """
    if not policy.is_active_user(user):
        raise PermissionDenied(_("您没有执行此操作的权限。"))
    if not verified and (twofactor.required(user) or twofactor.has_device(user)):
        raise PermissionDenied(
            _("该账号使用两步验证，不能仅凭密码获取 API 令牌：请登录网页并完成两步验证后，在“我的 API 令牌”中生成。")
        )
    name = (name or "").strip() or _("API 令牌")
    now = timezone.now()
    live = ApiToken.objects.filter(user=user).live(now)
    if live.count() >= conf.API_TOKENS_PER_USER:
        raise ValidationError(
            _("有效令牌已达上限（%(n)d 个），请先撤销不再使用的令牌。") % {"n": conf.API_TOKENS_PER_USER}
        )
    key = secrets.token_urlsafe(32)
    token = ApiToken(
        user=user, name=name, key_hash=hash_key(key), prefix=key[:8],
        expires_at=now + timedelta(days=conf.API_TOKEN_DAYS),
    )  # fmt: skip
    token.full_clean(exclude=["key_hash", "prefix"])
    token.save()
    if via_password:  # handed out against a password: audited like a login
        record(actor=user, action=AuditAction.LOGIN, obj=user, note="API token")
    record(
        actor=user, action=AuditAction.CREATE, obj=token,
        changes={"name": [None, token.name], "expires_at": [None, token.expires_at.isoformat()]},
    )  # fmt: skip
    return token, key


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    if not may_manage(actor, token):
        raise PermissionDenied(_("您没有执行此操作的权限。"))
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token  # revoking twice changes nothing
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    token.revoke_reason = REASON_OWNER if actor.pk == token.user_id else REASON_SECADMIN
    token.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    record(
        actor=actor, action=AuditAction.TRANSITION, obj=token,
        note=_("撤销 %(user)s 的 API 令牌“%(name)s”") % {"user": token.user.username, "name": token.name},
    )  # fmt: skip
    return token


def tokens_end_all(*, user: User, actor: User | None, reason: str) -> int:
    """End every live token of `user` (inside the caller's transaction); audited when any ended."""
    now = timezone.now()
    ended = ApiToken.objects.filter(user=user).live(now).update(revoked_at=now, revoked_by=actor, revoke_reason=reason)
    if ended:
        record(
            actor=actor, action=AuditAction.TRANSITION, obj=user,
            note=_("%(n)d 个 API 令牌已失效：%(reason)s") % {"n": ended, "reason": _(reason)},
        )  # fmt: skip
    return ended


@transaction.atomic
def tokens_end_on_logout(*, user: User) -> int:
    """The owner ends every live token as they sign out (the option on the token page). A plain
    web logout leaves tokens alone: they belong to API clients, not to the browser session, and
    end by expiry, revocation, a password change or deactivation."""
    if not policy.is_active_user(user):
        return 0
    return tokens_end_all(user=user, actor=user, reason=REASON_LOGOUT)


def tokens_for(user: User):
    return ApiToken.objects.filter(user=user).select_related("revoked_by")


# --- authentication ------------------------------------------------------------------------


def _counter():
    # Shared by every process (the database or Redis): a per-process memory would multiply the
    # limit by the number of web workers.
    return caches["shared"]


def _failure_key(ip: str | None) -> str:
    return f"tuijin:token-failures:{ip or '-'}"


def _refuse_if_throttled(ip: str | None) -> None:
    if (_counter().get(_failure_key(ip)) or 0) >= conf.API_TOKEN_FAILURES:
        raise exceptions.Throttled(
            wait=conf.API_TOKEN_FAILURE_WINDOW,
            detail=_("令牌验证失败次数过多，请稍后再试。"),
        )


def _count_failure(ip: str | None) -> None:
    key, counter = _failure_key(ip), _counter()
    # add() starts the window only once; the count then lives until the window ends. Redis counts
    # atomically; the database cache reads and writes, so failures at the very same instant may
    # count once (the limit still holds across processes, within the number of requests in flight).
    counter.add(key, 0, timeout=conf.API_TOKEN_FAILURE_WINDOW)
    try:
        counter.incr(key)
    except ValueError:  # expired between add() and incr()
        counter.set(key, 1, timeout=conf.API_TOKEN_FAILURE_WINDOW)


class ApiTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <secret>` against the hashed, expiring, revocable tokens."""

    keyword = "Token"

    def authenticate_credentials(self, key: str):
        ip = client_ip.get()
        _refuse_if_throttled(ip)
        now = timezone.now()
        token = ApiToken.objects.live(now).select_related("user", "user__unit").filter(key_hash=hash_key(key)).first()
        if token is None or not token.user.is_active:
            _count_failure(ip)
            raise exceptions.AuthenticationFailed(_("令牌无效、已过期或已被撤销。"))
        # One write a minute at most per token: enough to show when it was last used.
        if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token
