from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "tuijin.indicators"
    label = "indicators"
    verbose_name = _("指标与填报")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from tuijin.indicators.services import reminders
        from tuijin.notifications import kinds, timers

        timers.register("indicators.remind_before_deadline", reminders.remind_before_deadline)

        from tuijin.core import recovery
        from tuijin.indicators.import_tasks import imports_recover

        recovery.register("imports", lambda *, requeue: imports_recover())
        kinds.register(reminders.KIND, _("催报"))

        from tuijin.indicators import audit_labels

        audit_labels.register()

        from tuijin.indicators.models import ReportingRule
        from tuijin.indicators.periods import forget_deadlines
        from tuijin.workdays.models import CalendarDay, CalendarYear

        # Cache invalidation only: a deadline depends on these rows, however they are written.
        for model in (ReportingRule, CalendarDay, CalendarYear):
            post_save.connect(forget_deadlines, sender=model, dispatch_uid=f"periods:{model.__name__}:save")
            post_delete.connect(forget_deadlines, sender=model, dispatch_uid=f"periods:{model.__name__}:delete")
