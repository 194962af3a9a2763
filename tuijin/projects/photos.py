"""Checking and preparing a progress photo: what the bytes are, not what the file is called.

A photo is accepted only when its first bytes are those of a JPEG, PNG or HEIC/HEIF file AND
Pillow decodes it completely as that same format; the file name and the content type the
browser sent are ignored. Size is limited before anything is decoded
(`settings.TUIJIN_PHOTO_MAX_BYTES`, default 10 MB) and pixel counts by Pillow's
`Image.MAX_IMAGE_PIXELS`, so a small file that inflates to gigabytes (a decompression bomb)
is refused rather than decoded. Refusals are ValidationErrors with a Chinese message.

`inspect` returns what the service stores: the right extension for the generated file name,
the dimensions as displayed (EXIF orientation applied), the shooting time from EXIF
DateTimeOriginal read as Asia/Shanghai (None when absent or unreadable) and a JPEG thumbnail.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
import zoneinfo
from dataclasses import dataclass

import pillow_heif
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

pillow_heif.register_heif_opener()

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_PER_MONTH = 9
THUMBNAIL_PX = 400
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
EXIF_IFD, DATETIME_ORIGINAL = 0x8769, 0x9003
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}


@dataclass(frozen=True)
class Kind:
    content_type: str
    extension: str
    pillow_formats: frozenset[str]


JPEG = Kind("image/jpeg", "jpg", frozenset({"JPEG", "MPO"}))  # MPO: phones' multi-picture JPEG
PNG = Kind("image/png", "png", frozenset({"PNG"}))
HEIC = Kind("image/heic", "heic", frozenset({"HEIF"}))


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
    return int(getattr(settings, "TUIJIN_PHOTO_MAX_BYTES", DEFAULT_MAX_BYTES))


def per_month() -> int:
    return int(getattr(settings, "TUIJIN_PHOTOS_PER_MONTH", DEFAULT_PER_MONTH))


def not_an_image() -> ValidationError:
    return ValidationError(_("文件不是 JPEG/PNG/HEIC 图片"), code="photo_type")


def too_big() -> ValidationError:
    mb = max_bytes() / (1024 * 1024)
    return ValidationError(_("照片不能超过 %(mb)s MB") % {"mb": f"{mb:g}"}, code="photo_size")


def sniff(head: bytes) -> Kind | None:
    """The kind announced by the file's first bytes (its magic number), or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return HEIC
    return None


def read_upload(upload) -> bytes:
    """The uploaded bytes, refusing an oversized file before reading it into memory."""
    limit = max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise too_big()
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise too_big()
    return data


def inspect(data: bytes) -> CheckedPhoto:
    """Check `data` is a whole JPEG/PNG/HEIC image and prepare what is stored with it."""
    if len(data) > max_bytes():
        raise too_big()
    kind = sniff(data[:16])
    if kind is None:
        raise not_an_image()
    image = _decode(data, kind)
    try:
        taken_at = _taken_at(image)
        oriented = ImageOps.exif_transpose(image)
        return CheckedPhoto(
            data=data, kind=kind, width=oriented.width, height=oriented.height, taken_at=taken_at,
            thumbnail=_thumbnail(oriented),
        )  # fmt: skip
    finally:
        image.close()


def _decode(data: bytes, kind: Kind) -> Image.Image:
    # Pillow warns between MAX_IMAGE_PIXELS and twice that and raises beyond: both refuse here.
    # A truncated upload is refused even if a library turned on Pillow's process-wide leniency.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            if image.format not in kind.pillow_formats:
                raise not_an_image()
            image.load()  # decode every pixel: a truncated or forged body fails here, not later
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ValidationError(_("图片像素过多，请压缩后再上传。"), code="photo_pixels") from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            raise not_an_image() from None
    return image


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


def _thumbnail(image: Image.Image) -> bytes:
    thumb = image.convert("RGB") if image.mode != "RGB" else image.copy()
    thumb.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
    out = io.BytesIO()
    thumb.save(out, format="JPEG", quality=82, optimize=True)
    return out.getvalue()
