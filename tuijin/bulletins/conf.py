"""The bulletins' settings (tuijin.core.appconf). The 版头 and 版记 of the official form
(GB/T 9704) read the issuing organ, the 文号 prefix, 主送 and 抄送 from here (an administrator
sets them in tuijin/settings.py); the root unit's name stands in for the city when unset.
"""

from __future__ import annotations

from django.conf import settings

from tuijin.core.appconf import Derived, Setting, Settings, path, text, texts

DEFAULT_FONT_FAMILY = {"serif": "Noto Serif CJK SC", "sans": "Noto Sans CJK SC"}

SETTINGS = Settings(
    "bulletins",
    Setting(
        "BULLETIN_ORGAN", "", text, help="发文机关（署名、印发机关），如 示例市人民政府督查室；空：<市名>人民政府督查室"
    ),
    Setting("BULLETIN_ORGAN_MARK", "", text, help="版头的发文机关标志；空：<发文机关>督查通报"),
    Setting("BULLETIN_NUMBER_PREFIX", "", text, help="文号的发文机关代字，如 示督通；空：<市名首字>督通"),
    Setting(
        "BULLETIN_MAIN_RECIPIENTS", "", text, help="主送机关；空：各县（市、区）人民政府，各功能区管委会，市政府各部门"
    ),
    Setting("BULLETIN_COPY_TO", "", text, help="版记的抄送；空：市委办公室，市人大常委会办公室，市政协办公室"),
    Setting(
        "BULLETIN_WORDING", {}, texts,
        help="按指标代码，通报中的说法（如 完成固定资产投资）；未列出的读作“累计完成<指标名>”",
    ),
    Setting(
        "PDF_FONT_FAMILY", DEFAULT_FONT_FAMILY, texts, env="PDF_FONT_SERIF, PDF_FONT_SANS",
        help="PDF 的字体族（serif、sans）；未列出的取默认",
    ),
    Setting(
        "PDF_FONT_DIR", Derived(lambda: settings.BASE_DIR / "var" / "fonts", "var/fonts"), path, env="PDF_FONT_DIR",
        help="`manage.py prepare_pdf_fonts` 裁出的 GB2312 字体所在目录",
    ),
)  # fmt: skip
__getattr__ = SETTINGS.read


def root_name() -> str:
    from tuijin.orgs.models import Unit

    root = Unit.objects.filter(depth=1, is_active=True).order_by("path").first()
    return root.name if root else "本市"


def organ() -> str:
    """发文机关 (署名, 印发机关): e.g. 示例市人民政府督查室."""
    return SETTINGS.read("BULLETIN_ORGAN").strip() or f"{root_name()}人民政府督查室"


def organ_mark() -> str:
    """The red 发文机关标志 of the 版头: the organ and the document's kind (督查通报)."""
    return SETTINGS.read("BULLETIN_ORGAN_MARK").strip() or f"{organ()}督查通报"


def number_prefix() -> str:
    """发文机关代字 of the 文号: 示督通 gives 示督通〔2026〕12号."""
    return SETTINGS.read("BULLETIN_NUMBER_PREFIX").strip() or f"{root_name()[:1]}督通"


def main_recipients() -> str:
    """主送机关."""
    return SETTINGS.read("BULLETIN_MAIN_RECIPIENTS").strip() or "各县（市、区）人民政府，各功能区管委会，市政府各部门"


def copy_to() -> str:
    """抄送 of the 版记."""
    if written := SETTINGS.read("BULLETIN_COPY_TO").strip():
        return written
    name = root_name()
    return f"{name}委办公室，{name}人大常委会办公室，{name}政协办公室"
