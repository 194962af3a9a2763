"""The contact sheets' settings (tuijin.core.appconf)."""

from __future__ import annotations

from tuijin.core.appconf import Setting, Settings, boolean, integer, one_of
from tuijin.workdays.workcalendar import MODES

SETTINGS = Settings(
    "liaison",
    Setting(
        "SHEET_ANSWER_DAYS", 7, integer(), env="SHEET_ANSWER_DAYS",
        help="收到联系单后此天数内答复（受理意见和承诺办结日期）",
    ),
    Setting(
        "SHEET_DAY_MODE", "natural", one_of(*MODES), env="SHEET_DAY_MODE",
        help="天数的算法：natural（自然日，法定规则）或 working（工作日）",
    ),
    Setting(
        "SHEET_TRANSFER_RESTARTS_CLOCK", True, boolean, env="SHEET_TRANSFER_RESTARTS_CLOCK",
        help="转办后新部门重新计满答复天数（关：沿用首次的到期日）",
    ),
    Setting(
        "SHEET_AGENDA_DAYS", 7, integer(), env="SHEET_AGENDA_DAYS",
        help="升级后仍未解决此天数，自动列入市长办公会议题（0：只由领导决定）",
    ),
    Setting(
        "SHEET_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024, integer(), env="SHEET_ATTACHMENT_MAX_BYTES",
        help="联系单附件的大小上限",
    ),
    Setting(
        "SHEET_ATTACHMENTS_PER_SHEET", 10, integer(), env="SHEET_ATTACHMENTS_PER_SHEET",
        help="每张联系单最多附件数",
    ),
)  # fmt: skip
__getattr__ = SETTINGS.read
