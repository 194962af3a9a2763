from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "tuijin.notifications"
    label = "notifications"
    verbose_name = _("消息通知")

    def ready(self):
        from tuijin.notifications import kinds

        kinds.register("notifications.welcome", _("系统消息"))

        from tuijin.core import recovery
        from tuijin.notifications.timers import timers_recover

        recovery.register("timers", lambda *, requeue: timers_recover(requeue=requeue))
