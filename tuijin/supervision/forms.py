"""Forms of the assignment pages (input shape only; the services validate the rules)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tuijin.core.forms import CleanTextMixin, SearchableSelectMultiple, bootstrap
from tuijin.orgs import policy
from tuijin.orgs.models import Unit
from tuijin.supervision import queries, sources
from tuijin.supervision.models import SINGLE_SOURCE_KINDS, Cycle, SourceKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AssignmentForm(CleanTextMixin, forms.Form):
    title = forms.CharField(label=_("事项"), max_length=200)
    content = forms.CharField(label=_("内容及要求"), widget=forms.Textarea(attrs={"rows": 5}))
    source_kind = forms.ChoiceField(
        label=_("来源"), choices=[c for c in SourceKind.choices if c[0] not in SINGLE_SOURCE_KINDS]
    )
    source_label = forms.CharField(label=_("来源说明"), max_length=200, required=False,
                                   help_text=_("如：李市长 2026年3月5日批示"))  # fmt: skip
    # After `source_label`: one choice per source picked by hand (`sources.pickers()`: a sheet, a bulletin).
    owner_unit = forms.ModelChoiceField(label=_("牵头单位"), queryset=Unit.objects.none())
    co_units = forms.ModelMultipleChoiceField(
        label=_("配合单位"), queryset=Unit.objects.none(), required=False, widget=SearchableSelectMultiple()
    )
    leader = forms.ModelChoiceField(label=_("责任领导"), queryset=queries.leaders(), required=False)
    responsibility = forms.CharField(label=_("责任人"), max_length=100, required=False)
    assigned_on = forms.DateField(label=_("交办日期"), widget=DATE, required=False)
    deadline = forms.DateField(label=_("办结时限"), widget=DATE)
    cycle = forms.ChoiceField(label=_("进展报送周期"), choices=Cycle.choices, initial=Cycle.MONTHLY)
    on_task_list = forms.BooleanField(label=_("列入年度任务清单"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.pickers = [] if editing else sources.pickers()
        self._add_pickers(user)
        units = policy.visible_units(user).filter(is_active=True)
        self.fields["owner_unit"].queryset = units
        self.fields["co_units"].queryset = units
        self.fields["leader"].queryset = queries.leaders()
        self.fields["leader"].empty_label = _("（未指定）")
        self.fields["owner_unit"].empty_label = _("（选择牵头单位）")
        bootstrap(self)
        if editing:  # owner, source and dates are fixed once assigned (the deadline moves by extension)
            for name in ("source_kind", "source_label", "owner_unit", "assigned_on", "deadline"):
                del self.fields[name]

    def _add_pickers(self, user) -> None:
        """The pickers' choices, placed right after `source_label`."""
        fields, self.fields = self.fields, {}
        for name, field in fields.items():
            self.fields[name] = field
            if name != "source_label":
                continue
            for picker in (t.picker for t in self.pickers):
                self.fields[picker.field] = forms.ModelChoiceField(
                    label=picker.label, queryset=picker.linkable(user), required=False, help_text=picker.help_text,
                    empty_label=_("（不关联）"),
                )  # fmt: skip

    def clean(self):
        """`source_obj`: the linked record, which must match the source chosen."""
        data = super().clean()
        kind, chosen = data.get("source_kind"), None
        for source_type in self.pickers:
            obj = data.pop(source_type.picker.field, None)
            if obj is not None and kind != source_type.kind:
                self.add_error(source_type.picker.field, source_type.picker.wrong_kind)
            chosen = chosen or obj
        if "source_kind" in self.fields:
            data["source_obj"] = chosen
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
    text = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 3}))
    cycle_start = forms.DateField(label=_("所属周期"), required=False, widget=forms.Select)

    def __init__(self, *args, cycles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle_start"].widget.choices = [(s.isoformat(), label) for s, label in cycles]
        bootstrap(self)


class _TablerForm(CleanTextMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class CloseoutForm(_TablerForm):
    evidence = forms.CharField(label=_("办理结果及佐证"), widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReasonForm(_TablerForm):
    """The supervisor's opinion on a close-out or an extension (required when refusing: the service says)."""

    reason = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ExtensionForm(_TablerForm):
    new_deadline = forms.DateField(label=_("申请延至"), widget=DATE)
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 2}))
