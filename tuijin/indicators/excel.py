"""Excel in and out for indicators: entry templates, the all-units workbook, targets workbooks.

Reading uses python-calamine (both .xlsx and the legacy .xls; it never evaluates formulas or
resolves XML entities). A file is recognised by its first bytes, not by its name. Sheets are
read by their header row, so a user may reorder or add columns; a header block above the
table (label in column A, value in column B) supplies what every row shares, such as the
unit and the period of an entry template.

Writing goes through `tuijin.core.excel`, the one writer of workbooks (safe cells and titles).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from python_calamine import CalamineError, CalamineWorkbook

from tuijin.core import uploads
from tuijin.core.excel import new_workbook, write_cell
from tuijin.core.text import found, refusal
from tuijin.indicators.excel_formulas import uncached_formula_cells
from tuijin.indicators.models import Indicator, Report, Target
from tuijin.orgs.models import Unit

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

HEADER_FILL = PatternFill("solid", fgColor="206BC4")
KEY_FILL = PatternFill("solid", fgColor="F1F5F9")
INPUT_FILL = PatternFill("solid", fgColor="FFF8E1")

# Column headers are the file format (the upload reads them back), so they stay Chinese in
# every interface language and are not translated.
# Column header (as printed in our templates) → row field. A header may carry a hint after
# a bracket ("本期值（1–N月累计）"), which is ignored when reading.
REPORT_HEADERS = {
    "单位编码": "unit", "指标编码": "indicator", "年度": "year", "月份": "month",
    "本期值": "value", "上年同期值": "last_year_value", "说明": "remark",
}  # fmt: skip
TARGET_HEADERS = {
    "单位编码": "unit",
    "指标编码": "indicator",
    "年度": "year",
    "年度目标": "value",
    "上半年节点": "half",
}
KIND_HINTS = {
    "cumulative": gettext_lazy("1–N月累计值"),
    "rate": gettext_lazy("增速（%）"),
    "level": gettext_lazy("期末水平值"),
    "count": gettext_lazy("1–N月累计个数"),
}


UNREADABLE = gettext_lazy("无法读取该 Excel 文件，文件可能已损坏或设置了密码。")


class WorkbookError(Exception):
    """The file cannot be read as a workbook of the expected shape; the message is for the user."""


# --- reading -------------------------------------------------------------------------------


def read_first_sheet(data: bytes) -> list[list[Any]]:
    """The first sheet's cells from A1 (row i is sheet row i + 1), for .xlsx and .xls files."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise WorkbookError(_("文件超过 %(mb)d MB，请拆分后再上传。") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)})
    if not data.startswith((XLSX_MAGIC, XLS_MAGIC)):
        raise WorkbookError(_("只接受 Excel 文件（.xlsx 或 .xls）；该文件不是 Excel 工作簿。"))
    try:
        # calamine allocates every cell from A1 to the farthest one and inflates what the zip
        # declares: a far cell or a zip bomb is refused here, before calamine sees the file.
        uploads.check_workbook(data)
    except ValidationError as exc:
        if exc.code == "upload_type":
            raise WorkbookError(UNREADABLE) from None
        raise WorkbookError(exc.messages[0]) from None
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not workbook.sheet_names:
            raise WorkbookError(_("工作簿中没有工作表。"))
        cells = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except CalamineError as exc:
        raise WorkbookError(UNREADABLE) from exc
    _refuse_control(cells)
    return cells


def _refuse_control(cells: list[list[Any]]) -> None:
    """Every upload refuses a cell with control characters, naming the cell (`core.text`)."""
    for r, row in enumerate(cells, start=1):
        for c, value in enumerate(row, start=1):
            if char := found(value):
                raise WorkbookError(refusal(_("单元格 %(ref)s") % {"ref": f"{get_column_letter(c)}{r}"}, char))


def _label(cell: Any) -> str:
    text = str(cell or "").strip()
    for bracket in ("（", "("):
        text = text.split(bracket)[0]
    return text.strip().rstrip("*：:").strip()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _cell_value(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, (dt.date, dt.datetime, dt.time, dt.timedelta)):
        return str(value)  # a date where a figure belongs is reported as text that is not a number
    return value


