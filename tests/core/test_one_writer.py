"""Every workbook is written by tuijin.core.excel: nothing else creates one or fills its cells."""

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tuijin.core import excel

ROOT = Path(__file__).resolve().parents[2] / "tuijin"
WRITES = re.compile(r"Workbook\(|create_sheet\(|\.cell\([^)]*value=|\bws\.append\(|\bws\.title = |\bwb\.save\(")


def test_no_module_but_the_writer_creates_sheets_or_writes_cells():
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in ROOT.rglob("*.py")
        if path.name != "excel.py" or path.parent.name != "core"
        for n, line in enumerate(path.read_text().splitlines(), start=1)
        if WRITES.search(line) and "openpyxl" not in line and "doc.save" not in line
    ]
    assert [o for o in offenders if "docx" not in o] == []


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("投资:完成/率[1]?*", "投资：完成／率【1】？＊"),
        ("a\x01b", "ab"),
        ("'x'", "x"),
        ("", "Sheet"),
        ("长" * 40, "长" * 31),
    ],
)
def test_sheet_titles_are_legal(title, expected):
    _wb, ws = excel.new_workbook(title)
    assert ws.title == expected


def test_sheet_titles_are_made_unique():
    wb, _ws = excel.new_workbook("长" * 40)
    assert excel.add_sheet(wb, "长" * 35).title == "长" * 28 + "(2)"


def test_a_formula_written_around_the_writer_is_saved_as_text(tmp_path):
    wb, ws = excel.new_workbook("x")
    ws["A1"] = "=1+1"  # a slip past write_cell
    path = tmp_path / "x.xlsx"
    path.write_bytes(excel.workbook_bytes(wb))
    cell = load_workbook(path).active["A1"]
    assert (cell.data_type, cell.value) == ("s", "'=1+1")
