"""The year-end assessment (目标责任制考核): schemes of weighted items, and the scores they give.

A `Scheme` belongs to one year and one ranking group and has numbered versions (第 N 版); a
new version copies the items and the bonus entries. Status: draft (items editable, trial
runs) → published (the weights sum to 100; items frozen; results may be computed) → locked
(its results are published; nothing about it changes again, except the supervisor's recorded
adjustments after an objection).

A `Result` is one unit's score under one scheme: one `ResultLine` per item whose
`explanation` holds the figures, the rule and the evidence the points came from (the
drill-down), plus the `Adjustment`s a supervisor recorded with a reason. Only
`tuijin.assessment.services` writes any of these.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuijin.indicators.models import Indicator
from tuijin.orgs.models import RankingGroup, Unit

WEIGHT = {"max_digits": 7, "decimal_places": 2}
PARAM = {"max_digits": 10, "decimal_places": 4}
POINTS = {"max_digits": 10, "decimal_places": 4}


class SchemeStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    LOCKED = "locked", _("已锁定")


SCHEME_TRANSITIONS: dict[str, frozenset[str]] = {
    SchemeStatus.DRAFT: frozenset({SchemeStatus.PUBLISHED}),
    SchemeStatus.PUBLISHED: frozenset({SchemeStatus.LOCKED}),
    SchemeStatus.LOCKED: frozenset(),
}


class RuleKind(models.TextChoices):
    COMPLETION = "completion", _("完成率计分")
    RANK = "rank", _("排名计分")
    PACE = "pace", _("时序进度计分")
    DEDUCTION_SHEETS = "deduction_sheets", _("联系单逾期答复扣分")
    DEDUCTION_LISTED = "deduction_listed", _("挂牌督办扣分")
    BONUS = "bonus", _("加分项")


INDICATOR_RULES = frozenset({RuleKind.COMPLETION, RuleKind.RANK, RuleKind.PACE})
DEDUCTION_RULES = frozenset({RuleKind.DEDUCTION_SHEETS, RuleKind.DEDUCTION_LISTED})


class Scheme(models.Model):
    year = models.PositiveSmallIntegerField(_("年度"))
    group = models.ForeignKey(
        RankingGroup, verbose_name=_("排名组"), on_delete=models.PROTECT, related_name="assessment_schemes"
    )
    name = models.CharField(_("方案名称"), max_length=100)
    version_no = models.PositiveSmallIntegerField(_("版本号"), default=1)
    previous = models.ForeignKey(
        "self", verbose_name=_("上一版本"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=16, choices=SchemeStatus.choices, default=SchemeStatus.DRAFT)
    objection_deadline = models.DateField(_("申诉截止日"), null=True, blank=True)
    description = models.TextField(_("说明"), blank=True)
    # When an item or a bonus last changed: results computed before it are out of date.
    items_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    locked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        ordering = ["-year", "group__sort_order", "group__code", "-version_no"]
        constraints = [
            models.UniqueConstraint(fields=["year", "group", "version_no"], name="scheme_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（第{self.version_no}版）"

    @property
    def is_locked(self) -> bool:
        return self.status == SchemeStatus.LOCKED


class SchemeItem(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    name = models.CharField(_("考核内容"), max_length=100)
    kind = models.CharField(_("计分规则"), max_length=24, choices=RuleKind.choices)
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    weight = models.DecimalField(_("分值"), **WEIGHT)
    # completion: the highest completion ratio that scores (1.2 = 120%); deductions: the most points taken.
    cap = models.DecimalField(_("封顶"), null=True, blank=True, **PARAM)
    # rank: points lost per rank step (blank: the weight divided by the number of units in the group).
    step = models.DecimalField(_("每名次递减"), null=True, blank=True, **PARAM)
    # deductions: points taken per overdue answer / per listed item.
    amount = models.DecimalField(_("每件扣分"), null=True, blank=True, **PARAM)
    description = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("考核项目")
        verbose_name_plural = _("考核项目")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


def bonus_path(instance: Bonus, filename: str) -> str:
    return f"assessment/bonus/{instance.item.scheme.year}/{filename}"


class BonusQuerySet(models.QuerySet):
    def visible_to(self, user) -> BonusQuerySet:
        """The bonuses of units in the user's scope: a bonus's reason and evidence are the unit's own."""
        from tuijin.orgs import policy

        return policy.scope(self, user)


