"""Every write to a scheme: the scheme itself, its items, its versions, publishing, bonuses.

A scheme is managed by a supervisor (`assessment.manage`) whose scope holds every unit of the
scheme's ranking group. Items change only while the scheme is a draft; each change bumps the
scheme's version (optimistic locking for the editor) and marks computed results out of date.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.assessment.models import (
    DEDUCTION_RULES,
    INDICATOR_RULES,
    SCHEME_TRANSITIONS,
    Bonus,
    RuleKind,
    Scheme,
    SchemeItem,
    SchemeStatus,
)
from tuijin.audit.models import AuditAction
from tuijin.audit.services import created, deleted, diff, record, snapshot
from tuijin.core import uploads
from tuijin.core.concurrency import lock_current
from tuijin.indicators.services.catalogue import validate_year
from tuijin.orgs import policy
from tuijin.orgs.models import RankingGroup, Unit, User
from tuijin.supervision import conf as supervision_conf

SCHEME_FIELDS = ("year", "group", "name", "version_no", "status", "objection_deadline", "description")
SCHEME_EDITABLE = ("name", "description", "objection_deadline")
ITEM_FIELDS = ("order", "name", "kind", "indicator", "weight", "cap", "step", "amount", "description")
BONUS_FIELDS = ("item", "unit", "points", "reason", "evidence")
FULL_MARKS = Decimal(100)
# Which parameters each rule reads; the others are cleared so a stale value never lingers.
PARAMS = {
    RuleKind.COMPLETION: {"cap"},
    RuleKind.RANK: {"step"},
    RuleKind.PACE: set(),
    RuleKind.DEDUCTION_SHEETS: {"amount", "cap"},
    RuleKind.DEDUCTION_LISTED: {"amount", "cap"},
    RuleKind.BONUS: set(),
}


# --- policy ----------------------------------------------------------------------------------


def can_manage(user: User, group: RankingGroup) -> bool:
    """A supervisor whose scope holds every active unit of the group (a ranking compares them all)."""
    if not policy.allows(user, "assessment.manage"):
        return False
    if policy.sees_all(user):
        return True
    members = list(group.units.filter(is_active=True))
    return bool(members) and all(policy.in_scope(user, unit) for unit in members)


def require_manager(actor: User, group: RankingGroup) -> None:
    policy.require(actor, "assessment.manage")
    if not can_manage(actor, group):
        raise PermissionDenied(_("考核方案由管辖该排名组全部单位的督查员维护。"))


def _locked_scheme(actor: User, scheme: Scheme, expected_version: int | None) -> Scheme:
    require_manager(actor, scheme.group)
    return lock_current(scheme, expected_version)


def _bump(scheme: Scheme, *, items_changed: bool = False) -> None:
    scheme.version += 1
    fields = ["version", "updated_at"]
    if items_changed:
        scheme.items_changed_at = timezone.now()
        fields.append("items_changed_at")
    scheme.save(update_fields=fields)


def _require_draft(scheme: Scheme) -> None:
    if scheme.status != SchemeStatus.DRAFT:
        raise ValidationError(_("方案已发布，考核项目不能再修改；如需调整请新建版本。"))


def _transition(scheme: Scheme, to: str) -> None:
    if to not in SCHEME_TRANSITIONS[scheme.status]:
        raise ValidationError(
            _("方案当前状态为“%(s)s”，不能变更为“%(t)s”。")
            % {"s": scheme.get_status_display(), "t": SchemeStatus(to).label}
        )
    scheme.status = to


# --- schemes ---------------------------------------------------------------------------------


@transaction.atomic
def scheme_create(
    *, actor: User, year: int, group: RankingGroup, name: str, description: str = "", objection_deadline=None
) -> Scheme:
    require_manager(actor, group)
    validate_year(year)
    latest = Scheme.objects.filter(year=year, group=group).aggregate(n=Max("version_no"))["n"] or 0
    scheme = Scheme(
        year=year, group=group, name=name.strip(), description=description, version_no=latest + 1,
        objection_deadline=objection_deadline, created_by=actor,
    )  # fmt: skip
    scheme.full_clean()
    scheme.save()
    record(actor=actor, action=AuditAction.CREATE, obj=scheme, changes=created(snapshot(scheme, SCHEME_FIELDS)))
    return scheme


@transaction.atomic
def scheme_update(*, actor: User, scheme: Scheme, expected_version: int | None = None, **fields) -> Scheme:
    """Name, description and objection deadline; never once the scheme is locked."""
    scheme = _locked_scheme(actor, scheme, expected_version)
    if scheme.is_locked:
        raise ValidationError(_("方案已锁定，不能修改。"))
    before = snapshot(scheme, SCHEME_FIELDS)
    for name, value in fields.items():
        if name not in SCHEME_EDITABLE:
            raise TypeError(f"scheme_update() does not set {name!r}")
        setattr(scheme, name, value.strip() if isinstance(value, str) else value)
    scheme.full_clean()
    scheme.version += 1
    scheme.save()
    record(actor=actor, action=AuditAction.UPDATE, obj=scheme, changes=diff(before, snapshot(scheme, SCHEME_FIELDS)))
    return scheme


@transaction.atomic
def scheme_new_version(*, actor: User, scheme: Scheme) -> Scheme:
    """A new draft version of the scheme: the items and their bonus entries are copied."""
    require_manager(actor, scheme.group)
    source = Scheme.objects.select_for_update().get(pk=scheme.pk)
    latest = Scheme.objects.filter(year=source.year, group=source.group).aggregate(n=Max("version_no"))["n"]
    copy = Scheme.objects.create(
        year=source.year, group=source.group, name=source.name, description=source.description,
        version_no=latest + 1, previous=source, created_by=actor,
    )  # fmt: skip
    for item in source.items.prefetch_related("bonuses"):
        bonuses = list(item.bonuses.all())
        item.pk, item.scheme = None, copy
        item.save()
        for bonus in bonuses:
            bonus.pk, bonus.item = None, item
        Bonus.objects.bulk_create(bonuses)
    changes = created(snapshot(copy, SCHEME_FIELDS))
    record(actor=actor, action=AuditAction.CREATE, obj=copy, changes=changes, note=_("由 %(s)s 复制") % {"s": source})
    return copy


def weight_sum(scheme: Scheme) -> Decimal:
    return scheme.items.aggregate(s=Sum("weight"))["s"] or Decimal(0)


@transaction.atomic
def scheme_publish(*, actor: User, scheme: Scheme, expected_version: int | None = None) -> Scheme:
    """Freeze the items: the weights must sum to exactly 100 and every item be complete."""
    scheme = _locked_scheme(actor, scheme, expected_version)
    _transition(scheme, SchemeStatus.PUBLISHED)
    items = list(scheme.items.select_related("indicator"))
    if not items:
        raise ValidationError(_("方案还没有考核项目。"))
    total = sum((i.weight for i in items), Decimal(0))
    if total != FULL_MARKS:
        raise ValidationError(_("各项分值合计须为 100 分，当前为 %(t)s 分。") % {"t": _points(total)})
    for item in items:
        _validate_item(scheme, item)
    scheme.published_at, scheme.published_by = timezone.now(), actor
    scheme.version += 1
    scheme.save()
    record(
        actor=actor, action=AuditAction.TRANSITION, obj=scheme,
        changes={"status": [SchemeStatus.DRAFT, SchemeStatus.PUBLISHED]},
    )  # fmt: skip
    return scheme


def lock(actor: User, scheme: Scheme) -> None:
    """Lock a published scheme (inside the caller's transaction, the row already locked)."""
    _transition(scheme, SchemeStatus.LOCKED)
    scheme.locked_at = timezone.now()
    scheme.version += 1
    scheme.save()
    record(
        actor=actor, action=AuditAction.TRANSITION, obj=scheme,
        changes={"status": [SchemeStatus.PUBLISHED, SchemeStatus.LOCKED]},
    )  # fmt: skip


@transaction.atomic
def scheme_lock(*, actor: User, scheme: Scheme, expected_version: int | None = None) -> Scheme:
    scheme = _locked_scheme(actor, scheme, expected_version)
    lock(actor, scheme)
    return scheme


def _points(value: Decimal) -> str:
    return format(value.normalize(), "f")


# --- items -----------------------------------------------------------------------------------


def _validate_item(scheme: Scheme, item: SchemeItem) -> None:
    """Rule-specific checks, in Chinese, per field. Clears the parameters the rule does not read."""
    errors: dict[str, list[str]] = {}
    for name in ("cap", "step", "amount"):
        if name not in PARAMS.get(item.kind, set()):
            setattr(item, name, None)
    if item.kind in INDICATOR_RULES:
        if item.indicator is None:
            errors["indicator"] = [_("该计分规则须选择指标。")]
        elif not item.indicator.ranking_groups.filter(pk=scheme.group_id).exists():
            errors["indicator"] = [_("该指标不由本排名组填报。")]
    else:
        item.indicator = None
    if item.weight is not None:
        if item.weight < 0:
            errors["weight"] = [_("分值不能为负数。")]
        elif item.weight == 0 and item.kind not in DEDUCTION_RULES:
            errors["weight"] = [_("分值须大于 0（只有扣分项可以为 0 分）。")]
    if item.kind == RuleKind.COMPLETION and item.cap is not None and item.cap <= 0:
        errors["cap"] = [_("完成率封顶须大于 0，如 1.2 表示 120%。")]
    if item.kind == RuleKind.RANK and item.step is not None and item.step < 0:
        errors["step"] = [_("每名次递减分值不能为负数。")]
    if item.kind in DEDUCTION_RULES:
        if item.amount is None or item.amount <= 0:
            errors["amount"] = [_("扣分项须填写每件扣分（大于 0）。")]
        if item.cap is None or item.cap <= 0:
            errors["cap"] = [_("扣分项须填写最多扣分（大于 0）。")]
    if errors:
        raise ValidationError(errors)
    item.full_clean(exclude=["scheme"])


def _apply(item: SchemeItem, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if name not in ITEM_FIELDS:
            raise TypeError(f"scheme item does not have {name!r}")
        setattr(item, name, value.strip() if isinstance(value, str) else value)


@transaction.atomic
def item_create(*, actor: User, scheme: Scheme, expected_version: int | None = None, **fields) -> SchemeItem:
    scheme = _locked_scheme(actor, scheme, expected_version)
    _require_draft(scheme)
    item = SchemeItem(scheme=scheme)
    _apply(item, fields)
    _validate_item(scheme, item)
    item.save()
    _bump(scheme, items_changed=True)
    record(actor=actor, action=AuditAction.CREATE, obj=item, changes=created(snapshot(item, ITEM_FIELDS)))
    return item


@transaction.atomic
def item_update(*, actor: User, item: SchemeItem, expected_version: int | None = None, **fields) -> SchemeItem:
    """`expected_version` is the scheme's (the editor shows the scheme as a whole)."""
    scheme = _locked_scheme(actor, item.scheme, expected_version)
    _require_draft(scheme)
    item = SchemeItem.objects.select_for_update().get(pk=item.pk, scheme=scheme)
    before = snapshot(item, ITEM_FIELDS)
    _apply(item, fields)
    _validate_item(scheme, item)
    item.save()
    _bump(scheme, items_changed=True)
    record(actor=actor, action=AuditAction.UPDATE, obj=item, changes=diff(before, snapshot(item, ITEM_FIELDS)))
    return item


@transaction.atomic
def item_delete(*, actor: User, item: SchemeItem, expected_version: int | None = None) -> None:
    scheme = _locked_scheme(actor, item.scheme, expected_version)
    _require_draft(scheme)
    _delete_item(actor, item)
    _bump(scheme, items_changed=True)


def _delete_item(actor: User, item: SchemeItem) -> None:
    if item.bonuses.exists():
        raise ValidationError(_("“%(n)s”已有加分记录，不能删除。") % {"n": item.name})
    before = snapshot(item, ITEM_FIELDS)
    record(actor=actor, action=AuditAction.DELETE, obj=item, changes=deleted(before))
    item.delete()


@dataclass
class ItemRow:
    """One row of the scheme editor: `pk` None for a new item; `delete` removes an existing one."""

    fields: dict[str, Any] = field(default_factory=dict)
    pk: int | None = None
    delete: bool = False


@transaction.atomic
def items_save(*, actor: User, scheme: Scheme, rows: Sequence[ItemRow], expected_version: int | None) -> Scheme:
    """The editor's save: every row or none. Errors are keyed "<row index>.<field>"."""
    scheme = _locked_scheme(actor, scheme, expected_version)
    _require_draft(scheme)
    existing = {i.pk: i for i in scheme.items.select_for_update(of=("self",)).select_related("indicator")}
    errors: dict[str, list[str]] = {}
    changed = False
    for index, row in enumerate(rows):
        try:
            changed |= _save_row(actor, scheme, existing, row)
        except ValidationError as exc:
            for name, messages in _as_dict(exc).items():
                errors[f"{index}.{name}"] = messages
    if errors:
        transaction.set_rollback(True)
        raise ValidationError(errors)
    if changed:
        _bump(scheme, items_changed=True)
    return scheme


def _save_row(actor: User, scheme: Scheme, existing: dict[int, SchemeItem], row: ItemRow) -> bool:
    if row.pk is not None and row.pk not in existing:
        raise ValidationError(_("该考核项目已被他人删除，请刷新页面。"))
    if row.delete:
        if row.pk is None:
            return False
        _delete_item(actor, existing[row.pk])
        return True
    item = existing[row.pk] if row.pk is not None else SchemeItem(scheme=scheme)
    before = snapshot(item, ITEM_FIELDS) if row.pk is not None else None
    _apply(item, row.fields)
    _validate_item(scheme, item)
    after = snapshot(item, ITEM_FIELDS)
    if before == after:
        return False
    item.save()
    action, changes = (
        (AuditAction.CREATE, created(after)) if before is None else (AuditAction.UPDATE, diff(before, after))
    )
    record(actor=actor, action=action, obj=item, changes=changes)
    return True


def _as_dict(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


# --- bonuses ---------------------------------------------------------------------------------


@transaction.atomic
def bonus_add(
    *, actor: User, item: SchemeItem, unit: Unit, points: Decimal, reason: str, evidence: str, attachment=None
) -> Bonus:
    """A bonus under a bonus item, with its reason and evidence (both required)."""
    scheme = _locked_scheme(actor, item.scheme, None)
    if scheme.is_locked:
        raise ValidationError(_("方案已锁定，不能再加分。"))
    errors: dict[str, list[str]] = {}
    if item.kind != RuleKind.BONUS:
        errors["item"] = [_("只能在加分项下加分。")]
    if not scheme.group.units.filter(pk=unit.pk).exists():
        errors["unit"] = [_("该单位不在本方案的排名组中。")]
    if points is None or points <= 0:
        errors["points"] = [_("加分须大于 0。")]
    if not (reason or "").strip():
        errors["reason"] = [_("请填写加分事由。")]
    if not (evidence or "").strip():
        errors["evidence"] = [_("请填写佐证材料。")]
    checked = None
    if attachment is not None:
        try:
            checked = _checked_attachment(attachment)
        except ValidationError as exc:
            errors["attachment"] = exc.messages
    if errors:
        raise ValidationError(errors)
    bonus = Bonus(item=item, unit=unit, points=points, reason=reason.strip(), evidence=evidence.strip(),
                  entered_by=actor)  # fmt: skip
    bonus.full_clean(exclude=["attachment"])
    if checked is not None:
        data, kind = checked
        # The uploader's name is not kept: a generated one with the extension the content proved.
        bonus.attachment.save(f"{uuid.uuid4().hex}.{kind.extension}", ContentFile(data), save=False)
    try:
        bonus.save()
    except Exception:
        if bonus.attachment:
            bonus.attachment.storage.delete(bonus.attachment.name)
        raise
    _bump(scheme, items_changed=True)
    record(actor=actor, action=AuditAction.CREATE, obj=bonus, changes=created(_bonus_snapshot(bonus)))
    return bonus


BONUS_ATTACHMENT_KINDS = (uploads.PDF, uploads.DOCX, uploads.XLSX, uploads.JPEG, uploads.PNG)


def _attachment_max_bytes() -> int:
    return supervision_conf.ATTACHMENT_MAX_BYTES


def _not_accepted() -> ValidationError:
    return ValidationError(_("附件须为 PDF、Word（.docx）、Excel（.xlsx）或 JPEG/PNG 图片。"), code="attachment_type")


def _too_big() -> ValidationError:
    mb = _attachment_max_bytes() / (1024 * 1024)
    return ValidationError(_("附件不能超过 %(mb)s MB。") % {"mb": f"{mb:g}"}, code="attachment_size")


def _checked_attachment(upload) -> tuple[bytes, uploads.FileKind]:
    """The evidence file's bytes and the kind its content proves (read within the size limit)."""
    data = uploads.read_upload(upload, _attachment_max_bytes(), _too_big)
    if not data:
        raise _not_accepted()
    return data, uploads.inspect(data, accept=BONUS_ATTACHMENT_KINDS, refuse=_not_accepted)


def _bonus_snapshot(bonus: Bonus) -> dict:
    return {**snapshot(bonus, BONUS_FIELDS), "attachment": bonus.attachment.name or ""}


@transaction.atomic
def bonus_delete(*, actor: User, bonus: Bonus) -> None:
    scheme = _locked_scheme(actor, bonus.item.scheme, None)
    if scheme.is_locked:
        raise ValidationError(_("方案已锁定，加分记录不能删除。"))
    record(actor=actor, action=AuditAction.DELETE, obj=bonus, changes=deleted(_bonus_snapshot(bonus)))
    bonus.delete()
    _bump(scheme, items_changed=True)


def members(scheme: Scheme) -> list[Unit]:
    """The units a scheme scores: the group's active members, in tree order."""
    return list(scheme.group.units.filter(is_active=True).order_by("path"))
