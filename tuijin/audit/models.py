"""The append-only audit log (等保 2.0: who did what, to what, from where, when).

Rows are only ever inserted, by `tuijin.audit.services.record`, inside the transaction of
the change they describe. Database triggers (see the migration) refuse UPDATE and DELETE,
so not even a bug or a shell session in the app can rewrite history; in production the app's
database role has only INSERT and SELECT on the table (`manage.py pg_grant_app_role`), and a
hash chain (`tuijin.audit.chain`, `manage.py audit_verify`) shows any edit made around both.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    TRANSITION = "transition", _("状态变更")
    LOGIN = "login", _("登录")
    LOGOUT = "logout", _("退出")
    LOGIN_FAILED = "login_failed", _("登录失败")
    EXPORT = "export", _("导出")
    PASSWORD = "password", _("修改密码")
    DOWNLOAD = "download", _("下载")


class SystemActor(models.TextChoices):
    """Who acted when no person did: the automatic jobs, each named as the auditor reads it."""

    FEED = "feed", _("系统（自动汇总）")
    TIMER = "timer", _("系统（定时任务）")


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("audit events are append-only")

    def delete(self):
        raise PermissionError("audit events are append-only")


class AuditEvent(models.Model):
    # Set before the INSERT (not auto_now_add) because the row's hash covers it.
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    # No database foreign key: the log must outlive (and never block) changes to users.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # Set (and `actor` empty) when an automatic job acted, not a person: see `audit.context.as_system`.
    system_actor = models.CharField(_("系统操作"), max_length=16, choices=SystemActor.choices, blank=True)
    actor_username = models.CharField(_("账号"), max_length=150, blank=True, db_index=True)
    actor_unit_code = models.CharField(_("单位编码"), max_length=32, blank=True)
    actor_unit_name = models.CharField(_("操作人单位"), max_length=100, blank=True)
    action = models.CharField(_("操作"), max_length=16, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    # The chain: this row's hash over its content and the previous row's hash (see chain.py).
    hash_alg = models.CharField(_("哈希算法"), max_length=8, blank=True)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64, blank=True)
    row_hash = models.CharField(_("本条哈希"), max_length=64, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit events are append-only")


class AuditArchive(models.Model):
    """Old audit rows exported to a signed file before their removal (`manage.py audit_archive`).

    `last_hash` is the hash of the last archived row: the first row left in the table must link
    to it, so removing rows beyond what an archive records still breaks the chain.
    """

    created_at = models.DateTimeField(_("归档时间"), default=timezone.now)
    cutoff = models.DateTimeField(_("归档截止时间"))
    first_id = models.BigIntegerField(_("起始编号"))
    last_id = models.BigIntegerField(_("结束编号"))
    rows = models.PositiveIntegerField(_("条数"))
    file_name = models.CharField(_("归档文件"), max_length=255)
    file_sha256 = models.CharField(_("文件 SHA-256"), max_length=64)
    signature = models.CharField(_("清单签名"), max_length=64)
    last_hash = models.CharField(_("末条哈希"), max_length=64)

    class Meta:
        verbose_name = _("审计归档")
        verbose_name_plural = _("审计归档")
        ordering = ["-last_id"]

    def __str__(self) -> str:
        return f"{self.file_name} #{self.first_id}–{self.last_id}"
