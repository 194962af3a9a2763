"""The notifications' settings (tuijin.core.appconf)."""

from __future__ import annotations

from tuijin.core.appconf import Setting, Settings, boolean, text

SETTINGS = Settings(
    "notifications",
    Setting(
        "EMAIL_NOTIFICATIONS", False, boolean, env="EMAIL_NOTIFICATIONS",
        help="站内通知同时发送邮件副本（各单位的机器人在应用内设置）",
    ),
    Setting(
        "SITE_URL", "", text, env="SITE_URL",
        help="本站地址，用于邮件和机器人消息中的链接（空：链接保持相对地址）",
    ),
)  # fmt: skip
__getattr__ = SETTINGS.read
