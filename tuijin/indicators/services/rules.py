"""Validation rules a city-level supervisor adds to the built-in ones (DHIS2-style checks).

Expressions are vetted by `validation.validate_rule` when saved, so a rule that could not be
evaluated safely never reaches the form.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tuijin.audit.models import AuditAction
from tuijin.audit.services import created, diff, record, snapshot
from tuijin.indicators import validation
from tuijin.indicators.models import Kind, ValidationRule
from tuijin.orgs import policy
from tuijin.orgs.models import User

RULE_FIELDS = (
    "code", "name", "left", "operator", "right", "severity", "message", "kinds", "indicator", "is_active", "sort_order",
)  # fmt: skip


def _require_manager(actor: User) -> None:
    policy.require(actor, "indicator.manage")
    if not policy.sees_all(actor):
        raise PermissionDenied(_("校验规则由市级督查员维护。"))


def _validate(rule: ValidationRule) -> None:
    validation.validate_rule(rule.left, rule.operator, rule.right)
    unknown = set(rule.kinds or []) - set(Kind.values)
    if unknown:
        raise ValidationError({"kinds": [_("未知的指标类型：%(k)s") % {"k": ", ".join(sorted(unknown))}]})
    rule.full_clean()


@transaction.atomic
def rule_create(*, actor: User, **fields) -> ValidationRule:
    _require_manager(actor)
    unknown = set(fields) - set(RULE_FIELDS)
    if unknown:
        raise TypeError(f"rule_create() does not set {sorted(unknown)}")
    rule = ValidationRule(**fields)
    _validate(rule)
    rule.save()
    record(actor=actor, action=AuditAction.CREATE, obj=rule, changes=created(snapshot(rule, RULE_FIELDS)))
    return rule


@transaction.atomic
def rule_update(*, actor: User, rule: ValidationRule, **fields) -> ValidationRule:
    """Change a rule (deactivate it with is_active=False: rules are kept, not deleted)."""
    _require_manager(actor)
    rule = ValidationRule.objects.select_for_update().get(pk=rule.pk)
    before = snapshot(rule, RULE_FIELDS)
    for name, value in fields.items():
        if name not in RULE_FIELDS:
            raise TypeError(f"rule_update() does not set {name!r}")
        setattr(rule, name, value)
    _validate(rule)
    rule.save()
    record(actor=actor, action=AuditAction.UPDATE, obj=rule, changes=diff(before, snapshot(rule, RULE_FIELDS)))
    return rule
