"""Login lockout (django-axes) keyed on what an attacker cannot aim at someone else.

Failures are counted per (username, client address) as axes does (AXES_LOCKOUT_PARAMETERS):
an attacker failing on a supervisor's name from address A does not lock the supervisor out at
address B. On top, one address failing TUIJIN_LOGIN_IP_FAILURE_LIMIT times within the cool-off
across any usernames (password spraying) is locked for every username. The client address is
the trusted proxies' (tuijin.core.clientip). The security administrator sees the current
lockouts and can release them; each release is audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.audit.models import AuditAction
from tuijin.audit.services import record
from tuijin.orgs import conf, policy


def ip_limit() -> int:
    return conf.LOGIN_IP_FAILURE_LIMIT


def _since(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - settings.AXES_COOLOFF_TIME


def ip_failures(ip_address: str | None, now: dt.datetime | None = None) -> int:
    """Failures from this address within the cool-off, whatever usernames were tried."""
    if not ip_address:
        return 0
    recent = AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=_since(now))
    return recent.aggregate(n=Sum("failures_since_start"))["n"] or 0


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler, plus the per-address limit across usernames."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        # Axes compares this number with one limit; an address over its own (higher) limit
        # counts as having reached it for whichever username it tries.
        failures = super().get_failures(request, credentials)
        address, at = getattr(request, "axes_ip_address", None), getattr(request, "axes_attempt_time", None)
        if ip_failures(address, at) >= ip_limit():
            return max(failures, get_failure_limit(request, credentials))
        return failures


def lockout_response(request, original_response=None, credentials=None):
    """The locked-out page (or JSON for the API): what happened, and what the user can do."""
    minutes = int((get_cool_off(request) or settings.AXES_COOLOFF_TIME).total_seconds() // 60)
    by_address = ip_failures(getattr(request, "axes_ip_address", None)) >= ip_limit()
    if by_address:
        message = _(
            "您所在网络地址的登录失败次数过多，已暂停从该地址登录。请 %(m)d 分钟后再试，或联系安全管理员解除锁定。"
        ) % {"m": minutes}
    else:
        message = _("该账号登录失败次数过多，已被临时锁定。请 %(m)d 分钟后再试，或联系安全管理员解除锁定。") % {
            "m": minutes
        }
    status = settings.AXES_HTTP_RESPONSE_CODE
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    return render(request, "registration/locked_out.html", {"message": message, "minutes": minutes}, status=status)


# --- the security administrator's view ------------------------------------------------------


@dataclass(frozen=True)
class Lockout:
    username: str  # "" for an address locked across usernames
    ip_address: str
    failures: int
    last_attempt: dt.datetime
    until: dt.datetime


def current_lockouts(now: dt.datetime | None = None) -> list[Lockout]:
    recent = AccessAttempt.objects.filter(attempt_time__gte=_since(now))
    cooloff = settings.AXES_COOLOFF_TIME
    rows = [
        Lockout(a.username or "", a.ip_address or "", a.failures_since_start, a.attempt_time, a.attempt_time + cooloff)
        for a in recent.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT).order_by("-attempt_time")
    ]
    by_ip = recent.values("ip_address").annotate(n=Sum("failures_since_start"), last=Max("attempt_time"))
    rows += [
        Lockout("", r["ip_address"] or "", r["n"], r["last"], r["last"] + cooloff)
        for r in by_ip.filter(n__gte=ip_limit()).order_by("-last")
    ]
    return rows


@transaction.atomic
def lockout_release(*, actor, username: str = "", ip_address: str = "") -> int:
    """Forget the failures of a username (from every address) or of an address (every username)."""
    policy.require(actor, "lockout.release")
    if bool(username) == bool(ip_address):
        raise ValidationError(_("请指定要解锁的账号或网络地址（二者选一）。"))
    attempts = (
        AccessAttempt.objects.filter(username=username)
        if username
        else AccessAttempt.objects.filter(ip_address=ip_address)
    )
    count, _deleted = attempts.delete()
    if count:
        record(
            actor=actor, action=AuditAction.UPDATE, object_type="axes.accessattempt",
            object_repr=username or ip_address, changes={"failures_cleared": [count, 0]},
            note=_("解除登录锁定：%(who)s") % {"who": username or ip_address},
        )  # fmt: skip
    return count
