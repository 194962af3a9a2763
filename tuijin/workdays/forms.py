"""Input forms for the working-day calendar: a year and its source, a day. They parse input; services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tuijin.core.forms import TablerMixin


class YearForm(TablerMixin, forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    source = forms.CharField(
        label=_("依据"), max_length=200, help_text=_("如 国务院办公厅关于2027年部分节假日安排的通知")
    )


class DayForm(TablerMixin, forms.Form):
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    is_working_day = forms.TypedChoiceField(
        label=_("类型"),
        choices=[("0", _("放假")), ("1", _("调休上班"))],
        coerce=lambda v: v == "1",
    )
    name = forms.CharField(label=_("名称"), max_length=50, help_text=_("如 春节、国庆节调休上班"))
