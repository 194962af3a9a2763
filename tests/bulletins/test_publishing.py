"""Publishing freezes the bulletin; a correction is a new version that lists what changed."""

import hashlib
import io
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Emu

from tests.bulletins.support import YEAR, june
from tuijin.audit.models import AuditEvent
from tuijin.bulletins import services
from tuijin.bulletins.models import BulletinRead, Status
from tuijin.core.concurrency import StaleEditError
from tuijin.indicators.models import Report
from tuijin.notifications.models import Notification

pytestmark = pytest.mark.django_db


def published(cast, catalogue, **kwargs):
    june(cast, catalogue)
    draft = services.bulletin_create(actor=cast.supervisor, period_type="month", year=YEAR, period=6, **kwargs)
    return services.bulletin_publish(actor=cast.supervisor, bulletin=draft, expected_version=draft.version)


def test_an_edited_sentence_is_published_and_the_draft_is_then_frozen(cast, catalogue):
    june(cast, catalogue)
    draft = services.bulletin_create(actor=cast.supervisor, period_type="month", year=YEAR, period=6)
    block = draft.blocks.get(key="overview.FAI")
    services.block_edit(actor=cast.supervisor, block=block, text="全市固定资产投资稳步增长。", expected_version=1)
    draft.refresh_from_db()
    bulletin = services.bulletin_publish(actor=cast.supervisor, bulletin=draft, expected_version=draft.version)
    paragraph = next(i for i in bulletin.snapshot["items"] if i.get("key") == "overview.FAI")
    assert paragraph["text"] == "全市固定资产投资稳步增长。"
    assert bulletin.status == Status.PUBLISHED
    assert bulletin.published_by == cast.supervisor
    with pytest.raises(ValidationError):
        services.block_edit(actor=cast.supervisor, block=block, text="再改", expected_version=2)
    assert AuditEvent.objects.filter(object_type="bulletins.bulletin", action="transition").count() == 1


def test_a_stale_edit_or_publish_is_refused(cast, catalogue):
    june(cast, catalogue)
    draft = services.bulletin_create(actor=cast.supervisor, period_type="month", year=YEAR, period=6)
    block = draft.blocks.get(key="overview.FAI")
    services.block_edit(actor=cast.supervisor, block=block, text="第一次修改。", expected_version=1)
    with pytest.raises(StaleEditError):
        services.block_edit(actor=cast.supervisor, block=block, text="基于旧版本的修改。", expected_version=1)
    with pytest.raises(StaleEditError):
        services.bulletin_publish(actor=cast.supervisor, bulletin=draft, expected_version=1)  # edited since
    block.refresh_from_db()
    assert block.text == "第一次修改。"


def test_a_correction_leaves_the_published_files_byte_identical_and_the_new_version_lists_it(
    cast, catalogue, client_for
):
    first = published(cast, catalogue)
    client = client_for(cast.supervisor)
    docx_before = b"".join(client.get(f"/bulletins/{first.pk}/download.docx").streaming_content)
    pdf_before = b"".join(client.get(f"/bulletins/{first.pk}/download.pdf").streaming_content)
    assert hashlib.sha256(docx_before).hexdigest() == first.docx_sha256
    assert hashlib.sha256(pdf_before).hexdigest() == first.pdf_sha256

    # The data behind it is corrected: 乙县 reported 230, it was 270.
    Report.objects.filter(unit=cast.county_b, indicator=catalogue.fai, year=YEAR, month=6).update(value=Decimal(270))

    assert b"".join(client.get(f"/bulletins/{first.pk}/download.docx").streaming_content) == docx_before
    assert b"".join(client.get(f"/bulletins/{first.pk}/download.pdf").streaming_content) == pdf_before
    first.refresh_from_db()
    page = client.get(f"/bulletins/{first.pk}/")
    assert "46.0%" in page.content.decode()  # the web page shows the snapshot, not today's 54.0%

    second = services.bulletin_new_version(actor=cast.supervisor, previous=first)
    assert second.number == 2
    assert second.series == first.series
    assert second.previous == first
    where = {c["where"]: (c["before"], c["after"]) for c in second.changes if c["kind"] == "figure"}
    assert where["固定资产投资（县组，2026年1—6月） · 乙县 · 完成率"] == ("46.0%", "54.0%")
    assert any(c["kind"] == "text" and c["key"] == "overview.FAI" for c in second.changes)
    second = services.bulletin_publish(actor=cast.supervisor, bulletin=second, expected_version=second.version)
    assert second.docx_sha256 != first.docx_sha256
    assert "更正说明" in [p.text for p in Document(io.BytesIO(second.docx.read())).paragraphs]
    versions = client.get(f"/api/v1/bulletins/{second.pk}/versions/").json()
    assert [v["number"] for v in versions] == [1, 2]
    assert versions[1]["changes"]
    assert versions[1]["links"]["docx"].endswith(f"/api/v1/bulletins/{second.pk}/docx/")


