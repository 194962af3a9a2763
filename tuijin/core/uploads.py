"""One checker for every upload: what the bytes are, bounded before anything inflates or decodes them.

Every upload path (Excel imports and templates, assignment evidence, contact-sheet attachments,
bonus attachments, progress photos) reads the file with `read_upload` (refusing an oversized
file before reading it) and checks it here:

- OOXML (.docx, .xlsx) is a zip: the central directory is bounded (`MAX_ZIP_ENTRIES`), and every
  member is inflated here in 64 KiB chunks, never trusting the sizes the archive declares, within
  a per-member limit, a total limit and a compression ratio to the file's size. A member that
  inflates to other than its declared size or fails its CRC is refused, so what reads the file
  afterwards (zipfile, python-calamine, python-docx) inflates no more than was counted here.
- A workbook read by python-calamine (`check_workbook`) also has its sheets' declared dimension
  and every cell's position read while it is inflated (expat, no DTD, no entities): calamine
  allocates the whole rectangle from A1 to the farthest cell, so a sheet beyond
  `TUIJIN_EXCEL_MAX_ROWS` × `TUIJIN_EXCEL_MAX_COLUMNS` is refused before calamine sees it.
- Images (`open_image`): the pixel count is read from the header and capped
  (`TUIJIN_IMAGE_MAX_PIXELS`, a phone photo's worth) before a single pixel is decoded.

Refusals are ValidationErrors with a Chinese message and a code (`upload_*`).
"""

from __future__ import annotations

import io
import re
import struct
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from xml.parsers import expat

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, UnidentifiedImageError

from tuijin.core import conf

CHUNK = 64 * 1024
MAX_ZIP_ENTRIES = 5000
MAX_CENTRAL_DIRECTORY = MAX_ZIP_ENTRIES * 400  # bytes: ZipFile parses the whole directory into objects
RATIO_FLOOR = 1024 * 1024  # any file may inflate to 1 MB whatever its ratio (tiny files compress well)


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extension: str


PDF = FileKind("application/pdf", "pdf")
DOCX = FileKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")
XLSX = FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
JPEG = FileKind("image/jpeg", "jpg")
PNG = FileKind("image/png", "png")
HEIC = FileKind("image/heic", "heic")
KINDS = (PDF, DOCX, XLSX, JPEG, PNG, HEIC)
OOXML_PARTS = {DOCX: "word/document.xml", XLSX: "xl/workbook.xml"}
PILLOW_FORMATS = {JPEG: frozenset({"JPEG", "MPO"}), PNG: frozenset({"PNG"}), HEIC: frozenset({"HEIF"})}
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
ZIP_MAGIC = b"PK\x03\x04"


def by_extension(extension: str) -> FileKind | None:
    return next((k for k in KINDS if k.extension == extension.lower()), None)


# --- refusals ---------------------------------------------------------------------------------


def bomb() -> ValidationError:
    return ValidationError(_("文件解压后过大，疑似压缩炸弹，已拒绝。"), code="upload_bomb")


def unreadable() -> ValidationError:
    return ValidationError(_("文件已损坏或格式不正确，无法读取。"), code="upload_type")


def too_many_pixels() -> ValidationError:
    mp = conf.IMAGE_MAX_PIXELS / 10_000
    return ValidationError(
        _("图片像素过多（最多 %(mp)s 万像素），请压缩后再上传。") % {"mp": f"{mp:g}"}, code="upload_pixels"
    )


def sheet_too_large(rows: int, columns: int) -> ValidationError:
    return ValidationError(
        _(
            "工作表的范围过大（约 %(rows)d 行、%(cols)d 列），最多 %(max_rows)d 行、%(max_cols)d 列。"
            "请删除表格下方和右侧多余的单元格后再上传。"
        )
        % {
            "rows": rows,
            "cols": columns,
            "max_rows": conf.EXCEL_MAX_ROWS,
            "max_cols": conf.EXCEL_MAX_COLUMNS,
        },
        code="upload_sheet_size",
    )


# --- reading ----------------------------------------------------------------------------------


