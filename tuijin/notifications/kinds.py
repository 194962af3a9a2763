"""Human names for notification kinds, shown in the inbox filter. Apps may register theirs
(`kinds.register("liaison.answer_due", _("联系单待答复"))` in AppConfig.ready()); an
unregistered kind is shown as 其他消息, never by its code."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

_LABELS: dict[str, str | Promise] = {}


def register(kind: str, label: str | Promise) -> None:
    _LABELS[kind] = label


def label(kind: str) -> str:
    return str(_LABELS.get(kind, _("其他消息")))
