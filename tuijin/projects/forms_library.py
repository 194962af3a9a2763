"""Input forms of the project library. They parse input; the services in `services.library` decide."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuijin.core.forms import TablerMixin, VersionedForm
from tuijin.orgs import policy
from tuijin.orgs.models import Unit, User
from tuijin.projects import queries
from tuijin.projects.models import (
    STAGE_TRANSITIONS,
    Batch,
    CheckpointKey,
    Designation,
    Milestone,
    NodeTemplate,
    PlanKind,
    Project,
    ProjectPlan,
    Stage,
)
from tuijin.projects.services.library import INITIAL_STAGES
from tuijin.projects.services.milestones import NodeItem

INITIAL_STAGE_CHOICES = [(s, Stage(s).label) for s in INITIAL_STAGES]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _unit_label(unit: Unit) -> str:
    return f"{'　' * (unit.depth - 1)}{unit.name}"


def _person_label(user: User) -> str:
    unit = user.unit.name if user.unit_id else ""
    return f"{user.full_name or user.username}（{unit}）" if unit else (user.full_name or user.username)


class ProjectForm(VersionedForm):
    code = forms.CharField(label=_("项目编号"), max_length=32)
    national_code = forms.CharField(
        label=_("全国投资项目代码"),
        max_length=24,
        required=False,
        help_text=_("如 2026-330402-44-01-123456；没有可不填。"),
    )
    name = forms.CharField(label=_("项目名称"), max_length=200)
    unit = forms.ModelChoiceField(label=_("实施主体"), queryset=Unit.objects.none())
    industry = forms.CharField(label=_("所属行业"), max_length=50, required=False)
    address = forms.CharField(label=_("建设地点"), max_length=200, required=False)
    longitude = forms.DecimalField(label=_("经度"), max_digits=9, decimal_places=6, required=False)
    latitude = forms.DecimalField(label=_("纬度"), max_digits=9, decimal_places=6, required=False)
    total_investment = forms.DecimalField(label=_("总投资（亿元）"), max_digits=16, decimal_places=4, min_value=0)
    registered_capital = forms.DecimalField(
        label=_("注册资本（万美元）"), max_digits=16, decimal_places=4, min_value=0, required=False
    )
    owner_company = forms.CharField(label=_("业主单位"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    construction_content = forms.CharField(
        label=_("建设内容"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    designations = forms.ModelMultipleChoiceField(
        label=_("标签"), queryset=Designation.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    batch = forms.ModelChoiceField(label=_("集中开工批次"), queryset=Batch.objects.all(), required=False)
    node_template = forms.ModelChoiceField(
        label=_("节点模板"), queryset=NodeTemplate.objects.all(), required=False,
        help_text=_("按模板生成项目节点，计划日期 = 计划开工日期 + 节点天数。"),
    )  # fmt: skip
    lead_leader = forms.ModelChoiceField(label=_("领衔领导"), queryset=User.objects.none(), required=False)
    commissioner = forms.ModelChoiceField(label=_("驻工地专员"), queryset=User.objects.none(), required=False)
    agent = forms.ModelChoiceField(label=_("代办员"), queryset=User.objects.none(), required=False)
    stage = forms.ChoiceField(label=_("阶段"), choices=INITIAL_STAGE_CHOICES, initial=Stage.CONCEPT)
    planned_start_on = forms.DateField(label=_("计划开工日期"), required=False, widget=DATE)
    planned_completion_on = forms.DateField(label=_("计划竣工日期"), required=False, widget=DATE)
    delay_reason = forms.CharField(label=_("未开工原因"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user: User, project: Project | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = policy.visible_units(user).filter(is_active=True)
        self.fields["unit"].label_from_instance = _unit_label
        self.fields["lead_leader"].queryset = queries.leaders().select_related("unit")
        people = User.objects.filter(is_active=True).exclude(unit=None).select_related("unit").order_by("unit__path")
        for name in ("commissioner", "agent"):
            self.fields[name].queryset = people
        for name in ("lead_leader", "commissioner", "agent"):
            self.fields[name].label_from_instance = _person_label
        if project is not None:
            del self.fields["stage"]  # a stage moves only through the stage change
            if project.milestones.exists():
                del self.fields["node_template"]

    @classmethod
    def initial_for(cls, project: Project) -> dict:
        names = [n for n in cls.base_fields if n not in ("designations", "stage", "version")]
        initial = {name: getattr(project, name) for name in names}
        initial.update(designations=list(project.designations.all()), version=project.version)
        return initial


class StageForm(VersionedForm):
    to_stage = forms.ChoiceField(label=_("变更为"), choices=())
    on_date = forms.DateField(label=_("日期"), widget=DATE)
    evidence = forms.CharField(
        label=_("依据"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("如施工许可证号、开工报告、竣工验收备案号。"),
    )  # fmt: skip
    reason = forms.CharField(
        label=_("原因"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("停缓建、终止，或未满足准入条件仍登记开工时必填。"),
    )  # fmt: skip
    override_admission = forms.BooleanField(label=_("准入条件未满足，仍确认开工（将标记为准入问题）"), required=False)

    def __init__(self, *args, project: Project, can_override: bool, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(s, Stage(s).label) for s in Stage.values if s in STAGE_TRANSITIONS[project.stage]]
        self.fields["to_stage"].choices = choices
        self.fields["on_date"].initial = timezone.localdate()
        if not can_override:
            del self.fields["override_admission"]


class DelayReasonForm(VersionedForm):
    delay_reason = forms.CharField(label=_("未开工原因"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class MilestoneForm(VersionedForm):
    name = forms.CharField(label=_("节点"), max_length=50)
    key = forms.ChoiceField(label=_("类型"), choices=CheckpointKey.choices, initial=CheckpointKey.OTHER)
    planned_on = forms.DateField(label=_("计划完成日期"), required=False, widget=DATE)
    actual_on = forms.DateField(label=_("实际完成日期"), required=False, widget=DATE)
    responsible_unit = forms.ModelChoiceField(label=_("责任单位"), queryset=Unit.objects.active(), required=False)
    responsible_person = forms.CharField(label=_("责任人"), max_length=50, required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, reporter_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].label_from_instance = _unit_label
        if reporter_only:  # the unit's reporter records the actual date, nothing else
            for name in list(self.fields):
                if name not in ("actual_on", "version"):
                    del self.fields[name]

    @classmethod
    def initial_for(cls, milestone: Milestone) -> dict:
        names = [n for n in cls.base_fields if n != "responsible_unit"]
        return {**{n: getattr(milestone, n) for n in names}, "responsible_unit": milestone.responsible_unit_id}


class PlanForm(VersionedForm):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("年度类别"), choices=PlanKind.choices)
    planned_investment = forms.DecimalField(
        label=_("年度计划投资（亿元）"), max_digits=16, decimal_places=4, min_value=0
    )
    planned_start_month = forms.IntegerField(label=_("计划开工月份"), min_value=1, max_value=12, required=False)
    planned_completion_month = forms.IntegerField(label=_("计划竣工月份"), min_value=1, max_value=12, required=False)

    @classmethod
    def initial_for(cls, plan: ProjectPlan) -> dict:
        return {name: getattr(plan, name) for name in cls.base_fields}


class DesignationForm(TablerMixin, forms.Form):
    code = forms.CharField(label=_("编码"), max_length=32)
    name = forms.CharField(label=_("名称"), max_length=50)
    sort_order = forms.IntegerField(label=_("排序"), min_value=0, initial=0)


def _codes(text: str) -> list[str]:
    return [c for c in re.split(r"[\s,，、;；]+", text or "") if c]


class BatchForm(VersionedForm):
    code = forms.CharField(label=_("编码"), max_length=32)
    name = forms.CharField(label=_("名称"), max_length=100, help_text=_("如 第5批"))
    launch_date = forms.DateField(label=_("集中开工日期"), widget=DATE)
    start_deadline = forms.DateField(label=_("全部开工期限"), widget=DATE)
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    projects = forms.CharField(
        label=_("项目编号"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一个项目编号，或用逗号、空格分隔。"),
    )  # fmt: skip

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_projects(self) -> list[Project]:
        codes = _codes(self.cleaned_data["projects"])
        found = {p.code: p for p in queries.editable_projects(self.user).filter(code__in=codes).select_related("unit")}
        missing = [c for c in codes if c not in found]
        if missing:
            raise ValidationError(_("以下项目编号不存在或不在您的管理范围：%(c)s") % {"c": "、".join(missing[:20])})
        return list(dict.fromkeys(found[c] for c in codes))

    @classmethod
    def initial_for(cls, batch: Batch) -> dict:
        names = [n for n in cls.base_fields if n != "projects"]
        codes = batch.projects.order_by("code").values_list("code", flat=True)
        return {**{n: getattr(batch, n) for n in names}, "projects": "\n".join(codes)}


KEY_BY_TEXT = {**{str(label): key for key, label in CheckpointKey.choices}, **{k: k for k in CheckpointKey.values}}


class NodeTemplateForm(TablerMixin, forms.Form):
    code = forms.CharField(label=_("编码"), max_length=32)
    name = forms.CharField(label=_("名称"), max_length=100)
    items = forms.CharField(
        label=_("节点"), widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("每行一个节点：节点名称, 类型, 相对开工的天数（负数为开工前）。类型为 立项、用地、环评、施工许可、"
                    "开工、竣工验收 或 其他。例：环评, 环评, -90"),
    )  # fmt: skip

    def clean_items(self) -> list[NodeItem]:
        items, errors = [], []
        for n, line in enumerate(self.cleaned_data["items"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in re.split(r"[,，|\t]", line)]
            if len(parts) != 3 or parts[1] not in KEY_BY_TEXT or not re.fullmatch(r"[+-]?\d+", parts[2]):
                errors.append(_("第 %(n)d 行格式应为“节点名称, 类型, 天数”：%(l)s") % {"n": n, "l": line.strip()[:60]})
                continue
            items.append(NodeItem(name=parts[0], key=KEY_BY_TEXT[parts[1]], offset_days=int(parts[2])))
        if errors:
            raise ValidationError(errors)
        return items

    @classmethod
    def initial_for(cls, template: NodeTemplate) -> dict:
        lines = [f"{i.name}, {CheckpointKey(i.key).label}, {i.offset_days}" for i in template.items.order_by("order")]
        return {"code": template.code, "name": template.name, "items": "\n".join(lines)}


class ImportForm(TablerMixin, forms.Form):
    kind = forms.ChoiceField(label=_("导入内容"), choices=(("library", _("项目库")), ("plans", _("年度计划"))))
    file = forms.FileField(label=_("Excel 文件（.xlsx 或 .xls）"))
