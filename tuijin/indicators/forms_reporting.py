"""Input forms of monthly reporting: a correction request and a validation rule. They parse
input; the services decide (the rule's expressions are vetted by the service on save)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tuijin.core.forms import TablerMixin
from tuijin.indicators.models import VALUE_DIGITS, Indicator, Kind, RuleSeverity, ValidationRule


class BaseCorrectionForm(TablerMixin, forms.Form):
    """A correction request of any kind: a subclass declares the proposed figures; the reason
    comes after them (the shared template renders the fields in order)."""

    reason = forms.CharField(label=_("更正原因"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"] = self.fields.pop("reason")


class CorrectionForm(BaseCorrectionForm):
    proposed_value = forms.DecimalField(label=_("更正后的本期值"), **VALUE_DIGITS)
    proposed_last_year_value = forms.DecimalField(label=_("更正后的上年同期值"), required=False, **VALUE_DIGITS)


class RuleForm(TablerMixin, forms.Form):
    code = forms.CharField(label=_("编码"), max_length=32)
    name = forms.CharField(label=_("名称"), max_length=100)
    left = forms.CharField(label=_("左侧表达式"), max_length=200, help_text=_("例如 value、abs(yoy)"))
    operator = forms.ChoiceField(label=_("运算符"), choices=ValidationRule.Operator.choices)
    right = forms.CharField(
        label=_("右侧表达式"), max_length=200, help_text=_("例如 last_month_value、3 * avg_monthly_increase")
    )
    severity = forms.ChoiceField(label=_("级别"), choices=RuleSeverity.choices)
    message = forms.CharField(label=_("提示语"), max_length=200)
    kinds = forms.MultipleChoiceField(
        label=_("适用指标类型"), choices=Kind.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("不选表示所有类型"),
    )  # fmt: skip
    indicator = forms.ModelChoiceField(
        label=_("仅适用于指标"), queryset=Indicator.objects.filter(is_active=True), required=False
    )
    sort_order = forms.IntegerField(label=_("排序"), min_value=0, initial=100)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    @classmethod
    def initial_for(cls, rule: ValidationRule) -> dict:
        return {
            "code": rule.code, "name": rule.name, "left": rule.left, "operator": rule.operator, "right": rule.right,
            "severity": rule.severity, "message": rule.message, "kinds": rule.kinds, "indicator": rule.indicator_id,
            "sort_order": rule.sort_order, "is_active": rule.is_active,
        }  # fmt: skip
