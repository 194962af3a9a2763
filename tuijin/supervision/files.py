"""Checking an attachment: what the bytes are, not what the file is called.

Accepted: PDF (starts with %PDF- and ends with an %%EOF marker), Word .docx and Excel .xlsx
(a ZIP whose [Content_Types].xml declares the main part of that kind and that holds it), and
JPEG/PNG/HEIC images (decoded completely by `tuijin.projects.photos.inspect`). The name and
content type the browser sent are ignored; the stored name is generated and the extension is
the one the content decided. Size is limited before anything is read
(`settings.TUIJIN_ATTACHMENT_MAX_BYTES`, default 20 MB), and so is the number per upload
(`TUIJIN_ATTACHMENTS_PER_UPLOAD`, default 10).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tuijin.projects import photos

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_PER_UPLOAD = 10
MAX_ZIP_ENTRIES = 5000
DOCX = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "word/document.xml")
XLSX = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "xl/workbook.xml")


@dataclass(frozen=True)
class CheckedFile:
    data: bytes
    content_type: str
    extension: str
    name: str  # the user's name, shortened, for display only

    @property
    def size(self) -> int:
        return len(self.data)


def max_bytes() -> int:
    return int(getattr(settings, "TUIJIN_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def per_upload() -> int:
    return int(getattr(settings, "TUIJIN_ATTACHMENTS_PER_UPLOAD", DEFAULT_PER_UPLOAD))


def not_accepted() -> ValidationError:
    return ValidationError(
        _("附件须为 PDF、Word（.docx）、Excel（.xlsx）或 JPEG/PNG/HEIC 图片。"), code="attachment_type"
    )


def too_big() -> ValidationError:
    mb = max_bytes() / (1024 * 1024)
    return ValidationError(_("附件不能超过 %(mb)s MB。") % {"mb": f"{mb:g}"}, code="attachment_size")


def display_name(raw: str, extension: str) -> str:
    """The user's file name without any path, control characters or a misleading extension."""
    base = raw.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*')
    stem = base.rsplit(".", 1)[0].strip() or _("附件")
    return f"{stem[:100]}.{extension}"


def read_upload(upload) -> bytes:
    limit = max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise too_big()
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise too_big()
    return data


def inspect(data: bytes, name: str = "") -> CheckedFile:
    if len(data) > max_bytes():
        raise too_big()
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise not_accepted()
        return CheckedFile(data, "application/pdf", "pdf", display_name(name, "pdf"))
    if data.startswith(b"PK\x03\x04"):
        content_type, extension = _office_kind(data)
        return CheckedFile(data, content_type, extension, display_name(name, extension))
    if photos.sniff(data[:16]) is not None:
        photo = photos.inspect(data)
        return CheckedFile(
            data, photo.kind.content_type, photo.kind.extension, display_name(name, photo.kind.extension)
        )
    raise not_accepted()


def _office_kind(data: bytes) -> tuple[str, str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if len(names) > MAX_ZIP_ENTRIES or "[Content_Types].xml" not in names:
                raise not_accepted()
            types = archive.read("[Content_Types].xml")
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, NotImplementedError):
        raise not_accepted() from None
    for content_type, extension, part in (DOCX, XLSX):
        main = content_type.rsplit(".", 1)[-1]  # "document" / "sheet"
        if part in names and f"{main}.main+xml".encode() in types:
            return content_type, extension
    raise not_accepted()


def check_uploads(uploads, field: str = "attachments") -> list[CheckedFile]:
    """Check every upload before anything is written; a refusal names the file."""
    uploads = list(uploads or ())
    if len(uploads) > per_upload():
        raise ValidationError({field: [_("每次最多上传 %(n)d 个附件。") % {"n": per_upload()}]})
    checked = []
    for upload in uploads:
        name = getattr(upload, "name", "") or ""
        try:
            checked.append(inspect(read_upload(upload), name))
        except ValidationError as exc:
            raise ValidationError({field: [f"{name[:80]}：{exc.messages[0]}" if name else exc.messages[0]]}) from None
    return checked
