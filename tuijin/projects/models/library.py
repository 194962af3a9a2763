"""The project library (重大项目): tags, batches, node templates, projects, milestones, stages, plans.

项目为王: a project belongs to one implementing unit (实施主体) and is followed by one lead
leader (领衔领导), an on-site commissioner (驻工地专员) and an approval agent (代办员). Its
stage moves along `STAGE_TRANSITIONS`; each move is a `StageChange` with who, when and the
evidence. Its year is a `ProjectPlan`.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuijin.core.encryption import EncryptedCharField
from tuijin.orgs.models import CODE_VALIDATOR, Unit

MONEY = {"max_digits": 16, "decimal_places": 4}  # 亿元 with 4 decimals = 1 万元
# 亿元 as reporters type and read them: two decimals (0.01 亿元 = 100 万元), as the demo's plans and
# progress are laid out. Storage keeps 4 (the API and imports may be finer).
MONEY_DECIMALS = 2


def money_text(value: Decimal | None) -> str:
    """亿元 as shown in an input: two decimals (151.7500 → 151.75), more only where the figure has
    them (0.1234 stays 0.1234: never rounded behind the reporter's back); "" for none."""
    if value is None:
        return ""
    two = value.quantize(Decimal(1).scaleb(-MONEY_DECIMALS))
    if two == value:
        return f"{two:f}"
    return f"{value.normalize():f}"


NATIONAL_CODE_VALIDATOR = RegexValidator(
    r"^\d{4}-\d{6}-\d{2}-\d{2}-\d{6}$",
    _("全国投资项目代码格式为 4-6-2-2-6 共 20 位数字（如 2026-330402-44-01-123456）。"),
)


class Designation(models.Model):
    """A supervisor-managed tag: 省重点, 市重点, 市县长工程, 前期攻坚, 技改, 招商引资签约 …"""

    code = models.CharField(_("编码"), max_length=32, unique=True, validators=[CODE_VALIDATOR])
    name = models.CharField(_("名称"), max_length=50, unique=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("项目标签")
        verbose_name_plural = _("项目标签")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Batch(models.Model):
    """集中开工批次: projects launched together, all to start by `start_deadline`."""

    code = models.CharField(_("编码"), max_length=32, unique=True, validators=[CODE_VALIDATOR])
    name = models.CharField(_("名称"), max_length=100)
    launch_date = models.DateField(_("集中开工日期"))
    start_deadline = models.DateField(_("全部开工期限"))
    description = models.TextField(_("说明"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("集中开工批次")
        verbose_name_plural = _("集中开工批次")
        ordering = ["-launch_date", "code"]

    def __str__(self) -> str:
        return self.name


class Stage(models.TextChoices):
    CONCEPT = "concept", _("谋划")
    PREPARATION = "preparation", _("前期")
    STARTED = "started", _("开工")
    REGISTERED = "registered", _("入库")
    COMPLETED = "completed", _("竣工")
    OPERATING = "operating", _("投产")
    SUSPENDED = "suspended", _("停缓建")
    TERMINATED = "terminated", _("终止")


STAGE_TRANSITIONS: dict[str, frozenset[str]] = {
    Stage.CONCEPT: frozenset({Stage.PREPARATION, Stage.TERMINATED}),
    Stage.PREPARATION: frozenset({Stage.STARTED, Stage.SUSPENDED, Stage.TERMINATED}),
    Stage.STARTED: frozenset({Stage.REGISTERED, Stage.COMPLETED, Stage.SUSPENDED, Stage.TERMINATED}),
    Stage.REGISTERED: frozenset({Stage.COMPLETED, Stage.SUSPENDED, Stage.TERMINATED}),
    Stage.COMPLETED: frozenset({Stage.OPERATING}),
    Stage.SUSPENDED: frozenset({Stage.PREPARATION, Stage.STARTED, Stage.REGISTERED, Stage.TERMINATED}),
    Stage.OPERATING: frozenset(),
    Stage.TERMINATED: frozenset(),
}
# Stages in which a project counts as started (for start rates) and as completed.
STARTED_STAGES = (Stage.STARTED, Stage.REGISTERED, Stage.COMPLETED, Stage.OPERATING)
COMPLETED_STAGES = (Stage.COMPLETED, Stage.OPERATING)
# Side states need a reason.
REASONED_STAGES = (Stage.SUSPENDED, Stage.TERMINATED)


class CheckpointKey(models.TextChoices):
    """Milestones the rules know by name; everything else is `other`."""

    APPROVAL = "approval", _("立项")
    LAND = "land", _("用地")
    EIA = "eia", _("环评")
    PERMIT = "permit", _("施工许可")
    START = "start", _("开工")
    COMPLETION = "completion", _("竣工验收")
    OTHER = "other", _("其他")


# Admission rule (a setting, default on): no start without these checkpoints done.
ADMISSION_CHECKPOINTS = (CheckpointKey.EIA, CheckpointKey.LAND)


class NodeTemplate(models.Model):
    """A project type's milestone plan, e.g. the 11 nodes from 立项 to 竣工验收."""

    code = models.CharField(_("编码"), max_length=32, unique=True, validators=[CODE_VALIDATOR])
    name = models.CharField(_("名称"), max_length=100)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("节点模板")
        verbose_name_plural = _("节点模板")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class NodeTemplateItem(models.Model):
    template = models.ForeignKey(NodeTemplate, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("节点"), max_length=50)
    key = models.CharField(_("类型"), max_length=16, choices=CheckpointKey.choices, default=CheckpointKey.OTHER)
    # Planned date = the project's planned start + offset (negative: before the start).
    offset_days = models.IntegerField(_("相对开工的天数"))

    class Meta:
        verbose_name = _("模板节点")
        verbose_name_plural = _("模板节点")
        ordering = ["template", "order"]
        constraints = [models.UniqueConstraint(fields=["template", "order"], name="node_template_item_order")]

    def __str__(self) -> str:
        return f"{self.template}: {self.order}. {self.name}"


class Project(models.Model):
    code = models.CharField(_("项目编号"), max_length=32, unique=True, validators=[CODE_VALIDATOR])
    national_code = models.CharField(
        _("全国投资项目代码"), max_length=24, blank=True, validators=[NATIONAL_CODE_VALIDATOR]
    )
    name = models.CharField(_("项目名称"), max_length=200)
    unit = models.ForeignKey(Unit, verbose_name=_("实施主体"), on_delete=models.PROTECT, related_name="projects")
    industry = models.CharField(_("所属行业"), max_length=50, blank=True)
    address = models.CharField(_("建设地点"), max_length=200, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )  # fmt: skip
    latitude = models.DecimalField(
        _("纬度"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )  # fmt: skip
    total_investment = models.DecimalField(_("总投资（亿元）"), **MONEY)
    registered_capital = models.DecimalField(_("注册资本（万美元）"), null=True, blank=True, **MONEY)
    owner_company = models.CharField(_("业主单位"), max_length=200, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = EncryptedCharField(_("联系电话"), max_length=30, blank=True)  # personal: encrypted at rest
    construction_content = models.TextField(_("建设内容"), blank=True)
    designations = models.ManyToManyField(Designation, verbose_name=_("标签"), related_name="projects", blank=True)
    batch = models.ForeignKey(
        Batch, verbose_name=_("集中开工批次"), null=True, blank=True, on_delete=models.PROTECT, related_name="projects"
    )
    node_template = models.ForeignKey(
        NodeTemplate, verbose_name=_("节点模板"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lead_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("领衔领导"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="led_projects",
    )  # fmt: skip
    commissioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("驻工地专员"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="commissioned_projects",
    )  # fmt: skip
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("代办员"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="agent_projects",
    )  # fmt: skip
    stage = models.CharField(_("阶段"), max_length=16, choices=Stage.choices, default=Stage.CONCEPT)
    stage_reason = models.TextField(_("停缓建/终止原因"), blank=True)
    planned_start_on = models.DateField(_("计划开工日期"), null=True, blank=True)
    planned_completion_on = models.DateField(_("计划竣工日期"), null=True, blank=True)
    started_on = models.DateField(_("实际开工日期"), null=True, blank=True)
    completed_on = models.DateField(_("实际竣工日期"), null=True, blank=True)
    # The unit's own account of why a late project has not started (迟迟不开工 list).
    delay_reason = models.TextField(_("未开工原因"), blank=True)
    # Admission rules that the project failed when it was marked started (flagged, not hidden).
    admission_flags = models.JSONField(_("准入问题"), default=list, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("重大项目")
        verbose_name_plural = _("重大项目")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["national_code"], condition=~Q(national_code=""), name="project_national_code_unique"
            ),
            models.CheckConstraint(condition=Q(total_investment__gte=0), name="project_investment_not_negative"),
        ]
        indexes = [
            models.Index(fields=["unit", "stage"], name="project_unit_stage_idx"),
            models.Index(fields=["batch"], name="project_batch_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class Milestone(models.Model):
    """A node of the project's timeline: planned vs actual date, who answers for it."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    order = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("节点"), max_length=50)
    key = models.CharField(_("类型"), max_length=16, choices=CheckpointKey.choices, default=CheckpointKey.OTHER)
    planned_on = models.DateField(_("计划完成日期"), null=True, blank=True)
    actual_on = models.DateField(_("实际完成日期"), null=True, blank=True)
    responsible_unit = models.ForeignKey(
        Unit, verbose_name=_("责任单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responsible_person = models.CharField(_("责任人"), max_length=50, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("项目节点")
        verbose_name_plural = _("项目节点")
        ordering = ["project", "order"]
        constraints = [models.UniqueConstraint(fields=["project", "order"], name="milestone_order")]
        indexes = [models.Index(fields=["planned_on"], name="milestone_planned_idx")]

    def __str__(self) -> str:
        return f"{self.project}: {self.name}"


class StageChange(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=16, choices=Stage.choices)
    to_stage = models.CharField(max_length=16, choices=Stage.choices)
    on_date = models.DateField(_("日期"))
    evidence = models.TextField(_("依据"), blank=True)
    reason = models.TextField(_("原因"), blank=True)
    admission_flags = models.JSONField(default=list, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("阶段变更")
        verbose_name_plural = _("阶段变更")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.project}: {self.from_stage} → {self.to_stage}"


class PlanKind(models.TextChoices):
    NEW = "new", _("新开工")
    CONTINUING = "continuing", _("续建")
    COMPLETING = "completing", _("竣工")
    PREPARATORY = "preparatory", _("前期")


class ProjectPlan(models.Model):
    """The project's role in one year. Start rates count NEW plans, completion rates
    plans with a planned completion month (COMPLETING, or NEW/CONTINUING finishing that year)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="plans")
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("年度类别"), max_length=16, choices=PlanKind.choices)
    planned_investment = models.DecimalField(_("年度计划投资（亿元）"), **MONEY)
    planned_start_month = models.PositiveSmallIntegerField(
        _("计划开工月份"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    planned_completion_month = models.PositiveSmallIntegerField(
        _("计划竣工月份"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("项目年度计划")
        verbose_name_plural = _("项目年度计划")
        ordering = ["-year", "project"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="project_plan_unique"),
            models.CheckConstraint(condition=Q(planned_investment__gte=0), name="plan_investment_not_negative"),
        ]
        indexes = [models.Index(fields=["year", "kind"], name="plan_year_kind_idx")]

    def __str__(self) -> str:
        return f"{self.project} {self.year} {self.get_kind_display()}"
