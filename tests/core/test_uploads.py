"""The one upload checker: bounded inflation of every zip member, a worksheet's extent read before
python-calamine allocates it, an image's pixels read from its header. No database."""

import subprocess
import sys
import textwrap
import tracemalloc
import zlib

import pytest
from django.core.exceptions import ValidationError

from tests import hostile_files as hostile
from tuijin.core import uploads


def sheet(xml: str) -> bytes:
    """A workbook whose sheet XML is `xml` (inside <worksheet>)."""
    head = '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    body = (head + xml + "</worksheet>").encode()
    members = []
    for name, data in (("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<workbook/>"),
                       ("xl/worksheets/sheet1.xml", body)):  # fmt: skip
        raw, crc, size = hostile.deflated(data, b"", 0, b"")
        members.append((name, raw, crc, size))
    return hostile.build_zip(members)


@pytest.mark.parametrize(
    "xml",
    [
        '<dimension ref="A1:XFD1048576"/><sheetData/>',
        '<sheetData><row r="1"><c r="A1"/></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>',
        '<sheetData><row r="30000"><c><v>1</v></c></row></sheetData>',  # no r: the row's
        "<sheetData><row>" + "<c><v>1</v></c>" * 201 + "</row></sheetData>",  # no r: the next column each
        '<x:sheetData xmlns:x="urn:x"><x:row><x:c x:r="ZZ1"/></x:row></x:sheetData>',  # any prefix, as calamine
    ],
    ids=["dimension", "far-cell", "row-without-cell-refs", "columns-without-refs", "prefixed"],
)
def test_a_sheet_beyond_the_caps_is_refused(xml):
    with pytest.raises(ValidationError, match="工作表的范围过大") as exc:
        uploads.check_workbook(sheet(xml))
    assert exc.value.code == "upload_sheet_size"


def test_the_caps_are_settings_and_a_sheet_inside_them_passes(settings):
    xml = '<sheetData><row r="20"><c r="GR20"><v>1</v></c></row><row r="100000"/></sheetData>'  # an empty row
    uploads.check_workbook(sheet(xml))
    settings.TUIJIN_EXCEL_MAX_COLUMNS = 199
    with pytest.raises(ValidationError, match="最多 20000 行、199 列"):
        uploads.check_workbook(sheet(xml))


def test_a_sheet_with_a_dtd_or_broken_xml_is_refused():
    # (broken XML that the fast path passes is harmless: calamine refuses it without allocating)
    for xml in ('<!DOCTYPE x [<!ENTITY a "b">]><sheetData/>', "<sheetData><row><c r='A1'></row></sheetData>"):
        with pytest.raises(ValidationError, match="无法读取"):
            uploads.check_workbook(sheet(xml))


def test_a_member_inflating_past_its_declared_size_is_refused_without_inflating_it():
    data = hostile.inflating_sheet(64 * hostile.MiB, lie=True)
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError, match="压缩炸弹"):
            uploads.check_workbook(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * hostile.MiB  # stopped at the declared size, not after inflating 64 MiB


@pytest.mark.parametrize("setting", ["TUIJIN_UPLOAD_MAX_MEMBER_BYTES", "TUIJIN_UPLOAD_MAX_INFLATED_BYTES"])
def test_the_inflation_limits_are_settings(settings, setting):
    data = hostile.workbook(hostile.HEADERS, ["C-A", "FAI", 2026, 3, 1])
    uploads.check_workbook(data)
    setattr(settings, setting, 1000)
    with pytest.raises(ValidationError, match="压缩炸弹"):
        uploads.check_workbook(data)


def test_a_corrupt_member_is_refused():
    raw, crc, size = hostile.deflated(b"<workbook/>", b"", 0, b"")
    data = hostile.build_zip([("[Content_Types].xml", raw, crc ^ 1, size), ("xl/workbook.xml", raw, crc, size)])
    with pytest.raises(ValidationError, match="无法读取"):
        uploads.check_workbook(data)
    with pytest.raises(ValidationError, match="bad"):
        uploads.ooxml_kind(data, lambda: ValidationError("bad"))


def test_an_image_is_refused_from_its_header_and_a_phone_photo_passes(settings):
    with hostile.memory_cap(), pytest.raises(ValidationError, match="像素过多") as exc:
        uploads.open_image(hostile.huge_png(), uploads.PNG, uploads.unreadable)
    assert exc.value.code == "upload_pixels"
    settings.TUIJIN_IMAGE_MAX_PIXELS = 100
    with pytest.raises(ValidationError, match=r"最多 0\.01 万像素"):
        uploads.open_image(hostile.huge_png(11, 10), uploads.PNG, uploads.unreadable)


def test_a_cell_hidden_behind_a_single_quoted_value_is_found():
    with pytest.raises(ValidationError, match="工作表的范围过大"):
        uploads.check_workbook(sheet("""<sheetData><row><c t='x r="A1"' r="XFD1048576"/></row></sheetData>"""))


def test_a_normal_template_passes_the_check_in_bounded_memory():
    # (how fast is measured in bench/, not here)
    data = hostile.workbook(hostile.HEADERS, *[["C-A", f"I{i}", 2026, 3, i] for i in range(2000)])
    tracemalloc.start()
    try:
        uploads.check_workbook(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * hostile.MiB


@pytest.mark.parametrize("far", ["XFD1048576", "Z1000000"])
def test_reading_a_far_cell_sheet_fails_cleanly_in_a_memory_capped_process(far):
    """In its own process: if calamine ever sees the file it aborts that process, not the test run."""
    code = textwrap.dedent(f"""
        import django, os
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuijin.settings")
        django.setup()
        from tests import hostile_files as hostile
        from tuijin.indicators import excel
        data = hostile.workbook(hostile.HEADERS, far={far!r})
        with hostile.memory_cap(512 * hostile.MiB):
            try:
                excel.read_first_sheet(data)
            except excel.WorkbookError as exc:
                print(exc)
    """)
    command = [sys.executable, "-c", code]  # our own interpreter and code
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)  # noqa: S603
    assert done.returncode == 0, done.stderr[-2000:]
    assert "工作表的范围过大" in done.stdout


def test_zlib_chunks_never_exceed_the_chunk_size():
    raw = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    packed = raw.compress(b"\0" * (8 * hostile.MiB)) + raw.flush()
    assert max(len(c) for c in uploads._deflated(memoryview(packed), uploads.unreadable)) <= uploads.CHUNK
