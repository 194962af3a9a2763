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
        from tuijin.notifications import timers
        from tuijin.notifications.timers import timers_recover
        from tuijin.orgs import ageing

        # orgs sits below notifications, so its daily timer is registered here. Not a reminder: it
        # runs on every day the daily chain runs for (rest days included on catch-up).
        timers.register(ageing.IDLE_TIMER, ageing.disable_idle_accounts, working_days_only=False)

        recovery.register("timers", lambda *, requeue: timers_recover(requeue=requeue))
