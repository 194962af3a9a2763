"""The bulletins' settings, each with its default (an administrator sets them in tuijin/settings.py
or the environment). The 版头 and 版记 of the official form (GB/T 9704) read the issuing organ,
the 文号 prefix, 主送 and 抄送 from here; the root unit's name stands in for the city when unset.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _text(name: str, default: str) -> str:
    value = getattr(settings, name, default)
    if not isinstance(value, str):
        raise ImproperlyConfigured(f"{name} must be a string, got {value!r}")
    return value.strip()


def root_name() -> str:
    from tuijin.orgs.models import Unit

    root = Unit.objects.filter(depth=1, is_active=True).order_by("path").first()
    return root.name if root else "本市"


def organ() -> str:
    """发文机关 (署名, 印发机关): e.g. 示例市人民政府督查室."""
    return _text("TUIJIN_BULLETIN_ORGAN", "") or f"{root_name()}人民政府督查室"


def organ_mark() -> str:
    """The red 发文机关标志 of the 版头: the organ and the document's kind (督查通报)."""
    return _text("TUIJIN_BULLETIN_ORGAN_MARK", "") or f"{organ()}督查通报"


def number_prefix() -> str:
    """发文机关代字 of the 文号: 示督通 gives 示督通〔2026〕12号."""
    return _text("TUIJIN_BULLETIN_NUMBER_PREFIX", "") or f"{root_name()[:1]}督通"


def main_recipients() -> str:
    """主送机关."""
    return _text("TUIJIN_BULLETIN_MAIN_RECIPIENTS", "") or "各县（市、区）人民政府，各功能区管委会，市政府各部门"


def copy_to() -> str:
    """抄送 of the 版记."""
    return (
        _text("TUIJIN_BULLETIN_COPY_TO", "")
        or f"{root_name()}委办公室，{root_name()}人大常委会办公室，{root_name()}政协办公室"
    )


def wording() -> dict[str, str]:
    """Per indicator code, how a sentence says it (完成固定资产投资, 实到外资): the verb and the name
    after 累计. An indicator not listed reads 累计完成<name>."""
    value = getattr(settings, "TUIJIN_BULLETIN_WORDING", {})
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise ImproperlyConfigured("TUIJIN_BULLETIN_WORDING must map indicator codes to text")
    return value
