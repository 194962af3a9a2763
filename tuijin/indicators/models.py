"""Indicators (指标), annual targets (年度目标), monthly reports (月报) and their history.

A unit's month is one `Submission` (the form it fills, approves and hands in); each figure in
it is one `Report` row (unit, indicator, period). Analytics read `Report` rows whose
submission is counted (submitted, approved or accepted). Every change to a figure after it
was first handed in leaves a `ReportRevision`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
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


class ReportingRule(models.Model):
    """The reporting calendar of a year: period M is due by `deadline_day` of month M+1, then locks.

    The day is read by the deployment's `TUIJIN_REPORTING_DEADLINE_RULE` (see periods.deadline)."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    deadline_day = models.PositiveSmallIntegerField(_("次月截止日"), default=5)

    class Meta:
        verbose_name = _("填报日历")
        verbose_name_plural = _("填报日历")

    def __str__(self) -> str:
        return f"{self.year}: {self.deadline_day}"


DEFAULT_DEADLINE_DAY = 5


def period_deadline(year: int, month: int, deadline_day: int = DEFAULT_DEADLINE_DAY) -> dt.date:
    """The nominal deadline of period (year, month): day N of the next month, before the working
    calendar moves it (periods.deadline gives the real one)."""
    next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    return dt.date(next_year, next_month, min(deadline_day, 28))


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    APPROVED = "approved", _("负责人已审核")
    ACCEPTED = "accepted", _("督查员已确认")
    RETURNED = "returned", _("已退回")


# Allowed transitions: from → the statuses it may move to.
SUBMISSION_TRANSITIONS: dict[str, frozenset[str]] = {
    SubmissionStatus.DRAFT: frozenset({SubmissionStatus.SUBMITTED}),
    SubmissionStatus.RETURNED: frozenset({SubmissionStatus.SUBMITTED}),
    SubmissionStatus.SUBMITTED: frozenset({SubmissionStatus.APPROVED, SubmissionStatus.RETURNED}),
    SubmissionStatus.APPROVED: frozenset({SubmissionStatus.ACCEPTED, SubmissionStatus.RETURNED}),
    SubmissionStatus.ACCEPTED: frozenset(),
}
# The statuses whose figures count in analytics, rankings and bulletins.
COUNTED_STATUSES = (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED, SubmissionStatus.ACCEPTED)


class Submission(models.Model):
    """One unit's monthly form for one period."""

    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="submissions")
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"))
    status = models.CharField(
        _("状态"), max_length=16, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    returned_reason = models.TextField(_("退回原因"), blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    # The reminder at `reminded_at` has been emailed (claimed by the delivery task, so never twice).
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("月度填报")
        verbose_name_plural = _("月度填报")
        ordering = ["-year", "-month", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "month"], name="submission_unique"),
            models.CheckConstraint(condition=Q(month__gte=1) & Q(month__lte=12), name="submission_month_range"),
        ]
        indexes = [models.Index(fields=["year", "month", "status"], name="submission_period_idx")]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}-{self.month:02d} {self.get_status_display()}"


class Report(models.Model):
    """One figure: unit × indicator × period. `value` is 1–N月累计 for cumulative kinds."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="reports")
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="reports")
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"))
    value = models.DecimalField(_("本期值"), null=True, blank=True, **VALUE_DIGITS)
    last_year_value = models.DecimalField(_("上年同期值"), null=True, blank=True, **VALUE_DIGITS)
    remark = models.TextField(_("说明"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("填报值")
        verbose_name_plural = _("填报值")
        constraints = [
            models.UniqueConstraint(fields=["unit", "indicator", "year", "month"], name="report_unique"),
            models.CheckConstraint(condition=Q(month__gte=1) & Q(month__lte=12), name="report_month_range"),
        ]
        # Covering: the early-warning list reads a period's reports from the index alone (SQLite).
        indexes = [
            models.Index(fields=["indicator", "year", "month", "unit", "submission", "value"], name="report_period_idx")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.indicator} {self.year}-{self.month:02d}: {self.value}"


class RevisionKind(models.TextChoices):
    CORRECTION = "correction", _("锁定后更正")
    IMPORT = "import", _("批量导入")
    API = "api", _("接口批量写入")
    RETURN = "return", _("退回后修改")


class ImportBatch(models.Model):
    """A bulk write (Excel upload or bulk API call): all rows or none, with its reason."""

    class Kind(models.TextChoices):
        REPORTS = "reports", _("填报值")
        TARGETS = "targets", _("年度目标")

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("处理中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    source = models.CharField(_("来源"), max_length=16, default="excel")  # excel / api
    file_name = models.CharField(max_length=255, blank=True)
    checksum = models.CharField(max_length=64, blank=True, db_index=True)
    reason = models.CharField(_("原因"), max_length=500, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    changed_rows = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The lease of a background import (tuijin.core.leases): the worker's token and its last sign
    # of life; a running batch whose heartbeat is older than IMPORT_LEASE_SECONDS is recovered.
    claimed_by = models.CharField(max_length=64, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    notice = models.CharField(_("处理说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} {self.get_status_display()}"


class ReportRevision(models.Model):
    """A superseded figure: what it was, what it became, why, and who changed it."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="revisions")
    kind = models.CharField(max_length=16, choices=RevisionKind.choices)
    old_value = models.DecimalField(null=True, blank=True, **VALUE_DIGITS)
    new_value = models.DecimalField(null=True, blank=True, **VALUE_DIGITS)
    old_last_year_value = models.DecimalField(null=True, blank=True, **VALUE_DIGITS)
    new_last_year_value = models.DecimalField(null=True, blank=True, **VALUE_DIGITS)
    reason = models.TextField(_("原因"))
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="revisions")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("修改记录")
        verbose_name_plural = _("修改记录")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.report}: {self.old_value} → {self.new_value}"


class CorrectionRequest(models.Model):
    """After the lock, a unit asks to correct a figure; the supervisor approves or rejects."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="correction_requests")
    proposed_value = models.DecimalField(_("更正后的值"), null=True, blank=True, **VALUE_DIGITS)
    proposed_last_year_value = models.DecimalField(_("更正后的上年同期值"), null=True, blank=True, **VALUE_DIGITS)
    reason = models.TextField(_("更正原因"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)

    class Meta:
        verbose_name = _("更正申请")
        verbose_name_plural = _("更正申请")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["report"], condition=Q(status="pending"), name="one_pending_correction_per_report"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report}: {self.proposed_value} ({self.get_status_display()})"


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
