"""Logins, logouts and failed logins go to the audit log.

Django's auth signals are the only place these events exist, so the log listens to them
(the one exception to "writes go through services").
"""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from tuijin.audit.context import ip_from_request
from tuijin.audit.models import AuditAction
from tuijin.audit.services import record


def _ip(request):
    return ip_from_request(request) if request is not None else None


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session["tuijin_login_at"] = timezone.now().timestamp()
    record(actor=user, action=AuditAction.LOGIN, obj=user, ip_address=_ip(request))


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(actor=user, action=AuditAction.LOGOUT, obj=user, ip_address=_ip(request))


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    record(
        actor=None,
        action=AuditAction.LOGIN_FAILED,
        object_type="orgs.user",
        object_repr=username,
        attempted_username=username,
        ip_address=_ip(request),
    )
