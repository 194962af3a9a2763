"""Forms of the assessment pages (parsing only; every rule lives in the services)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuijin.assessment.models import RuleKind, SchemeItem
from tuijin.core import text
from tuijin.core.forms import TablerMixin
from tuijin.indicators.models import Indicator
from tuijin.indicators.services.catalogue import parse_decimal
from tuijin.orgs.models import RankingGroup, Unit

POINTS = {"max_digits": 10, "decimal_places": 4}


def this_year() -> int:
    return timezone.localdate().year


class SchemeForm(TablerMixin, forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    group = forms.ModelChoiceField(label=_("排名组"), queryset=RankingGroup.objects.none(), to_field_name="code")
    name = forms.CharField(label=_("方案名称"), max_length=100)
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, groups=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups if groups is not None else RankingGroup.objects.none()


class SchemeEditForm(TablerMixin, forms.Form):
    name = forms.CharField(label=_("方案名称"), max_length=100)
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class ComputeForm(TablerMixin, forms.Form):
    month = forms.IntegerField(label=_("数据月份"), min_value=1, max_value=12, initial=12,
                               help_text=_("12 为全年；其他月份为年中试算。"))  # fmt: skip


class PublishResultsForm(TablerMixin, forms.Form):
    objection_deadline = forms.DateField(label=_("申诉截止日"), widget=forms.DateInput(attrs={"type": "date"}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class BonusForm(TablerMixin, forms.Form):
    item = forms.ModelChoiceField(label=_("加分项"), queryset=SchemeItem.objects.none())
    unit = forms.ModelChoiceField(label=_("单位"), queryset=Unit.objects.none(), to_field_name="code")
    points = forms.DecimalField(label=_("加分"), max_digits=7, decimal_places=2, min_value=Decimal("0.01"))
    reason = forms.CharField(label=_("加分事由"), max_length=300)
    evidence = forms.CharField(label=_("佐证材料"), widget=forms.Textarea(attrs={"rows": 2}))
    attachment = forms.FileField(label=_("附件"), required=False)

    def __init__(self, *args, scheme=None, **kwargs):
        super().__init__(*args, **kwargs)
        if scheme is not None:
            self.fields["item"].queryset = scheme.items.filter(kind=RuleKind.BONUS)
            self.fields["unit"].queryset = scheme.group.units.filter(is_active=True).order_by("path")


class ObjectionForm(TablerMixin, forms.Form):
    item = forms.ModelChoiceField(label=_("涉及项目"), queryset=SchemeItem.objects.none(), required=False,
                                  empty_label=_("（总分）"))  # fmt: skip
    text = forms.CharField(label=_("申诉理由"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, scheme=None, **kwargs):
        super().__init__(*args, **kwargs)
        if scheme is not None:
            self.fields["item"].queryset = scheme.items.all()


class AdjustmentForm(ObjectionForm):
    points = forms.DecimalField(label=_("调整分值"), help_text=_("加分填正数，减分填负数。"), **POINTS)
    reason = forms.CharField(label=_("调整理由"), max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput)

    field_order = ["item", "points", "reason", "version"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["text"]


class DecideForm(TablerMixin, forms.Form):
    decision = forms.ChoiceField(label=_("处理结果"), choices=[("accept", _("采纳")), ("reject", _("不予采纳"))])
    response = forms.CharField(label=_("处理意见"), widget=forms.Textarea(attrs={"rows": 2}))
    points = forms.DecimalField(label=_("调整分值"), required=False, help_text=_("采纳时可同时调整分值。"), **POINTS)
    version = forms.IntegerField(widget=forms.HiddenInput)


# --- the scheme editor's rows -----------------------------------------------------------------

ROW_FIELDS = ("order", "name", "kind", "indicator", "weight", "cap", "step", "amount", "description")
DECIMAL_FIELDS = ("weight", "cap", "step", "amount")


def parse_row(post, index: int, indicators: dict[str, Indicator]) -> tuple[dict, int | None, bool, dict]:
    """(fields, pk, delete, errors) of editor row `index`; a blank new row gives fields == {}."""
    get = lambda name: (post.get(f"items-{index}-{name}") or "").strip()  # noqa: E731
    pk = int(get("id")) if get("id").isdigit() else None
    delete = get("delete") == "on"
    if pk is None and not get("name"):
        return {}, None, False, {}
    fields, errors = {"name": get("name"), "kind": get("kind"), "description": get("description")}, {}
    fields["order"] = int(get("order")) if get("order").isdigit() else index + 1
    fields["indicator"] = indicators.get(get("indicator")) if get("indicator") else None
    if get("indicator") and fields["indicator"] is None:
        errors["indicator"] = [str(_("指标不存在。"))]
    for name, label in (("name", _("考核内容")), ("description", _("说明"))):
        try:
            text.checked(fields[name], label, multiline=False)
        except ValidationError as exc:
            errors[name] = exc.messages
    if fields["kind"] not in RuleKind.values:
        errors["kind"] = [str(_("请选择计分规则。"))]
    for name in DECIMAL_FIELDS:
        raw = get(name)
        if not raw:
            fields[name] = None
            continue
        try:
            fields[name] = parse_decimal(raw)
        except ValidationError as exc:
            errors[name] = exc.messages
    if fields.get("weight") is None and "weight" not in errors and not delete:
        errors["weight"] = [str(_("请填写分值。"))]
    return fields, pk, delete, errors
