"""Who may write to the project library: the checks every project service shares."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.orgs import policy
from tuijin.orgs.models import User
from tuijin.projects.models import Project


def require_city_manager(actor: User) -> None:
    """Designations, batches and node templates are the city's lists."""
    policy.require(actor, "project.manage")
    if not policy.sees_all(actor):
        raise PermissionDenied(_("只有市级督查员可以维护标签、批次和节点模板。"))


def can_manage(actor: User, project: Project) -> bool:
    return policy.allows(actor, "project.manage", project.unit)


def can_report(actor: User, project: Project) -> bool:
    """The unit's reporter (its own unit or a unit below it)."""
    return policy.allows(actor, "project.report", project.unit)


def not_future(value: dt.date | None, field: str) -> None:
    if value is not None and value > timezone.localdate():
        raise ValidationError({field: _("日期不能晚于今天。")})
