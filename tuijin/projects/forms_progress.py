"""Input forms of monthly progress. They parse input; the services decide (period, scope, limits).

Photos are not a form field: the view hands `request.FILES.getlist("photos")` to the service,
which checks every file by its content."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tuijin.core.forms import CleanTextMixin, TablerMixin
from tuijin.projects.models import MONEY
from tuijin.projects.services.progress import MAX_TEXT


class ProgressForm(TablerMixin, forms.Form):
    investment = forms.DecimalField(label=_("本月完成投资（亿元）"), min_value=0, **MONEY)
    image_progress = forms.CharField(
        label=_("形象进度"), required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )
    problems = forms.CharField(
        label=_("存在问题"), required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("填写的问题会列入项目的待解决问题，直到办结。"),
    )  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class RowForm(CleanTextMixin, forms.Form):
    """One line of the unit's monthly list: only this month's investment."""

    investment = forms.DecimalField(min_value=0, **MONEY)
    version = forms.IntegerField(required=False)


class CorrectionForm(TablerMixin, forms.Form):
    proposed_investment = forms.DecimalField(label=_("更正后的本月投资（亿元）"), min_value=0, **MONEY)
    reason = forms.CharField(label=_("更正原因"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)
