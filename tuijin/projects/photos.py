"""Checking and preparing a progress photo: what the bytes are, not what the file is called.

A photo is accepted only when its first bytes are those of a JPEG, PNG or HEIC/HEIF file AND
Pillow decodes it completely as that same format; the file name and the content type the
browser sent are ignored. Size is limited before anything is decoded
(`conf.PHOTO_MAX_BYTES`, default 10 MB) and the pixel count, read from the header,
by `TUIJIN_IMAGE_MAX_PIXELS` (`tuijin.core.uploads.open_image`), so a small file that inflates
to gigabytes (a decompression bomb) is refused rather than decoded. The thumbnail is made from
the decoded image in place and turned upright afterwards: one full-size copy per request.
Refusals are ValidationErrors with a Chinese message.

`inspect` returns what the service stores: the right extension for the generated file name,
the dimensions as displayed (EXIF orientation applied), the shooting time from EXIF
DateTimeOriginal read as Asia/Shanghai (None when absent or unreadable) and a JPEG thumbnail.
"""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo
from dataclasses import dataclass

import pillow_heif
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image

from tuijin.core import uploads
from tuijin.core.uploads import FileKind as Kind
from tuijin.core.uploads import sniff_image as sniff
from tuijin.projects import conf

pillow_heif.register_heif_opener()

THUMBNAIL_PX = 400
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
EXIF_IFD, DATETIME_ORIGINAL = 0x8769, 0x9003
ORIENTATION = 0x0112
UPRIGHT = {  # EXIF orientation → the transposition that shows the photo upright (as ImageOps does)
    2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}  # fmt: skip
JPEG, PNG, HEIC = uploads.JPEG, uploads.PNG, uploads.HEIC
SIDEWAYS = {
    Image.Transpose.TRANSPOSE,
    Image.Transpose.ROTATE_270,
    Image.Transpose.TRANSVERSE,
    Image.Transpose.ROTATE_90,
}


@dataclass(frozen=True)
class CheckedPhoto:
    data: bytes
    kind: Kind
    width: int
    height: int
    taken_at: dt.datetime | None
    thumbnail: bytes

    @property
    def size(self) -> int:
        return len(self.data)


def max_bytes() -> int:
    return conf.PHOTO_MAX_BYTES


def per_month() -> int:
    return conf.PHOTOS_PER_MONTH


def not_an_image() -> ValidationError:
    return ValidationError(_("文件不是 JPEG/PNG/HEIC 图片"), code="photo_type")


def too_big() -> ValidationError:
    mb = max_bytes() / (1024 * 1024)
    return ValidationError(_("照片不能超过 %(mb)s MB") % {"mb": f"{mb:g}"}, code="photo_size")


def read_upload(upload) -> bytes:
    """The uploaded bytes, refusing an oversized file before reading it into memory."""
    return uploads.read_upload(upload, max_bytes(), too_big)


def inspect(data: bytes) -> CheckedPhoto:
    """Check `data` is a whole JPEG/PNG/HEIC image and prepare what is stored with it."""
    if len(data) > max_bytes():
        raise too_big()
    kind = sniff(data[:16])
    if kind is None:
        raise not_an_image()
    image = uploads.open_image(data, kind, not_an_image)
    try:
        taken_at = _taken_at(image)
        turn = UPRIGHT.get(_orientation(image))
        width, height = image.size[::-1] if turn in SIDEWAYS else image.size
        return CheckedPhoto(
            data=data, kind=kind, width=width, height=height, taken_at=taken_at, thumbnail=_thumbnail(image, turn)
        )
    finally:
        image.close()


def _orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(ORIENTATION, 1))
    except Exception:
        return 1


def _taken_at(image: Image.Image) -> dt.datetime | None:
    """EXIF DateTimeOriginal ("2026:03:28 14:05:09", camera-local) as an Asia/Shanghai time."""
    try:
        raw = image.getexif().get_ifd(EXIF_IFD).get(DATETIME_ORIGINAL)
    except Exception:
        return None
    if not raw:
        return None
    text = raw.decode("ascii", "ignore") if isinstance(raw, bytes) else str(raw)
    try:
        naive = dt.datetime.strptime(text.strip().rstrip("\x00")[:19], "%Y:%m:%d %H:%M:%S")  # noqa: DTZ007
    except ValueError:
        return None
    return naive.replace(tzinfo=SHANGHAI)


def _thumbnail(image: Image.Image, turn: Image.Transpose | None) -> bytes:
    # Shrink first (in place: `image` is closed after), then turn: never a second full-size copy.
    image.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
    thumb = image.convert("RGB") if image.mode != "RGB" else image
    if turn is not None:
        thumb = thumb.transpose(turn)
    out = io.BytesIO()
    thumb.save(out, format="JPEG", quality=82, optimize=True)
    return out.getvalue()
