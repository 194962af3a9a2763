"""Stored text that once broke exports, and the check every export's test applies to a file."""

import io

from openpyxl import load_workbook

from tuijin.core.text import CONTROL

# (stored, what the cell must read): control characters removed, formulas kept as text.
HOSTILE = {
    "soh": ("甲\x01乙", "甲乙"),
    "bel": ("响\x07铃", "响铃"),
    "formula": ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
    "colon": ("投资:完成/率[1]?*", "投资:完成/率[1]?*"),
}


def open_safely(response):
    """The workbook of an export that answered 200; no cell is a formula or holds a control character."""
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    for ws in wb.worksheets:
        assert len(ws.title) <= 31
        assert not set(ws.title) & set("[]:*?/\\")
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not CONTROL.search(cell.value), (ws.title, cell.coordinate, cell.value)
    return wb


def texts(wb) -> set[str]:
    return {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)}


def holds(wb, expected: str) -> bool:
    """Some cell holds `expected` (alone or inside a longer text, e.g. a header with a unit)."""
    return any(expected in value for value in texts(wb))
