from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "tuijin.assessment"
    label = "assessment"
    verbose_name = _("目标责任制考核")

    def ready(self) -> None:
        from tuijin.notifications import kinds

        kinds.register("assessment.published", _("考核结果公布"))
        kinds.register("assessment.objection", _("考核结果异议"))
        kinds.register("assessment.objection_decided", _("考核异议处理结果"))
