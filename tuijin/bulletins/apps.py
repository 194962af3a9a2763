from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulletinsConfig(AppConfig):
    name = "tuijin.bulletins"
    label = "bulletins"
    verbose_name = _("通报")

    def ready(self) -> None:
        from tuijin.notifications import kinds

        kinds.register("bulletin.published", _("通报发布"))
