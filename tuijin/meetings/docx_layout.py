"""Word documents in the government document layout (党政机关公文格式, GB/T 9704), with python-docx.

Shared by the meeting minutes and the bulletins. The page: A4, margins top 37 mm, bottom 35 mm,
left 28 mm, right 26 mm (a 156 × 225 mm type area). Title in 方正小标宋简体 二号 (22 pt) centred;
body in 仿宋_GB2312 三号 (16 pt) with exactly 28 pt line spacing and a two-character first-line
indent; first-level headings (一、) in 黑体, second-level (（一）) in 楷体_GB2312; page numbers
"— 1 —" in 宋体 四号 (14 pt) at the foot, as a PAGE field; tables in 仿宋_GB2312 14 pt or smaller.
Every font is written for ASCII, high ANSI and East Asian text (w:eastAsia), so Word and WPS
both use it for Chinese.

    doc = new_document()
    add_title(doc, "关于……的会议纪要")
    add_heading(doc, "一、总体情况", level=1)
    add_paragraph(doc, "正文……")
    add_table(doc, ["序号", "事项"], [["1", "……"]])
    return docx_response(doc, "纪要.docx")
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from django.http import HttpResponse
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

TITLE_FONT, BODY_FONT, HEADING1_FONT, HEADING2_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"
PAGE_NUMBER_FONT, TABLE_FONT = "宋体", "仿宋_GB2312"
TITLE_SIZE, BODY_SIZE, PAGE_NUMBER_SIZE, TABLE_SIZE = Pt(22), Pt(16), Pt(14), Pt(14)
LINE_SPACING = Pt(28)
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}
PAGE = (Mm(210), Mm(297))


def set_font(run, name: str, size=None, bold: bool | None = None) -> None:
    """Use `name` for every script of the run (ASCII, high ANSI, East Asian, complex)."""
    run.font.name = name
    if size is not None:
        run.font.size = size
    if bold is not None:
        run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _style_font(style, name: str, size) -> None:
    style.font.name, style.font.size = name, size
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _spacing(paragraph, *, indent: bool) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_SPACING
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.first_line_indent = BODY_SIZE * 2 if indent else None


def new_document():
    """An empty A4 document with the margins, the body style and the page-number footer."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE
    section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]
    section.footer_distance = Mm(28) - Mm(7)  # 页码: 一字线上距版心下边缘 7 mm
    normal = doc.styles["Normal"]
    _style_font(normal, BODY_FONT, BODY_SIZE)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = LINE_SPACING
    _add_page_number(section)
    return doc


def _field(run, instruction: str) -> None:
    begin, text, separate, end = (OxmlElement("w:fldChar"), OxmlElement("w:instrText"), OxmlElement("w:fldChar"),
                                  OxmlElement("w:fldChar"))  # fmt: skip
    begin.set(qn("w:fldCharType"), "begin")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    separate.set(qn("w:fldCharType"), "separate")
    end.set(qn("w:fldCharType"), "end")
    placeholder = OxmlElement("w:t")
    placeholder.text = "1"
    for element in (begin, text, separate, placeholder, end):
        run._element.append(element)


def _add_page_number(section) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text, field in (("— ", False), ("", True), (" —", False)):
        run = paragraph.add_run(text)
        set_font(run, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
        if field:
            _field(run, "PAGE")


def add_title(doc, text: str):
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(35)
    fmt.space_after = LINE_SPACING
    set_font(paragraph.add_run(text), TITLE_FONT, TITLE_SIZE)
    return paragraph


def add_heading(doc, text: str, level: int = 1):
    """一、 headings in 黑体 (level 1), （一） headings in 楷体_GB2312 (level 2); body size."""
    if level not in (1, 2):
        raise ValueError("government documents use heading levels 1 and 2 here")
    paragraph = doc.add_paragraph()
    _spacing(paragraph, indent=True)
    set_font(paragraph.add_run(text), HEADING1_FONT if level == 1 else HEADING2_FONT, BODY_SIZE)
    return paragraph


def add_paragraph(doc, text: str, *, indent: bool = True, align: str = "justify", bold_lead: str = ""):
    """A body paragraph in 仿宋_GB2312 三号; `bold_lead` is an opening phrase set in 黑体-like bold."""
    paragraph = doc.add_paragraph()
    _spacing(paragraph, indent=indent)
    paragraph.alignment = {"justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "right": WD_ALIGN_PARAGRAPH.RIGHT,
                           "center": WD_ALIGN_PARAGRAPH.CENTER, "left": WD_ALIGN_PARAGRAPH.LEFT}[align]  # fmt: skip
    if bold_lead:
        set_font(paragraph.add_run(bold_lead), BODY_FONT, BODY_SIZE, bold=True)
    set_font(paragraph.add_run(text), BODY_FONT, BODY_SIZE)
    return paragraph


def add_table(doc, headers: Sequence[str], rows: Iterable[Sequence], *, size=TABLE_SIZE, widths_mm=None):
    """A bordered table in 仿宋_GB2312 (14 pt unless smaller is asked), header row bold and repeated."""
    if size > TABLE_SIZE:
        raise ValueError("tables use 14 pt or smaller")
    rows = [list(r) for r in rows]
    table = doc.add_table(rows=1 + len(rows), cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for c, text in enumerate(headers):
        _cell(table.cell(0, c), text, size, bold=True, center=True)
    _repeat_header(table.rows[0])
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            _cell(table.cell(r, c), "" if value is None else str(value), size)
    if widths_mm:
        for column, width in zip(table.columns, widths_mm, strict=False):
            for cell in column.cells:
                cell.width = Mm(width)
    return table


def _cell(cell, text: str, size, *, bold: bool = False, center: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.LEFT
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(max(size.pt + 6, 20))
    fmt.first_line_indent = None
    set_font(paragraph.add_run(text), TABLE_FONT, size, bold=bold)


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def to_bytes(doc) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def docx_response(doc, filename: str) -> HttpResponse:
    response = HttpResponse(to_bytes(doc), content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
