"""Checking an attachment: what the bytes are, not what the file is called.

Accepted: PDF, Word .docx, Excel .xlsx and JPEG/PNG/HEIC images, as `tuijin.core.uploads`
proves them (every zip member inflated within the limits before anything else reads it; an
image's pixels capped from its header, then decoded completely). The name and content type the
browser sent are ignored; the stored name is generated and the extension is the one the content
decided. Size is limited before anything is read (`conf.ATTACHMENT_MAX_BYTES`,
default 20 MB), and so is the number per upload (`conf.ATTACHMENTS_PER_UPLOAD`, default 10).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tuijin.core import uploads
from tuijin.supervision import conf

ACCEPTED = (uploads.PDF, uploads.DOCX, uploads.XLSX, uploads.JPEG, uploads.PNG, uploads.HEIC)


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
    return conf.ATTACHMENT_MAX_BYTES


def per_upload() -> int:
    return conf.ATTACHMENTS_PER_UPLOAD


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
    return uploads.read_upload(upload, max_bytes(), too_big)


def inspect(data: bytes, name: str = "") -> CheckedFile:
    if len(data) > max_bytes():
        raise too_big()
    kind = uploads.inspect(data, accept=ACCEPTED, refuse=not_accepted)
    return CheckedFile(data, kind.content_type, kind.extension, display_name(name, kind.extension))


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
