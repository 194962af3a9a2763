"""Input forms for the unit robots and the working-day calendar. They parse input; services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tuijin.core.forms import TablerMixin
from tuijin.notifications.models import Flavour


class ChannelForm(TablerMixin, forms.Form):
    webhook_url = forms.CharField(label=_("Webhook 地址"), max_length=500)
    flavour = forms.ChoiceField(label=_("类型"), choices=Flavour.choices)
    secret = forms.CharField(
        label=_("加签密钥"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("钉钉机器人“加签”的密钥；留空则保持原值。"),
    )
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)


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
