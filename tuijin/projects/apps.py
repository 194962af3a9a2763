from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "tuijin.projects"
    label = "projects"
    verbose_name = _("重大项目")

    def ready(self) -> None:
        from tuijin.projects import audit_labels

        audit_labels.register()
