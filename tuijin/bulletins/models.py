"""Bulletins (通报, 一月一督查一通报): drafted from the data, edited, published, never changed after.

A `Bulletin` is one version. Its `content` is the structured document (headings, paragraphs,
computed tables, charts) in the order it is read; each paragraph names a `Block` whose text
the supervisor may edit while the bulletin is a draft. Publishing writes `snapshot` — the
content with every text resolved — and the .docx and .pdf files with their SHA-256; from then
on the web page and the downloads read only those. A correction is a new version in the same
`series`, drafted again from the current data, listing what changed (`changes`).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tuijin.orgs.models import Unit


class PeriodType(models.TextChoices):
    MONTH = "month", _("月度")
    QUARTER = "quarter", _("季度")


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class BulletinQuerySet(models.QuerySet):
    def visible_to(self, user) -> BulletinQuerySet:
        """Published bulletins whose scope covers or lies within the user's view; drafts only to
        supervisors who may manage them (see `tuijin.bulletins.queries`)."""
        from tuijin.bulletins import queries

        return queries.visible(self, user)


def _file_path(bulletin: Bulletin, ext: str) -> str:
    return f"bulletins/{bulletin.series}/v{bulletin.number}-{uuid.uuid4().hex[:8]}.{ext}"


def docx_path(instance: Bulletin, filename: str) -> str:
    return _file_path(instance, "docx")


def pdf_path(instance: Bulletin, filename: str) -> str:
    return _file_path(instance, "pdf")


class Bulletin(models.Model):
    series = models.UUIDField(_("系列"), default=uuid.uuid4, editable=False, db_index=True)
    number = models.PositiveSmallIntegerField(_("版本"), default=1)
    previous = models.OneToOneField(
        "self", verbose_name=_("上一版本"), null=True, blank=True, on_delete=models.PROTECT, related_name="next_version"
    )
    title = models.CharField(_("标题"), max_length=200)
    period_type = models.CharField(_("期间类型"), max_length=8, choices=PeriodType.choices, default=PeriodType.MONTH)
    year = models.PositiveSmallIntegerField(_("年度"))
    period = models.PositiveSmallIntegerField(_("月份或季度"))
    # None: the whole city (every unit); else the unit and the units below it.
    scope_unit = models.ForeignKey(
        Unit, verbose_name=_("范围"), null=True, blank=True, on_delete=models.PROTECT, related_name="bulletins"
    )
    # What the bulletin covers beyond its scope: {"indicators": [codes], "groups": [codes]}; an empty
    # list (or none) means all of them. A new version drafts the same selection again.
    selection = models.JSONField(_("指标与排名组"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    content = models.JSONField(_("内容"), default=dict)
    snapshot = models.JSONField(_("发布快照"), default=dict, blank=True)
    changes = models.JSONField(_("与上一版本的变化"), default=list, blank=True)
    docx = models.FileField(_("Word 文件"), upload_to=docx_path, blank=True)
    docx_sha256 = models.CharField(max_length=64, blank=True)
    pdf = models.FileField(_("PDF 文件"), upload_to=pdf_path, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    # 发文字号 (示督通〔2026〕12号): the year and the sequence, numbered per year at publishing and
    # never reused (`services.bulletin_publish`; the constraint below holds it).
    doc_year = models.PositiveSmallIntegerField(_("发文年度"), null=True, blank=True)
    doc_seq = models.PositiveIntegerField(_("发文序号"), null=True, blank=True)
    doc_number = models.CharField(_("发文字号"), max_length=60, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    objects = BulletinQuerySet.as_manager()

    class Meta:
        verbose_name = _("通报")
        verbose_name_plural = _("通报")
        ordering = ["-year", "-period", "series", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="bulletin_series_number"),
            # One bulletin per period and scope (its corrections are later numbers of its series);
            # COALESCE so that two city-wide drafts (scope NULL) collide too.
            models.UniqueConstraint(
                Coalesce("scope_unit", Value(0)),
                "period_type",
                "year",
                "period",
                condition=Q(number=1),
                name="bulletin_one_per_period_and_scope",
            ),
            models.UniqueConstraint(fields=["doc_year", "doc_seq"], name="bulletin_doc_number_once"),
            models.CheckConstraint(
                condition=Q(period_type="month", period__gte=1, period__lte=12)
                | Q(period_type="quarter", period__gte=1, period__lte=4),
                name="bulletin_period_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（第{self.number}版）" if self.number > 1 else self.title

    # --- as the source of an assignment (`tuijin.supervision.sources`, registered in `apps.py`) ---

    def source_url(self) -> str:
        return reverse("bulletins:detail", args=[self.pk])

    def source_title(self) -> str:
        return str(self)

    def source_scope(self) -> list[Unit]:
        return [self.scope_unit] if self.scope_unit_id else []  # none: the whole city's

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT

    @property
    def month(self) -> int:
        """The month whose figures the bulletin reads: the month, or the quarter's last month."""
        return self.period if self.period_type == PeriodType.MONTH else self.period * 3


class Block(models.Model):
    """One paragraph of a draft: the generated text and the supervisor's edit of it."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="blocks")
    key = models.CharField(max_length=120)
    generated = models.TextField(_("生成文本"))
    text = models.TextField(_("文本"))
    version = models.PositiveIntegerField(default=1, editable=False)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("通报段落")
        verbose_name_plural = _("通报段落")
        constraints = [models.UniqueConstraint(fields=["bulletin", "key"], name="bulletin_block_key")]

    def __str__(self) -> str:
        return f"{self.bulletin_id}:{self.key}"

    @property
    def is_edited(self) -> bool:
        return self.text != self.generated


class Chart(models.Model):
    """A chart of a bulletin as a PNG, drawn on the server when the bulletin is drafted."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="charts")
    key = models.CharField(max_length=120)
    png = models.BinaryField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bulletin", "key"], name="bulletin_chart_key")]

    def __str__(self) -> str:
        return f"{self.bulletin_id}:{self.key}"


class BulletinRead(models.Model):
    """Who opened a published bulletin: one row per reader, first and last opened."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    first_opened_at = models.DateTimeField(_("首次阅读"))
    last_opened_at = models.DateTimeField(_("最近阅读"))
    times = models.PositiveIntegerField(_("阅读次数"), default=1)

    class Meta:
        verbose_name = _("通报阅读记录")
        verbose_name_plural = _("通报阅读记录")
        constraints = [models.UniqueConstraint(fields=["bulletin", "user"], name="bulletin_read_once")]

    def __str__(self) -> str:
        return f"{self.bulletin_id}:{self.user_id}"
