"""The reporting calendar, a unit's month (`Submission`), its figures (`Report`) and their history.

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

from tuijin.indicators.models.catalogue import VALUE_DIGITS, Indicator
from tuijin.orgs.models import Unit


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
