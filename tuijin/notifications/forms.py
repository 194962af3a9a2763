"""Input forms for the unit robots. They parse input; services decide."""

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
