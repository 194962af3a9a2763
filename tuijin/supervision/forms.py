"""Forms of the assignment pages (input shape only; the services validate the rules)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tuijin.bulletins.models import Bulletin
from tuijin.bulletins.models import Status as BulletinStatus
from tuijin.core import policy
from tuijin.core.forms import CleanTextMixin
from tuijin.liaison.models import ContactSheet
from tuijin.liaison.queries import visible_sheets
from tuijin.orgs.models import Unit
from tuijin.supervision import queries
from tuijin.supervision.models import SINGLE_SOURCE_KINDS, Cycle, SourceKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def bootstrap(form: forms.Form) -> None:
    """Tabler's classes on every widget (the pages render `{{ field }}` as it is)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.HiddenInput):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
        if isinstance(widget, forms.SelectMultiple):
            widget.attrs.setdefault("size", 8)


class AssignmentForm(CleanTextMixin, forms.Form):
    title = forms.CharField(label=_("事项"), max_length=200)
    content = forms.CharField(label=_("内容及要求"), widget=forms.Textarea(attrs={"rows": 5}))
    source_kind = forms.ChoiceField(
        label=_("来源"), choices=[c for c in SourceKind.choices if c[0] not in SINGLE_SOURCE_KINDS]
    )
    source_label = forms.CharField(label=_("来源说明"), max_length=200, required=False,
                                   help_text=_("如：李市长 2026年3月5日批示"))  # fmt: skip
    sheet = forms.ModelChoiceField(label=_("升级的工作联系单"), queryset=ContactSheet.objects.none(), required=False,
                                   help_text=_("来源为工作联系单时选择，事项与联系单相互关联。"))  # fmt: skip
    bulletin = forms.ModelChoiceField(label=_("通报"), queryset=Bulletin.objects.none(), required=False,
                                      help_text=_("来源为通报问题时选择已发布的通报。"))  # fmt: skip
    owner_unit = forms.ModelChoiceField(label=_("牵头单位"), queryset=Unit.objects.none())
    co_units = forms.ModelMultipleChoiceField(label=_("配合单位"), queryset=Unit.objects.none(), required=False)
    leader = forms.ModelChoiceField(label=_("责任领导"), queryset=queries.leaders(), required=False)
    responsibility = forms.CharField(label=_("责任人"), max_length=100, required=False)
    assigned_on = forms.DateField(label=_("交办日期"), widget=DATE, required=False)
    deadline = forms.DateField(label=_("办结时限"), widget=DATE)
    cycle = forms.ChoiceField(label=_("进展报送周期"), choices=Cycle.choices, initial=Cycle.MONTHLY)
    on_task_list = forms.BooleanField(label=_("列入年度任务清单"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        units = policy.visible_units(user).filter(is_active=True)
        self.fields["owner_unit"].queryset = units
        self.fields["co_units"].queryset = units
        self.fields["leader"].queryset = queries.leaders()
        self.fields["leader"].empty_label = _("（未指定）")
        self.fields["owner_unit"].empty_label = _("（选择牵头单位）")
        self.fields["sheet"].empty_label = self.fields["bulletin"].empty_label = _("（不关联）")
        bootstrap(self)
        if editing:  # owner, source and dates are fixed once assigned (the deadline moves by extension)
            for name in ("source_kind", "source_label", "sheet", "bulletin", "owner_unit", "assigned_on", "deadline"):
                del self.fields[name]
            return
        escalated = visible_sheets(user).filter(escalated_at__isnull=False)
        self.fields["sheet"].queryset = escalated.order_by("-sent_on", "-pk")
        published = Bulletin.objects.visible_to(user).filter(status=BulletinStatus.PUBLISHED)
        self.fields["bulletin"].queryset = published.order_by("-year", "-period", "-pk")

    def clean(self):
        """`source_obj`: the linked contact sheet or bulletin, which must match the source chosen."""
        data = super().clean()
        kind, sheet, bulletin = data.get("source_kind"), data.pop("sheet", None), data.pop("bulletin", None)
        if sheet is not None and kind != SourceKind.SHEET:
            self.add_error("sheet", _("来源为工作联系单时才能选择联系单。"))
        if bulletin is not None and kind != SourceKind.BULLETIN:
            self.add_error("bulletin", _("来源为通报问题时才能选择通报。"))
        if "source_kind" in self.fields:
            data["source_obj"] = sheet or bulletin
        return data


class ConvertForm(CleanTextMixin, forms.Form):
    """Turning a review problem or a decision into an assignment (meetings pages)."""

    title = forms.CharField(label=_("事项"), max_length=200, required=False)
    deadline = forms.DateField(label=_("办结时限"), widget=DATE)
    leader = forms.ModelChoiceField(label=_("责任领导"), queryset=queries.leaders(), required=False)
    cycle = forms.ChoiceField(label=_("进展报送周期"), choices=Cycle.choices, initial=Cycle.MONTHLY)
    responsibility = forms.CharField(label=_("责任人"), max_length=100, required=False)
    on_task_list = forms.BooleanField(label=_("列入年度任务清单"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = queries.leaders()
        self.fields["leader"].empty_label = _("（未指定）")
        bootstrap(self)


class ProgressForm(CleanTextMixin, forms.Form):
    text = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 4}))
    cycle_start = forms.DateField(label=_("所属周期"), required=False, widget=forms.Select)

    def __init__(self, *args, cycles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle_start"].widget.choices = [(s.isoformat(), label) for s, label in cycles]
        bootstrap(self)


class CloseoutForm(CleanTextMixin, forms.Form):
    evidence = forms.CharField(label=_("办理结果及佐证"), widget=forms.Textarea(attrs={"rows": 4}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReasonForm(CleanTextMixin, forms.Form):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ExtensionForm(CleanTextMixin, forms.Form):
    new_deadline = forms.DateField(label=_("申请延至"), widget=DATE)
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 3}))
