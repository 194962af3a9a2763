"""Request-wide concerns: the interface language, query strings, the client address, session lifetime.
(The gates that read accounts and the calendar are the site's: tuijin.shell.middleware.)"""

import time

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from tuijin.core import conf, text
from tuijin.core.clientip import client_ip as trusted_client_ip
from tuijin.core.requestcontext import client_ip


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
            limit = conf.SESSION_ABSOLUTE_SECONDS
            if started is None or time.time() - float(started) > limit:
                logout(request)
                messages.info(request, _("登录已超过最长时限，请重新登录。"))
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": _("会话已过期，请重新登录。")}, status=401)
                return redirect(f"{reverse('login')}?next={request.path}")
        return self.get_response(request)
