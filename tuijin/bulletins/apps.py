from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulletinsConfig(AppConfig):
    name = "tuijin.bulletins"
    label = "bulletins"
    verbose_name = _("通报")

    def ready(self) -> None:
        from tuijin.notifications import kinds

        kinds.register("bulletin.published", _("通报发布"))
        register_source()


def register_source() -> None:
    """A published bulletin is the source of the assignments made of the problems it names
    (picked by hand); supervision reads it through `tuijin.supervision.sources`."""
    from rest_framework import serializers

    from tuijin.bulletins import queries
    from tuijin.bulletins.models import Bulletin
    from tuijin.supervision import sources
    from tuijin.supervision.models import SourceKind

    picker = sources.Picker(
        field="bulletin", label=_("通报"), help_text=_("来源为通报问题时选择已发布的通报。"),
        linkable=queries.linkable, api_lookup="pk",
        api_field=lambda: serializers.IntegerField(required=False, allow_null=True,
                                                   help_text="来源为通报问题时：已发布通报的 id"),
        wrong_kind=_("来源为通报问题时才能选择通报。"),
        api_refused=_("请填写您可见的已发布通报，且来源须为通报问题。"),
    )  # fmt: skip
    sources.register(Bulletin, kind=SourceKind.BULLETIN, link="bulletin", picker=picker)
