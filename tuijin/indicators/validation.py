"""Data checks on one figure: a tiny, safe expression language and the rules written in it.

A `ValidationRule` compares two expressions (DHIS2 style: left side, operator, right side)
over the names in `NAMES`. Expressions are parsed with Python's `ast` and only numbers, those
names, + - * /, unary minus, parentheses and abs/min/max are accepted: nothing is ever passed
to `eval`. A side that needs a missing figure (or divides by zero) makes the rule not apply.

The same `check_figure` runs next to the field while a reporter types (HTMX) and again on the
server when the form is submitted, so the two can never disagree.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tuijin.indicators.models import Kind, RuleSeverity, ValidationRule

NAMES = (
    "value", "last_year_value", "last_month_value", "month_increase", "avg_monthly_increase", "yoy", "target",
    "month",
)  # fmt: skip
FUNCTIONS = {"abs": abs, "min": min, "max": max}
_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
COMPARE = {
    ">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "==": operator.eq, "!=": operator.ne,
}  # fmt: skip
MAX_LENGTH = 200
HUNDRED = Decimal(100)


class NotApplicable(Exception):
    """The expression needs a figure that is missing (or divides by zero)."""


# --- the expression language --------------------------------------------------------------


def parse(expression: str) -> ast.Expression:
    """Parse and vet an expression; raise ValidationError naming what is not allowed."""
    if not expression or not expression.strip():
        raise ValidationError(_("表达式不能为空。"))
    if len(expression) > MAX_LENGTH:
        raise ValidationError(_("表达式过长（最多 %(n)d 个字符）。") % {"n": MAX_LENGTH})
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        raise ValidationError(_("表达式有语法错误：%(e)s") % {"e": expression}) from None
    _vet(tree.body)
    return tree


def _vet(node: ast.AST) -> None:
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return
    if isinstance(node, ast.Name):
        if node.id not in NAMES:
            raise ValidationError(
                _("未知的名称“%(name)s”；可用：%(names)s") % {"name": node.id, "names": ", ".join(NAMES)}
            )
        return
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return _vet(node.operand)
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        _vet(node.left)
        return _vet(node.right)
    if isinstance(node, ast.Call):
        if not (isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS and node.args and not node.keywords):
            raise ValidationError(_("只能调用 abs、min、max 函数。"))
        for arg in node.args:
            _vet(arg)
        return None
    raise ValidationError(_("表达式中不允许使用“%(what)s”。") % {"what": type(node).__name__})


def evaluate(expression: str | ast.Expression, figures: Mapping[str, Decimal | None]) -> Decimal:
    """The value of a vetted expression; raises NotApplicable where a figure is missing."""
    tree = parse(expression) if isinstance(expression, str) else expression
    return _eval(tree.body, figures)


def _eval(node: ast.AST, figures: Mapping[str, Decimal | None]) -> Decimal:
    if isinstance(node, ast.Constant):
        return Decimal(str(node.value))
    if isinstance(node, ast.Name):
        value = figures.get(node.id)
        if value is None:
            raise NotApplicable(node.id)
        return Decimal(value)
    if isinstance(node, ast.UnaryOp):
        operand = _eval(node.operand, figures)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp):
        left, right = _eval(node.left, figures), _eval(node.right, figures)
        try:
            return _BINARY[type(node.op)](left, right)
        except (ZeroDivisionError, InvalidOperation):
            raise NotApplicable("/0") from None
    if isinstance(node, ast.Call):
        return FUNCTIONS[node.func.id](*(_eval(arg, figures) for arg in node.args))
    raise NotApplicable(type(node).__name__)  # unreachable for vetted trees


def validate_rule(left: str, operator_: str, right: str) -> None:
    """Refuse a rule a supervisor is saving when either side is not a safe expression."""
    errors = {}
    for field, expression in (("left", left), ("right", right)):
        try:
            parse(expression)
        except ValidationError as exc:
            errors[field] = exc.messages
    if operator_ not in COMPARE:
        errors["operator"] = [_("未知的运算符。")]
    if errors:
        raise ValidationError(errors)


# --- the figures a rule sees -----------------------------------------------------------------


def figures_for(
    *,
    kind: str,
    month: int,
    value: Decimal | None,
    last_year_value: Decimal | None,
    previous_value: Decimal | None,
    prior_periods: int,
    target: Decimal | None,
) -> dict[str, Decimal | None]:
    """The named figures for one value.

    `previous_value` is this year's value at the indicator's previous due month (none in the
    first due month); `prior_periods` how many due months came before this one this year.
    For cumulative kinds the first due month's increase is the value itself (counted from 0).
    """
    cumulative = kind in (Kind.CUMULATIVE, Kind.COUNT)
    increase = avg = None
    if value is not None and previous_value is not None:
        increase = value - previous_value
    elif value is not None and cumulative and prior_periods == 0:
        increase = value
    if cumulative and previous_value is not None and prior_periods > 0:
        avg = previous_value / prior_periods
    yoy = None
    if value is not None and last_year_value is not None and last_year_value > 0:
        yoy = (value - last_year_value) / last_year_value * HUNDRED
    return {
        "value": value, "last_year_value": last_year_value, "last_month_value": previous_value,
        "month_increase": increase, "avg_monthly_increase": avg, "yoy": yoy, "target": target,
        "month": Decimal(month),
    }  # fmt: skip


# --- findings --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """What a check says about one value. A remark finding is settled once a remark is written."""

    code: str
    severity: str
    message: str
    explained: bool = False

    @property
    def blocks(self) -> bool:
        return self.severity == RuleSeverity.ERROR or not self.explained

    @property
    def text(self) -> str:
        if self.severity == RuleSeverity.REMARK and not self.explained:
            return _("%(message)s，请在“说明”中写明原因。") % {"message": self.message}
        return self.message


REQUIRED = "required"


def active_rules() -> list[ValidationRule]:
    return list(ValidationRule.objects.filter(is_active=True).order_by("sort_order", "code"))


def applies(rule: ValidationRule, indicator) -> bool:
    if rule.indicator_id is not None and rule.indicator_id != indicator.pk:
        return False
    return not rule.kinds or indicator.kind in rule.kinds


def check_figure(
    indicator, figures: Mapping[str, Decimal | None], remark: str, rules: Iterable[ValidationRule]
) -> list[Finding]:
    """Every finding on one value: a missing value, then each rule that applies and fails."""
    if figures.get("value") is None:
        return [Finding(REQUIRED, RuleSeverity.ERROR, _("请填写本期值。"))]
    findings = []
    for rule in rules:
        if applies(rule, indicator) and not holds(rule, figures):
            explained = rule.severity == RuleSeverity.REMARK and bool(remark.strip())
            findings.append(Finding(rule.code, rule.severity, rule.message, explained))
    return findings


def holds(rule: ValidationRule, figures: Mapping[str, Decimal | None]) -> bool:
    """Does the rule hold? A rule that cannot be evaluated on these figures holds vacuously."""
    try:
        left, right = evaluate(rule.left, figures), evaluate(rule.right, figures)
    except (NotApplicable, ValidationError):
        return True
    return COMPARE[rule.operator](left, right)
