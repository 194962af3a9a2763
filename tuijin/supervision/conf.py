"""The assignments' settings (tuijin.core.appconf): the colour and level thresholds (their
defaults are `metrics.DEFAULT`) and the attachments of assignments, meetings and bonuses."""

from __future__ import annotations

from tuijin.core.appconf import Setting, Settings, integer
from tuijin.supervision.metrics import DEFAULT

SETTINGS = Settings(
    "supervision",
    Setting(
        "ASSIGNMENT_YELLOW_DAYS", DEFAULT.yellow_days, integer(), env="ASSIGNMENT_YELLOW_DAYS",
        help="距办结时限此天数内标黄",
    ),
    Setting(
        "ASSIGNMENT_REMIND_DAYS", DEFAULT.remind_days, integer(), env="ASSIGNMENT_REMIND_DAYS",
        help="超过时限此天数起催办（0：时限当日）",
    ),
    Setting(
        "ASSIGNMENT_SUPERVISE_DAYS", DEFAULT.supervise_days, integer(), env="ASSIGNMENT_SUPERVISE_DAYS",
        help="超过时限此天数起督办",
    ),
    Setting(
        "ASSIGNMENT_LIST_DAYS", DEFAULT.list_days, integer(), env="ASSIGNMENT_LIST_DAYS",
        help="超过时限此天数起挂牌督办",
    ),
    Setting(
        "ASSIGNMENT_NOTICE_REPLY_DAYS", 3, integer(1), env="ASSIGNMENT_NOTICE_REPLY_DAYS",
        help="督办通知要求书面回复的工作日数",
    ),
    Setting(
        "ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024, integer(1), env="ATTACHMENT_MAX_BYTES",
        help="督办事项、会议和加分项附件的大小上限",
    ),
    Setting("ATTACHMENTS_PER_UPLOAD", 10, integer(1), env="ATTACHMENTS_PER_UPLOAD", help="一次最多上传附件数"),
)  # fmt: skip
__getattr__ = SETTINGS.read
