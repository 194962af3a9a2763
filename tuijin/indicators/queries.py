"""Reads for monthly reporting, always scoped by the access policy.

`form_rows` is the one place that knows which indicators a unit reports in a month and what a
value is checked against (last due month's value, the annual target); the form page, the HTMX
field check and the services' submission check all build their rows here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.indicators import periods, validation
from tuijin.indicators.analytics import counted, period_filter
from tuijin.indicators.models import (
    QUARTER_MONTHS,
    CorrectionRequest,
    Frequency,
    Indicator,
    Report,
    ReportRevision,
    Submission,
    SubmissionStatus,
    Target,
    ValidationRule,
)
from tuijin.orgs import policy
from tuijin.orgs.models import Unit, User

# A unit that has not handed in its month yet (未报): no submission, a draft, or returned.
MISSING_STATUSES = (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)


def due_frequencies(month: int) -> list[str]:
    return [Frequency.MONTHLY, Frequency.QUARTERLY] if month in QUARTER_MONTHS else [Frequency.MONTHLY]


def due_indicators(unit: Unit, month: int) -> QuerySet[Indicator]:
    """Active indicators the unit's ranking groups report, due this month (fed ones included)."""
    return (
        Indicator.objects.filter(is_active=True, frequency__in=due_frequencies(month), ranking_groups__units=unit)
        .distinct()
        .select_related("key_work")
        .order_by("key_work__sort_order", "sort_order", "code")
    )


def asked_indicators(unit: Unit, month: int) -> QuerySet[Indicator]:
    """The due indicators the unit is asked for (最多报一次: not those the project library feeds)."""
    return due_indicators(unit, month).filter(fed_by_projects=False)


def plain(number: Decimal | None) -> str:
    """A number as typed, without trailing zeros or exponent ("" for none): 12.5000 → 12.5."""
    if number is None:
        return ""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass
class FormRow:
    """One line of a unit's monthly form, with what its value is checked against."""

    indicator: Indicator
    report: Report | None
    previous_value: Decimal | None
    prior_periods: int
    target: Decimal | None
    month: int = 0
    value: Decimal | None = None
    last_year_value: Decimal | None = None
    remark: str = ""
    findings: list[validation.Finding] = field(default_factory=list)

    @property
    def fillable(self) -> bool:
        # 最多报一次: figures summed from project data are never asked for in the form.
        return not self.indicator.fed_by_projects

    @property
    def cumulative(self) -> bool:
        return self.indicator.sums

    @property
    def blocking(self) -> list[validation.Finding]:
        return [f for f in self.findings if f.blocks]

    @property
    def value_text(self) -> str:
        return plain(self.value)

    @property
    def last_year_text(self) -> str:
        return plain(self.last_year_value)

    @property
    def previous_text(self) -> str:
        return plain(self.previous_value)

    def figures(self) -> dict[str, Decimal | None]:
        return validation.figures_for(
            kind=self.indicator.kind, month=self.month, value=self.value, last_year_value=self.last_year_value,
            previous_value=self.previous_value, prior_periods=self.prior_periods, target=self.target,
        )  # fmt: skip

    def check(self, rules: list[ValidationRule]) -> list[validation.Finding]:
        self.findings = (
            validation.check_figure(self.indicator, self.figures(), self.remark, rules) if self.fillable else []
        )
        return self.findings


def form_rows(unit: Unit, year: int, month: int, indicators: list[Indicator] | None = None) -> list[FormRow]:
    """The unit's due indicators for the period, each with its current report (if any).

    Four queries whatever the number of indicators. A row's value starts as the saved one; a
    new row's last-year value starts from last year's report of the same month (enter once).
    """
    indicators = list(due_indicators(unit, month)) if indicators is None else indicators
    ids = [i.pk for i in indicators]
    reports = Report.objects.filter(unit=unit, indicator_id__in=ids)
    this_year = {(r.indicator_id, r.month): r for r in reports.filter(year=year, month__lte=month)}
    last_year = dict(
        reports.filter(year=year - 1, month=month).exclude(value=None).values_list("indicator_id", "value")
    )
    targets = dict(
        Target.objects.filter(unit=unit, year=year, indicator_id__in=ids).values_list("indicator_id", "value")
    )
    rows = []
    for indicator in indicators:
        prior = [m for m in range(1, month) if indicator.is_due(m)]
        previous = this_year.get((indicator.pk, prior[-1])) if prior else None
        report = this_year.get((indicator.pk, month))
        rows.append(
            FormRow(
                indicator=indicator, report=report, month=month,
                previous_value=previous.value if previous else None, prior_periods=len(prior),
                target=targets.get(indicator.pk),
                value=report.value if report else None,
                last_year_value=report.last_year_value if report else last_year.get(indicator.pk),
                remark=report.remark if report else "",
            )
        )  # fmt: skip
    return rows


