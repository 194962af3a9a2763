"""Assignments (督办事项 / 交办单): an instruction followed until the supervisor closes it out (销号).

A supervisor creates an assignment from a meeting decision, a review problem, a leader's
instruction (领导批示), an escalated contact sheet or a bulletin finding (the source is linked
generically). The owner unit posts progress on each cycle, may ask for a deadline extension
(延期申请) and asks for close-out with evidence (申请销号); the supervisor closes it out or
returns it. `status` moves along `TRANSITIONS`; extensions are their own rows and, once granted,
move `deadline` while `original_deadline` stays what was first set (the statistics keep it).
Progress cycles run from the day the item was created (`reporting_from`), whatever `assigned_on` says.

Colours and overdue levels are computed (`metrics.py`, annotated in SQL by `queries.py`),
never stored; `notified_rank` and `listed_on` only record what the timers have already done.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuijin.orgs.models import Unit


class SourceKind(models.TextChoices):
    DECISION = "decision", _("会议议定事项")
    REVIEW = "review", _("点评问题")
    INSTRUCTION = "instruction", _("领导批示")
    SHEET = "sheet", _("工作联系单")
    BULLETIN = "bulletin", _("通报问题")
    OTHER = "other", _("其他")


# A review problem or a meeting decision becomes at most one assignment.
SINGLE_SOURCE_KINDS = (SourceKind.DECISION, SourceKind.REVIEW)


class Cycle(models.TextChoices):
    WEEKLY = "weekly", _("每周")
    BIWEEKLY = "biweekly", _("每两周")
    MONTHLY = "monthly", _("每月")


class Status(models.TextChoices):
    OPEN = "open", _("办理中")
    CLOSEOUT_REQUESTED = "closeout_requested", _("申请销号")
    CLOSED = "closed", _("已销号")


TRANSITIONS: dict[str, frozenset[str]] = {
    Status.OPEN: frozenset({Status.CLOSEOUT_REQUESTED}),
    # 销号, or returned to the owner with a reason.
    Status.CLOSEOUT_REQUESTED: frozenset({Status.CLOSED, Status.OPEN}),
    Status.CLOSED: frozenset(),
}


class Assignment(models.Model):
    title = models.CharField(_("事项"), max_length=200)
    content = models.TextField(_("内容及要求"))
    source_kind = models.CharField(_("来源"), max_length=16, choices=SourceKind.choices)
    source_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    source_label = models.CharField(_("来源说明"), max_length=200, blank=True)
    # A problem found in a meeting review: the review it came from (the problem is the `source`).
    review = models.ForeignKey(
        "meetings.Review", verbose_name=_("点评"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="assignments",
    )  # fmt: skip
    owner_unit = models.ForeignKey(
        Unit, verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="assignments"
    )
    co_units = models.ManyToManyField(Unit, verbose_name=_("配合单位"), related_name="co_assignments", blank=True)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("责任领导"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="led_assignments",
    )  # fmt: skip
    responsibility = models.CharField(_("责任人"), max_length=100, blank=True)
    assigned_on = models.DateField(_("交办日期"))
    deadline = models.DateField(_("办结时限"))
    original_deadline = models.DateField(_("原定时限"))
    cycle = models.CharField(_("进展报送周期"), max_length=16, choices=Cycle.choices, default=Cycle.MONTHLY)
    year = models.PositiveSmallIntegerField(_("年度"))
    on_task_list = models.BooleanField(_("列入年度任务清单"), default=False)
    status = models.CharField(_("状态"), max_length=24, choices=Status.choices, default=Status.OPEN)
    closeout_evidence = models.TextField(_("销号佐证"), blank=True)
    closeout_requested_on = models.DateField(_("申请销号日期"), null=True, blank=True)
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)
    # What the overdue timer has done for the current deadline (0 none, 1 催办, 2 督办, 3 挂牌督办).
    notified_rank = models.PositiveSmallIntegerField(default=0, editable=False)
    listed_on = models.DateField(_("挂牌日期"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("督办事项")
        verbose_name_plural = _("督办事项")
        ordering = ["deadline", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id"], condition=Q(source_kind__in=["decision", "review"]),
                name="assignment_single_source",
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("assigned_on")), name="assignment_deadline_order"
            ),
        ]  # fmt: skip
        indexes = [
            models.Index(fields=["status", "deadline"], name="assignment_status_deadline_idx"),
            models.Index(fields=["owner_unit", "status"], name="assignment_owner_status_idx"),
            models.Index(fields=["year", "on_task_list"], name="assignment_task_list_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def extended(self) -> bool:
        return self.deadline != self.original_deadline

    @property
    def reporting_from(self) -> dt.date:
        """The first day of the first progress cycle: the day the item was assigned in Tuijin
        (created), not `assigned_on`, which may be the earlier day it was decided (a meeting's
        date): nothing is owed for the weeks before anyone was told."""
        return timezone.localdate(self.created_at) if self.created_at else timezone.localdate()


class ProgressUpdate(models.Model):
    """The owner's account of one progress cycle; `late` when posted after that cycle ended."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="updates")
    text = models.TextField(_("进展情况"))
    cycle_start = models.DateField(_("所属周期起"))
    cycle_end = models.DateField(_("所属周期止"))
    posted_on = models.DateField(_("报送日期"))
    late = models.BooleanField(_("逾期补报"), default=False)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    posted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("进展报送")
        verbose_name_plural = _("进展报送")
        ordering = ["-posted_at", "-pk"]
        indexes = [models.Index(fields=["assignment", "posted_on"], name="update_assignment_posted_idx")]

    def __str__(self) -> str:
        return f"{self.assignment}: {self.cycle_start}–{self.cycle_end}"


class ExtensionRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("待审批")
        GRANTED = "granted", _("已同意")
        REFUSED = "refused", _("未同意")
        WITHDRAWN = "withdrawn", _("已撤回")  # the owner asked for close-out while it was pending

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="extensions")
    old_deadline = models.DateField(_("原时限"))
    new_deadline = models.DateField(_("申请延至"))
    reason = models.TextField(_("延期理由"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["assignment"], condition=Q(status="pending"), name="one_pending_extension"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment}: {self.old_deadline} → {self.new_deadline}"


class EventKind(models.TextChoices):
    CREATED = "created", _("交办")
    UPDATED = "updated", _("修改")
    PROGRESS = "progress", _("报送进展")
    CLOSEOUT_REQUESTED = "closeout_requested", _("申请销号")
    CLOSED = "closed", _("销号")
    RETURNED = "returned", _("退回")
    EXTENSION_REQUESTED = "extension_requested", _("申请延期")
    EXTENSION_GRANTED = "extension_granted", _("同意延期")
    EXTENSION_REFUSED = "extension_refused", _("不同意延期")
    REMINDED = "reminded", _("催办")
    SUPERVISED = "supervised", _("督办")
    LISTED = "listed", _("挂牌督办")


class AssignmentEvent(models.Model):
    """The timeline: every transition and every escalation, in order (timers have no actor)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("督办记录")
        verbose_name_plural = _("督办记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.assignment}: {self.get_kind_display()}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # The user's file name is never used on disk; `filename` here is generated by the service.
    return f"supervision/{instance.assignment_id}/{filename}"


class Attachment(models.Model):
    """A file with a progress update, a close-out request or an extension request (content-checked)."""

    class Purpose(models.TextChoices):
        PROGRESS = "progress", _("进展材料")
        CLOSEOUT = "closeout", _("销号佐证")

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="attachments")
    update = models.ForeignKey(
        ProgressUpdate, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    file = models.FileField(upload_to=attachment_path)
    name = models.CharField(_("文件名"), max_length=120)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name
