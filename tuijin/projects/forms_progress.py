"""Input forms of monthly progress. They parse input; the services decide (period, scope, limits).

Photos are not a form field: the view hands `request.FILES.getlist("photos")` to the service,
which checks every file by its content.

Money is typed in 亿元 with `MONEY_DECIMALS` places and shown so (151.75, not 151.7500). A figure
stored with more places (from the API or an import) is shown as stored and may be sent back
unchanged; any other value with more places is refused.
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tuijin.core.forms import CleanTextMixin, TablerMixin
from tuijin.indicators.forms_reporting import BaseCorrectionForm
from tuijin.projects.models import MONEY, MONEY_DECIMALS, money_text
from tuijin.projects.services.progress import MAX_TEXT


class MoneyField(forms.DecimalField):
    """亿元, not negative; shown with `MONEY_DECIMALS` places (the places are checked by `MoneyForm`)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(min_value=0, **MONEY, **kwargs)

    def prepare_value(self, value):
        return money_text(value) if isinstance(value, Decimal) else value


class MoneyForm(CleanTextMixin, forms.Form):
    """Refuses money with more than `MONEY_DECIMALS` places, unless it is the stored figure untouched."""

    money_fields: tuple[str, ...] = ()

    def clean(self):
        cleaned = super().clean()
        for name in self.money_fields:
            value = cleaned.get(name)
            if value is None or -value.as_tuple().exponent <= MONEY_DECIMALS:
                continue
            if value == self.get_initial_for_field(self.fields[name], name):
                continue
            self.add_error(
                name, ValidationError(_("金额以亿元为单位，最多保留 %(n)s 位小数。") % {"n": MONEY_DECIMALS})
            )
        return cleaned


class ProgressForm(TablerMixin, MoneyForm):
    money_fields = ("investment",)

    investment = MoneyField(label=_("本月完成投资（亿元）"))
    image_progress = forms.CharField(
        label=_("形象进度"), required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )
    problems = forms.CharField(
        label=_("存在问题"), required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("填写的问题会列入项目的待解决问题，直到办结。"),
    )  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class RowForm(MoneyForm):
    """One line of the unit's monthly list: only this month's investment."""

    money_fields = ("investment",)

    investment = MoneyField()
    version = forms.IntegerField(required=False)


class CorrectionForm(MoneyForm, BaseCorrectionForm):
    money_fields = ("proposed_investment",)

    proposed_investment = MoneyField(label=_("更正后的本月投资（亿元）"))
