from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    """China's working-day calendar: the date arithmetic, the holidays an administrator enters,
    their pages and the deadline API."""

    name = "tuijin.workdays"
    label = "workdays"
    verbose_name = _("节假日设置")