def read_upload(upload, max_bytes: int, too_big: Callable[[], ValidationError]) -> bytes:
    """The uploaded bytes, refusing a file over `max_bytes` before reading it into memory."""
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise too_big()
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise too_big()
    return data


def inspect(data: bytes, *, accept: Iterable[FileKind], refuse: Callable[[], ValidationError]) -> FileKind:
    """The kind the content proves (PDF, docx, xlsx, a completely decoded image), if accepted.

    `refuse` builds the caller's "not an accepted type" error; bombs and oversized images get
    their own message."""
    accept = frozenset(accept)
    kind = _content_kind(data, refuse)
    if kind not in accept:
        raise refuse()
    return kind


def _content_kind(data: bytes, refuse: Callable[[], ValidationError]) -> FileKind:
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise refuse()
        return PDF
    if data.startswith(ZIP_MAGIC):
        return ooxml_kind(data, refuse)
    kind = sniff_image(data[:16])
    if kind is None:
        raise refuse()
    open_image(data, kind, refuse).close()
    return kind


def ooxml_kind(data: bytes, refuse: Callable[[], ValidationError]) -> FileKind:
    """DOCX or XLSX, after every member was inflated within the limits."""
    names = check_zip(data, refuse=refuse)
    if "[Content_Types].xml" not in names:
        raise refuse()
    kind = next((k for k, part in OOXML_PARTS.items() if part in names), None)
    if kind is None:
        raise refuse()
    return kind


def check_workbook(data: bytes) -> None:
    """Before python-calamine reads an .xlsx: no bomb, and no sheet beyond the row/column caps.

    A legacy .xls (not a zip) passes through: BIFF caps a sheet at 65,536 × 256 cells."""
    if data.startswith(ZIP_MAGIC):
        check_zip(data, refuse=unreadable, sheets=True)


# --- zip archives -----------------------------------------------------------------------------


def check_zip(data: bytes, *, refuse: Callable[[], ValidationError], sheets: bool = False) -> set[str]:
    """The members' names, after each was inflated here within the limits (and, with `sheets`,
    every worksheet's extent was checked). Raises `bomb()`, `sheet_too_large()` or `refuse()`."""
    _check_directory(data, refuse)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, NotImplementedError):
        raise refuse() from None
    if len(members) > MAX_ZIP_ENTRIES:
        raise refuse()
    budget = min(conf.UPLOAD_MAX_INFLATED_BYTES, max(RATIO_FLOOR, conf.UPLOAD_MAX_RATIO * len(data)))
    per_member = conf.UPLOAD_MAX_MEMBER_BYTES
    # Declared sizes refuse an honest bomb at once; the inflation below catches a lying one.
    if sum(m.file_size for m in members) > budget or any(m.file_size > per_member for m in members):
        raise bomb()
    view = memoryview(data)
    for member in members:
        if sheets and member.file_size <= FAST_SCAN_BYTES:
            check_sheet(b"".join(_inflate(view, member, refuse)))
            continue
        scanner = SheetExtent() if sheets else None
        for chunk in _inflate(view, member, refuse):
            if scanner is not None:
                scanner.feed(chunk)
        if scanner is not None:
            scanner.close()
    return {m.filename for m in members}


def _check_directory(data: bytes, refuse: Callable[[], ValidationError]) -> None:
    # ZipFile reads the whole central directory into objects: bound it from the end record first.
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 65535))
    if end < 0 or len(data) < end + 22:
        raise refuse()
    entries, directory_size = struct.unpack("<xxxxxxxxxxHI", data[end : end + 16])
    if entries > MAX_ZIP_ENTRIES or directory_size > MAX_CENTRAL_DIRECTORY:
        raise refuse()  # also every ZIP64 archive (0xFFFF / 0xFFFFFFFF): no upload needs one