class Bonus(models.Model):
    """A bonus the supervisor awards a unit under a bonus item, with its reason and evidence."""

    item = models.ForeignKey(SchemeItem, on_delete=models.PROTECT, related_name="bonuses")
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("加分"), **WEIGHT)
    reason = models.CharField(_("加分事由"), max_length=300)
    evidence = models.TextField(_("佐证材料"))
    attachment = models.FileField(_("附件"), upload_to=bonus_path, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)

    objects = BonusQuerySet.as_manager()

    class Meta:
        verbose_name = _("加分记录")
        verbose_name_plural = _("加分记录")
        ordering = ["entered_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(points__gt=0), name="bonus_points_positive")]

    def __str__(self) -> str:
        return f"{self.unit} +{self.points} {self.reason}"


class Result(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="results")
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    month = models.PositiveSmallIntegerField(_("数据月份"))  # 12: the year; earlier: a trial run
    base_total = models.DecimalField(_("计分合计"), **POINTS)
    adjustment_total = models.DecimalField(_("调整合计"), default=0, **POINTS)
    total = models.DecimalField(_("总分"), **POINTS)
    rank = models.PositiveSmallIntegerField(_("名次"), null=True, blank=True)
    computed_at = models.DateTimeField(_("计算时间"))
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")
        ordering = ["scheme", "rank", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["scheme", "unit"], name="result_unique")]

    def __str__(self) -> str:
        return f"{self.scheme} · {self.unit}: {self.total}"


class ResultLine(models.Model):
    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(SchemeItem, on_delete=models.CASCADE, related_name="+")
    points = models.DecimalField(_("得分"), **POINTS)
    # The drill-down: {"rule", "figures": {...}, "evidence": [...], "missing", "capped"} (see scoring).
    explanation = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("得分明细")
        verbose_name_plural = _("得分明细")
        ordering = ["item__order", "item_id"]
        constraints = [models.UniqueConstraint(fields=["result", "item"], name="resultline_unique")]

    def __str__(self) -> str:
        return f"{self.result.unit} · {self.item}: {self.points}"


class ObjectionStatus(models.TextChoices):
    PENDING = "pending", _("待处理")
    ACCEPTED = "accepted", _("已采纳")
    REJECTED = "rejected", _("不予采纳")


class Objection(models.Model):
    """申诉: a unit disputes its published result within the scheme's window."""

    result = models.ForeignKey(Result, on_delete=models.PROTECT, related_name="objections")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(
        SchemeItem, verbose_name=_("涉及项目"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("申诉理由"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=ObjectionStatus.choices, default=ObjectionStatus.PENDING
    )
    response = models.TextField(_("处理意见"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("申诉")
        verbose_name_plural = _("申诉")
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["result"], condition=Q(status="pending"), name="one_pending_objection_per_result"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_status_display()}"


class Adjustment(models.Model):
    """A supervisor's change to a result's points (of one item, or of the whole), with its reason."""

    result = models.ForeignKey(Result, on_delete=models.PROTECT, related_name="adjustments")
    item = models.ForeignKey(
        SchemeItem, verbose_name=_("涉及项目"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    objection = models.ForeignKey(
        Objection, null=True, blank=True, on_delete=models.PROTECT, related_name="adjustments"
    )
    points = models.DecimalField(_("调整分值"), **POINTS)
    reason = models.CharField(_("调整理由"), max_length=500)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("分值调整")
        verbose_name_plural = _("分值调整")
        ordering = ["at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(points=0), name="adjustment_not_zero")]

    def __str__(self) -> str:
        return f"{self.result.unit} {self.points:+} {self.reason}"
