from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "tuijin.supervision"
    label = "supervision"
    verbose_name = _("督办事项")

    def ready(self) -> None:
        from tuijin.notifications import kinds
        from tuijin.supervision import timers

        timers.register_all()
        for kind, label in KIND_LABELS.items():
            kinds.register(kind, label)


# The inbox's names for the assignments' notification kinds ("assignment.<what>").
KIND_LABELS = {
    "assignment.created": _("新交办事项"),
    "assignment.progress_due": _("督办事项待报进展"),
    "assignment.closeout_requested": _("督办事项申请销号"),
    "assignment.closed": _("督办事项已销号"),
    "assignment.returned": _("督办事项销号退回"),
    "assignment.extension_requested": _("督办事项申请延期"),
    "assignment.extension_decided": _("督办事项延期审批"),
    "assignment.remind": _("督办事项催办"),
    "assignment.supervise": _("督办事项督办"),
    "assignment.listed": _("督办事项挂牌督办"),
}
