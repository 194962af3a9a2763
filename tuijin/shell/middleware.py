"""The gates every page passes after sign-in: the second factor, a forced password change, and the
page for a deadline in a year whose holidays nobody has entered."""

from urllib.parse import urlencode

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tuijin.orgs import ageing, twofactor
from tuijin.workdays.workcalendar import UnknownCalendarYear


class TwoFactorMiddleware:
    """A signed-in session that has not passed the second factor reaches nothing but the code
    page (a confirmed device), enrolment (required, none yet), logout and the language switch.

    Sessions only: a token-authenticated API call is anonymous here (DRF authenticates it later),
    and its token was issued to a verified session (tuijin.orgs.tokens). Tests that sign in with
    `force_login` pass the factor through tests/twofactor.py (the `client_for` fixture does).
    """

    OPEN_NAMES = ("two_factor_verify", "two_factor_setup", "logout", "set_language")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._held(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("须先完成两步验证才能继续使用。")}, status=403)
            target = "two_factor_verify" if twofactor.has_device(request.user) else "two_factor_setup"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    def _held(self, request) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        if request.path.startswith(settings.STATIC_URL) or request.path in {reverse(n) for n in self.OPEN_NAMES}:
            return False
        return twofactor.must_verify(user)


class PasswordChangeRequiredMiddleware:
    """Accounts created or reset by an administrator, and passwords past their age
    (TUIJIN_PASSWORD_MAX_AGE_DAYS), must set a new password before anything else."""

    # The second factor comes first (TwoFactorMiddleware), so its pages stay open here.
    ALLOWED_NAMES = (
        "password_change", "password_change_done", "logout", "set_language", "two_factor_verify", "two_factor_setup",
    )  # fmt: skip

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and ageing.must_change_password(user):
            allowed = {reverse(name) for name in self.ALLOWED_NAMES}
            if request.path not in allowed and not request.path.startswith(settings.STATIC_URL):
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": _("须先修改密码才能继续使用。")}, status=403)
                return redirect("password_change")
        return self.get_response(request)


class UnknownCalendarYearMiddleware:
    """A deadline in a year whose holidays nobody has entered yet is an error the user is told
    about (who can fix it, and where), never a guess and never a bare server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, UnknownCalendarYear):
            return None
        message = exception.messages[0]
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message, "code": "unknown_calendar_year"}, status=503)
        return render(request, "shell/calendar_missing.html", {"message": message, "year": exception.year}, status=503)