def test_a_new_version_needs_a_published_latest_one(cast, catalogue):
    june(cast, catalogue)
    draft = services.bulletin_create(actor=cast.supervisor, period_type="month", year=YEAR, period=6)
    with pytest.raises(ValidationError):
        services.bulletin_new_version(actor=cast.supervisor, previous=draft)


def test_the_docx_has_the_official_page_margins_and_fonts(cast, catalogue):
    bulletin = published(cast, catalogue)
    doc = Document(bulletin.docx.path)
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.top_margin.mm) == 37
    assert round(section.left_margin.mm) == 28
    assert round(Emu(section.page_width - section.left_margin - section.right_margin).mm) == 156  # type area
    assert round(Emu(section.page_height - section.top_margin - section.bottom_margin).mm) == 225

    def east_asian(paragraph):
        return {r._element.rPr.rFonts.get(qn("w:eastAsia")) for r in paragraph.runs}

    def sizes(paragraph):
        return {r.font.size.pt for r in paragraph.runs}

    title = doc.paragraphs[0]
    assert title.text == bulletin.title
    assert east_asian(title) == {"方正小标宋简体"}
    assert sizes(title) == {22}
    assert title.alignment == 1  # centred
    body = next(p for p in doc.paragraphs if p.text.startswith("全市累计完成固定资产投资"))
    assert east_asian(body) == {"仿宋_GB2312"}
    assert sizes(body) == {16}
    assert body.paragraph_format.line_spacing.pt == 28
    assert east_asian(next(p for p in doc.paragraphs if p.text == "一、总体情况")) == {"黑体"}
    assert east_asian(next(p for p in doc.paragraphs if p.text.startswith("（一）"))) == {"楷体_GB2312"}
    table_fonts = {r._element.rPr.rFonts.get(qn("w:eastAsia")) for t in doc.tables for c in t._cells
                   for p in c.paragraphs for r in p.runs}  # fmt: skip
    table_sizes = {r.font.size.pt for t in doc.tables for c in t._cells for p in c.paragraphs for r in p.runs}
    assert table_fonts == {"仿宋_GB2312"}
    assert max(table_sizes) <= 14
    footer = section.footer.paragraphs[0]
    assert footer.text.startswith("— ")
    assert footer.text.endswith(" —")
    assert "PAGE" in footer._element.xml
    assert east_asian(footer) == {"宋体"}
    assert sizes(footer) == {14}
    assert len(doc.inline_shapes) >= 1  # the charts are embedded images


def test_the_pdf_has_pages_and_the_title(cast, catalogue, tmp_path):
    bulletin = published(cast, catalogue)
    assert bulletin.pdf.read(5) == b"%PDF-"
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext (Debian poppler-utils) must be installed"
    args = [pdftotext, "-layout", bulletin.pdf.path, "-"]
    text = subprocess.run(args, capture_output=True, check=True, text=True).stdout  # noqa: S603 (a fixed tool)
    assert bulletin.title in "".join(text.split())  # a long title wraps onto a second line
    assert re.search(r"—\s*1\s*—", text)  # page numbers "— 1 —" at the foot
    info = [shutil.which("pdfinfo"), bulletin.pdf.path]
    pages = subprocess.run(info, capture_output=True, check=True, text=True).stdout  # noqa: S603 (a fixed tool)
    assert int(next(line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:"))) >= 2


def test_publishing_notifies_the_units_in_scope_and_reads_are_recorded(cast, catalogue, client_for):
    bulletin = published(cast, catalogue, scope_unit=cast.county_a)
    told = set(Notification.objects.filter(kind=services.NOTIFY_KIND).values_list("recipient__username", flat=True))
    assert told == {"head_a", "reporter_a", "reporter_town_a1", "county_supervisor"}
    client = client_for(cast.reporter_a)
    assert client.get(f"/bulletins/{bulletin.pk}/").status_code == 200
    client.get(f"/bulletins/{bulletin.pk}/")
    read = BulletinRead.objects.get(bulletin=bulletin, user=cast.reporter_a)
    assert read.times == 2
    assert read.last_opened_at >= read.first_opened_at
