"""The words on screen for the computed colour (三色预警) and overdue level of an assignment.

Green is "正常推进", never "绿" or "红" in words: DESIGN.md keeps 红榜 for the honour list."""

from django.utils.translation import gettext_lazy

from tuijin.supervision import metrics

LEVEL_LABELS = {
    metrics.NONE: "",
    metrics.REMIND: gettext_lazy("催办"),
    metrics.SUPERVISE: gettext_lazy("督办"),
    metrics.LISTED: gettext_lazy("挂牌督办"),
}
COLOUR_LABELS = {
    metrics.GREEN: gettext_lazy("正常推进"),
    metrics.YELLOW: gettext_lazy("黄色预警"),  # due within days, or a cycle caught up late
    metrics.RED: gettext_lazy("逾期"),
    "": "",
}


def level_label(level: str) -> str:
    return str(LEVEL_LABELS.get(level, ""))


def colour_label(colour: str) -> str:
    return str(COLOUR_LABELS.get(colour, ""))
