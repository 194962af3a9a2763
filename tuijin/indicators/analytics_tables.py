"""The analytics tables as shown: one builder per view feeds both the page and its Excel export.

A `Cell` carries the text on screen (rounded at display only: percentages to one decimal,
values to the indicator's decimals, "—" where undefined), the unrounded number and the
Excel number format that shows it the same way, and its traffic-light colour.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from openpyxl.styles import Font, PatternFill

from tuijin.core.excel import build_sheet
from tuijin.indicators import analytics, analytics_cockpit, analytics_matrix, analytics_warnings, metrics
from tuijin.indicators.models import Indicator

DASH = "—"
PERCENT_FORMAT = "0.0%"
PP_FORMAT = "0.0"
RAG_FILLS = {metrics.GREEN: "D3F2D9", metrics.AMBER: "FDE9C2", metrics.RED: "F6D0D0"}


def band_label(band: str | None) -> str:
    labels = {metrics.AHEAD: _("优势"), metrics.STEADY: _("平稳"), metrics.LAGGING: _("滞后")}
    return labels.get(band, DASH)


@dataclass
class Cell:
    text: str
    number: Any = None  # what the spreadsheet holds (unrounded); None: the text itself
    number_format: str | None = None
    rag: str | None = None
    href: str = ""

    @property
    def css(self) -> str:
        fill = f"tj-rag-{self.rag} tj-cell-{self.rag}" if self.rag else ""
        return f"text-end {fill}" if self.number is not None else fill


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    note: str = ""  # written under the rows of the export (an open period's 暂计 note)

    @property
    def header_cells(self) -> list[tuple[str, bool]]:
        """(header, numeric column?) — numbers align right, names and labels left."""
        first = self.rows[0] if self.rows else []
        return [(h, i < len(first) and first[i].number is not None) for i, h in enumerate(self.headers)]


def _rounded(number: Decimal, places: int) -> Decimal:
    return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def text(value: str) -> Cell:
    return Cell(value)


def percent(fraction: Decimal | None, rag: str | None = None) -> Cell:
    if fraction is None:
        return Cell(DASH, rag=rag)
    return Cell(f"{_rounded(fraction * 100, 1)}%", float(fraction), PERCENT_FORMAT, rag)


def points(pp: Decimal | None, rag: str | None = None) -> Cell:
    if pp is None:
        return Cell(DASH, rag=rag)
    return Cell(f"{_rounded(pp, 1)}", float(pp), PP_FORMAT, rag)


def amount(value: Decimal | None, decimals: int) -> Cell:
    if value is None:
        return Cell(DASH)
    fmt = "#,##0" + ("." + "0" * decimals if decimals else "")
    return Cell(f"{_rounded(value, decimals):,}", float(value), fmt)


def completion_cell(indicator: Indicator, completion: Decimal | None, rag: str | None = None) -> Cell:
    """Completion of summing kinds as a percentage; of rate/level kinds in pp above target."""
    return percent(completion, rag) if indicator.sums else points(completion, rag)


def key_gap_cell(indicator: Indicator, gap: Decimal | None) -> Cell:
    if indicator.rank_key == "value":
        return amount(gap, indicator.decimals)
    return points(gap)


# --- the ranking -------------------------------------------------------------------------


def ranking_table(result: analytics.Ranking) -> Table:
    ind = result.indicator
    headers = [
        _("名次"), _("单位"), _("本期值（%(m)s）") % {"m": ind.measure}, _("年度目标"), _("完成率"),
        _("时序进度"), _("进度差（百分点）"), _("状态"), _("同比增速"), _("增幅变化（百分点）"),
        _("与上一名差距"), _("上一名"), _("标记"),
    ]  # fmt: skip
    table = Table(f"{ind.name} {result.year}-{result.month:02d} {result.group.name}", headers)
    for row in result.rows:
        table.rows.append([
            text(str(row.rank) if row.rank else DASH), text(row.unit.name),
            amount(row.value, ind.decimals), amount(row.target, ind.decimals),
            completion_cell(ind, row.completion), percent(row.time_progress), points(row.pace_gap, row.rag),
            text(band_label(row.band)), percent(row.yoy), points(row.growth_change),
            key_gap_cell(ind, row.gap_to_above), text(row.above_unit.name if row.above_unit else DASH),
            text(_mark_label(row)),
        ])  # fmt: skip
    for unit in result.missing:
        table.rows.append([text(_("未报")), text(unit.name), *[text(DASH) for _ in headers[2:]]])
    return table


def _mark_label(row: analytics.RankingRow) -> str:
    n = analytics.mark_n()
    if row.is_top:
        return _("前%(n)s") % {"n": chinese_number(n)}
    if row.is_bottom:
        return _("后%(n)s") % {"n": chinese_number(n)}
    return ""


def chinese_number(n: int) -> str:
    return "一二三四五六七八九十"[n - 1] if 1 <= n <= 10 else str(n)


# --- the matrix ----------------------------------------------------------------------------


def matrix_table(result: analytics_matrix.Matrix) -> Table:
    headers = [_("单位"), *[f"{ind.name}" for ind in result.indicators]]
    table = Table(f"{result.group.name} {result.year}-{result.month:02d}", headers)
    for unit in result.units:
        link = reverse("indicators:cockpit", args=[unit.code]) + f"?year={result.year}&month={result.month}"
        cells = [Cell(unit.name, href=link)]
        for ind, cell in zip(result.indicators, result.row(unit), strict=True):
            if cell is None:
                cells.append(text(_("不报")))
            elif not cell.reported:
                cells.append(text(_("未报")))
            else:
                cells.append(completion_cell(ind, cell.completion, cell.rag))
        table.rows.append(cells)
    return table


# --- the early-warning list -----------------------------------------------------------------


def warning_headers() -> list[str]:
    return [_("单位"), _("指标"), _("本期值"), _("年度目标"), _("完成率"), _("时序进度"), _("进度差（百分点）"),
            _("状态")]  # fmt: skip


def warning_row(row: analytics_warnings.WarningRow) -> list[Cell]:
    ind = row.indicator
    return [
        text(row.unit.name), text(ind.name), amount(row.value, ind.decimals), amount(row.target, ind.decimals),
        completion_cell(ind, row.completion), percent(row.time_progress), points(row.pace_gap, row.rag),
        text(band_label(row.band)),
    ]  # fmt: skip


# --- the cockpit ------------------------------------------------------------------------------


def cockpit_table(result: analytics_cockpit.Cockpit) -> Table:
    headers = [_("指标"), _("计量单位"), _("本期值"), _("年度目标"), _("完成率"), _("时序进度"),
               _("进度差（百分点）"), _("状态"), _("名次")]  # fmt: skip
    table = Table(f"{result.unit.name} {result.year}-{result.month:02d}", headers)
    for line in result.lines:
        ind, cur = line.indicator, line.current
        ranks = "；".join(
            f"{g.name} {r}/{n}" if r else f"{g.name} {DASH}" for g, r, n in line.ranks
        )  # fmt: skip
        table.rows.append([
            text(ind.name), text(ind.measure),
            amount(cur.value if cur else None, ind.decimals), amount(cur.target if cur else None, ind.decimals),
            completion_cell(ind, cur.completion if cur else None), percent(cur.time_progress if cur else None),
            points(line.current.pace_gap if cur else None, line.rag), text(band_label(line.band)),
            text(ranks or DASH),
        ])  # fmt: skip
    return table


# --- Excel ------------------------------------------------------------------------------------


def workbook(table: Table):
    """The table as shown: numbers with the formats that display them alike, RAG fills."""
    wb = build_sheet(table.title, table.headers, ([_excel_value(c) for c in row] for row in table.rows))
    ws = wb.active
    if table.note:
        ws.cell(row=len(table.rows) + 3, column=1, value=table.note).font = Font(italic=True, color="B26B00")
    for r, row in enumerate(table.rows, start=2):
        for c, cell in enumerate(row, start=1):
            target = ws.cell(row=r, column=c)
            if cell.number_format:
                target.number_format = cell.number_format
            if cell.rag:
                target.fill = PatternFill("solid", fgColor=RAG_FILLS[cell.rag])
                target.font = Font(color={"green": "2FB344", "amber": "B26B00", "red": "D63939"}[cell.rag])
    return wb


def _excel_value(cell: Cell):
    return cell.text if cell.number is None else cell.number
