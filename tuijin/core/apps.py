from django.apps import AppConfig
from django.contrib.staticfiles.apps import StaticFilesConfig as _StaticFilesConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "tuijin.core"
    label = "core"
    verbose_name = _("系统")


class StaticFilesConfig(_StaticFilesConfig):
    """collectstatic leaves out what the vendor packages ship but no page loads: source maps,
    other builds of ECharts and Tabler (ES modules, unminified, right-to-left), their bundled
    third-party libraries and type files — 70 MB of files that would be hashed and compressed
    on every deployment for nothing."""

    ignore_patterns = [
        *_StaticFilesConfig.ignore_patterns,
        "*.map", "*.mjs", "*.ts", "*.esm.*", "*.rtl.*", "package.json", "libs", "types", "extension",
        "echarts.js", "echarts.common*", "echarts.simple*", "tabler.js", "tabler.css", "tabler-*",
    ]  # fmt: skip
