"""Two-factor pages: the code asked after the password, enrolment, the account's own page, and
the security administrator's reset of a lost device. Thin: parse, call tuijin.orgs.twofactor."""

import django_otp
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tuijin.orgs import policy, twofactor
from tuijin.orgs.models import User


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


def _passed(request, device) -> None:
    # A new session key once the second factor is in: one fixated before it is worth nothing.
    request.session.cycle_key()
    django_otp.login(request, device)


@never_cache
@policy.permission(policy.AUTHENTICATED)
def verify(request):
    """After the password: the 6-digit code from the authenticator, or a backup code."""
    if request.user.is_verified():
        return redirect(_next(request))
    if not twofactor.has_device(request.user):
        return redirect("two_factor_setup") if twofactor.required(request.user) else redirect(_next(request))
    error = ""
    if request.method == "POST":
        try:
            device = twofactor.verify(user=request.user, token=request.POST.get("token", ""))
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            _passed(request, device)
            left = twofactor.backup_codes_left(request.user)
            if left <= 3:
                messages.warning(request, _("备用码仅剩 %(n)d 个，请在“两步验证”页面重新生成。") % {"n": left})
            return redirect(_next(request))
    return render(request, "orgs/two_factor_verify.html", {"error": error, "next": _next(request)})


@never_cache
@policy.permission(policy.AUTHENTICATED)
def setup(request):
    """Enrolment: a QR code and its secret (new on every visit), confirmed with a first code;
    the answer then shows the ten backup codes, once."""
    if twofactor.has_device(request.user):
        return redirect("two_factor")
    error, device = "", None
    if request.method == "POST":
        try:
            device, codes = twofactor.enrol_confirm(user=request.user, token=request.POST.get("token", ""))
        except ValidationError as exc:
            error = " ".join(exc.messages)
            device = twofactor.pending_device(request.user)  # the one being scanned, shown again to its owner
        else:
            _passed(request, device)
            return _codes_page(request, codes, first=True)
    if device is None:
        device = twofactor.enrol_start(user=request.user)
    context = {
        "qr": twofactor.qr_svg(device), "secret": twofactor.secret_text(device), "error": error,
        "next": _next(request), "required": twofactor.required(request.user),
    }  # fmt: skip
    return render(request, "orgs/two_factor_setup.html", context)


def _codes_page(request, codes: list[str], *, first: bool):
    # Rendered, not redirected: the codes exist only in this answer.
    context = {"codes": twofactor.grouped(codes), "first": first, "next": _next(request)}
    return render(request, "orgs/two_factor_codes.html", context)


@never_cache
@policy.permission(policy.AUTHENTICATED)
def account(request):
    """The account's own page: its authenticator, backup codes left, regenerate, switch off."""
    return render(request, "orgs/two_factor.html", twofactor.status(request.user))


@require_POST
@never_cache
@policy.permission(policy.AUTHENTICATED)
def backup_codes(request):
    try:
        codes = twofactor.backup_codes_regenerate(user=request.user, token=request.POST.get("token", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("two_factor")
    return _codes_page(request, codes, first=False)


@require_POST
@policy.permission(policy.AUTHENTICATED)
def disable(request):
    try:
        twofactor.disable_own(user=request.user, token=request.POST.get("token", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已关闭两步验证。"))
    return redirect("two_factor")


@require_POST
@policy.permission("twofactor.reset")
def user_reset(request, username):
    target = policy.get_in_scope_or_404(User.objects.select_related("unit"), request.user, "unit", username=username)
    twofactor.device_reset(actor=request.user, target=target)
    messages.success(request, _("已重置 %(u)s 的两步验证，其下次登录时须重新绑定。") % {"u": target.username})
    return redirect("orgs:user_roles", username=username)
