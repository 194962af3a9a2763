"""Attachments: accepted by what the bytes are (PDF, docx, xlsx, JPEG, PNG), refused by content
or size, stored under a generated name and served only to users who may see the sheet."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.liaison.conftest import write
from tuijin.liaison import services
from tuijin.liaison.models import SheetAttachment

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def ooxml(part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<document/>")
    return buffer.getvalue()


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def draft(world):
    return write(world.cast.reporter_a, world.dept_d, send=False)


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [("函.pdf", PDF, "pdf"), ("说明.docx", ooxml("word/document.xml"), "docx"),
     ("清单.xlsx", ooxml("xl/workbook.xml"), "xlsx"), ("现场.png", png(), "png"),
     ("改了名字.txt", PDF, "pdf")],
)  # fmt: skip
def test_files_are_accepted_by_their_content(world, draft, media, name, data, kind):
    [item] = services.attachments_add(actor=world.cast.reporter_a, sheet=draft,
                                      uploads=[SimpleUploadedFile(name, data)])  # fmt: skip
    assert item.kind == kind
    assert item.size == len(data)
    assert item.name.endswith(f".{kind}")
    assert not item.file.name.endswith(name)
    with item.file.open("rb") as handle:
        assert handle.read() == data


@pytest.mark.parametrize(
    ("name", "data"),
    [("病毒.pdf", b"MZ\x90\x00 not a pdf"), ("假表.xlsx", ooxml("other/thing.xml")),
     ("坏图.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40), ("脚本.docx", b"<script>alert(1)</script>"),
     ("空.pdf", b""), ("截断.pdf", b"%PDF-1.4 no end marker")],
)  # fmt: skip
def test_files_whose_content_is_not_allowed_are_refused(world, draft, media, name, data):
    with pytest.raises(ValidationError):
        services.attachments_add(actor=world.cast.reporter_a, sheet=draft, uploads=[SimpleUploadedFile(name, data)])
    assert not SheetAttachment.objects.exists()
    assert not any(media.rglob("*.*"))


def test_a_file_over_the_size_limit_is_refused(world, draft, settings):
    settings.TUIJIN_SHEET_ATTACHMENT_MAX_BYTES = 1024
    big = PDF[:-6] + b" " * 2000 + b"%%EOF\n"
    with pytest.raises(ValidationError, match="不能超过"):
        services.attachments_add(actor=world.cast.reporter_a, sheet=draft, uploads=[SimpleUploadedFile("a.pdf", big)])
    assert not SheetAttachment.objects.exists()


def test_a_zip_bomb_is_refused_before_it_is_read(world, draft):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"0" * (50 * 1024 * 1024))
    with pytest.raises(ValidationError, match="压缩炸弹"):
        services.attachments_add(actor=world.cast.reporter_a, sheet=draft,
                                 uploads=[SimpleUploadedFile("b.docx", buffer.getvalue())])  # fmt: skip


def test_one_bad_file_refuses_the_whole_upload(world, draft, media):
    uploads = [SimpleUploadedFile("好.pdf", PDF), SimpleUploadedFile("坏.pdf", b"nope")]
    with pytest.raises(ValidationError, match=r"坏\.pdf"):
        services.attachments_add(actor=world.cast.reporter_a, sheet=draft, uploads=uploads)
    assert not SheetAttachment.objects.exists()
    assert not any(media.rglob("*.pdf"))


def test_attachments_are_served_only_to_users_who_see_the_sheet(world, draft, client_for):
    [item] = services.attachments_add(actor=world.cast.reporter_a, sheet=draft,
                                      uploads=[SimpleUploadedFile("函.pdf", PDF)])  # fmt: skip
    url = f"/liaison/attachments/{item.pk}/"
    response = client_for(world.cast.reporter_a).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    assert client_for(world.cast.reporter_b).get(url).status_code == 404
    assert client_for(world.handler_d).get(url).status_code == 404  # a draft is the sender's alone


def test_no_attachment_once_the_sheet_is_sent(world, draft):
    services.sheet_send(actor=world.cast.reporter_a, sheet=draft)
    draft.refresh_from_db()
    with pytest.raises(ValidationError):
        services.attachments_add(actor=world.cast.reporter_a, sheet=draft, uploads=[SimpleUploadedFile("a.pdf", PDF)])


@pytest.mark.parametrize(
    ("name", "build", "message"),
    [
        ("说明.docx", lambda h: h.inflating_content_types_docx(64 * h.MiB, lie=True), "压缩炸弹"),
        ("表.xlsx", lambda h: h.inflating_sheet(64 * h.MiB), "压缩炸弹"),
        ("图.png", lambda h: h.huge_png(), "像素过多"),
    ],
    ids=["content-types-lying", "sheet", "pixels"],
)
def test_hostile_attachments_are_refused(world, draft, media, name, build, message):
    from tests import hostile_files as hostile

    data = build(hostile)
    with hostile.memory_cap(), pytest.raises(ValidationError, match=message):
        services.attachments_add(actor=world.cast.reporter_a, sheet=draft, uploads=[SimpleUploadedFile(name, data)])
    assert not SheetAttachment.objects.exists()
    assert not any(media.rglob("*.*"))
