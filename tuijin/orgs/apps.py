from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "tuijin.orgs"
    label = "orgs"
    verbose_name = _("组织与人员")

    def ready(self) -> None:
        from tuijin.orgs import checks  # noqa: F401  (registers the deploy checks)
