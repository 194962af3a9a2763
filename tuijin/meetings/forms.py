"""Forms of the meeting pages (input shape only; the services validate the rules)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tuijin.core.forms import CleanTextMixin, SearchableSelectMultiple, bootstrap
from tuijin.meetings.models import MeetingType
from tuijin.orgs import policy
from tuijin.orgs.models import Unit, User

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MeetingForm(CleanTextMixin, forms.Form):
    type = forms.ChoiceField(label=_("会议类型"), choices=MeetingType.choices)
    title = forms.CharField(label=_("会议名称"), max_length=200)
    date = forms.DateField(label=_("会议日期"), widget=DATE)
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    chair = forms.ModelChoiceField(label=_("主持人"), queryset=User.objects.none(), required=False)
    attending_units = forms.ModelMultipleChoiceField(
        label=_("参会单位"), queryset=Unit.objects.none(), required=False, widget=SearchableSelectMultiple()
    )
    attendees = forms.ModelMultipleChoiceField(
        label=_("参会人员"), queryset=User.objects.none(), required=False,
        widget=SearchableSelectMultiple(empty=_("没有匹配的人员")),
    )  # fmt: skip
    agenda = forms.CharField(label=_("议程"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = policy.visible_units(user).filter(is_active=True)
        people = User.objects.filter(is_active=True, unit__in=units).select_related("unit").order_by("unit__path")
        self.fields["attending_units"].queryset = units
        self.fields["chair"].queryset = people
        self.fields["attendees"].queryset = people
        self.fields["chair"].empty_label = _("（未指定）")
        bootstrap(self)


class VisitForm(CleanTextMixin, forms.Form):
    """One stop of the 观摩 route; the rows' order is the order visited (empty rows are skipped)."""

    unit = forms.ModelChoiceField(label=_("观摩单位"), queryset=Unit.objects.none(), required=False)
    site = forms.CharField(label=_("观摩点"), max_length=200, required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()
        self.fields["unit"].empty_label = _("（不选）")
        bootstrap(self)

    def clean(self):
        data = super().clean()
        if data.get("site") and not data.get("unit"):
            self.add_error("unit", _("请为观摩点选择所在单位。"))
        return data


VISIT_ROWS = 3  # empty rows offered after the route already recorded


def visit_formset(user, data=None, route=()):
    """The route as rows: the recorded stops, then empty rows to add more."""
    units = policy.visible_units(user).filter(is_active=True)
    initial = [{"unit": unit, "site": site} for unit, site in route]
    factory = forms.formset_factory(VisitForm, extra=VISIT_ROWS, max_num=50, validate_max=True)
    return factory(data, initial=initial, prefix="visits", form_kwargs={"units": units})


def ordered_route(formset) -> list[tuple[Unit, str]]:
    return [(f.cleaned_data["unit"], f.cleaned_data.get("site", "")) for f in formset if f.cleaned_data.get("unit")]


class ReviewForm(CleanTextMixin, forms.Form):
    highlights = forms.CharField(label=_("亮点"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    problems = forms.CharField(
        label=_("问题（每行一条）"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
        help_text=_("已转为督办事项的问题不在此处修改。"),
    )  # fmt: skip
    measures = forms.CharField(label=_("举措"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class DecisionForm(CleanTextMixin, forms.Form):
    text = forms.CharField(label=_("议定事项"), widget=forms.Textarea(attrs={"rows": 2}))
    owner_unit = forms.ModelChoiceField(label=_("责任单位"), queryset=Unit.objects.none())
    deadline = forms.DateField(label=_("完成时限"), widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = policy.visible_units(user).filter(is_active=True)
        self.fields["owner_unit"].empty_label = _("（选择责任单位）")
        self.fields["owner_unit"].widget.attrs["aria-label"] = _("责任单位")
        bootstrap(self)
