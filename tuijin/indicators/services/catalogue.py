"""Every write to the indicator catalogue: key works, indicators, annual targets, the reporting calendar.

Catalogue changes (key works, indicators, the calendar) belong to a city-level supervisor
(`indicator.manage` and `policy.sees_all`); targets to any supervisor, for the units in their
scope. Each function checks the policy, validates, writes and records its audit event in one
transaction. The value parsers here are shared with the bulk import (`services.imports`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tuijin.audit.models import AuditAction
from tuijin.audit.services import created, deleted, diff, record, snapshot
from tuijin.core.concurrency import StaleEditError, lock_current
from tuijin.indicators.models import Indicator, KeyWork, Kind, ProjectFigure, ReportingRule, Target
from tuijin.orgs import policy
from tuijin.orgs.models import RankingGroup, Unit, User

KEYWORK_FIELDS = ("code", "name", "sort_order")
INDICATOR_FIELDS = (
    "code", "name", "measure", "kind", "direction", "frequency", "decimals", "rank_key", "time_progress_mode",
    "key_work", "fed_by_projects", "project_figure", "is_active", "sort_order", "description",
)  # fmt: skip
# Changing these once figures exist would change what the stored figures mean.
MEANING_FIELDS = ("kind", "frequency")
MAX_DECIMALS = 4
# Values beyond this are a typing or unit error (亿元 entered as 元), not a figure.
MAX_ABS_VALUE = Decimal("1e15")
MIN_YEAR, MAX_YEAR = 2000, 2100


# --- values shared with the bulk import ---------------------------------------------------


def parse_decimal(raw: Any) -> Decimal:
    """A figure from a form, a JSON body or a spreadsheet cell; raises ValidationError in Chinese.

    Called once per imported cell (hundreds of thousands of times): numbers take a short path.
    """
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise ValidationError(_("数值无效。"))
        value = Decimal(repr(raw))  # the shortest text that round-trips: 0.1 stays 0.1
    elif isinstance(raw, int) and not isinstance(raw, bool):
        value = Decimal(raw)
    else:
        value = _decimal_from_text(raw)
    if abs(value) >= MAX_ABS_VALUE:
        raise ValidationError(_("数值过大，请检查计量单位。"))
    exponent = value.as_tuple().exponent
    if exponent < -MAX_DECIMALS and -value.normalize().as_tuple().exponent > MAX_DECIMALS:
        raise ValidationError(_("最多保留 %(n)d 位小数。") % {"n": MAX_DECIMALS})
    # 1E+3 → 1000: plain digits, so the text stored in JSON reads as typed.
    return value.quantize(Decimal(1)) if exponent > 0 else value


def _decimal_from_text(raw: Any) -> Decimal:
    if isinstance(raw, bool) or raw is None:
        raise ValidationError(_("请填写数值。"))
    text = str(raw).strip().replace(",", "").replace("，", "")
    if not text:
        raise ValidationError(_("请填写数值。"))
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationError(_("“%(v)s”不是有效的数字。") % {"v": str(raw)[:30]}) from None
    if not value.is_finite():
        raise ValidationError(_("数值无效。"))
    return value


def parse_int(raw: Any, label: str) -> int:
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    try:
        return int(str(raw).strip())
    except (TypeError, ValueError):
        raise ValidationError(_("%(label)s须为整数。") % {"label": label}) from None


def validate_year(year: int) -> None:
    if not (MIN_YEAR <= year <= MAX_YEAR):
        raise ValidationError(_("年度须在 %(a)d 到 %(b)d 之间。") % {"a": MIN_YEAR, "b": MAX_YEAR})


def validate_target_value(indicator: Indicator, value: Decimal) -> None:
    # Completion divides by the target: a summing indicator's target must be positive.
    if indicator.sums and value <= 0:
        raise ValidationError(_("累计类指标的年度目标须大于 0。"))


def clean_milestones(indicator: Indicator, raw: Mapping | None) -> dict[str, str]:
    """{"6": "60"}: by the end of month 6, 60% of the annual target; months 1–11, rising."""
    if not raw:
        return {}
    if not indicator.sums:
        raise ValidationError(_("只有累计类指标可以设置节点目标。"))
    cleaned: dict[int, Decimal] = {}
    for month_raw, pct_raw in raw.items():
        month = parse_int(month_raw, _("节点月份"))
        if not (1 <= month <= 11):
            raise ValidationError(_("节点月份须在 1 到 11 之间（12 月即年度目标）。"))
        pct = parse_decimal(pct_raw)
        if not (0 < pct <= 100):
            raise ValidationError(_("节点目标须为 0 到 100 之间的百分比。"))
        cleaned[month] = pct
    months = sorted(cleaned)
    if any(cleaned[a] > cleaned[b] for a, b in itertools.pairwise(months)):
        raise ValidationError(_("节点目标须随月份递增。"))
    return {str(m): format(cleaned[m].normalize(), "f") for m in months}  # 55.0 → "55", 100 → "100"


def reporting_pairs(unit_ids: Iterable[int], indicator_ids: Iterable[int]) -> set[tuple[int, int]]:
    """(unit id, indicator id) pairs where the unit belongs to a ranking group that reports the indicator."""
    groups_of_unit: dict[int, set[int]] = {}
    for unit_id, group_id in RankingGroup.units.through.objects.filter(unit_id__in=list(unit_ids)).values_list(
        "unit_id", "rankinggroup_id"
    ):
        groups_of_unit.setdefault(unit_id, set()).add(group_id)
    groups_of_indicator: dict[int, set[int]] = {}
    for ind_id, group_id in Indicator.ranking_groups.through.objects.filter(
        indicator_id__in=list(indicator_ids)
    ).values_list("indicator_id", "rankinggroup_id"):
        groups_of_indicator.setdefault(ind_id, set()).add(group_id)
    return {
        (u, i) for u, ug in groups_of_unit.items() for i, ig in groups_of_indicator.items() if ug & ig
    }  # fmt: skip


# --- policy --------------------------------------------------------------------------------


def require_catalogue_manager(actor: User) -> None:
    """The catalogue is the city's: a county's supervisor sets targets but not indicators."""
    policy.require(actor, "indicator.manage")
    if not policy.sees_all(actor):
        raise PermissionDenied(_("指标体系由市级督查员维护。"))


# --- key works -----------------------------------------------------------------------------


@transaction.atomic
def keywork_create(*, actor: User, code: str, name: str, sort_order: int = 0) -> KeyWork:
    require_catalogue_manager(actor)
    key_work = KeyWork(code=code, name=name, sort_order=sort_order)
    key_work.full_clean()
    key_work.save()
    record(actor=actor, action=AuditAction.CREATE, obj=key_work, changes=created(snapshot(key_work, KEYWORK_FIELDS)))
    return key_work


@transaction.atomic
def keywork_update(*, actor: User, key_work: KeyWork, **fields) -> KeyWork:
    require_catalogue_manager(actor)
    key_work = KeyWork.objects.select_for_update().get(pk=key_work.pk)
    before = snapshot(key_work, KEYWORK_FIELDS)
    for name, value in fields.items():
        if name not in KEYWORK_FIELDS:
            raise TypeError(f"keywork_update() does not set {name!r}")
        setattr(key_work, name, value)
    key_work.full_clean()
    key_work.save()
    record(
        actor=actor, action=AuditAction.UPDATE, obj=key_work, changes=diff(before, snapshot(key_work, KEYWORK_FIELDS))
    )
    return key_work


# --- indicators ----------------------------------------------------------------------------


def _indicator_snapshot(indicator: Indicator) -> dict:
    values = snapshot(indicator, INDICATOR_FIELDS)
    values["ranking_groups"] = sorted(indicator.ranking_groups.values_list("code", flat=True)) if indicator.pk else []
    return values


def _validate_indicator(indicator: Indicator) -> None:
    if indicator.decimals > MAX_DECIMALS:
        raise ValidationError({"decimals": _("小数位数须在 0 到 %(n)d 之间。") % {"n": MAX_DECIMALS}})
    if indicator.fed_by_projects and indicator.project_figure == ProjectFigure.STARTED and indicator.kind != Kind.COUNT:
        raise ValidationError({"project_figure": _("新开工项目个数只能汇总到“累计个数”类指标。")})
    indicator.full_clean()


@transaction.atomic
def indicator_create(*, actor: User, ranking_groups: Iterable[RankingGroup] = (), **fields) -> Indicator:
    """Create an indicator from INDICATOR_FIELDS (code, name, measure, kind, key_work, …)."""
    require_catalogue_manager(actor)
    unknown = set(fields) - set(INDICATOR_FIELDS)
    if unknown:
        raise TypeError(f"indicator_create() does not set {sorted(unknown)}")
    indicator = Indicator(**fields)
    _validate_indicator(indicator)
    indicator.save()
    indicator.ranking_groups.set(ranking_groups)
    record(actor=actor, action=AuditAction.CREATE, obj=indicator, changes=created(_indicator_snapshot(indicator)))
    return indicator


@transaction.atomic
def indicator_update(
    *,
    actor: User,
    indicator: Indicator,
    expected_version: int | None,
    ranking_groups: Iterable[RankingGroup] | None = None,
    **fields,
) -> Indicator:
    require_catalogue_manager(actor)
    indicator = lock_current(indicator, expected_version)
    before = _indicator_snapshot(indicator)
    for name, value in fields.items():
        if name not in INDICATOR_FIELDS:
            raise TypeError(f"indicator_update() does not set {name!r}")
        setattr(indicator, name, value)
    changed_meaning = [f for f in MEANING_FIELDS if getattr(indicator, f) != before[f]]
    if changed_meaning and indicator.reports.exists():
        raise ValidationError(
            {changed_meaning[0]: _("该指标已有填报数据，不能修改类型或频度；如口径变化，请停用后新建指标。")}
        )
    _validate_indicator(indicator)
    indicator.version += 1
    indicator.save()
    if ranking_groups is not None:
        indicator.ranking_groups.set(ranking_groups)
    changes = diff(before, _indicator_snapshot(indicator))
    record(actor=actor, action=AuditAction.UPDATE, obj=indicator, changes=changes)
    return indicator


def indicator_deactivate(*, actor: User, indicator: Indicator, expected_version: int | None = None) -> Indicator:
    """Stop asking for an indicator; its figures and targets stay for history."""
    return indicator_update(actor=actor, indicator=indicator, expected_version=expected_version, is_active=False)


# --- targets -------------------------------------------------------------------------------

TARGET_AUDIT_FIELDS = ("unit", "indicator", "year", "value", "milestones")


def _require_target_manager(actor: User, units: Iterable[Unit]) -> None:
    policy.require(actor, "target.manage")
    if any(not policy.in_scope(actor, unit) for unit in units):
        raise PermissionDenied(_("您只能设置本单位及下级单位的目标。"))


def _check_target_pair(unit: Unit, indicator: Indicator) -> None:
    if not indicator.is_active:
        raise ValidationError(_("指标“%(name)s”已停用。") % {"name": indicator.name})
    if (unit.pk, indicator.pk) not in reporting_pairs([unit.pk], [indicator.pk]):
        raise ValidationError(_("%(unit)s 不在填报“%(ind)s”的排名组中。") % {"unit": unit.name, "ind": indicator.name})


@transaction.atomic
def target_set(
    *,
    actor: User,
    unit: Unit,
    indicator: Indicator,
    year: int,
    value: Any,
    milestones: Mapping | None = None,
    expected_version: int | None = None,
) -> Target:
    """Create or change one annual target; `milestones=None` keeps the existing ones."""
    _require_target_manager(actor, [unit])
    validate_year(year)
    _check_target_pair(unit, indicator)
    amount = parse_decimal(value)
    validate_target_value(indicator, amount)
    current = Target.objects.filter(unit=unit, indicator=indicator, year=year).first()
    if current is None:
        target = Target(unit=unit, indicator=indicator, year=year, value=amount, updated_by=actor)
        target.milestones = clean_milestones(indicator, milestones)
        target.full_clean()
        target.save()
        record(
            actor=actor, action=AuditAction.CREATE, obj=target, changes=created(snapshot(target, TARGET_AUDIT_FIELDS))
        )
        return target
    target = lock_current(current, expected_version)
    before = snapshot(target, TARGET_AUDIT_FIELDS)
    target.value = amount
    if milestones is not None:
        target.milestones = clean_milestones(indicator, milestones)
    changes = diff(before, snapshot(target, TARGET_AUDIT_FIELDS))
    if changes:
        target.version += 1
        target.updated_by = actor
        target.save()
        record(actor=actor, action=AuditAction.UPDATE, obj=target, changes=changes)
    return target


@dataclass(frozen=True)
class TargetCell:
    """One cell of the targets grid. `value=None` clears the cell (deletes an existing target);
    `milestones=None` keeps the existing milestones; `version` is what the page was built from."""

    unit: Unit
    indicator: Indicator
    value: Any
    milestones: Mapping | None = None
    version: int | None = None

    @property
    def key(self) -> str:
        return f"{self.unit.code}:{self.indicator.code}"


@dataclass(frozen=True)
class GridResult:
    created: int
    updated: int
    deleted: int
    unchanged: int


@transaction.atomic
def targets_grid_save(*, actor: User, year: int, cells: Sequence[TargetCell]) -> GridResult:
    """Save a units × indicators grid at once: every cell valid and current, or nothing saved.

    Raises ValidationError whose error_dict maps "UNIT:INDICATOR" to its messages; a cell
    changed by someone else since the page was built (stale `version`) is such an error.
    """
    _require_target_manager(actor, {c.unit for c in cells})
    validate_year(year)
    pairs = reporting_pairs({c.unit.pk for c in cells}, {c.indicator.pk for c in cells})
    current = {
        (t.unit_id, t.indicator_id): t
        for t in Target.objects.select_for_update()
        .filter(year=year, unit__in={c.unit for c in cells}, indicator__in={c.indicator for c in cells})
        .order_by("pk")
    }
    errors: dict[str, list[str]] = {}
    plans = []
    for cell in cells:
        try:
            plans.append(_plan_cell(cell, current.get((cell.unit.pk, cell.indicator.pk)), pairs))
        except ValidationError as exc:
            errors[cell.key] = exc.messages
    if errors:
        raise ValidationError(errors)
    counts = {"created": 0, "updated": 0, "deleted": 0, "unchanged": 0}
    for cell, target, action in plans:
        counts[_apply_cell(actor, year, cell, target, action)] += 1
    return GridResult(**counts)


def _plan_cell(cell: TargetCell, target: Target | None, pairs) -> tuple[TargetCell, Target | None, str]:
    if target is not None and cell.version is not None and target.version != int(cell.version):
        raise StaleEditError()
    empty = cell.value is None or (isinstance(cell.value, str) and not cell.value.strip())
    if empty:
        return cell, target, "deleted" if target is not None else "unchanged"
    if (cell.unit.pk, cell.indicator.pk) not in pairs:
        raise ValidationError(_("该单位不填报此指标。"))
    value = parse_decimal(cell.value)
    validate_target_value(cell.indicator, value)
    milestones = None if cell.milestones is None else clean_milestones(cell.indicator, cell.milestones)
    if target is None:
        return cell, Target(value=value, milestones=milestones or {}), "created"
    if target.value == value and (milestones is None or milestones == target.milestones):
        return cell, target, "unchanged"
    return (
        cell,
        Target(pk=target.pk, value=value, milestones=target.milestones if milestones is None else milestones),
        "updated",
    )


def _apply_cell(actor: User, year: int, cell: TargetCell, plan: Target | None, action: str) -> str:
    if action == "created":
        target = Target.objects.create(
            unit=cell.unit, indicator=cell.indicator, year=year, value=plan.value, milestones=plan.milestones,
            updated_by=actor,
        )  # fmt: skip
        record(
            actor=actor, action=AuditAction.CREATE, obj=target, changes=created(snapshot(target, TARGET_AUDIT_FIELDS))
        )
    elif action == "deleted":
        record(actor=actor, action=AuditAction.DELETE, obj=plan, changes=deleted(snapshot(plan, TARGET_AUDIT_FIELDS)))
        plan.delete()
    elif action == "updated":
        target = Target.objects.get(pk=plan.pk)
        before = snapshot(target, TARGET_AUDIT_FIELDS)
        target.value, target.milestones = plan.value, plan.milestones
        target.version += 1
        target.updated_by = actor
        target.save()
        record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=target,
            changes=diff(before, snapshot(target, TARGET_AUDIT_FIELDS)),
        )
    return action


# --- reporting calendar --------------------------------------------------------------------


@transaction.atomic
def reporting_rule_set(*, actor: User, year: int, deadline_day: int) -> ReportingRule:
    """Period M of `year` is due by `deadline_day` of month M+1 and locks the day after."""
    require_catalogue_manager(actor)
    validate_year(year)
    if not (1 <= deadline_day <= 28):
        raise ValidationError({"deadline_day": _("截止日须在 1 到 28 之间（每个月都有的日子）。")})
    rule = ReportingRule.objects.select_for_update().filter(year=year).first()
    if rule is None:
        rule = ReportingRule.objects.create(year=year, deadline_day=deadline_day)
        record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=rule,
            changes=created({"year": year, "deadline_day": deadline_day}),
        )
    elif rule.deadline_day != deadline_day:
        before = rule.deadline_day
        rule.deadline_day = deadline_day
        rule.save()
        record(actor=actor, action=AuditAction.UPDATE, obj=rule, changes={"deadline_day": [before, deadline_day]})
    return rule


@transaction.atomic
def target_delete(*, actor: User, target: Target, expected_version: int | None = None) -> None:
    _require_target_manager(actor, [target.unit])
    target = lock_current(target, expected_version)
    record(actor=actor, action=AuditAction.DELETE, obj=target, changes=deleted(snapshot(target, TARGET_AUDIT_FIELDS)))
    target.delete()
