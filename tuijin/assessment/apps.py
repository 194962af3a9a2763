from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "tuijin.assessment"
    label = "assessment"
    verbose_name = _("目标责任制考核")
