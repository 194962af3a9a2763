"""The audit log's settings (tuijin.core.appconf): the hash of its chain and its retention."""

from __future__ import annotations

import hashlib

from django.conf import settings

from tuijin.core.appconf import Derived, Setting, Settings, also, integer, one_of, path, text


def _hash_available(name: str) -> bool:
    try:
        hashlib.new(name)
    except ValueError:
        return False
    return True


SETTINGS = Settings(
    "audit",
    Setting(
        "AUDIT_HASH_ALGORITHM", "sha256",
        also(one_of("sha256", "sm3"), _hash_available, "needs an OpenSSL with this hash behind Python"),
        env="AUDIT_HASH_ALGORITHM", help="审计日志哈希链的算法：sha256，或密评要求时 sm3",
    ),
    Setting(
        "AUDIT_RETENTION_DAYS", 0,
        also(integer(), lambda days: days == 0 or days >= 180, "must be 0 (keep all) or at least 180"),
        env="AUDIT_RETENTION_DAYS", refused_when_read=False,  # retention.py holds a shorter one to 180 days
        help="审计记录保留天数（0：永久；至少 180，等保）；更早的由 `manage.py audit_archive` 归档后删除",
    ),
    Setting(
        "AUDIT_ARCHIVE_DIR", Derived(lambda: settings.BASE_DIR / "var" / "audit-archive", "var/audit-archive"), path,
        env="AUDIT_ARCHIVE_DIR", help="审计归档文件的目录",
    ),
    Setting(
        "AUDIT_ARCHIVE_KEY", Derived(lambda: settings.SECRET_KEY, "SECRET_KEY"),
        also(text, bool, "must not be empty"), env="AUDIT_ARCHIVE_KEY", help="归档清单 HMAC 签名的密钥",
    ),
)  # fmt: skip
__getattr__ = SETTINGS.read
