"""Forms of the meeting pages (input shape only; the services validate the rules)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tuijin.core import policy
from tuijin.meetings.models import MeetingType
from tuijin.orgs.models import Unit, User

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MeetingForm(forms.Form):
    type = forms.ChoiceField(label=_("会议类型"), choices=MeetingType.choices)
    title = forms.CharField(label=_("会议名称"), max_length=200)
    date = forms.DateField(label=_("会议日期"), widget=DATE)
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    chair = forms.ModelChoiceField(label=_("主持人"), queryset=User.objects.none(), required=False)
    attending_units = forms.ModelMultipleChoiceField(label=_("参会单位"), queryset=Unit.objects.none(), required=False)
    visits = forms.ModelMultipleChoiceField(
        label=_("观摩点（按观摩顺序选择）"), queryset=Unit.objects.none(), required=False
    )
    agenda = forms.CharField(label=_("议程"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = policy.visible_units(user).filter(is_active=True)
        self.fields["attending_units"].queryset = units
        self.fields["visits"].queryset = units
        self.fields["chair"].queryset = User.objects.filter(is_active=True, unit__in=units).order_by("username")

    def ordered_visits(self) -> list[Unit]:
        """The visited units in the order they were listed in the request (观摩 route)."""
        chosen = {str(u.pk): u for u in self.cleaned_data.get("visits") or ()}
        order = self.data.getlist("visits") if hasattr(self.data, "getlist") else list(chosen)
        return [chosen[pk] for pk in dict.fromkeys(order) if pk in chosen]


class ReviewForm(forms.Form):
    highlights = forms.CharField(label=_("亮点"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    problems = forms.CharField(
        label=_("问题（每行一条）"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
        help_text=_("已转为督办事项的问题不在此处修改。"),
    )  # fmt: skip
    measures = forms.CharField(label=_("举措"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("议定事项"), widget=forms.Textarea(attrs={"rows": 2}))
    owner_unit = forms.ModelChoiceField(label=_("责任单位"), queryset=Unit.objects.none())
    deadline = forms.DateField(label=_("完成时限"), widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = policy.visible_units(user).filter(is_active=True)
