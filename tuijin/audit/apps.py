from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "tuijin.audit"
    label = "audit"
    verbose_name = _("审计")

    def ready(self) -> None:
        from tuijin.audit import signals  # noqa: F401  (connects the login signals)
