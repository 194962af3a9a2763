"""Two-factor login (等保 2.0 三级): a TOTP authenticator app and ten one-time backup codes.

Who must have it (`required`): the three administrators and supervisors, everyone when
TUIJIN_TWO_FACTOR_FOR_ALL is on; anyone else may enrol. The demo city's logins are exempt while
TUIJIN_DEMO_TWO_FACTOR is off (`make run`). A signed-in session that has not passed the second
factor reaches only the code page, enrolment, logout and the language switch
(tuijin.shell.middleware.TwoFactorMiddleware): with a confirmed device it is asked for a code,
without one but required it is sent to enrolment.

Codes are checked by django-otp's devices under a row lock. Their throttling refuses any try for
OTP_TOTP_THROTTLE_FACTOR × 2^(n-1) seconds after n wrong codes in a row (counted per device,
kept in the database, so a new session or process does not reset it). Every wrong, refused and
right code is audited. This module is the only writer of the devices and backup codes.

Lost device: the security administrator resets it for an ordinary account (`device_reset`); an
administrator's is reset by the other two (tuijin.orgs.admin_resets, kind "two_factor") or by
`manage.py breakglass_reset --two-factor`. The holder then enrols again at next login.
"""

from __future__ import annotations

from base64 import b32encode

import segno
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tuijin.audit.models import AuditAction
from tuijin.audit.services import record
from tuijin.core import conf as core_conf
from tuijin.orgs import conf, policy
from tuijin.orgs.models import ADMIN_ROLES, Role, User

REQUIRED_ROLES = ADMIN_ROLES | {Role.SUPERVISOR}
BACKUP_CODE_COUNT = 10
TOTP_NAME = "动态口令"
BACKUP_NAME = "备用码"


def required(user: User) -> bool:
    """Must this account pass a second factor to use anything?"""
    if not policy.is_active_user(user):
        return False
    if not core_conf.DEMO_TWO_FACTOR:
        from tuijin.orgs.demo import LOGINS  # the demo imports the services, which import this

        if user.username in LOGINS:
            return False
    return conf.TWO_FACTOR_FOR_ALL or user.has_role(*REQUIRED_ROLES)


def has_device(user: User) -> bool:
    """A confirmed authenticator: the account is asked for a code at every login."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def must_verify(user: User) -> bool:
    """Is this signed-in session held at the code page or enrolment until it passes?"""
    verified = getattr(user, "is_verified", None)
    if verified is not None and verified():
        return False
    return required(user) or has_device(user)


def backup_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- enrolment ------------------------------------------------------------------------------


@transaction.atomic
def enrol_start(*, user: User) -> TOTPDevice:
    """A new, unconfirmed authenticator with a fresh secret, which the caller shows once.

    Every call replaces the previous unconfirmed one: reloading the page shows a new secret, and
    an abandoned one is never shown again.
    """
    if not policy.is_active_user(user):
        raise PermissionDenied(_("您没有执行此操作的权限。"))
    if has_device(user):
        raise ValidationError(_("已启用两步验证。更换手机须先由安全管理员重置。"))
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def pending_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def enrol_confirm(*, user: User, token: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the pending authenticator with a code from it; returns it and new backup codes."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("-pk").first()
        if device is None:
            raise ValidationError(_("二维码已失效，请刷新页面重新扫描。"))
        error = _attempt(user, device, _normalise(token), purpose=_("绑定两步验证"))
        if error is None:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = _new_backup_codes(user)
            record(
                actor=user, action=AuditAction.CREATE, obj=user, object_type="otp_totp.totpdevice",
                object_id=str(device.pk), note=_("启用两步验证（动态口令 + %(n)d 个备用码）") % {"n": len(codes)},
            )  # fmt: skip
    if error is not None:  # raised after the commit: the failure and its throttling are kept
        raise ValidationError(error)
    return device, codes


# --- the second step of a login -----------------------------------------------------------


def verify(*, user: User, token: str) -> Device:
    """Check a 6-digit code or a backup code; returns the device that accepted it (for
    `django_otp.login`). Raises ValidationError with the message to show."""
    token = _normalise(token)
    with transaction.atomic():
        model = TOTPDevice if token.isdigit() else StaticDevice
        device = model.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
        if device is None:
            error = _("验证码不正确。")
            _record_failure(user, error)
        else:
            error = _attempt(user, device, token, purpose=_("登录"))
        if error is None:
            how = _("动态口令") if model is TOTPDevice else _("备用码")
            record(actor=user, action=AuditAction.LOGIN, obj=user, note=_("两步验证通过（%(how)s）") % {"how": how})
    if error is not None:
        raise ValidationError(error)
    return device


def _normalise(token: str) -> str:
    # Authenticator apps show "123 456"; backup codes are printed in groups.
    return "".join((token or "").split()).replace("-", "").lower()[:32]


def _attempt(user: User, device: Device, token: str, *, purpose: str) -> str | None:
    """Try `token` on the locked `device`; None when it passed, else the message (audited)."""
    allowed, info = device.verify_is_allowed()
    if not allowed:
        wait = max(1, int((info["locked_until"] - timezone.now()).total_seconds() + 0.999))
        error = _("验证码错误次数过多，请 %(s)d 秒后再试。") % {"s": wait}
    elif device.verify_token(token):  # a wrong one raises the device's throttling
        return None
    else:
        error = _("验证码不正确。")
    _record_failure(user, error, purpose=purpose)
    return error


def _record_failure(user: User, error: str, *, purpose: str = "") -> None:
    note = _("两步验证失败（%(what)s）：%(error)s") % {"what": purpose or _("登录"), "error": error}
    record(actor=user, action=AuditAction.LOGIN_FAILED, obj=user, note=note)


# --- the account page: backup codes, switching off ----------------------------------------


def backup_codes_regenerate(*, user: User, token: str) -> list[str]:
    """Ten new backup codes (the old ones stop working), after a current authenticator code."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is None:
            raise ValidationError(_("尚未启用两步验证。"))
        error = _attempt(user, device, _normalise(token), purpose=_("重新生成备用码"))
        if error is None:
            codes = _new_backup_codes(user)
            record(actor=user, action=AuditAction.UPDATE, obj=user, note=_("重新生成两步验证备用码，旧备用码作废"))
    if error is not None:
        raise ValidationError(error)
    return codes


