"""Work contact sheets (工作联系单): a unit writes a problem to the departments that must solve it.

A sheet is written by the implementing unit (reporter or unit head), about a project or a key
work, addressed to one or more handling departments (承办) with copies (抄送). Once sent, each
addressed department has its own `SheetAssignment` with its own clock: the answer (受理意见 and a
promised solving date) is due N days after receipt; 转办 closes the department's row and opens one
for the next department; 退回 gives it back with a reason. The sheet is resolved when every
department still on it has resolved its part, and the sender confirms it (销号) or reopens it.

What is not solved climbs the ladder: an overdue answer or a missed promised date escalates the
sheet to the project's lead leader (or the sender unit's leaders where there is no project), then
to the mayor's office meeting agenda; the meeting's decision is recorded on the sheet and may
become a supervision assignment (督办事项, its source linked back to the sheet). Every step is a
`SheetEvent` on the sheet's timeline and an audit event.

Only `tuijin.liaison.services` writes these rows; statuses move along the tables below.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuijin.orgs.models import Unit


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SENT = "sent", _("办理中")
    RETURNED = "returned", _("已退回")  # every department returned it: the sender revises and sends again
    RESOLVED = "resolved", _("已办结")  # every department on it has resolved its part: the sender decides
    REOPENED = "reopened", _("重新办理")  # the sender was not satisfied
    CONFIRMED = "confirmed", _("已销号")


SHEET_TRANSITIONS: dict[str, frozenset[str]] = {
    SheetStatus.DRAFT: frozenset({SheetStatus.SENT}),
    SheetStatus.SENT: frozenset({SheetStatus.RESOLVED, SheetStatus.RETURNED}),
    SheetStatus.RETURNED: frozenset({SheetStatus.SENT}),
    SheetStatus.RESOLVED: frozenset({SheetStatus.CONFIRMED, SheetStatus.REOPENED}),
    SheetStatus.REOPENED: frozenset({SheetStatus.RESOLVED}),
    SheetStatus.CONFIRMED: frozenset(),
}
EDITABLE_STATUSES = (SheetStatus.DRAFT, SheetStatus.RETURNED)  # the sender may edit and (re)send
HANDLING_STATUSES = (SheetStatus.SENT, SheetStatus.REOPENED)  # departments are working on it


class AssignmentStatus(models.TextChoices):
    PENDING = "pending", _("待受理")
    ACCEPTED = "accepted", _("已受理")
    TRANSFERRED = "transferred", _("已转办")
    REASSIGNED = "reassigned", _("已改派")
    RETURNED = "returned", _("已退回")
    RESOLVED = "resolved", _("已办结")
    REOPENED = "reopened", _("重新办理")


ASSIGNMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    AssignmentStatus.PENDING: frozenset(
        {
            AssignmentStatus.ACCEPTED,
            AssignmentStatus.TRANSFERRED,
            AssignmentStatus.RETURNED,
            AssignmentStatus.REASSIGNED,
        }
    ),
    AssignmentStatus.ACCEPTED: frozenset({AssignmentStatus.RESOLVED, AssignmentStatus.REASSIGNED}),
    AssignmentStatus.REOPENED: frozenset({AssignmentStatus.RESOLVED, AssignmentStatus.REASSIGNED}),
    AssignmentStatus.RESOLVED: frozenset({AssignmentStatus.REOPENED}),
    AssignmentStatus.TRANSFERRED: frozenset(),
    AssignmentStatus.REASSIGNED: frozenset(),
    AssignmentStatus.RETURNED: frozenset(),
}
# The department still owes its answer / its solution.
AWAITING_ANSWER = (AssignmentStatus.PENDING,)
AWAITING_SOLUTION = (AssignmentStatus.ACCEPTED, AssignmentStatus.REOPENED)
OPEN_ASSIGNMENT = (*AWAITING_ANSWER, *AWAITING_SOLUTION)
# Closed by handing the sheet on: the row stays for the record and the statistics.
HANDED_ON = (AssignmentStatus.TRANSFERRED, AssignmentStatus.REASSIGNED)


def overdue_q(as_of, prefix: str = "") -> Q:
    """Assignments overdue on `as_of`: answer not given by its due date, or the promised date
    passed unsolved. A date is missed the day after it (due on the 8th: overdue on the 9th)."""
    p = prefix
    return Q(**{f"{p}status__in": AWAITING_ANSWER, f"{p}due_on__lt": as_of}) | Q(
        **{f"{p}status__in": AWAITING_SOLUTION, f"{p}promised_on__lt": as_of}
    )


class ContactSheetQuerySet(models.QuerySet):
    def overdue(self, as_of) -> ContactSheetQuerySet:
        """Sheets with at least one department overdue on `as_of`."""
        late = SheetAssignment.objects.filter(overdue_q(as_of), sheet=OuterRef("pk"))
        return self.filter(Exists(late))


class ContactSheet(models.Model):
    number = models.CharField(_("编号"), max_length=20, blank=True)  # given when first sent
    sender_unit = models.ForeignKey(Unit, verbose_name=_("发起单位"), on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填写人"), on_delete=models.PROTECT, related_name="+"
    )
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("所涉项目"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="contact_sheets",
    )  # fmt: skip
    key_work = models.ForeignKey(
        "indicators.KeyWork", verbose_name=_("所涉重点工作"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="contact_sheets",
    )  # fmt: skip
    title = models.CharField(_("标题"), max_length=200)
    problem = models.TextField(_("问题描述"))
    request = models.TextField(_("需协调解决的事项"))
    departments = models.ManyToManyField(Unit, verbose_name=_("承办单位"), related_name="+", blank=True)
    copies = models.ManyToManyField(Unit, verbose_name=_("抄送单位"), related_name="+", blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=SheetStatus.choices, default=SheetStatus.DRAFT)
    sent_on = models.DateField(_("发送日期"), null=True, blank=True)
    resolved_on = models.DateField(_("办结日期"), null=True, blank=True)
    confirmed_on = models.DateField(_("销号日期"), null=True, blank=True)
    # The ladder: escalated once (claimed by a conditional update), then on the agenda once.
    escalated_at = models.DateTimeField(_("升级时间"), null=True, blank=True)
    escalated_to = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("升级至"), related_name="escalated_sheets", blank=True
    )
    escalation_reason = models.CharField(_("升级原因"), max_length=300, blank=True)
    agenda_due_on = models.DateField(_("提交市长办公会议期限"), null=True, blank=True)
    agenda_at = models.DateTimeField(_("列入议题时间"), null=True, blank=True)
    agenda_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agenda_note = models.TextField(_("提请议题说明"), blank=True)
    decision = models.TextField(_("会议决定"), blank=True)
    decided_on = models.DateField(_("会议日期"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContactSheetQuerySet.as_manager()

    class Meta:
        verbose_name = _("工作联系单")
        verbose_name_plural = _("工作联系单")
        ordering = ["-sent_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["number"], condition=~Q(number=""), name="sheet_number_unique"),
        ]
        indexes = [
            models.Index(fields=["sender_unit", "status"], name="sheet_sender_status_idx"),
            models.Index(fields=["status", "sent_on"], name="sheet_status_sent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}" if self.number else self.title

    # --- as the source of an assignment (`tuijin.supervision.sources`, registered in `apps.py`) ---

    def source_url(self) -> str:
        return reverse("liaison:sheet_detail", args=[self.pk])

    def source_title(self) -> str:
        return str(self)

    def source_scope(self) -> list[Unit]:
        return [self.sender_unit, *self.departments.all(), *self.copies.all()]

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def on_agenda(self) -> bool:
        return self.agenda_at is not None


class SheetAssignment(models.Model):
    """One handling department's part of a sheet, with its own clock."""

    sheet = models.ForeignKey(ContactSheet, on_delete=models.CASCADE, related_name="assignments")
    department = models.ForeignKey(Unit, verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("状态"), max_length=16, choices=AssignmentStatus.choices, default=AssignmentStatus.PENDING
    )
    received_on = models.DateField(_("收到日期"))
    due_on = models.DateField(_("答复期限"))
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)  # accepted, transferred or returned
    answer_days = models.PositiveIntegerField(_("答复用时（天）"), null=True, blank=True)
    answer = models.TextField(_("受理意见"), blank=True)
    promised_on = models.DateField(_("承诺办结日期"), null=True, blank=True)
    resolved_on = models.DateField(_("办结日期"), null=True, blank=True)
    result = models.TextField(_("办理结果"), blank=True)
    reason = models.TextField(_("转办/退回/改派原因"), blank=True)
    previous = models.OneToOneField(
        "self", verbose_name=_("转自"), null=True, blank=True, on_delete=models.PROTECT, related_name="next"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("承办")
        verbose_name_plural = _("承办")
        ordering = ["sheet", "id"]
        constraints = [
            # A department has at most one open part of a sheet.
            models.UniqueConstraint(
                fields=["sheet", "department"], condition=Q(status__in=["pending", "accepted", "reopened"]),
                name="assignment_one_open_per_department",
            ),
            models.CheckConstraint(
                condition=Q(promised_on__isnull=True)
                | Q(answered_on__isnull=False, promised_on__gte=models.F("answered_on")),
                name="assignment_promise_not_before_answer",
            ),
        ]  # fmt: skip
        indexes = [
            models.Index(fields=["department", "status"], name="assignment_dept_status_idx"),
            models.Index(fields=["status", "due_on"], name="assignment_status_due_idx"),
            models.Index(fields=["status", "promised_on"], name="assignment_status_promised_idx"),
            models.Index(fields=["received_on"], name="assignment_received_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.sheet} · {self.department}"

    def is_overdue(self, as_of) -> bool:
        if self.status in AWAITING_ANSWER:
            return self.due_on < as_of
        return self.status in AWAITING_SOLUTION and self.promised_on is not None and self.promised_on < as_of

    def answer_overdue(self, as_of) -> bool:
        return self.status in AWAITING_ANSWER and self.due_on < as_of

    def promise_missed(self, as_of) -> bool:
        return self.status in AWAITING_SOLUTION and self.promised_on is not None and self.promised_on < as_of


class EventKind(models.TextChoices):
    CREATED = "created", _("起草")
    UPDATED = "updated", _("修改")
    ATTACHED = "attached", _("上传附件")
    DETACHED = "detached", _("删除附件")
    SENT = "sent", _("发送")
    ACCEPTED = "accepted", _("受理")
    TRANSFERRED = "transferred", _("转办")
    RETURNED = "returned", _("退回")
    RESOLVED = "resolved", _("办结")
    CONFIRMED = "confirmed", _("销号")
    REOPENED = "reopened", _("不满意，重新办理")
    ESCALATED = "escalated", _("升级至领衔领导")
    INSTRUCTED = "instructed", _("领导批示")
    REASSIGNED = "reassigned", _("改派承办单位")
    AGENDA = "agenda", _("列入市长办公会议议题")
    DECISION = "decision", _("会议决定")


class SheetEvent(models.Model):
    """The sheet's timeline: who did what, when, with what words. Timers act with no actor."""

    sheet = models.ForeignKey(ContactSheet, on_delete=models.CASCADE, related_name="events")
    assignment = models.ForeignKey(
        SheetAssignment, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("事项"), max_length=16, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    actor_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("内容"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("联系单办理记录")
        verbose_name_plural = _("联系单办理记录")
        ordering = ["sheet", "at", "id"]

    def __str__(self) -> str:
        return f"{self.sheet} {self.get_kind_display()}"


def attachment_path(instance: SheetAttachment, filename: str) -> str:
    # The name on disk is generated (a uuid and the extension the content proved); the user's
    # file name is only shown. The files are served by a permission-checked view, never MEDIA_URL.
    return f"liaison/{instance.sheet_id}/{filename}"


class SheetAttachment(models.Model):
    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "Word"
        XLSX = "xlsx", "Excel"
        JPEG = "jpg", _("JPEG 图片")
        PNG = "png", _("PNG 图片")

    sheet = models.ForeignKey(ContactSheet, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    name = models.CharField(_("文件名"), max_length=200)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("联系单附件")
        verbose_name_plural = _("联系单附件")
        ordering = ["sheet", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name
