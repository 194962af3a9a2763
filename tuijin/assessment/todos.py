"""The assessment's items of 我的待办: objections to decide; a published result a unit may still object to."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.assessment import queries
from tuijin.assessment.models import Result
from tuijin.core.todos import Todo
from tuijin.orgs import policy


def for_user(user) -> list[Todo]:
    items: list[Todo] = []
    if policy.allows(user, "assessment.manage"):
        pending = queries.pending_objections(user).count()
        if pending:
            items.append(Todo(_("待处理的考核申诉"), reverse("assessment:objection_list"), count=pending,
                              level="warning"))  # fmt: skip
    if policy.allows(user, "assessment.object") and user.unit_id:
        items.extend(_open_windows(user))
    return items


def _open_windows(user) -> list[Todo]:
    """Results of the user's own unit published with the objection window still open."""
    results = Result.objects.filter(
        unit_id=user.unit_id, published_at__isnull=False, scheme__objection_deadline__gte=timezone.localdate()
    ).select_related("scheme")
    return [
        Todo(
            _("%(s)s结果已公布") % {"s": r.scheme.name},
            reverse("assessment:result_detail", args=[r.pk]),
            _("得分 %(t)s，第 %(r)s 名；如有异议请于 %(d)s 前申诉")
            % {
                "t": format(r.total, ".2f"),
                "r": r.rank,
                "d": r.scheme.objection_deadline.isoformat(),
            },
        )
        for r in results
    ]
