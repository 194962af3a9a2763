"""Checking a sheet's attachment: what the bytes are, not what the file is called.

Accepted: PDF (starts with `%PDF-` and has an end-of-file marker), Word .docx and Excel .xlsx
(a well-formed zip holding `[Content_Types].xml` and `word/document.xml` / `xl/workbook.xml`,
whose members do not inflate beyond a limit — a zip bomb is refused before anything reads it),
JPEG and PNG images (magic bytes AND a complete decode by Pillow). The size is limited first
(`TUIJIN_SHEET_ATTACHMENT_MAX_BYTES`, default 20 MB). The browser's name and content type are
ignored; the stored file gets a generated name with the extension the content proved.
Refusals are ValidationErrors with a Chinese message.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, UnidentifiedImageError

from tuijin.liaison import conf
from tuijin.liaison.models import SheetAttachment

Kind = SheetAttachment.Kind
CONTENT_TYPES = {
    Kind.PDF: "application/pdf",
    Kind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    Kind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Kind.JPEG: "image/jpeg",
    Kind.PNG: "image/png",
}
OOXML_PARTS = {Kind.DOCX: "word/document.xml", Kind.XLSX: "xl/workbook.xml"}
MAX_INFLATED_RATIO = 100  # a docx/xlsx's members may inflate to at most 100× the file (and 200 MB)
MAX_INFLATED_BYTES = 200 * 1024 * 1024
MAX_NAME = 200


@dataclass(frozen=True)
class CheckedFile:
    data: bytes
    kind: str
    name: str

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]

    @property
    def size(self) -> int:
        return len(self.data)


def not_allowed() -> ValidationError:
    return ValidationError(_("附件须为 PDF、Word（.docx）、Excel（.xlsx）或 JPEG/PNG 图片。"), code="attachment_type")


def too_big() -> ValidationError:
    mb = conf.attachment_max_bytes() / (1024 * 1024)
    return ValidationError(_("附件不能超过 %(mb)s MB。") % {"mb": f"{mb:g}"}, code="attachment_size")


def check_upload(upload) -> CheckedFile:
    """Read an uploaded file (refusing an oversized one before reading it) and check it."""
    limit = conf.attachment_max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise too_big()
    upload.seek(0)
    data = upload.read(limit + 1)
    return check(data, getattr(upload, "name", "") or "")


def check(data: bytes, name: str = "") -> CheckedFile:
    if len(data) > conf.attachment_max_bytes():
        raise too_big()
    if not data:
        raise ValidationError(_("附件是空文件。"), code="attachment_empty")
    kind = _kind(data)
    return CheckedFile(data=data, kind=kind, name=display_name(name, kind))


def display_name(name: str, kind: str) -> str:
    """The name shown for the file: the user's base name without any path, with the right extension."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip().replace("\x00", "")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = stem[: MAX_NAME - 6] or _("附件")
    return f"{stem}.{kind}"


def _kind(data: bytes) -> str:
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise not_allowed()
        return Kind.PDF
    if data.startswith(b"PK\x03\x04"):
        return _ooxml_kind(data)
    if data.startswith(b"\xff\xd8\xff"):
        _decode_image(data, {"JPEG", "MPO"})
        return Kind.JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        _decode_image(data, {"PNG"})
        return Kind.PNG
    raise not_allowed()


def _ooxml_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            inflated = sum(m.file_size for m in members)
            if inflated > min(MAX_INFLATED_BYTES, MAX_INFLATED_RATIO * len(data)):
                raise ValidationError(_("附件解压后过大，疑似压缩炸弹，已拒绝。"), code="attachment_bomb")
            names = {m.filename for m in members}
            if "[Content_Types].xml" not in names:
                raise not_allowed()
            kind = next((k for k, part in OOXML_PARTS.items() if part in names), None)
            if kind is None or archive.testzip() is not None:
                raise not_allowed()
            return kind
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError):
        raise not_allowed() from None


def _decode_image(data: bytes, formats: set[str]) -> None:
    # Pillow warns between MAX_IMAGE_PIXELS and twice that and raises beyond: both refuse here.
    # A truncated upload is refused even if a library turned on Pillow's process-wide leniency.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in formats:
                    raise not_allowed()
                image.load()  # every pixel: a truncated or forged body fails here
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ValidationError(_("图片像素过多，请压缩后再上传。"), code="attachment_pixels") from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            raise not_allowed() from None
