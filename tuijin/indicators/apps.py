from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "tuijin.indicators"
    label = "indicators"
    verbose_name = _("指标与填报")