def apply_input(rows: list[FormRow], data: Mapping[int, tuple[Decimal | None, Decimal | None, str]]) -> None:
    """Put posted (value, last_year_value, remark) on the rows, by indicator id."""
    for row in rows:
        if row.indicator.pk in data and row.fillable:
            row.value, row.last_year_value, row.remark = data[row.indicator.pk]


def check_rows(rows: list[FormRow], rules: list[ValidationRule] | None = None) -> dict[str, list[str]]:
    """Run every rule on every fillable row; the blocking messages by indicator code."""
    rules = validation.active_rules() if rules is None else rules
    errors: dict[str, list[str]] = {}
    for row in rows:
        blocking = [f.text for f in row.check(rules) if f.blocks]
        if blocking:
            errors[row.indicator.code] = blocking
    return errors


# --- submissions -------------------------------------------------------------------------------


def submissions_for(
    user: User, *, year: int | None = None, month: int | None = None, status: str = "", unit_code: str = ""
) -> QuerySet[Submission]:
    qs = policy.scope(Submission.objects.all(), user, "unit").select_related("unit", "submitted_by")
    if year:
        qs = qs.filter(year=year)
    if month:
        qs = qs.filter(month=month)
    if status:
        qs = qs.filter(status=status)
    if unit_code:
        qs = qs.filter(unit__code=unit_code)
    return qs.annotate(report_count=Count("reports")).order_by("-year", "-month", "unit__path")


def submission_with_reports(user: User, pk: int) -> Submission:
    """One submission in scope (404 outside it) with its reports and their history."""
    revisions = ReportRevision.objects.select_related("changed_by").order_by("-changed_at", "-id")
    reports = Report.objects.select_related("indicator").prefetch_related(Prefetch("revisions", queryset=revisions))
    qs = Submission.objects.select_related("unit", "submitted_by", "approved_by", "accepted_by", "returned_by")
    qs = qs.prefetch_related(Prefetch("reports", queryset=reports.order_by("indicator__sort_order", "indicator__code")))
    return policy.get_in_scope_or_404(qs, user, "unit", pk=pk)


def own_submission(unit: Unit, year: int, month: int) -> Submission | None:
    return Submission.objects.filter(unit=unit, year=year, month=month).first()


# --- missing reports (未报) ------------------------------------------------------------------


@dataclass
class MissingUnit:
    unit: Unit
    submission: Submission | None

    @property
    def status_label(self) -> str:
        return self.submission.get_status_display() if self.submission else _("未填报")


def reporting_units(month: int) -> QuerySet[Unit]:
    """Units that report this month: members of a ranking group with a due, asked-for indicator."""
    due = Indicator.objects.filter(is_active=True, fed_by_projects=False, frequency__in=due_frequencies(month))
    return Unit.objects.filter(is_active=True, ranking_groups__indicators__in=due).distinct().order_by("path")


def missing_for(user: User, year: int, month: int) -> list[MissingUnit]:
    """Units in the user's scope that should report the period but have not handed it in."""
    return missing_units(policy.scope(reporting_units(month), user, None), year, month)


def missing_units(units: QuerySet[Unit], year: int, month: int) -> list[MissingUnit]:
    """Those of `units` that have not handed in the period (for the caller's own scope)."""
    handed_in = Submission.objects.filter(year=year, month=month).exclude(status__in=MISSING_STATUSES)
    units = units.exclude(pk__in=handed_in.values("unit_id"))
    pending = Submission.objects.filter(year=year, month=month, status__in=MISSING_STATUSES)
    by_unit = {s.unit_id: s for s in pending.filter(unit__in=units)}
    return [MissingUnit(unit, by_unit.get(unit.pk)) for unit in units]


