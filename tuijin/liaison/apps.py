from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiaisonConfig(AppConfig):
    name = "tuijin.liaison"
    label = "liaison"
    verbose_name = _("工作联系单")

    def ready(self) -> None:
        # The sheets' clocks: escalation and the agenda rung run every day (a deadline missed
        # on a Friday escalates on Saturday); reminders and digests at 09:00 on working days.
        from tuijin.liaison import timers

        timers.register_all()