def sheet_rows(cells: list[list[Any]], headers: dict[str, str], required: Sequence[str]) -> list[dict]:
    """Rows below the header row as dicts of field → value, with `_row` (sheet row) and `_cells`.

    Fields missing from the table are taken from the header block above it. Rows whose
    every field is blank are skipped.
    """
    header_index = next(
        (
            i
            for i, row in enumerate(cells)
            if sum(_label(c) in headers for c in row) >= 2 and "指标编码" in map(_label, row)
        ),
        None,
    )
    if header_index is None:
        raise WorkbookError(_("未找到表头（须包含“指标编码”列），请使用系统下载的模板。"))
    columns = {i: headers[_label(c)] for i, c in enumerate(cells[header_index]) if _label(c) in headers}
    shared = _header_block(cells[:header_index], headers, exclude=set(columns.values()))
    missing = [f for f in required if f not in columns.values() and f not in shared]
    if missing:
        names = {v: k for k, v in headers.items()}
        raise WorkbookError(_("表格缺少“%(cols)s”列。") % {"cols": "、".join(names[f] for f in missing)})
    rows = []
    for offset, row in enumerate(cells[header_index + 1 :], start=header_index + 2):
        values = {field: _cell_value(row[i]) if i < len(row) else None for i, field in columns.items()}
        if all(_blank(v) for f, v in values.items() if f not in ("unit", "indicator", "year", "month")):
            continue  # a template line left empty: nothing entered for that indicator
        cell_refs = {field: f"{get_column_letter(i + 1)}{offset}" for i, field in columns.items()}
        rows.append({**shared, **values, "_row": offset, "_cells": cell_refs})
    return rows


def _header_block(cells: list[list[Any]], headers: dict[str, str], exclude: set[str]) -> dict[str, Any]:
    shared = {}
    for row in cells:
        if len(row) >= 2 and _label(row[0]) in headers and headers[_label(row[0])] not in exclude:
            shared[headers[_label(row[0])]] = _cell_value(row[1])
    return shared


def report_rows(data: bytes) -> list[dict]:
    """Rows for `services.imports.reports_import` from an entry template or an all-units workbook."""
    cells = read_first_sheet(data)
    refuse_uncached_formulas(data)
    return sheet_rows(cells, REPORT_HEADERS, required=("unit", "indicator", "year", "month", "value"))


def refuse_uncached_formulas(data: bytes) -> None:
    """A formula whose result the file does not carry would read as blank and be skipped: refuse it."""
    cells = uncached_formula_cells(data)
    if cells:
        raise WorkbookError(
            _("单元格 %(cells)s 是公式，但文件中没有保存计算结果：请在 Excel 中打开、保存后再上传，或把公式改为数值。")
            % {"cells": "、".join(cells)}
        )


def target_rows(data: bytes) -> list[dict]:
    """Rows for `services.imports.targets_import`; the 上半年节点 column becomes milestones {"6": …}."""
    cells = read_first_sheet(data)
    refuse_uncached_formulas(data)
    rows = sheet_rows(cells, TARGET_HEADERS, required=("unit", "indicator", "year", "value"))
    for row in rows:
        half = row.pop("half", None)
        if not _blank(half):
            row["milestones"] = {"6": half}
            row["_cells"]["milestones"] = row["_cells"].pop("half", "")
    return rows


# --- writing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    header: str
    width: int
    editable: bool = False


def _sheet(title: str) -> tuple[Workbook, Any]:
    return new_workbook(title)


def _write_header(ws, row: int, columns: Sequence[Column]) -> None:
    for i, column in enumerate(columns, start=1):
        cell = write_cell(ws, row, i, column.header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(i)].width = column.width
    ws.freeze_panes = ws.cell(row=row + 1, column=1)


