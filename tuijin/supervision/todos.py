"""The assignment items of 我的待办: the owner unit's overdue, due-soon and returned items and
the cycles due; for supervisors, close-out and extension requests waiting for a decision."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.core.todos import Todo
from tuijin.orgs import policy
from tuijin.supervision import queries
from tuijin.supervision.models import Assignment, ExtensionRequest, Status


def for_user(user) -> list[Todo]:
    items: list[Todo] = []
    if policy.allows(user, "assignment.report") and user.unit_id is not None:
        items.extend(_owner(user))
    if policy.allows(user, "assignment.manage"):
        items.extend(_supervisor(user))
    return items


def _owner(user) -> list[Todo]:
    today = timezone.localdate()
    soon = today + dt.timedelta(days=queries.thresholds().yellow_days)
    counts = Assignment.objects.filter(owner_unit=user.unit, status=Status.OPEN).aggregate(
        overdue=Count("pk", filter=Q(deadline__lt=today)),
        due=Count("pk", filter=Q(deadline__gte=today, deadline__lte=soon)),
        returned=Count("pk", filter=~Q(return_reason="")),
    )
    url = reverse("supervision:mine")
    items = []
    if counts["overdue"]:
        items.append(Todo(_("逾期未办结的督办事项"), url, _("请尽快办结并申请销号"), counts["overdue"], "danger"))
    if counts["returned"]:
        items.append(Todo(_("销号申请被退回的督办事项"), url, "", counts["returned"], "danger"))
    if counts["due"]:
        items.append(Todo(_("即将到期的督办事项"), url, "", counts["due"], "warning"))
    return items


def _supervisor(user) -> list[Todo]:
    visible = queries.visible_assignments(user)
    requested = policy.scope(visible.filter(status=Status.CLOSEOUT_REQUESTED), user, "owner_unit").count()
    extensions = policy.scope(
        ExtensionRequest.objects.filter(status=ExtensionRequest.Status.PENDING), user, "assignment__owner_unit"
    ).count()
    items = []
    base = reverse("supervision:list")
    if requested:
        items.append(Todo(_("待审核的销号申请"), f"{base}?status=closeout_requested", "", requested, "warning"))
    if extensions:
        items.append(Todo(_("待审批的延期申请"), f"{base}?extension=pending", "", extensions, "warning"))
    return items