def _inflate(view: memoryview, member: zipfile.ZipInfo, refuse) -> Iterator[bytes]:
    """The member's bytes in chunks of at most CHUNK, from its raw compressed data.

    The declared sizes were checked against the limits: inflating past the declared size is a
    lie, refused as a bomb at once; anything but exactly that size and CRC is `refuse()`d."""
    if member.flag_bits & 0x1 or member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise refuse()  # encrypted, or a method no Office program writes
    offset = member.header_offset
    header = bytes(view[offset : offset + 30])
    if len(header) < 30 or not header.startswith(ZIP_MAGIC):
        raise refuse()
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    start = offset + 30 + name_length + extra_length
    raw = view[start : start + member.compress_size]
    if len(raw) != member.compress_size:
        raise refuse()
    size, crc = 0, 0
    for chunk in _stored(raw) if member.compress_type == zipfile.ZIP_STORED else _deflated(raw, refuse):
        size += len(chunk)
        if size > member.file_size:
            raise bomb()
        crc = zlib.crc32(chunk, crc)
        yield chunk
    if size != member.file_size or crc != member.CRC:
        raise refuse()


def _stored(raw: memoryview) -> Iterator[bytes]:
    for at in range(0, len(raw), CHUNK):
        yield bytes(raw[at : at + CHUNK])


def _deflated(raw: memoryview, refuse) -> Iterator[bytes]:
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        for at in range(0, len(raw), CHUNK):
            pending = bytes(raw[at : at + CHUNK])
            while pending:
                out = inflater.decompress(pending, CHUNK)  # never more than CHUNK at a time
                pending = inflater.unconsumed_tail
                if out:
                    yield out
                if inflater.eof:
                    break
        while not inflater.eof:  # output zlib still holds after the last input (a match in progress)
            out = inflater.decompress(inflater.unconsumed_tail, CHUNK)
            if not out:
                break
            yield out
    except zlib.error:
        raise refuse() from None
    if not inflater.eof:
        raise refuse()


# --- worksheets -------------------------------------------------------------------------------

CELL_REF = re.compile(r"\$?([A-Za-z]*)\$?([0-9]*)")
MARKER = b"sheetData"
FAST_SCAN_BYTES = 16 * 1024 * 1024  # a member up to this size is scanned whole, larger ones as they inflate
C_OPENINGS = tuple(b"<c" + bytes([end]) for end in b" \t\r\n>/")  # every way a <c> tag can open
C_REF = re.compile(rb'<c\s(?:[^>]*?\s)?r="\$?([A-Za-z]{1,8})\$?([0-9]{1,12})"')
QUOTE_IN_TAG = re.compile(rb"<[^?!>][^>]*'")  # not in the declaration <?xml version='1.0'?>
DIMENSION_REF = re.compile(rb'<dimension\s(?:[^>]*?\s)?ref="([A-Za-z0-9$:]{1,40})"')


def check_sheet(data: bytes) -> None:
    """A whole member: by regular expressions where every cell states its reference (what Excel
    and openpyxl write: fast), else by `SheetExtent`'s emulation of calamine's reading.

    Every match of C_REF starts with one of C_OPENINGS, so equal counts mean every `<c` tag (even
    one in a comment) has a plain double-quoted `r`; a single quote in a tag sends it to the slow path
    (a `'…r="A1"…'` value could hide the real reference), and so do a DTD and NUL bytes (UTF-16)."""
    cells = C_REF.findall(data)
    dimensions = DIMENSION_REF.findall(data)
    if (
        b":c" in data  # a prefixed <x:c>: calamine reads it, the fast path does not
        or (b"dimension" in data and data.count(b"dimension") != len(dimensions))
        or QUOTE_IN_TAG.search(data)
        or b"<!DOCTYPE" in data
        or b"\x00" in data  # UTF-16 (or binary): only expat reads it as calamine might
        or len(cells) != sum(data.count(opening) for opening in C_OPENINGS)
    ):
        scanner = SheetExtent()
        scanner.feed(data)
        scanner.close()
        return
    extent = SheetExtent()
    for ref in dimensions:
        for corner in ref.decode().split(":"):
            extent._within(*_position(corner))
    if cells:
        letters, digits = zip(*cells, strict=True)
        rows = max(map(int, digits))
        for column in set(letters):
            extent._within(rows - 1, _position(column.decode())[1])


