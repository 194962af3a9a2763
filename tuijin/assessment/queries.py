"""Reads of the assessment, scoped by the policy.

Schemes: those of the ranking groups with a member in the user's scope; drafts only for
supervisors. Results: in scope through their unit; a unit's own people see a result once it
is published, supervisors and leaders in scope see it from the first computation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, QuerySet, Sum
from django.http import Http404

from tuijin.assessment.models import (
    Adjustment,
    Bonus,
    Objection,
    ObjectionStatus,
    Result,
    ResultLine,
    Scheme,
    SchemeStatus,
)
from tuijin.indicators import analytics
from tuijin.orgs import policy
from tuijin.orgs.models import Role, User


def sees_unpublished(user: User) -> bool:
    return policy.allows(user, "assessment.manage") or (policy.allows(user, "assessment.view") and
                                                         user.has_role(Role.LEADER))  # fmt: skip


def schemes_for(user: User) -> QuerySet[Scheme]:
    qs = Scheme.objects.filter(group__in=analytics.groups_for(user)).select_related("group")
    if not policy.allows(user, "assessment.manage"):
        qs = qs.exclude(status=SchemeStatus.DRAFT)
    return qs.annotate(weight_total=Sum("items__weight"), item_count=Count("items", distinct=True))


def scheme_or_404(user: User, pk: int) -> Scheme:
    try:
        return schemes_for(user).get(pk=pk)
    except Scheme.DoesNotExist:
        raise Http404 from None


def results_for(user: User, scheme: Scheme | None = None) -> QuerySet[Result]:
    qs = Result.objects.all() if scheme is None else Result.objects.filter(scheme=scheme)
    qs = policy.scope(qs, user, "unit")
    if not sees_unpublished(user):
        qs = qs.filter(published_at__isnull=False)
    return qs.select_related("unit", "scheme", "scheme__group")


def result_or_404(user: User, pk: int) -> Result:
    """One result with everything its drill-down shows (lines, adjustments, objections)."""
    qs = results_for(user).prefetch_related(
        Prefetch("lines", ResultLine.objects.select_related("item").order_by("item__order", "item_id")),
        Prefetch("adjustments", Adjustment.objects.select_related("item", "by", "objection").order_by("at", "pk")),
        Prefetch("objections", Objection.objects.select_related("item", "filed_by", "decided_by")),
    )
    try:
        return qs.get(pk=pk)
    except Result.DoesNotExist:
        raise Http404 from None


@dataclass
class TableRow:
    result: Result
    points: list[Decimal | None]  # per item, in item order (None: no line)
    adjustments: Decimal = Decimal(0)


@dataclass
class ResultsTable:
    scheme: Scheme
    items: list = field(default_factory=list)
    rows: list[TableRow] = field(default_factory=list)


def results_table(user: User, scheme: Scheme) -> ResultsTable:
    """The ranking: every visible result with its points per item. Three queries."""
    items = list(scheme.items.select_related("indicator"))
    results = list(results_for(user, scheme).prefetch_related("lines").order_by("rank", "unit__path"))
    table = ResultsTable(scheme, items)
    for result in results:
        by_item = {line.item_id: line.points for line in result.lines.all()}
        table.rows.append(TableRow(result, [by_item.get(i.pk) for i in items], result.adjustment_total))
    return table


def pending_objections(user: User) -> QuerySet[Objection]:
    qs = Objection.objects.filter(status=ObjectionStatus.PENDING)
    return policy.scope(qs, user, "unit").select_related("result__scheme", "unit", "filed_by")


def bonus_attachment_or_404(user: User, pk: int) -> Bonus:
    """A bonus's evidence file, for the scheme's manager and for whoever sees the unit's result."""
    from tuijin.assessment.services.schemes import can_manage

    bonus = Bonus.objects.select_related("item__scheme__group").exclude(attachment="").filter(pk=pk).first()
    if bonus is None:
        raise Http404
    scheme = scheme_or_404(user, bonus.item.scheme_id)
    if not (can_manage(user, scheme.group) or results_for(user, scheme).filter(unit_id=bonus.unit_id).exists()):
        raise Http404
    return bonus
