"""The indicators' settings (tuijin.core.appconf): the traffic lights, the rankings' marks and
monthly reporting."""

from __future__ import annotations

from tuijin.core.appconf import Setting, Settings, integer, integers, one_of

SETTINGS = Settings(
    "indicators",
    Setting(
        "PACE_RED_PP", 5, integer(1, 100), env="PACE_RED_PP, PACE_AMBER_PP",
        help="三色预警的红线：落后时序进度达此百分点为红，不足为黄（PACE_AMBER_PP 是旧名）",
    ),
    Setting("PACE_AHEAD_PP", 5, integer(1, 100), env="PACE_AHEAD_PP", help="领先时序进度达此百分点为“优势”"),
    Setting("RANK_MARK_N", 3, integer(1, 100), env="RANK_MARK_N", help="排名标出前 N 名、后 N 名"),
    Setting(
        "REPORTING_DEADLINE_RULE", "moved", one_of("moved", "working"), env="REPORTING_DEADLINE_RULE",
        help="月报截止日：moved（第 N 日，遇节假日顺延）或 working（第 N 个工作日）",
    ),
    Setting(
        "REPORT_REMINDER_DAYS", (2, 0), integers(0, 20), env="REPORT_REMINDER_DAYS",
        help="截止前第几个工作日自动催报（0：截止当日），09:00 各一次",
    ),
)  # fmt: skip
__getattr__ = SETTINGS.read
