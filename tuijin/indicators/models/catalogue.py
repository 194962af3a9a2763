"""The catalogue: key works (重点工作), indicators (指标), annual targets (年度目标), data checks."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuijin.orgs.models import CODE_VALIDATOR, RankingGroup, Unit

VALUE_DIGITS = {"max_digits": 20, "decimal_places": 4}


class KeyWork(models.Model):
    """A key work (重点工作) that groups indicators: 扩大有效投入, 招商引资, 项目推进, 生态治理 …"""

    code = models.CharField(_("编码"), max_length=32, unique=True, validators=[CODE_VALIDATOR])
    name = models.CharField(_("名称"), max_length=100)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("重点工作")
        verbose_name_plural = _("重点工作")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Kind(models.TextChoices):
    CUMULATIVE = "cumulative", _("累计值")  # flow summed over the year; value is 1–N月累计
    RATE = "rate", _("增速")  # a growth rate in %
    LEVEL = "level", _("水平值")  # a ratio or stock at period end
    COUNT = "count", _("累计个数")  # cumulative count


class Direction(models.TextChoices):
    HIGHER = "higher", _("越高越好")
    LOWER = "lower", _("越低越好")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("月度")
    QUARTERLY = "quarterly", _("季度")


class RankKey(models.TextChoices):
    COMPLETION = "completion", _("完成率")
    YOY = "yoy", _("同比增速")
    VALUE = "value", _("数值")


class TimeProgressMode(models.TextChoices):
    LINEAR = "linear", _("按月线性")
    DAYS = "days", _("按天")
    SEASONAL = "seasonal", _("按上年季节规律")


class ProjectFigure(models.TextChoices):
    """Which figure of the project library feeds an indicator (最多报一次), for the unit's projects
    at or below it, months 1..M of the year."""

    INVESTMENT = "investment", _("项目完成投资（1–N月累计，亿元）")
    STARTED = "started", _("本年新开工项目个数（1–N月累计）")


QUARTER_MONTHS = (3, 6, 9, 12)


class Indicator(models.Model):
    code = models.CharField(_("编码"), max_length=32, unique=True, validators=[CODE_VALIDATOR])
    name = models.CharField(_("名称"), max_length=100)
    measure = models.CharField(_("计量单位"), max_length=20, help_text=_("如 亿元、万美元、%、个、万平方米"))
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.CUMULATIVE)
    direction = models.CharField(_("方向"), max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    frequency = models.CharField(_("频度"), max_length=16, choices=Frequency.choices, default=Frequency.MONTHLY)
    decimals = models.PositiveSmallIntegerField(_("小数位数"), default=1)
    rank_key = models.CharField(_("排名依据"), max_length=16, choices=RankKey.choices, default=RankKey.COMPLETION)
    time_progress_mode = models.CharField(
        _("时序进度算法"), max_length=16, choices=TimeProgressMode.choices, default=TimeProgressMode.LINEAR
    )
    key_work = models.ForeignKey(
        KeyWork, verbose_name=_("所属重点工作"), on_delete=models.PROTECT, related_name="indicators"
    )
    ranking_groups = models.ManyToManyField(
        RankingGroup, verbose_name=_("填报的排名组"), related_name="indicators", blank=True
    )
    # 最多报一次: the unit's value is derived from its projects (`project_figure` says which figure),
    # never asked for in the form; it counts as reported on its own.
    fed_by_projects = models.BooleanField(_("由项目数据自动汇总"), default=False)
    project_figure = models.CharField(
        _("汇总的项目数据"), max_length=16, choices=ProjectFigure.choices, default=ProjectFigure.INVESTMENT,
        help_text=_("由项目数据自动汇总时，取项目库的哪一项"),
    )  # fmt: skip
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    description = models.TextField(_("口径说明"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        ordering = ["key_work__sort_order", "sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    def is_due(self, month: int) -> bool:
        """Is a value asked for in this month? Quarterly indicators only in 3, 6, 9, 12."""
        return self.frequency == Frequency.MONTHLY or month in QUARTER_MONTHS

    @property
    def sums(self) -> bool:
        """Do values add up across units (group total)? Only flows and counts do."""
        return self.kind in (Kind.CUMULATIVE, Kind.COUNT)


class Target(models.Model):
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="targets")
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="targets")
    year = models.PositiveSmallIntegerField(_("年度"))
    value = models.DecimalField(_("年度目标"), **VALUE_DIGITS)
    # {"6": "60"}: by the end of month 6, 60% of the annual target (上半年 60%).
    milestones = models.JSONField(_("节点目标"), default=dict, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("年度目标")
        verbose_name_plural = _("年度目标")
        constraints = [models.UniqueConstraint(fields=["unit", "indicator", "year"], name="target_unique")]
        # Covering (value included): the early-warning list reads a period's targets from the index alone.
        indexes = [models.Index(fields=["indicator", "year", "unit", "value"], name="target_indicator_year_idx")]

    def __str__(self) -> str:
        return f"{self.unit} {self.indicator} {self.year}: {self.value}"


class RuleSeverity(models.TextChoices):
    ERROR = "error", _("错误：不能报送")
    REMARK = "remark", _("提示：须填写说明")


class ValidationRule(models.Model):
    """A data check in DHIS2 style: left side, operator, right side (expressions over the figure).

    Names usable in the expressions: value, last_year_value, last_month_value, month_increase,
    avg_monthly_increase, yoy (in %), target, month; functions abs, min, max; numbers.
    A side that refers to a missing figure makes the rule not apply.
    """

    class Operator(models.TextChoices):
        GE = ">=", "≥"
        GT = ">", ">"
        LE = "<=", "≤"
        LT = "<", "<"
        EQ = "==", "="
        NE = "!=", "≠"

    code = models.CharField(_("编码"), max_length=32, unique=True, validators=[CODE_VALIDATOR])
    name = models.CharField(_("名称"), max_length=100)
    left = models.CharField(_("左侧表达式"), max_length=200)
    operator = models.CharField(_("运算符"), max_length=2, choices=Operator.choices)
    right = models.CharField(_("右侧表达式"), max_length=200)
    severity = models.CharField(_("级别"), max_length=8, choices=RuleSeverity.choices, default=RuleSeverity.REMARK)
    message = models.CharField(_("提示语"), max_length=200)
    kinds = models.JSONField(_("适用指标类型"), default=list, blank=True, help_text=_("为空表示所有类型"))
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("仅适用于指标"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("校验规则")
        verbose_name_plural = _("校验规则")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name
