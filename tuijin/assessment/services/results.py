"""Every write to the results: computing, publishing, objections (申诉) and adjustments.

Computing is idempotent: it writes one result per member of the group, replacing the lines of
a result not yet published (the adjustments and objections of a result stay with it). Once
published, results are never recomputed; the only change left is a supervisor's adjustment,
recorded with its reason, and the ranks follow the adjusted totals.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.assessment import metrics, scoring
from tuijin.assessment.figures import DatabaseFigures, Figures
from tuijin.assessment.models import (
    Adjustment,
    Objection,
    ObjectionStatus,
    Result,
    ResultLine,
    Scheme,
    SchemeItem,
    SchemeStatus,
)
from tuijin.assessment.services.schemes import lock, members, require_manager
from tuijin.audit.models import AuditAction
from tuijin.audit.services import created, record, snapshot
from tuijin.core.concurrency import lock_current
from tuijin.notifications.services import notify
from tuijin.orgs import policy
from tuijin.orgs.models import Role, User

OBJECTION_FIELDS = ("result", "unit", "item", "text", "status", "response")
ADJUSTMENT_FIELDS = ("result", "item", "objection", "points", "reason")


def validate_month(month: int) -> None:
    if not (1 <= month <= 12):
        raise ValidationError(_("月份须在 1 到 12 之间。"))


# --- computing ---------------------------------------------------------------------------------


@transaction.atomic
def results_compute(*, actor: User, scheme: Scheme, month: int = 12, figures: Figures | None = None) -> list[Result]:
    """Score every member of the group for `month` (12: the year; earlier: a trial run)."""
    require_manager(actor, scheme.group)
    validate_month(month)
    scheme = Scheme.objects.select_for_update().select_related("group").get(pk=scheme.pk)
    if scheme.is_locked or scheme.results.filter(published_at__isnull=False).exists():
        raise ValidationError(_("考核结果已公布，不能重新计算。"))
    items = list(scheme.items.select_related("indicator"))
    if not items:
        raise ValidationError(_("方案还没有考核项目。"))
    units = members(scheme)
    scores = scoring.score(scheme, items, units, month, figures or DatabaseFigures())
    now = timezone.now()
    existing = {r.unit_id: r for r in scheme.results.select_for_update()}
    _drop_former_members(actor, scheme, existing, {u.pk for u in units})
    results = [_store(scheme, unit, month, scores[unit.pk], existing.get(unit.pk), actor, now) for unit in units]
    ResultLine.objects.filter(result__in=results).delete()
    ResultLine.objects.bulk_create(
        ResultLine(result=r, item=line.item, points=line.points, explanation=line.explanation)
        for r in results
        for line in scores[r.unit_id]
    )
    rerank(scheme)
    record(
        actor=actor, action=AuditAction.UPDATE, obj=scheme, note=_("计算考核结果"),
        changes={"month": [None, month], "units": [None, len(results)]},
    )  # fmt: skip
    return list(scheme.results.select_related("unit").order_by("rank", "unit__path"))


def _store(scheme, unit, month, lines, result, actor, now) -> Result:
    base = sum((line.points for line in lines), metrics.ZERO)
    if result is None:
        result = Result(scheme=scheme, unit=unit, adjustment_total=metrics.ZERO)
    else:
        result.version += 1
    result.month, result.base_total, result.computed_at, result.computed_by = month, base, now, actor
    result.total = base + result.adjustment_total
    result.save()
    return result


def _drop_former_members(actor, scheme, existing: dict[int, Result], member_ids: set[int]) -> None:
    """Units that left the group lose their unpublished result (and its adjustments) on recompute."""
    for unit_id in set(existing) - member_ids:
        result = existing.pop(unit_id)
        record(actor=actor, action=AuditAction.DELETE, obj=result, note=_("单位已不在排名组中"))
        result.adjustments.all().delete()
        result.objections.all().delete()
        result.delete()


def rerank(scheme: Scheme) -> None:
    """Ranks of all results of the scheme from their totals: 1, 2, 2, 4."""
    results = list(scheme.results.order_by("pk"))
    for result, rank in zip(results, metrics.result_ranks([r.total for r in results]), strict=True):
        result.rank = rank
    Result.objects.bulk_update(results, ["rank"])


def is_stale(scheme: Scheme, result: Result) -> bool:
    """Did an item or a bonus change after this result was computed?"""
    return scheme.items_changed_at is not None and result.computed_at < scheme.items_changed_at


# --- publishing --------------------------------------------------------------------------------


@transaction.atomic
def results_publish(
    *, actor: User, scheme: Scheme, objection_deadline: dt.date, expected_version: int | None = None
) -> Scheme:
    """Publish the results to the units, open the objection window, lock the scheme."""
    require_manager(actor, scheme.group)
    scheme = lock_current(scheme, expected_version)
    if scheme.status != SchemeStatus.PUBLISHED:
        raise ValidationError(_("方案须先发布（分值合计 100 分）才能公布考核结果。"))
    results = list(scheme.results.select_related("unit"))
    if not results:
        raise ValidationError(_("尚未计算考核结果。"))
    if any(is_stale(scheme, r) for r in results):
        raise ValidationError(_("计算后方案或加分有变动，请重新计算后再公布。"))
    if objection_deadline is None or objection_deadline < timezone.localdate():
        raise ValidationError({"objection_deadline": [_("申诉截止日不能早于今天。")]})
    now = timezone.now()
    scheme.results.update(published_at=now)
    scheme.objection_deadline = objection_deadline
    lock(actor, scheme)
    _notify_units(scheme, results)
    return scheme


def _notify_units(scheme: Scheme, results: list[Result]) -> None:
    people = User.objects.filter(
        unit__in=[r.unit_id for r in results], is_active=True, role_grants__role__in=[Role.UNIT_HEAD, Role.REPORTER]
    ).distinct()
    by_unit: dict[int, list[User]] = {}
    for person in people:
        by_unit.setdefault(person.unit_id, []).append(person)
    for result in results:
        notify(
            recipients=by_unit.get(result.unit_id, []), kind="assessment.published",
            title=_("%(s)s结果已公布") % {"s": scheme.name},
            body=_("本单位得分 %(t)s 分，排名第 %(r)s 名。如有异议，请于 %(d)s 前提出申诉。") % {
                "t": format(result.total.quantize(Decimal("0.01")), "f"), "r": result.rank,
                "d": scheme.objection_deadline.isoformat(),
            },
            url=reverse("assessment:result_detail", args=[result.pk]), obj=result,
            dedupe_key=f"assessment-published-{result.pk}",
        )  # fmt: skip


# --- objections --------------------------------------------------------------------------------


def can_object(user: User, result: Result, today: dt.date | None = None) -> bool:
    return objection_refusal(user, result, today) is None


def objection_refusal(user: User, result: Result, today: dt.date | None = None) -> str | None:
    """Why `user` may not object to `result` now (None: they may)."""
    if not policy.allows(user, "assessment.object") or user.unit_id != result.unit_id:
        return _("只有本单位的负责人或填报员可以申诉。")
    if result.published_at is None:
        return _("考核结果尚未公布。")
    deadline = result.scheme.objection_deadline
    if deadline is None or (today or timezone.localdate()) > deadline:
        return _("申诉期已过。")
    return None


@transaction.atomic
def objection_file(*, actor: User, result: Result, text: str, item: SchemeItem | None = None) -> Objection:
    policy.require(actor, "assessment.object")
    result = Result.objects.select_for_update().select_related("scheme", "unit").get(pk=result.pk)
    refusal = objection_refusal(actor, result)
    if refusal:
        if actor.unit_id != result.unit_id:
            raise PermissionDenied(refusal)
        raise ValidationError(refusal)
    if not (text or "").strip():
        raise ValidationError({"text": [_("请填写申诉理由。")]})
    if item is not None and item.scheme_id != result.scheme_id:
        raise ValidationError({"item": [_("该项目不属于本方案。")]})
    if result.objections.filter(status=ObjectionStatus.PENDING).exists():
        raise ValidationError(_("本单位已有一件申诉正在处理。"))
    objection = Objection(result=result, unit=result.unit, item=item, text=text.strip(), filed_by=actor)
    try:
        with transaction.atomic():
            objection.save()
    except IntegrityError:
        raise ValidationError(_("本单位已有一件申诉正在处理。")) from None
    record(
        actor=actor, action=AuditAction.CREATE, obj=objection, changes=created(snapshot(objection, OBJECTION_FIELDS))
    )
    scheme = result.scheme
    if scheme.published_by_id:
        notify(
            recipients=[scheme.published_by], kind="assessment.objection",
            title=_("%(u)s对%(s)s结果提出申诉") % {"u": result.unit, "s": scheme.name},
            body=objection.text[:200], url=reverse("assessment:result_detail", args=[result.pk]), obj=objection,
        )  # fmt: skip
    return objection


@transaction.atomic
def objection_decide(
    *, actor: User, objection: Objection, accept: bool, response: str, points: Decimal | None = None,
    item: SchemeItem | None = None, expected_version: int | None = None,
) -> Objection:  # fmt: skip
    """Accept or reject; an accepted objection may carry the adjustment it leads to."""
    require_manager(actor, objection.result.scheme.group)
    objection = lock_current(objection, expected_version)
    if objection.status != ObjectionStatus.PENDING:
        raise ValidationError(_("该申诉已处理。"))
    if not (response or "").strip():
        raise ValidationError({"response": [_("请填写处理意见。")]})
    if points is not None and not accept:
        raise ValidationError({"points": [_("不予采纳的申诉不调整分值。")]})
    before = objection.status
    objection.status = ObjectionStatus.ACCEPTED if accept else ObjectionStatus.REJECTED
    objection.response, objection.decided_by, objection.decided_at = response.strip(), actor, timezone.now()
    objection.version += 1
    objection.save()
    record(actor=actor, action=AuditAction.TRANSITION, obj=objection, changes={"status": [before, objection.status]})
    if points is not None:
        adjustment_add(
            actor=actor, result=objection.result, points=points, reason=objection.response,
            item=item or objection.item, objection=objection,
        )  # fmt: skip
    notify(
        recipients=[objection.filed_by], kind="assessment.objection_decided",
        title=_("申诉处理结果：%(s)s") % {"s": objection.get_status_display()}, body=objection.response[:200],
        url=reverse("assessment:result_detail", args=[objection.result_id]), obj=objection,
    )  # fmt: skip
    return objection


# --- adjustments -------------------------------------------------------------------------------


@transaction.atomic
def adjustment_add(
    *, actor: User, result: Result, points: Decimal, reason: str, item: SchemeItem | None = None,
    objection: Objection | None = None, expected_version: int | None = None,
) -> Adjustment:  # fmt: skip
    """Add `points` (negative to take) to a result, with the reason; the ranks follow."""
    require_manager(actor, result.scheme.group)
    result = lock_current(result, expected_version)
    errors: dict[str, list[str]] = {}
    if points is None or points == 0:
        errors["points"] = [_("调整分值不能为 0。")]
    if not (reason or "").strip():
        errors["reason"] = [_("请填写调整理由。")]
    if item is not None and item.scheme_id != result.scheme_id:
        errors["item"] = [_("该项目不属于本方案。")]
    if errors:
        raise ValidationError(errors)
    adjustment = Adjustment.objects.create(
        result=result, item=item, objection=objection, points=metrics.stored(points), reason=reason.strip(), by=actor
    )
    before = result.total
    result.adjustment_total += adjustment.points
    result.total = result.base_total + result.adjustment_total
    result.version += 1
    result.save(update_fields=["adjustment_total", "total", "version"])
    rerank(result.scheme)
    changes = {**created(snapshot(adjustment, ADJUSTMENT_FIELDS)), "total": [str(before), str(result.total)]}
    record(actor=actor, action=AuditAction.CREATE, obj=adjustment, changes=changes)
    return adjustment
