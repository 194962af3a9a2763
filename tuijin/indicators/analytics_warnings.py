"""The early-warning list (进度预警): every counted figure in scope behind pace, worst first.

At province scale the period has ~90 000 reports and half of them are behind: a page must count
them all and order them all. `WarningList` reads one page and the length of the list in one pass
over the period's reports (PAGE_SQL over `analytics.pace_figures`), then the page's own figures.
`tests/indicators/test_analytics_warnings.py` holds the list to `metrics` and to the export.
"""

from __future__ import annotations

import functools
import operator
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import F, Q, QuerySet

from tuijin.indicators import metrics
from tuijin.indicators.analytics import ahead_pp, amber_pp, as_decimal, pace_figures
from tuijin.indicators.models import Indicator, Report, TimeProgressMode
from tuijin.orgs import policy
from tuijin.orgs.models import Unit, User


@dataclass
class WarningRow:
    """One figure behind pace as the list shows it: Decimals, its colour and band."""

    unit: Unit
    indicator: Indicator
    value: Decimal
    target: Decimal | None
    completion: Decimal | None
    time_progress: Decimal | None
    pace_gap: Decimal
    rag: str | None
    band: str | None


def warnings(user: User, year: int, month: int) -> WarningList:
    """Every counted figure in the user's scope behind pace (gap < 0) for the period, worst first."""
    return WarningList(user, year, month)


def ranked_units(user: User) -> QuerySet[Unit]:
    """The units whose figures the list reads: active members of a ranking group, in scope."""
    units = Unit.objects.filter(is_active=True, pk__in=Unit.objects.filter(ranking_groups__isnull=False).values("pk"))
    return policy.scope(units, user, None)


WARNING_ORDER = ("pace_gap", "unit__path", "indicator__sort_order", "indicator__code")

# One page and the length of the list in one pass. The subquery is fenced (an OFFSET) so that the
# database computes each report's pace gap once, there, rather than copying the expression into
# the WHERE, the ORDER BY and the count, as it does when it merges a plain subquery into the query.
PAGE_SQL = """SELECT id, COUNT(*) OVER () FROM ({figures} {fence}) figures WHERE pace_gap < 0
ORDER BY pace_gap, unit_path, sort_order, code LIMIT %s OFFSET %s"""
FENCE = {"sqlite": "LIMIT -1 OFFSET 0", "postgresql": "OFFSET 0"}


class WarningList:
    """The early-warning list as a sequence `Paginator` reads: `count()`, slices and iteration.

    `page()` costs one pass over the period's reports: the page's ids and the length of the list
    come from one query (PAGE_SQL), then the page's figures for those ids alone. The figures are
    `pace_figures`, the expressions `figures` uses for the same numbers.
    """

    def __init__(self, user: User, year: int, month: int):
        self.user, self.year, self.month = user, year, month
        self._total: int | None = None
        self._read: tuple[int, int, list[WarningRow]] = (0, 0, [])  # start, stop, rows
        self._expected = (0, 0)  # the slice the first count() reads along

    def page(self, number, per_page: int) -> Page:
        """`Paginator(self, per_page).get_page(number)`, counting and reading the page in one pass."""
        try:
            n = max(int(number), 1)
        except (TypeError, ValueError):
            n = 1
        self._expected = ((n - 1) * per_page, n * per_page)
        return Paginator(self, per_page).get_page(number)

    def count(self) -> int:
        if self._total is None:
            self._fetch(*self._expected)
        return self._total

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: slice) -> list[WarningRow]:
        start, stop, step = item.indices(self.count())
        if step != 1:
            raise ValueError("WarningList slices have no step")
        read_start, read_stop, _rows = self._read
        if not read_start <= start <= stop <= read_stop:
            self._fetch(start, stop)
        read_start, _stop, rows = self._read
        return rows[start - read_start : stop - read_start]

    def __iter__(self):
        """Every row, worst first (the Excel export): one query, in the order of PAGE_SQL."""
        figures = self._figures()
        if figures is None:
            return iter([])
        return (self._row(r) for r in figures.filter(pace_gap__lt=0).order_by(*WARNING_ORDER).select_related("unit"))

    @functools.cached_property
    def indicators(self) -> dict[int, Indicator]:
        return Indicator.objects.filter(is_active=True).order_by().in_bulk()

    @functools.cached_property
    def seasonal(self) -> list[int]:
        """The period's indicators whose time progress reads last year's reports."""
        return sorted(pk for pk, ind in self._due().items() if ind.time_progress_mode == TimeProgressMode.SEASONAL)

    def _due(self) -> dict[int, Indicator]:
        return {pk: i for pk, i in self.indicators.items() if metrics.due_month(i.frequency, self.month) is not None}

    def _figures(self, qs: QuerySet[Report] | None = None) -> QuerySet[Report] | None:
        """The period's counted reports in scope (or `qs`) with `pace_figures`; None: no report.

        Reports are picked by indicator and month (the report_period_idx prefix), not through the
        indicator's frequency, so that the database reads only the period's reports.
        """
        if qs is None:
            by_month: dict[int, list[int]] = defaultdict(list)
            for pk, ind in sorted(self._due().items()):
                by_month[metrics.due_month(ind.frequency, self.month)].append(pk)
            if not by_month:
                return None
            period = functools.reduce(operator.or_, (Q(indicator__in=pks, month=m) for m, pks in by_month.items()))
            qs = policy.scope(Report.objects.filter(period, year=self.year), self.user, "unit")
            if qs.query.is_empty():
                return None
        return pace_figures(qs, self.year, self.seasonal)

    def _fetch(self, start: int, stop: int) -> None:
        keys = self._page_keys(start, stop)
        if keys:
            self._total = keys[0][1]
        elif start == 0 and stop > 0:  # the first page is empty, so is the list
            self._total = 0
        else:  # nothing read (a page past the end, or no slice asked for): the length alone
            figures = self._figures()
            self._total = 0 if figures is None else figures.filter(pace_gap__lt=0).count()
        ids = [pk for pk, _total in keys]
        reports = self._figures(Report.objects.filter(pk__in=ids)).select_related("unit").in_bulk()
        # A report returned for correction between the two queries has left the list.
        self._read = (start, stop, [self._row(reports[pk]) for pk in ids if pk in reports])

    def _page_keys(self, start: int, stop: int) -> list[tuple[int, int]]:
        """(report id, length of the list) of the rows start … stop − 1, worst first."""
        figures = self._figures()
        if figures is None or stop <= start:
            return []
        keys = figures.order_by().values("id", "pace_gap", unit_path=F("unit__path"),
                                         sort_order=F("indicator__sort_order"), code=F("indicator__code"))  # fmt: skip
        sql, params = keys.query.sql_with_params()
        connection = connections[keys.db]
        with connection.cursor() as cursor:
            cursor.execute(PAGE_SQL.format(figures=sql, fence=FENCE[connection.vendor]), (*params, stop - start, start))
            return cursor.fetchall()

    def _row(self, report: Report) -> WarningRow:
        gap = as_decimal(report.pace_gap)
        return WarningRow(
            unit=report.unit, indicator=self.indicators[report.indicator_id], value=report.value,
            target=report.target, completion=as_decimal(report.completion),
            time_progress=as_decimal(report.time_progress), pace_gap=gap, rag=metrics.rag(gap, amber_pp()),
            band=metrics.band(gap, ahead_pp()),
        )  # fmt: skip
