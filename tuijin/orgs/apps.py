from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "tuijin.orgs"
    label = "orgs"
    verbose_name = _("组织与人员")

    def ready(self) -> None:
        from tuijin.orgs import audit_labels, checks  # noqa: F401  (checks registers the deploy checks)

        audit_labels.register()
