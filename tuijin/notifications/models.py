"""Inbox items, their outbound deliveries (email, unit robot webhooks) and the timer log.

A `Notification` is one item in one person's inbox (我的消息). Its `Delivery` rows are the
copies sent outside the platform by the background worker; a delivery that fails is retried
with backoff and, in the end, kept as `failed` with its error — it never touches the action
that caused it. `UnitChannel` is a unit's group robot (DingTalk / WeCom). `TimerRun` claims a
daily timer run for one day, so a second run for the same day acts on nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def open(self) -> NotificationQuerySet:
        return self.filter(done_at__isnull=True)

    def about(self, obj: models.Model) -> NotificationQuerySet:
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("类别"), max_length=64, db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    obj = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    done_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    dedupe_key = models.CharField(_("去重键"), max_length=200, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], condition=~Q(dedupe_key=""), name="notification_dedupe_once"
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_inbox_idx"),
            models.Index(fields=["content_type", "object_id"], name="notification_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.kind} {self.title}"


class Channel(models.TextChoices):
    EMAIL = "email", _("邮件")
    WEBHOOK = "webhook", _("群机器人")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class Delivery(models.Model):
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    # An email address, or the webhook URL (its secret stays on the UnitChannel).
    target = models.CharField(_("发送目标"), max_length=500)
    unit_channel = models.ForeignKey(
        "UnitChannel", null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    # For a unit robot: everyone in the unit this one message tells (one message per unit and call).
    mentions = models.CharField(_("通知对象"), max_length=500, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    next_attempt_at = models.DateTimeField(_("下次尝试"), null=True, blank=True, db_index=True)
    last_attempt_at = models.DateTimeField(_("最近尝试"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("消息投递")
        verbose_name_plural = _("消息投递")
        ordering = ["-id"]
        indexes = [models.Index(fields=["channel", "target", "last_attempt_at"], name="delivery_rate_idx")]

    def __str__(self) -> str:
        return f"{self.channel} → {self.target} ({self.status})"


class Flavour(models.TextChoices):
    DINGTALK = "dingtalk", _("钉钉群机器人")
    WECOM = "wecom", _("企业微信群机器人")


class UnitChannel(models.Model):
    unit = models.OneToOneField("orgs.Unit", verbose_name=_("单位"), on_delete=models.CASCADE, related_name="channel")
    webhook_url = models.URLField(_("Webhook 地址"), max_length=500)
    flavour = models.CharField(_("类型"), max_length=16, choices=Flavour.choices, default=Flavour.DINGTALK)
    secret = models.CharField(_("加签密钥"), max_length=200, blank=True, help_text=_("钉钉机器人“加签”安全设置的密钥"))
    is_active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("单位群机器人")
        verbose_name_plural = _("单位群机器人")

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_flavour_display()}"


class TimerRun(models.Model):
    name = models.CharField(_("定时任务"), max_length=100)
    day = models.DateField(_("业务日期"))
    started_at = models.DateTimeField(_("开始"), auto_now_add=True)
    finished_at = models.DateTimeField(_("结束"), null=True, blank=True)
    acted = models.PositiveIntegerField(_("处理数"), default=0)
    error = models.TextField(_("错误"), blank=True)
    # The claim's lease (tuijin.core.leases): an unfinished run whose heartbeat is older than
    # TIMER_LEASE_SECONDS was left by a worker that died, and is taken over (once) by the next run.
    claimed_by = models.CharField(max_length=64, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=1)

    class Meta:
        verbose_name = _("定时任务运行")
        verbose_name_plural = _("定时任务运行")
        ordering = ["-day", "name"]
        constraints = [models.UniqueConstraint(fields=["name", "day"], name="timer_run_once_a_day")]

    def __str__(self) -> str:
        return f"{self.name} {self.day}"


class ScheduleSlot(models.Model):
    """One periodic job's slot (a day, a minute) claimed by the scheduler that queued it: the
    unique row makes two schedulers (two hosts, a restart) queue each slot once
    (tuijin.notifications.scheduler)."""

    job = models.CharField(_("周期任务"), max_length=60)
    slot = models.CharField(_("时段"), max_length=40)
    claimed_by = models.CharField(max_length=64)
    queued_at = models.DateTimeField(_("入队时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("周期任务时段")
        verbose_name_plural = _("周期任务时段")
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="schedule_slot_once")]

    def __str__(self) -> str:
        return f"{self.job} {self.slot}"
