"""Forms of the contact-sheet pages. They parse and offer choices; the services validate."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tuijin.core.forms import CleanTextMixin, SearchableSelectMultiple
from tuijin.indicators.models import KeyWork
from tuijin.liaison import queries
from tuijin.orgs.models import Unit
from tuijin.projects.models import Project
from tuijin.projects.queries import visible_projects

TEXTAREA = forms.Textarea(attrs={"rows": 4, "class": "form-control"})
SHORT_TEXTAREA = forms.Textarea(attrs={"rows": 3, "class": "form-control"})
DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class VersionMixin(CleanTextMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class SheetForm(VersionMixin):
    title = forms.CharField(label=_("标题"), max_length=200, widget=forms.TextInput(attrs={"class": "form-control"}))
    project = forms.ModelChoiceField(
        label=_("所涉项目"), queryset=Project.objects.none(), required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )  # fmt: skip
    key_work = forms.ModelChoiceField(
        label=_("所涉重点工作"), queryset=KeyWork.objects.all(), required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )  # fmt: skip
    departments = forms.ModelMultipleChoiceField(
        label=_("承办部门"), queryset=Unit.objects.none(), required=False,
        widget=SearchableSelectMultiple(),
        help_text=_("可多选；每个部门分别答复。"),
    )  # fmt: skip
    copies = forms.ModelMultipleChoiceField(
        label=_("抄送"), queryset=Unit.objects.none(), required=False, widget=SearchableSelectMultiple(),
    )  # fmt: skip
    problem = forms.CharField(label=_("问题描述"), widget=TEXTAREA)
    request = forms.CharField(label=_("需协调解决的事项"), widget=TEXTAREA)
    attachments = MultipleFileField(
        label=_("附件"), required=False,
        help_text=_("PDF、Word（.docx）、Excel（.xlsx）或 JPEG/PNG 图片，可多选。"),
    )  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = visible_projects(user).order_by("code")
        self.fields["departments"].queryset = queries.departments().exclude(pk=user.unit_id)
        self.fields["copies"].queryset = Unit.objects.filter(is_active=True).exclude(pk=user.unit_id)


class AcceptForm(VersionMixin):
    answer = forms.CharField(label=_("受理意见"), widget=SHORT_TEXTAREA)
    promised_on = forms.DateField(label=_("承诺办结日期"), widget=DATE)


class TransferForm(VersionMixin):
    to_department = forms.ModelChoiceField(
        label=_("转至部门"), queryset=Unit.objects.none(), widget=forms.Select(attrs={"class": "form-select"})
    )
    reason = forms.CharField(label=_("理由"), widget=SHORT_TEXTAREA)

    def __init__(self, *args, exclude=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_department"].queryset = queries.departments().exclude(pk__in=[u.pk for u in exclude])


class ReasonForm(VersionMixin):
    reason = forms.CharField(label=_("理由"), widget=SHORT_TEXTAREA)


class ResolveForm(VersionMixin):
    result = forms.CharField(label=_("办理结果"), widget=SHORT_TEXTAREA)


class NoteForm(VersionMixin):
    note = forms.CharField(label=_("说明"), widget=SHORT_TEXTAREA, required=False)


class InstructForm(VersionMixin):
    text = forms.CharField(label=_("批示内容"), widget=SHORT_TEXTAREA)


class DecisionForm(VersionMixin):
    decision = forms.CharField(label=_("会议决定"), widget=TEXTAREA)
    decided_on = forms.DateField(label=_("会议日期"), widget=DATE, required=False)
    to_assignment = forms.BooleanField(
        label=_("转为督办事项"), required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
        help_text=_("勾选后，会议决定即作为督办事项交办牵头单位，按期跟踪直至销号。"),
    )  # fmt: skip
    owner_unit = forms.ModelChoiceField(
        label=_("牵头单位"), queryset=Unit.objects.filter(is_active=True).order_by("path"), required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )  # fmt: skip
    co_units = forms.ModelMultipleChoiceField(
        label=_("配合单位"), queryset=Unit.objects.filter(is_active=True).order_by("path"), required=False,
        widget=SearchableSelectMultiple(),
    )  # fmt: skip
    deadline = forms.DateField(label=_("办结时限"), widget=DATE, required=False)


class PeriodForm(CleanTextMixin, forms.Form):
    start = forms.DateField(label=_("起"), widget=DATE)
    end = forms.DateField(label=_("止"), widget=DATE)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("起始日期不能晚于截止日期。"))
        return data
