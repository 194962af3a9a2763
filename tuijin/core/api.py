"""API plumbing shared by all apps: URLs left to DRF's own authentication, a stale edit answered 409.
(The token endpoint and the schema pages are the site's: tuijin.shell.api.)"""

from rest_framework.views import exception_handler as drf_exception_handler

from tuijin.core.concurrency import EditConflict, is_stale


def open_to_drf(urlpatterns: list) -> list:
    """Let DRF authenticate API requests itself (session or token).

    Django's LoginRequiredMiddleware runs before DRF and sees token requests as anonymous;
    API views are exempt from it because PolicyPermission refuses anonymous callers anyway.
    """
    for pattern in urlpatterns:
        if hasattr(pattern, "url_patterns"):
            open_to_drf(pattern.url_patterns)
        else:
            pattern.callback.login_required = False
    return urlpatterns


def exception_handler(exc, context):
    """DRF's handler, with a stale edit answered 409 Conflict (the web pages refuse it too)."""
    if is_stale(exc) and not isinstance(exc, EditConflict):
        exc = EditConflict()
    return drf_exception_handler(exc, context)