# --- an open period: how many units have reported (已报) -----------------------------------------


@dataclass(frozen=True)
class ReportingProgress:
    """How far the units of a page's scope have reported a period, as of a day (Asia/Shanghai).

    While the period is open (not locked) every total, average and rank built on it is
    provisional (暂计): units still report, and figures may still change.
    """

    year: int
    month: int
    as_of: dt.date
    reported: int
    expected: int
    locked: bool

    @property
    def provisional(self) -> bool:
        return not self.locked

    @property
    def banner(self) -> str:
        return _("截至 %(m)s月%(d)s日，%(n)s/%(total)s 个单位已报") % {
            "m": self.as_of.month, "d": self.as_of.day, "n": self.reported, "total": self.expected,
        }  # fmt: skip

    @property
    def note(self) -> str:
        """The banner with what it means for the numbers (the note row of an export)."""
        return _("%(banner)s。%(y)s年%(mo)s月尚未锁定，合计、平均和名次为暂计，以锁定后的数据为准。") % {
            "banner": self.banner, "y": self.year, "mo": self.month,
        }  # fmt: skip


def reporting_progress(
    units: QuerySet[Unit],
    indicators: Iterable[Indicator] | None,
    year: int,
    month: int,
    *,
    today: dt.date | None = None,
) -> ReportingProgress:
    """已报 / 应报 among `units` for the period and the `indicators` a page shows (all active: None).

    One query. The definition is `metrics.units_reported`: a unit is expected where one of the
    indicators is due from it (through its ranking groups, as in `due_indicators`); it has
    reported where one it is asked for has a figure that counts (`analytics.counted`, the rule
    by which the ranking lists 未报; for the indicators of a form, its form is handed in, as
    `missing_units` has it), or, asked for none, where a fed figure counts.
    """
    today = today or timezone.localdate()
    due = Indicator.objects.filter(is_active=True, frequency__in=due_frequencies(month))
    if indicators is not None:
        due = due.filter(pk__in=[i.pk for i in indicators])
    due_ids = list(due.values_list("pk", flat=True))
    of_unit = Indicator.objects.filter(pk__in=due_ids, ranking_groups__units=OuterRef("pk"))
    figures = Report.objects.filter(
        counted(), period_filter(month), year=year, unit=OuterRef("pk"), indicator_id__in=due_ids,
        indicator__ranking_groups__units=F("unit"),
    )  # fmt: skip
    has_reported = Exists(figures.filter(indicator__fed_by_projects=False)) | (
        ~Exists(of_unit.filter(fed_by_projects=False)) & Exists(figures)
    )
    counts = units.filter(Exists(of_unit)).aggregate(
        expected=Count("pk", distinct=True), reported=Count("pk", distinct=True, filter=has_reported)
    )
    return ReportingProgress(
        year, month, today, counts["reported"], counts["expected"], periods.is_locked(year, month, today)
    )


# --- reports, corrections, rules ---------------------------------------------------------------


def reports_for(
    user: User, *, unit_code: str = "", indicator_code: str = "", year: int | None = None, month: int | None = None
) -> QuerySet[Report]:
    qs = policy.scope(Report.objects.all(), user, "unit").select_related("unit", "indicator", "submission")
    filters = Q()
    if unit_code:
        filters &= Q(unit__code=unit_code)
    if indicator_code:
        filters &= Q(indicator__code=indicator_code)
    if year:
        filters &= Q(year=year)
    if month:
        filters &= Q(month=month)
    return qs.filter(filters).order_by("-year", "-month", "unit__path", "indicator__sort_order", "indicator__code")


def pending_corrections(unit: Unit, year: int, month: int) -> dict[int, CorrectionRequest]:
    """The unit's pending correction requests for the period, by report id."""
    qs = CorrectionRequest.objects.filter(
        report__unit=unit, report__year=year, report__month=month, status=CorrectionRequest.Status.PENDING
    )
    return {c.report_id: c for c in qs}


def rules_list() -> QuerySet[ValidationRule]:
    return ValidationRule.objects.select_related("indicator").order_by("-is_active", "sort_order", "code")