class SheetExtent:
    """Fed a zip member's bytes as they inflate; refuses a sheet whose declared dimension or
    farthest cell lies beyond the caps.

    Cell positions follow python-calamine's reading: a `<c>` without `r` is the next column of
    the current row, a `<row>` without `r` the row after the previous one. Element and attribute
    names are matched by local name, whatever the prefix, as calamine does. A member that is not
    well-formed XML is skipped unless it mentions sheetData (then the workbook is refused)."""

    def __init__(self) -> None:
        self.max_rows, self.max_columns = conf.EXCEL_MAX_ROWS, conf.EXCEL_MAX_COLUMNS
        self.parser = expat.ParserCreate()
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.StartDoctypeDeclHandler = self._doctype  # no DTD: no entity expansion at all
        self.parser.EntityDeclHandler = self._doctype
        self.broken, self.mentions_sheet, self.tail = False, False, b""
        self.in_sheet, self.row, self.column = False, 0, 0

    def feed(self, chunk: bytes, final: bool = False) -> None:
        if not self.mentions_sheet:
            self.mentions_sheet = MARKER in self.tail + chunk
            self.tail = chunk[-len(MARKER) :]
        if self.broken:
            return
        try:
            self.parser.Parse(chunk, final)
        except expat.ExpatError:
            self.broken = True

    def close(self) -> None:
        self.feed(b"", final=True)
        if self.broken and self.mentions_sheet:
            raise unreadable()

    def _doctype(self, *args) -> None:
        raise unreadable()

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(":")[2]
        ref = next((v for k, v in attrs.items() if k.rpartition(":")[2] == "r"), None)
        if local == "dimension":
            ref = next((v for k, v in attrs.items() if k.rpartition(":")[2] == "ref"), "")
            for corner in ref.split(":"):
                self._within(*_position(corner))
        elif local == "sheetData":
            self.in_sheet, self.row = True, 0
        elif self.in_sheet and local == "row":
            if ref is not None and ref.strip().isdigit():
                self.row = int(ref) - 1
            self.column = 0
        elif self.in_sheet and local == "c":
            row, column = _position(ref) if ref else (self.row, self.column)
            self._within(row if row is not None else self.row, column if column is not None else self.column)
            self.column = (column if column is not None else self.column) + 1

    def _end(self, name: str) -> None:
        local = name.rpartition(":")[2]
        if local == "sheetData":
            self.in_sheet = False
        elif self.in_sheet and local == "row":
            self.row += 1

    def _within(self, row: int | None, column: int | None) -> None:
        rows, columns = (row or 0) + 1, (column or 0) + 1
        if rows > self.max_rows or columns > self.max_columns:
            raise sheet_too_large(rows, columns)


def _position(ref: str) -> tuple[int | None, int | None]:
    """Zero-based (row, column) of "B12" / "$B$12" / "B" / "12"; None where the part is absent."""
    match = CELL_REF.fullmatch(ref.strip())
    if match is None:
        raise unreadable()
    letters, digits = match.groups()
    column = None
    if letters:
        column = 0
        for letter in letters[:8].upper():  # eight letters already exceed any cap
            column = column * 26 + ord(letter) - 64
        column -= 1
    return (int(digits[:12]) - 1 if digits else None), column


# --- images -----------------------------------------------------------------------------------


def sniff_image(head: bytes) -> FileKind | None:
    """The image kind announced by the first bytes (the magic number), or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return HEIC
    return None


def open_image(data: bytes, kind: FileKind, refuse: Callable[[], ValidationError]) -> Image.Image:
    """The image decoded completely, after its pixel count, read from the header, was capped.

    The caller closes it. A truncated or forged body fails the decode (`refuse()`)."""
    if kind is HEIC:
        import pillow_heif

        pillow_heif.register_heif_opener()
    # A truncated upload is refused even if a library turned on Pillow's process-wide leniency;
    # Pillow's own bomb guard (warning, then error, at its much higher limit) also refuses.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))  # reads the header only
            if image.format not in PILLOW_FORMATS[kind]:
                raise refuse()
            width, height = image.size
            if width * height > conf.IMAGE_MAX_PIXELS:
                raise too_many_pixels()
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise too_many_pixels() from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            raise refuse() from None
    return image
