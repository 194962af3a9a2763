"""The one writer of every workbook Tuijin hands out: safe cells, safe sheet titles, a response.

Nothing else creates a workbook, adds a sheet or puts a value in a cell (a test holds the code
to that). Whatever is stored, an export opens: text loses the control characters XML cannot
hold, text that a spreadsheet would run as a formula (= + - @ tab CR) is written with a leading
apostrophe, and sheet titles lose the characters Excel forbids in them and are made unique.
`workbook_bytes` checks every cell once more before saving, so a cell written around these
functions cannot turn into a formula either.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from tuijin.core.text import strip_control

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
HEADER_FILL = PatternFill("solid", fgColor="206BC4")
MAX_TITLE = 31
# Excel refuses these in a sheet's name; their full-width forms read the same in Chinese.
TITLE_SWAPS = str.maketrans({":": "：", "/": "／", "\\": "＼", "?": "？", "*": "＊", "[": "【", "]": "】"})


def safe_text(value: str) -> str:
    """Text as a cell may hold it: no control characters, never a formula."""
    value = strip_control(value)
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def safe_cell(value: Any) -> Any:
    """Neutralise user text that a spreadsheet would run as a formula (CSV/formula injection)."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        return safe_text(value)
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        # Excel has no time zones: write the wall-clock time of Asia/Shanghai.
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def sheet_title(wb: Workbook, title: Any, *, current=None) -> str:
    """`title` as a legal sheet name, unique in `wb` (another sheet's name gets "(2)", "(3)"…)."""
    text = strip_control(str(title)).translate(TITLE_SWAPS).strip().strip("'").strip() or "Sheet"
    taken = {ws.title.casefold() for ws in wb.worksheets if ws is not current}
    candidate, n = text[:MAX_TITLE], 1
    while candidate.casefold() in taken:
        n += 1
        suffix = f"({n})"
        candidate = text[: MAX_TITLE - len(suffix)] + suffix
    return candidate


def new_workbook(title: Any) -> tuple[Workbook, Any]:
    """A workbook and its first sheet, named `title`."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title(wb, title, current=ws)
    return wb, ws


def add_sheet(wb: Workbook, title: Any):
    return wb.create_sheet(sheet_title(wb, title))


def write_cell(ws, row: int, column: int, value: Any):
    """Put `value` in the cell at (row, column), safely; returns the cell for styling."""
    return ws.cell(row=row, column=column, value=safe_cell(value))


def append_row(ws, values: Iterable[Any]) -> list[Any]:
    """Add a row below the last one; returns the values as written."""
    written = [safe_cell(v) for v in values]
    ws.append(written)
    return written


def style_header(ws, row: int = 1) -> None:
    for cell in ws[row]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")


def build_sheet(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Workbook:
    wb, ws = new_workbook(title)
    fill_sheet(ws, headers, rows)
    return wb


def fill_sheet(ws, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """A styled header row, the rows, widths after the longest text, the header row frozen."""
    append_row(ws, headers)
    style_header(ws)
    widths = [max(len(str(h)) * 2, 10) for h in headers]
    for row in rows:
        values = append_row(ws, row)
        for i, v in enumerate(values):
            widths[i] = min(max(widths[i], len(str(v)) + 2 if v is not None else 0), 60)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"


def _neutralise(wb: Workbook) -> None:
    # No export writes formulas on purpose: a formula cell here is text that escaped safe_cell.
    for ws in wb.worksheets:
        for cell in ws._cells.values():
            if cell.data_type == "f" and isinstance(cell.value, str):
                cell.value = "'" + strip_control(cell.value)
                cell.data_type = "s"


def workbook_bytes(wb: Workbook) -> bytes:
    _neutralise(wb)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def xlsx_response(wb: Workbook, filename: str) -> HttpResponse:
    response = HttpResponse(workbook_bytes(wb), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(strip_control(filename))}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)
