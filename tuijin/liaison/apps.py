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
        register_source()


def register_source() -> None:
    """An escalated sheet is the source of assignments (the decision on it, or one a supervisor
    picks by its number); supervision reads it through `tuijin.supervision.sources`."""
    from rest_framework import serializers

    from tuijin.liaison.models import ContactSheet
    from tuijin.liaison.queries import linkable_sheets
    from tuijin.supervision import sources
    from tuijin.supervision.models import SourceKind

    picker = sources.Picker(
        field="sheet", label=_("升级的工作联系单"), help_text=_("来源为工作联系单时选择，事项与联系单相互关联。"),
        linkable=linkable_sheets, api_lookup="number",
        api_field=lambda: serializers.CharField(required=False, allow_blank=True,
                                                help_text="来源为工作联系单时：已升级联系单的编号"),
        wrong_kind=_("来源为工作联系单时才能选择联系单。"),
        api_refused=_("请填写您可见的、已升级的工作联系单编号，且来源须为工作联系单。"),
    )  # fmt: skip
    sources.register(ContactSheet, kind=SourceKind.SHEET, link="sheet", picker=picker)


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
