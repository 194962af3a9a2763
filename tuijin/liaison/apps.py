from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiaisonConfig(AppConfig):
    name = "tuijin.liaison"
    label = "liaison"
    verbose_name = _("工作联系单")

    def ready(self) -> None:
        # The sheets' clocks: escalation and the agenda rung act on any day they are run for
        # (the worker runs at 09:00 of each working day, so an answer due on a Friday escalates
        # on Monday; `run_timers --as-of` catches up any day); reminders and digests only on
        # working days, from 09:00.
        from tuijin.liaison import timers
        from tuijin.liaison.services.common import Kinds
        from tuijin.notifications import kinds

        timers.register_all()
        for kind, label in KIND_LABELS.items():
            kinds.register(getattr(Kinds, kind), label)


# The inbox's names for the sheets' notification kinds (its filter shows them).
KIND_LABELS = {
    "SENT": _("联系单待答复"),
    "ANSWERED": _("联系单已答复"),
    "RESOLVED": _("联系单部门办结"),
    "TO_CONFIRM": _("联系单待销号"),
    "REOPENED": _("联系单重新办理"),
    "ESCALATED": _("联系单升级至我"),
    "INSTRUCTION": _("联系单领导批示"),
    "AGENDA": _("市长办公会议议题"),
    "DECISION": _("市长办公会议决定"),
    "REMINDER": _("联系单到期提醒"),
    "DIGEST": _("联系单逾期汇总"),
}
