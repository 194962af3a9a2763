from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "tuijin.core"
    label = "core"
    verbose_name = _("系统")

    def ready(self) -> None:
        from tuijin.core import appconf

        # Every app's conf.py, checked in one place (tuijin.E010–E013).
        checks.register(appconf.check_settings)