def _write_rows(ws, first_row: int, columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> int:
    """Write the rows; editable columns are unlocked and shaded. Returns the last row written."""
    last = first_row - 1
    for last, values in enumerate(rows, start=first_row):
        for i, (column, value) in enumerate(zip(columns, values, strict=True), start=1):
            cell = write_cell(ws, last, i, value)
            if column.editable:
                cell.protection = Protection(locked=False)
                cell.fill = INPUT_FILL
            else:
                cell.fill = KEY_FILL
    return last


def _protect(ws) -> None:
    # Sheet protection keeps the key columns as we wrote them; it is a guard against slips,
    # not security (the upload validates everything again).
    ws.protection.sheet = True
    ws.protection.formatCells = False
    ws.protection.formatColumns = False


def _decimal_validation(ws, ref: str, allow_blank: bool = True) -> None:
    validation = DataValidation(
        type="decimal", operator="between", formula1="-999999999999", formula2="999999999999",
        allow_blank=allow_blank, showErrorMessage=True, errorTitle=_("数值无效"),
        error=_("请输入数字（不要输入单位或文字）。"),
    )  # fmt: skip
    validation.add(ref)
    ws.add_data_validation(validation)


def _number(value: Decimal | None) -> Any:
    return None if value is None else (int(value) if value == value.to_integral_value() else float(value))


ENTRY_COLUMNS = (
    Column("指标编码", 14), Column("指标名称", 30), Column("计量单位", 12), Column("填报口径", 16),
    Column("本期值", 16, editable=True), Column("上年同期值", 16, editable=True), Column("说明", 40, editable=True),
)  # fmt: skip
ENTRY_TABLE_ROW = 6


def entry_template(
    *, unit: Unit, year: int, month: int, deadline: dt.date, indicators: Sequence[Indicator], reports: dict[int, Report]
) -> Workbook:
    """A unit's form for one period: header block, one row per due indicator, pre-filled with
    what is stored; only 本期值 / 上年同期值 / 说明 can be edited."""
    wb, ws = _sheet(_("%(y)d年%(m)d月填报") % {"y": year, "m": month})
    block = [
        ("单位编码", unit.code), ("单位名称", unit.name), ("年度", year), ("月份", month),
        ("截止日期", deadline.isoformat()),
    ]  # fmt: skip
    for r, (label, value) in enumerate(block, start=1):
        write_cell(ws, r, 1, label).font = Font(bold=True)
        write_cell(ws, r, 2, value)
    _write_header(ws, ENTRY_TABLE_ROW, ENTRY_COLUMNS)
    rows = []
    for indicator in indicators:
        report = reports.get(indicator.pk)
        rows.append([
            indicator.code, indicator.name, indicator.measure, str(KIND_HINTS.get(indicator.kind, "")),
            _number(report.value) if report else None, _number(report.last_year_value) if report else None,
            report.remark if report else None,
        ])  # fmt: skip
    last = _write_rows(ws, ENTRY_TABLE_ROW + 1, ENTRY_COLUMNS, rows)
    if last > ENTRY_TABLE_ROW:
        _decimal_validation(ws, f"E{ENTRY_TABLE_ROW + 1}:F{last}")
    _protect(ws)
    return wb


WORKBOOK_COLUMNS = (
    Column("单位编码", 12), Column("单位名称", 18), Column("指标编码", 14), Column("指标名称", 30),
    Column("计量单位", 12), Column("年度", 8), Column("月份", 8), Column("本期值", 16, editable=True),
    Column("上年同期值", 16, editable=True), Column("说明", 40, editable=True),
)  # fmt: skip


def all_units_workbook(
    *, year: int, month: int, pairs: Sequence[tuple[Unit, Indicator]], reports: dict[tuple[int, int], Report]
) -> Workbook:
    """The supervisor's workbook: one row per unit × due indicator, pre-filled with stored figures."""
    wb, ws = _sheet(_("%(y)d年%(m)d月全部单位") % {"y": year, "m": month})
    _write_header(ws, 1, WORKBOOK_COLUMNS)
    rows = []
    for unit, indicator in pairs:
        report = reports.get((unit.pk, indicator.pk))
        rows.append([
            unit.code, unit.name, indicator.code, indicator.name, indicator.measure, year, month,
            _number(report.value) if report else None, _number(report.last_year_value) if report else None,
            report.remark if report else None,
        ])  # fmt: skip
    last = _write_rows(ws, 2, WORKBOOK_COLUMNS, rows)
    if last > 1:
        _decimal_validation(ws, f"H2:I{last}")
    _protect(ws)
    return wb


TARGET_COLUMNS = (
    Column("单位编码", 12), Column("单位名称", 18), Column("指标编码", 14), Column("指标名称", 30),
    Column("计量单位", 12), Column("年度", 8), Column("年度目标", 16, editable=True),
    Column("上半年节点（%）", 16, editable=True),
)  # fmt: skip


def targets_workbook(
    *, year: int, pairs: Sequence[tuple[Unit, Indicator]], targets: dict[tuple[int, int], Target]
) -> Workbook:
    """Annual targets of a year, one row per unit × indicator, with the 上半年 milestone in %."""
    wb, ws = _sheet(_("%(y)d年年度目标") % {"y": year})
    _write_header(ws, 1, TARGET_COLUMNS)
    rows = []
    for unit, indicator in pairs:
        target = targets.get((unit.pk, indicator.pk))
        half = (target.milestones or {}).get("6") if target else None
        rows.append([
            unit.code, unit.name, indicator.code, indicator.name, indicator.measure, year,
            _number(target.value) if target else None, _number(Decimal(half)) if half else None,
        ])  # fmt: skip
    last = _write_rows(ws, 2, TARGET_COLUMNS, rows)
    if last > 1:
        _decimal_validation(ws, f"G2:H{last}")
    _protect(ws)
    return wb
