"""Request-wide concerns: the audit context, session lifetime, the second factor, forced password change."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from tuijin.core import text
from tuijin.core.clientip import client_ip as trusted_client_ip
from tuijin.core.requestcontext import client_ip
from tuijin.orgs import ageing, twofactor


class ChineseFirstMiddleware:
    """The interface language is the user's explicit choice (cookie), Chinese by default.

    Many office terminals run English-language browsers; their Accept-Language header must
    not switch a Chinese government platform to English. Runs before LocaleMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class QueryControlCharactersMiddleware:
    """A query string (search boxes, filters, ?unit=) with a control character is answered 400.

    Forms and the API's parsers refuse them in bodies, naming the field; query parameters are read
    by many small views, and NUL there reaches PostgreSQL as a 500. One check here covers them all.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for key, values in request.GET.lists():
            for value in (key, *values):
                if char := text.found(value):
                    message = text.refusal(_("网址参数“%(key)s”") % {"key": text.strip_control(key)}, char)
                    if request.path.startswith("/api/"):
                        return JsonResponse({"detail": message}, status=400)
                    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class RequestContextMiddleware:
    """Makes the client address (as the trusted proxies vouch for it) available to `audit.record`
    for the whole request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = client_ip.set(trusted_client_ip(request))
        try:
            return self.get_response(request)
        finally:
            client_ip.reset(token)


class SessionLifetimeMiddleware:
    """Absolute session lifetime (12 h by default); the idle limit is the cookie age."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            started = request.session.get("tuijin_login_at")
            limit = settings.TUIJIN_SESSION_ABSOLUTE_SECONDS
            if started is None or time.time() - float(started) > limit:
                logout(request)
                messages.info(request, _("登录已超过最长时限，请重新登录。"))
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": _("会话已过期，请重新登录。")}, status=401)
                return redirect(f"{reverse('login')}?next={request.path}")
        return self.get_response(request)


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
        from django.shortcuts import render

        from tuijin.workdays.workcalendar import UnknownCalendarYear

        if not isinstance(exception, UnknownCalendarYear):
            return None
        message = exception.messages[0]
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message, "code": "unknown_calendar_year"}, status=503)
        return render(request, "core/calendar_missing.html", {"message": message, "year": exception.year}, status=503)
