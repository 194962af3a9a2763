"""A project's months (`ProjectProgress`: this month's investment — the year-to-date figure is
always computed, never stored), their photos, revisions, corrections after the lock, problems."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuijin.indicators.models.corrections import Correction
from tuijin.projects.models.library import MONEY, Project, money_text


class ProjectProgress(models.Model):
    """One month of a project: this month's investment (亿元), 形象进度, problems."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="progress")
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"))
    investment = models.DecimalField(_("本月完成投资（亿元）"), **MONEY)
    image_progress = models.TextField(_("形象进度"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("项目月度进展")
        verbose_name_plural = _("项目月度进展")
        ordering = ["project", "-year", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year", "month"], name="progress_unique"),
            models.CheckConstraint(condition=Q(month__gte=1) & Q(month__lte=12), name="progress_month_range"),
            models.CheckConstraint(condition=Q(investment__gte=0), name="progress_investment_not_negative"),
        ]
        indexes = [models.Index(fields=["year", "month"], name="progress_period_idx")]

    def __str__(self) -> str:
        return f"{self.project} {self.year}-{self.month:02d}: {self.investment}"

    @property
    def investment_text(self) -> str:
        return money_text(self.investment)


def photo_path(instance: ProgressPhoto, filename: str) -> str:
    # The name a user gave is never used on disk: only the content decides the extension.
    return f"projects/{instance.progress.project_id}/{instance.progress.year}{instance.progress.month:02d}/{filename}"


class ProgressPhoto(models.Model):
    progress = models.ForeignKey(ProjectProgress, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("照片"), upload_to=photo_path)
    thumbnail = models.ImageField(upload_to=photo_path, blank=True)
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    caption = models.CharField(_("说明"), max_length=200, blank=True)
    taken_at = models.DateTimeField(_("拍摄时间"), null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("进展照片")
        verbose_name_plural = _("进展照片")
        ordering = ["progress", "uploaded_at"]

    def __str__(self) -> str:
        return f"{self.progress}: {self.caption or self.image.name}"


class ProgressRevision(models.Model):
    """A superseded monthly investment (correction after the lock, or a bulk write), with why."""

    progress = models.ForeignKey(ProjectProgress, on_delete=models.CASCADE, related_name="revisions")
    kind = models.CharField(max_length=16)  # correction / import / api
    old_investment = models.DecimalField(null=True, blank=True, **MONEY)
    new_investment = models.DecimalField(null=True, blank=True, **MONEY)
    reason = models.TextField(_("原因"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("进展修改记录")
        verbose_name_plural = _("进展修改记录")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.progress}: {self.old_investment} → {self.new_investment}"


class ProgressCorrection(Correction):
    """After the lock, the unit asks to correct a month's investment; the supervisor decides."""

    unit_path = "progress__project__unit"
    listed_with = ("progress__project__unit",)

    progress = models.ForeignKey(ProjectProgress, on_delete=models.PROTECT, related_name="corrections")
    proposed_investment = models.DecimalField(_("更正后的本月投资"), **MONEY)

    class Meta(Correction.Meta):
        verbose_name = _("进展更正申请")
        verbose_name_plural = _("进展更正申请")
        constraints = [
            models.UniqueConstraint(
                fields=["progress"], condition=Q(status="pending"), name="one_pending_progress_correction"
            )
        ]

    def __str__(self) -> str:
        return f"{self.progress}: {self.proposed_investment} ({self.get_status_display()})"

    @property
    def proposed_investment_text(self) -> str:
        return money_text(self.proposed_investment)


class ProjectProblem(models.Model):
    """An open problem of a project (raised with its progress or on its page) until resolved.

    The contact-sheet work links sheets to these problems."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="open_problems")
    description = models.TextField(_("问题"))
    raised_on = models.DateField(_("提出日期"))
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    resolved_on = models.DateField(_("解决日期"), null=True, blank=True)
    resolution = models.TextField(_("解决情况"), blank=True)

    class Meta:
        verbose_name = _("项目问题")
        verbose_name_plural = _("项目问题")
        ordering = ["resolved_on", "-raised_on"]

    def __str__(self) -> str:
        return self.description[:50]
