"""Checking a sheet's attachment: what the bytes are, not what the file is called.

Accepted: PDF, Word .docx, Excel .xlsx, JPEG and PNG images, as `tuijin.core.uploads` proves
them (a zip's members inflated within the limits before anything reads them, CRCs checked; an
image's pixels capped from its header, then decoded completely). The size is limited first
(`TUIJIN_SHEET_ATTACHMENT_MAX_BYTES`, default 20 MB). The browser's name and content type are
ignored; the stored file gets a generated name with the extension the content proved.
Refusals are ValidationErrors with a Chinese message.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tuijin.core import uploads
from tuijin.liaison import conf
from tuijin.liaison.models import SheetAttachment

Kind = SheetAttachment.Kind
ACCEPTED = (uploads.PDF, uploads.DOCX, uploads.XLSX, uploads.JPEG, uploads.PNG)
CONTENT_TYPES = {kind.extension: kind.content_type for kind in ACCEPTED}  # by Kind's value
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
    mb = conf.SHEET_ATTACHMENT_MAX_BYTES / (1024 * 1024)
    return ValidationError(_("附件不能超过 %(mb)s MB。") % {"mb": f"{mb:g}"}, code="attachment_size")


def check_upload(upload) -> CheckedFile:
    """Read an uploaded file (refusing an oversized one before reading it) and check it."""
    data = uploads.read_upload(upload, conf.SHEET_ATTACHMENT_MAX_BYTES, too_big)
    return check(data, getattr(upload, "name", "") or "")


def check(data: bytes, name: str = "") -> CheckedFile:
    if len(data) > conf.SHEET_ATTACHMENT_MAX_BYTES:
        raise too_big()
    if not data:
        raise ValidationError(_("附件是空文件。"), code="attachment_empty")
    kind = Kind(uploads.inspect(data, accept=ACCEPTED, refuse=not_allowed).extension)
    return CheckedFile(data=data, kind=kind, name=display_name(name, kind))


def display_name(name: str, kind: str) -> str:
    """The name shown for the file: the user's base name without any path, with the right extension."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip().replace("\x00", "")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = stem[: MAX_NAME - 6] or _("附件")
    return f"{stem}.{kind}"
