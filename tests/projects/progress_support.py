"""Shared steps for the progress tests: a frozen clock, photos made on the fly, projects of the cast.

The clock stands on 2 April 2026 (Asia/Shanghai): March is the period being filled (deadline
5 April); on 6 April March is locked. Photos are generated with Pillow (and pillow-heif for
HEIC) in memory; nothing is downloaded.
"""

from __future__ import annotations

import io

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

YEAR, MONTH = 2026, 3
FILLING_DAY = "2026-04-02 10:00 +0800"
AFTER_DEADLINE = "2026-04-08 09:00 +0800"  # March was due on 5 April, moved past Qingming to the 7th
TAKEN = "2026:03:28 14:05:09"


def filling_clock():
    return time_machine.travel(FILLING_DAY, tick=False)


def after_deadline():
    return time_machine.travel(AFTER_DEADLINE, tick=False)


def image_bytes(fmt: str, size=(800, 600), taken: str | None = TAKEN, orientation: int | None = None) -> bytes:
    """An image in `fmt` ("JPEG", "PNG", "HEIF"), with EXIF DateTimeOriginal/Orientation when given."""
    import pillow_heif

    pillow_heif.register_heif_opener()
    image = Image.new("RGB", size, (180, 120, 60))
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    if taken:
        exif.get_ifd(0x8769)[0x9003] = taken
    out = io.BytesIO()
    if fmt == "PNG":
        image.save(out, format="PNG")
    else:
        image.save(out, format=fmt, exif=exif.tobytes())
    return out.getvalue()


def upload(data: bytes, name: str = "site.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def jpeg_upload(name: str = "工地.jpg", **kwargs) -> SimpleUploadedFile:
    return upload(image_bytes("JPEG", **kwargs), name)
