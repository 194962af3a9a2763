"""Formula cells that carry no computed value, in the first sheet of an .xlsx file.

python-calamine reads the value Excel cached with a formula and never evaluates one; a file
written by a program that does not calculate (a script, some converters) leaves the cache
empty, and calamine then reads the cell as blank. A blank figure is skipped by the import, so
without this check a workbook of formulas would be "imported" with nothing in it. The sheet is
streamed (defusedxml, no entities), at most MAX_XML_BYTES of it.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile

from defusedxml import ElementTree

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
MAX_XML_BYTES = 256 * 1024 * 1024
LIMIT = 10


def uncached_formula_cells(data: bytes, limit: int = LIMIT) -> list[str]:
    """References ("E5") of up to `limit` formula cells without a cached value; [] for .xls."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        path = _first_sheet(archive)
        if path is None:
            return []
        if not _has_formula(archive, path):
            return []  # the usual case, at the cost of one pass of a byte search
        found: list[str] = []
        with archive.open(path) as stream:
            for _event, element in ElementTree.iterparse(_Capped(stream), events=("end",)):
                if element.tag == f"{MAIN}c":
                    if _uncached(element):
                        found.append(element.get("r") or "?")
                        if len(found) >= limit:
                            break
                    element.clear()
        return found
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, _TooLarge):
        return []  # not an .xlsx we can read here: the workbook reader has already judged it


FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _has_formula(archive: zipfile.ZipFile, path: str) -> bool:
    with archive.open(path) as stream:
        tail, total = b"", 0
        while chunk := stream.read(1 << 20):
            total += len(chunk)
            if total > MAX_XML_BYTES:
                raise _TooLarge
            if FORMULA_TAG.search(tail + chunk):
                return True
            tail = chunk[-16:]  # a tag split across two chunks
    return False


def _uncached(cell) -> bool:
    formula, value = cell.find(f"{MAIN}f"), cell.find(f"{MAIN}v")
    if formula is None:
        return False
    # A cached empty text result is a value (t="str"); an empty <v/> of a number is no value.
    return value is None or (not (value.text or "").strip() and cell.get("t") != "str")


def _first_sheet(archive: zipfile.ZipFile) -> str | None:
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    sheet = workbook.find(f"{MAIN}sheets/{MAIN}sheet")
    if sheet is None:
        return None
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    target = next(
        (r.get("Target") for r in rels.iter(f"{PKG_REL}Relationship") if r.get("Id") == sheet.get(f"{REL}id")), None
    )
    if not target:
        return None
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


class _TooLarge(Exception):
    pass


class _Capped(io.RawIOBase):
    """A read-only stream that refuses to inflate more than MAX_XML_BYTES."""

    def __init__(self, stream):
        self.stream, self.read_bytes = stream, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size if size and size > 0 else 1 << 16)
        self.read_bytes += len(chunk)
        if self.read_bytes > MAX_XML_BYTES:
            raise _TooLarge
        return chunk
