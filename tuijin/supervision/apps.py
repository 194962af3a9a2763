from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "tuijin.supervision"
    label = "supervision"
    verbose_name = _("督办事项")

    def ready(self) -> None:
        from tuijin.supervision import timers

        timers.register_all()
