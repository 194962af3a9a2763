"""How the audit log names indicators' objects and reads a figure's change keys (registered with
`tuijin.audit.display` from IndicatorsConfig.ready())."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from tuijin.audit import display
from tuijin.indicators.models import Indicator, Report, Submission
from tuijin.orgs.models import Unit

FIGURE_FIELDS = ("value", "last_year_value", "remark")


def period(year: int, month: int) -> str:
    return _("%(y)d年%(m)d月") % {"y": year, "m": month}


def report_label(report: Report) -> str:
    return f"{report.unit.name} · {report.indicator.name} · {period(report.year, report.month)}"


def submission_label(submission: Submission) -> str:
    return _("%(unit)s · %(period)s月报") % {
        "unit": submission.unit.name,
        "period": period(submission.year, submission.month),
    }


@dataclass(frozen=True)
class FigureKey:
    """A figure's key in a submission's or a figure's row: "FAI.value" (indicator code, a
    submission's) or "2.8.value" (unit id, indicator id, the project feed's)."""

    unit_id: str | None
    indicator: str  # its id if `unit_id` is set, else its code
    name: str  # the Report field

    @property
    def refs(self) -> list[display.Ref]:
        if self.unit_id is None:
            return [display.Ref(Indicator, self.indicator, "code")]
        return [display.Ref(Unit, self.unit_id), display.Ref(Indicator, self.indicator)]

    def change(self, pair: list[Any], names: display.Names) -> display.Change:
        if self.unit_id is None:
            indicator = names.get(Indicator, self.indicator, "code")
            parts = [indicator.name if indicator else self.indicator]
        else:
            unit, indicator = names.get(Unit, self.unit_id), names.get(Indicator, self.indicator)
            parts = [
                unit.name if unit else display.missing(self.unit_id),
                indicator.name if indicator else display.missing(self.indicator),
            ]
        model_field = Report._meta.get_field(self.name)
        decimals = indicator.decimals if indicator else None
        before, after = (names.value(model_field, v, decimals) for v in pair)
        return display.Change(" · ".join([*parts, str(model_field.verbose_name)]), before, after)


def figure_key(key: str) -> FigureKey | None:
    parts = key.split(".")
    if parts[-1] not in FIGURE_FIELDS or len(parts) not in (2, 3):
        return None
    if len(parts) == 3:
        return FigureKey(parts[0], parts[1], parts[2]) if parts[0].isdigit() and parts[1].isdigit() else None
    return FigureKey(None, parts[0], parts[1])


def register() -> None:
    display.register("indicators.report", report_label)
    display.register("indicators.submission", submission_label)
    display.register_keys("indicators.report", figure_key)
    display.register_keys("indicators.submission", figure_key)
