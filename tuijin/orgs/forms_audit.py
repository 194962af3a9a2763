from django import forms
from django.utils.translation import gettext_lazy as _

from tuijin.audit.models import AuditAction
from tuijin.core.forms import CleanTextMixin


class AuditFilterForm(CleanTextMixin, forms.Form):
    actor = forms.CharField(label=_("操作人"), required=False)
    action = forms.ChoiceField(label=_("操作"), required=False, choices=[("", _("全部操作")), *AuditAction.choices])
    object_type = forms.CharField(label=_("对象类型"), required=False)
    date_from = forms.DateField(label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("开始日期不能晚于结束日期。"))
        return data
