"""The core's settings (tuijin.core.appconf): the client address, sessions, background claims and
the limits every upload is held to (tuijin.core.uploads)."""

from __future__ import annotations

from tuijin.core.appconf import Setting, Settings, boolean, integer

MiB = 1024 * 1024

SETTINGS = Settings(
    "core",
    Setting(
        "TRUSTED_PROXIES", 0, integer(), env="TRUSTED_PROXIES",
        help="信任的反向代理层数：从 X-Forwarded-For 右起第几项读客户端地址（0：REMOTE_ADDR；BEHIND_TLS_PROXY 时 1）",
    ),
    Setting(
        "SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60, integer(1), env="SESSION_ABSOLUTE_SECONDS",
        help="会话最长时间（秒），无论是否活动",
    ),
    Setting(
        "IMPORT_LEASE_SECONDS", 5 * 60, integer(30), env="IMPORT_LEASE_SECONDS",
        help="导入任务的租约（秒）：超过此时间未续约，视为工作进程已退出，重跑一次后标记失败",
    ),
    Setting(
        "TIMER_LEASE_SECONDS", 10 * 60, integer(60), env="TIMER_LEASE_SECONDS",
        help="定时任务认领的租约（秒），须长于最长的一次定时任务",
    ),
    Setting(
        "UPLOAD_MAX_INFLATED_BYTES", 200 * MiB, integer(1), env="UPLOAD_MAX_INFLATED_BYTES",
        help="一个 zip（.docx、.xlsx）全部成员解压后的总上限",
    ),
    Setting(
        "UPLOAD_MAX_MEMBER_BYTES", 100 * MiB, integer(1), env="UPLOAD_MAX_MEMBER_BYTES",
        help="zip 中单个成员解压后的上限",
    ),
    Setting("UPLOAD_MAX_RATIO", 100, integer(1), env="UPLOAD_MAX_RATIO", help="解压总量与文件大小之比的上限"),
    Setting("EXCEL_MAX_ROWS", 20_000, integer(1), env="EXCEL_MAX_ROWS", help="导入的工作表最多行数"),
    Setting("EXCEL_MAX_COLUMNS", 200, integer(1), env="EXCEL_MAX_COLUMNS", help="导入的工作表最多列数"),
    Setting("IMAGE_MAX_PIXELS", 40_000_000, integer(1), env="IMAGE_MAX_PIXELS", help="图片最多像素数（读文件头判断）"),
    Setting(
        "DEMO_TWO_FACTOR", True, boolean, env="DEMO_TWO_FACTOR",
        help="演示城市的账号是否也须双因素登录（`make run` 设为 0；生产保持开启）",
    ),
)  # fmt: skip
__getattr__ = SETTINGS.read
