"""Input forms for the catalogue, the calendar and the uploads. They parse input; services decide."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuijin.core.forms import CleanTextMixin, TablerMixin, VersionedForm
from tuijin.indicators.models import (
    Direction,
    Frequency,
    ImportBatch,
    Indicator,
    KeyWork,
    Kind,
    ProjectFigure,
    RankKey,
    TimeProgressMode,
)
from tuijin.orgs.models import RankingGroup


class IndicatorForm(VersionedForm):
    code = forms.CharField(label=_("编码"), max_length=32)
    name = forms.CharField(label=_("名称"), max_length=100)
    measure = forms.CharField(label=_("计量单位"), max_length=20, help_text=_("如 亿元、万美元、%、个、万平方米"))
    key_work = forms.ModelChoiceField(label=_("所属重点工作"), queryset=KeyWork.objects.all())
    kind = forms.ChoiceField(label=_("类型"), choices=Kind.choices)
    direction = forms.ChoiceField(label=_("方向"), choices=Direction.choices)
    frequency = forms.ChoiceField(label=_("频度"), choices=Frequency.choices)
    decimals = forms.IntegerField(label=_("小数位数"), min_value=0, initial=1)
    rank_key = forms.ChoiceField(label=_("排名依据"), choices=RankKey.choices)
    time_progress_mode = forms.ChoiceField(label=_("时序进度算法"), choices=TimeProgressMode.choices)
    ranking_groups = forms.ModelMultipleChoiceField(
        label=_("填报的排名组"),
        queryset=RankingGroup.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    fed_by_projects = forms.BooleanField(label=_("由项目数据自动汇总（不在月报中填写）"), required=False)
    project_figure = forms.TypedChoiceField(
        label=_("汇总的项目数据"), choices=ProjectFigure.choices, initial=ProjectFigure.INVESTMENT, required=False,
        empty_value=ProjectFigure.INVESTMENT,
    )  # fmt: skip
    sort_order = forms.IntegerField(label=_("排序"), min_value=0, initial=0)
    description = forms.CharField(label=_("口径说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    @classmethod
    def initial_for(cls, indicator: Indicator) -> dict:
        fields = [name for name in cls.base_fields if name not in ("version", "ranking_groups", "key_work")]
        initial = {name: getattr(indicator, name) for name in fields}
        initial.update(
            key_work=indicator.key_work_id,
            ranking_groups=list(indicator.ranking_groups.all()),
            version=indicator.version,
        )
        return initial


class KeyWorkForm(TablerMixin, forms.Form):
    code = forms.CharField(label=_("编码"), max_length=32)
    name = forms.CharField(label=_("名称"), max_length=100)
    sort_order = forms.IntegerField(label=_("排序"), min_value=0, initial=0)


class ReportingRuleForm(TablerMixin, forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    deadline_day = forms.IntegerField(label=_("次月截止日"), min_value=1, max_value=28, initial=5)


class UploadForm(TablerMixin, forms.Form):
    kind = forms.ChoiceField(label=_("导入内容"), choices=ImportBatch.Kind.choices)
    file = forms.FileField(label=_("Excel 文件（.xlsx 或 .xls）"))
    reason = forms.CharField(
        label=_("原因"),
        max_length=500,
        required=False,
        help_text=_("写入已锁定的月份或修改已报送的数据时必填，如“统计局修订数”“系统上线补录历年数据”。"),
    )


class EntryUploadForm(TablerMixin, forms.Form):
    file = forms.FileField(label=_("填好的填报模板（.xlsx 或 .xls）"))


class PeriodForm(CleanTextMixin, forms.Form):
    """?year=&month= of a page or a download; defaults to the period reporters fill now."""

    year = forms.IntegerField(min_value=2000, max_value=2100, required=False)
    month = forms.IntegerField(min_value=1, max_value=12, required=False)

    def period(self, default: tuple[int, int]) -> tuple[int, int]:
        if not self.is_valid():
            return default
        return (self.cleaned_data["year"] or default[0], self.cleaned_data["month"] or default[1])


def this_year() -> int:
    return timezone.localdate().year
