"""Hostile uploads, built in the test: a far cell, sheets and parts that inflate to gigabytes,
an image header announcing a billion pixels; and a memory cap so a regression fails the test
(MemoryError, or python-calamine aborting the worker) instead of exhausting the machine."""

from __future__ import annotations

import contextlib
import io
import resource
import struct
import zipfile
import zlib

import openpyxl
from PIL import Image

HEADERS = ["单位编码", "指标编码", "年度", "月份", "本期值"]
MiB = 1024 * 1024


def workbook(*rows, far: str | None = None) -> bytes:
    """An .xlsx with the given rows and, with `far`, one more cell at that reference ("XFD1048576")."""
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    if far:
        wb.active[far] = 1
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def deflated(head: bytes, filler: bytes, count: int, tail: bytes) -> tuple[bytes, int, int]:
    """Raw deflate of head + filler × count + tail, with its CRC and size, built in chunks."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    raw, crc, size = [], 0, 0
    for piece in (head, *([filler] * count), tail):
        raw.append(packer.compress(piece))
        crc, size = zlib.crc32(piece, crc), size + len(piece)
    raw.append(packer.flush())
    return b"".join(raw), crc, size


def build_zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip from (name, raw deflate, crc, declared size): the declared size may lie."""
    out, central = bytearray(), bytearray()
    for name, raw, crc, size in members:
        encoded, offset = name.encode(), len(out)
        out += struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(raw), size, len(encoded), 0)
        out += encoded + raw
        central += struct.pack(
            "<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(raw), size, len(encoded), 0, 0, 0, 0, 0, offset
        )
        central += encoded
    end = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central), len(out), 0)
    return bytes(out + central + end)


def _replaced(source: bytes, part: str, inflate_to: int, lie: bool) -> bytes:
    """`source` with `part` padded by spaces after its first tag to about `inflate_to` bytes."""
    members = []
    with zipfile.ZipFile(io.BytesIO(source)) as archive:
        for info in archive.infolist():
            data = archive.read(info)
            if info.filename == part:
                declaration = data.find(b"?>")
                cut = data.index(b">", declaration + 2 if declaration >= 0 else 0) + 1
                raw, crc, size = deflated(data[:cut], b" " * MiB, inflate_to // MiB, data[cut:])
                members.append((part, raw, crc, len(data) if lie else size))
            else:
                raw, crc, size = deflated(data, b"", 0, b"")
                members.append((info.filename, raw, crc, size))
    return build_zip(members)


def inflating_sheet(inflate_to: int, lie: bool = False) -> bytes:
    """A filled entry template whose sheet XML inflates to `inflate_to` bytes (declared honestly,
    or, with `lie`, as its original small size)."""
    return _replaced(workbook(HEADERS), "xl/worksheets/sheet1.xml", inflate_to, lie)


def inflating_content_types_docx(inflate_to: int, lie: bool = False) -> bytes:
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    return _replaced(buffer.getvalue(), "[Content_Types].xml", inflate_to, lie)


def huge_png(width: int = 40_000, height: int = 30_000) -> bytes:
    """A small, valid-looking PNG whose header announces width × height pixels."""
    small = io.BytesIO()
    Image.new("RGB", (1, 1)).save(small, format="PNG")
    data = small.getvalue()
    ihdr = struct.pack(">2I5B", width, height, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", 13) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return data[:8] + chunk + data[8 + 25 :]


def _address_space() -> int:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmSize:"))
    return int(line.split()[1]) * 1024


@contextlib.contextmanager
def memory_cap(headroom: int = 768 * MiB):
    """Cap this process's address space at what it uses now plus `headroom`, then restore it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = _address_space() + headroom
    resource.setrlimit(resource.RLIMIT_AS, (cap if hard == resource.RLIM_INFINITY else min(cap, hard), hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
