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
from tuijin.bulletins import drafting, services
from tuijin.bulletins.models import Bulletin, BulletinRead, Status
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


def test_an_empty_or_unprintable_paragraph_is_refused(cast, catalogue):
    june(cast, catalogue)
    draft = services.bulletin_create(actor=cast.supervisor, period_type="month", year=YEAR, period=6)
    block = draft.blocks.get(key="overview.FAI")
    for text, message in (("  ", "段落不能为空。"), ("分页\x0c符", "段落含有不可显示的控制字符，请删除后再保存。")):
        with pytest.raises(ValidationError) as caught:
            services.block_edit(actor=cast.supervisor, block=block, text=text, expected_version=1)
        assert caught.value.message_dict == {"text": [message]}
    block.refresh_from_db()
    assert (block.text, block.version) == (block.generated, 1)


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
    pdf_lines = _tool("pdftotext", "-layout", second.pdf.path, "-").splitlines()
    assert any(line.split() == ["更正说明"] for line in pdf_lines)
    assert any(re.search(r"46\.0%\s+54\.0%", line) for line in pdf_lines)  # a change: before, after
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

    # The title follows the 版头 (organ mark, 文号), broken into balanced lines.
    title = next(p for p in doc.paragraphs if p.text.replace("\n", "") == bulletin.title)
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


def test_the_pdf_has_pages_and_the_title(cast, catalogue):
    bulletin = published(cast, catalogue)
    assert bulletin.pdf.read(5) == b"%PDF-"
    text = _tool("pdftotext", "-layout", bulletin.pdf.path, "-")
    assert bulletin.title in "".join(text.split())  # a long title wraps onto a second line
    assert re.search(r"—\s*1\s*—", text)  # page numbers "— 1 —" at the foot
    assert not re.search(r"\{[%#]", text)  # no template text leaks onto the page
    pages = _tool("pdfinfo", bulletin.pdf.path)
    assert int(next(line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:"))) >= 2
    images = _tool("pdfimages", "-list", bulletin.pdf.path).splitlines()[2:]
    assert len([i for i in images if i.split()[2] == "image"]) == bulletin.charts.count() >= 1  # the charts


def _tool(name: str, *args: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} (Debian poppler-utils) must be installed"
    return subprocess.run([path, *args], capture_output=True, check=True, text=True).stdout  # noqa: S603


def _fonts(pdf_path) -> list[tuple[str, str]]:
    """(font name, embedded?) of every font of the PDF, as pdffonts lists them."""
    lines = _tool("pdffonts", str(pdf_path)).splitlines()[2:]
    return [(line.split()[0], line.split()[-5]) for line in lines]


def test_the_pdf_embeds_the_cut_faces_and_falls_back_to_the_families_of_the_setting(cast, catalogue, settings,
                                                                                     tmp_path):  # fmt: skip
    from tuijin.bulletins import rendering

    bulletin = published(cast, catalogue)
    fonts = _fonts(bulletin.pdf.path)
    assert fonts
    assert all(embedded == "yes" for _, embedded in fonts)
    assert {name.split("+")[-1] for name, _ in fonts} <= {"TuijinSerif", "TuijinSerif-Bold", "TuijinSans-Bold"}
    # Without the cut faces, the free CJK families named in the setting are used (and embedded).
    settings.TUIJIN_PDF_FONT_DIR = tmp_path / "no-fonts"
    settings.TUIJIN_PDF_FONT_FAMILY = {"serif": "Noto Serif CJK SC", "sans": "Noto Sans CJK SC"}
    out = tmp_path / "fallback.pdf"
    out.write_bytes(rendering.pdf(bulletin.snapshot, services.chart_pngs(bulletin)))
    names = {name.split("+")[-1] for name, embedded in _fonts(out) if embedded == "yes"}
    assert {"Noto-Serif-CJK-SC", "Noto-Sans-CJK-SC-Bold"} <= names
    assert bulletin.title in "".join(_tool("pdftotext", str(out), "-").split())


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
    # Downloading the file or reading it over the API is opening it too.
    town = client_for(cast.reporter_town_a1)
    assert town.get(f"/api/v1/bulletins/{bulletin.pk}/pdf/").status_code == 200
    assert town.get(f"/api/v1/bulletins/{bulletin.pk}/").status_code == 200
    assert BulletinRead.objects.get(bulletin=bulletin, user=cast.reporter_town_a1).times == 2
    assert client_for(cast.reporter_b).get(f"/bulletins/{bulletin.pk}/download.docx").status_code == 404
    assert not BulletinRead.objects.filter(user=cast.reporter_b).exists()


def test_reading_a_draft_records_no_reading(cast, catalogue, client_for):
    june(cast, catalogue)
    draft = services.bulletin_create(actor=cast.supervisor, period_type="month", year=YEAR, period=6)
    client = client_for(cast.supervisor)
    assert client.get(f"/bulletins/{draft.pk}/download.docx").status_code == 200
    assert client.get(f"/api/v1/bulletins/{draft.pk}/").status_code == 200
    assert not BulletinRead.objects.exists()


def test_of_two_corrections_at_once_the_second_is_refused(cast, catalogue, monkeypatch):
    first = published(cast, catalogue)
    real = drafting.draft

    def meanwhile(**kwargs):  # another supervisor's correction is saved while this one drafts
        doc = real(**kwargs)
        Bulletin.objects.create(series=first.series, number=2, previous=first, title=first.title,
                                period_type="month", year=YEAR, period=6, created_by=cast.leader)  # fmt: skip
        return doc

    monkeypatch.setattr(drafting, "draft", meanwhile)
    with pytest.raises(ValidationError, match="更新的版本"):
        services.bulletin_new_version(actor=cast.supervisor, previous=first)
    assert list(Bulletin.objects.filter(series=first.series).values_list("number", flat=True)) == [2, 1]
