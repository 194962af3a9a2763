"""Units (主体), ranking groups (分类排名组), people and their roles.

The unit tree is kept twice on purpose: `parent` is the truth a form edits, `path` is a
materialised copy ("/0000001/0000004/") so that "this unit and everything below it" is one
indexed `startswith` filter; ids are zero-padded, so ordering by path walks the tree.
Only `tuijin.orgs.services` writes either, and keeps them in step.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuijin.core.encryption import EncryptedCharField

CODE_VALIDATOR = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$",
    _("编码只能包含字母、数字、下划线、点和连字符，且以字母或数字开头，最长 32 位。"),
)


class UnitType(models.TextChoices):
    CITY = "city", _("市")
    COUNTY = "county", _("县(市、区)")
    TOWN = "town", _("镇(街道)")
    ZONE = "zone", _("平台")
    DEPARTMENT = "department", _("部门")


class Role(models.TextChoices):
    SUPERVISOR = "supervisor", _("督查员")
    REPORTER = "reporter", _("填报员")
    UNIT_HEAD = "unit_head", _("主体负责人")
    HANDLER = "handler", _("承办人")
    LEADER = "leader", _("领导")
    SYSADMIN = "sysadmin", _("系统管理员")
    SECADMIN = "secadmin", _("安全管理员")
    AUDITOR = "auditor", _("安全审计员")


# 三员分立: each of these is held alone, never together with any other role.
ADMIN_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})


class UnitQuerySet(models.QuerySet):
    def subtree_of(self, unit: Unit) -> UnitQuerySet:
        """The unit itself and every unit below it."""
        return self.filter(path__startswith=unit.path)

    def active(self) -> UnitQuerySet:
        return self.filter(is_active=True)


class Unit(models.Model):
    code = models.CharField(_("编码"), max_length=32, unique=True, validators=[CODE_VALIDATOR])
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    type = models.CharField(_("类型"), max_length=16, choices=UnitType.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=1, editable=False)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def is_within(self, other: Unit) -> bool:
        """True when this unit is `other` or below it."""
        return self.path.startswith(other.path)


class RankingGroup(models.Model):
    code = models.CharField(_("编码"), max_length=32, unique=True, validators=[CODE_VALIDATOR])
    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    units = models.ManyToManyField(Unit, verbose_name=_("成员单位"), related_name="ranking_groups", blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("分类排名组")
        verbose_name_plural = _("分类排名组")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class TuijinUserManager(UserManager):
    def create_superuser(self, *args, **kwargs):
        # No account is ever a superuser: the roles and the policy module grant everything.
        raise NotImplementedError("Tuijin has no superusers; use `manage.py create_sysadmin`.")


class User(AbstractUser):
    unit = models.ForeignKey(
        Unit, verbose_name=_("所属单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = EncryptedCharField(_("联系电话"), max_length=30, blank=True)  # personal: encrypted at rest
    title = models.CharField(_("职务"), max_length=50, blank=True)
    must_change_password = models.BooleanField(_("首次登录须修改密码"), default=False)
    password_changed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = TuijinUserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(condition=Q(is_superuser=False), name="user_never_superuser"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def roles(self) -> frozenset[str]:
        # Cached per instance: the policy asks many times per request.
        if not hasattr(self, "_roles_cache"):
            self._roles_cache = frozenset(g.role for g in self.role_grants.all()) if self.pk else frozenset()
        return self._roles_cache

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_administrator(self) -> bool:
        """Holds one of the 三员 roles (whose account no other administrator changes alone)."""
        return self.has_role(*ADMIN_ROLES)

    def role_labels(self) -> list[str]:
        return [str(Role(r).label) for r in Role.values if r in self.roles]


class RoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    granted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="rolegrant_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class AdminResetRequest(models.Model):
    """A request by one administrator to reset another administrator's password or two-factor
    devices (三员分立).

    The third administrator approves it; only then is a temporary password generated and shown,
    once, to the approver (or the devices removed). Only tuijin.orgs.admin_resets writes these rows.
    """

    class Kind(models.TextChoices):
        PASSWORD = "password", _("密码")
        TWO_FACTOR = "two_factor", _("两步验证")

    class Status(models.TextChoices):
        PENDING = "pending", _("待批准")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")
        EXPIRED = "expired", _("已过期")

    target = models.ForeignKey(User, verbose_name=_("被重置账号"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("重置内容"), max_length=16, choices=Kind.choices, default=Kind.PASSWORD)
    requested_by = models.ForeignKey(User, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("事由"), max_length=200)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        User, verbose_name=_("审批人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("管理员重置申请")
        verbose_name_plural = _("管理员重置申请")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "kind"], condition=Q(status="pending"), name="admin_reset_one_pending_per_target"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target.username} · {self.get_kind_display()} · {self.get_status_display()}"


class ApiTokenQuerySet(models.QuerySet):
    def live(self, now) -> ApiTokenQuerySet:
        """Tokens that still authenticate at `now`: not revoked, not expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class ApiToken(models.Model):
    """A named API token (`Authorization: Token …`). Only the SHA-256 of the secret is kept:
    the secret is shown once, at issuance, and a leaked table hands out nothing. The secret
    is 256 random bits, so a fast hash is enough (no password-style stretching)."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=50)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("令牌前缀"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("到期时间"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revoke_reason = models.CharField(_("撤销原因"), max_length=100, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