def disable_own(*, user: User, token: str) -> None:
    """An account that need not have two-factor login switches it off, with a current code."""
    if required(user):
        raise PermissionDenied(_("您的账号必须使用两步验证，不能关闭。"))
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is None:
            raise ValidationError(_("尚未启用两步验证。"))
        error = _attempt(user, device, _normalise(token), purpose=_("关闭两步验证"))
        if error is None:
            _remove_devices(user)
            record(actor=user, action=AuditAction.DELETE, obj=user, note=_("本人关闭两步验证"))
    if error is not None:
        raise ValidationError(error)


def _new_backup_codes(user: User) -> list[str]:
    device = StaticDevice.objects.filter(user=user).first() or StaticDevice(user=user, name=BACKUP_NAME)
    device.confirmed = True
    device.throttle_reset(commit=False)
    device.save()
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


# --- lost devices ---------------------------------------------------------------------------


@transaction.atomic
def device_reset(*, actor: User, target: User) -> None:
    """The security administrator removes an account's devices; the holder enrols again.

    An administrator's device is never reset by one other administrator (三员分立): that takes
    the two-of-three procedure of tuijin.orgs.admin_resets, or the break-glass command.
    """
    policy.require(actor, "twofactor.reset")
    if policy.is_administrator(target):
        raise PermissionDenied(
            _("三员分立：管理员的两步验证不能由其他管理员单独重置，须由另两名管理员申请并批准（管理员重置）。")
        )
    reset_devices(target=target, actor=actor, note=_("安全管理员重置两步验证设备，本人下次登录时须重新绑定"))


def reset_devices(*, target: User, actor: User | None, note: str) -> int:
    """Remove every device of `target` (inside the caller's transaction, which checked who may);
    sessions verified by them stop being verified at their next request. Audited."""
    removed = _remove_devices(target)
    record(actor=actor, action=AuditAction.DELETE, obj=target, changes={"two_factor_devices": [removed, 0]}, note=note)
    return removed


def _remove_devices(user: User) -> int:
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        removed += model.objects.filter(user=user, confirmed=True).count()
        model.objects.filter(user=user).delete()
    return removed


# --- what the pages show ----------------------------------------------------------------------


def secret_text(device: TOTPDevice) -> str:
    """The secret as an authenticator app asks for it by hand: base32 in groups of four."""
    raw = b32encode(device.bin_key).decode()
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code, drawn here (nothing asked of the internet)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, border=2, omitsize=True)


def status(user: User) -> dict:
    totp = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return {
        "device": totp,
        "backup_left": backup_codes_left(user) if totp else 0,
        "required": required(user),
    }


def grouped(codes: list[str]) -> list[str]:
    """Backup codes printed as "abcde-fghij" (the dash is ignored when typed)."""
    return [f"{c[:5]}-{c[5:]}" for c in codes]
