"""The official document layout (GB/T 9704-2012 党政机关公文格式) for python-docx documents.

A4; margins top 37 mm and left 28 mm around a 156 × 225 mm type area (so right 26 mm, bottom
35 mm); title in 方正小标宋简体 二号 (22 pt) centred; body in 仿宋_GB2312 三号 (16 pt) at a fixed
28-point line spacing with a two-character first-line indent; first-level headings 黑体, second-
level 楷体_GB2312; page numbers "— 1 —" in 宋体 四号 (14 pt) at the foot, odd pages right and even
pages left, one character in from the edge; tables in 仿宋_GB2312 四号 or smaller.

Font names are written for East Asian text (w:eastAsia) as well as for Latin text, so Word and WPS
on a government desktop pick the official fonts; digits and Latin letters use Times New Roman.
Engineer s's `tuijin/meetings/docx_layout.py` (minutes) follows the same standard: the two are
to be merged into one module.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
TABLE_FONT = "仿宋_GB2312"
LATIN_FONT = "Times New Roman"

TITLE_PT, BODY_PT, PAGE_NUMBER_PT, LINE_PT = 22, 16, 14, 28
TABLE_PT, WIDE_TABLE_PT = 12, 10.5  # 小四; 五号 for tables of more than 7 columns
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
TOP, LEFT, TYPE_WIDTH, TYPE_HEIGHT = Mm(37), Mm(28), Mm(156), Mm(225)
RIGHT = Mm(210 - 28 - 156)
BOTTOM = Mm(297 - 37 - 225)


def set_font(run, east_asian: str, size_pt: float, *, bold: bool = False, latin: str = LATIN_FONT) -> None:
    """Font of a run for Latin and East Asian text alike (w:rFonts ascii/hAnsi/eastAsia)."""
    run.font.name = latin
    run.font.size = Pt(size_pt)
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)


def _style_font(style, east_asian: str, size_pt: float) -> None:
    style.font.name = LATIN_FONT
    style.font.size = Pt(size_pt)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asian)


def new_document() -> Document:
    """An empty document with the page, margins, default font and page numbers of the standard."""
    doc = Document()
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = TOP, BOTTOM
    section.left_margin, section.right_margin = LEFT, RIGHT
    section.footer_distance = Mm(28)  # the page number sits 7 mm below the type area's last line
    _style_font(doc.styles["Normal"], BODY_FONT, BODY_PT)
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)
    return doc


def _field(paragraph, instruction: str) -> None:
    run = paragraph.add_run()
    set_font(run, PAGE_NUMBER_FONT, PAGE_NUMBER_PT, latin=PAGE_NUMBER_FONT)
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == instruction:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {instruction} "
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._element.append(el)


def _page_number(paragraph, align) -> None:
    """ "— 1 —" in 宋体 四号, one character in from the outer edge."""
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        fmt.right_indent = Pt(PAGE_NUMBER_PT)
    else:
        fmt.left_indent = Pt(PAGE_NUMBER_PT)
    set_font(paragraph.add_run("— "), PAGE_NUMBER_FONT, PAGE_NUMBER_PT, latin=PAGE_NUMBER_FONT)
    _field(paragraph, "PAGE")
    set_font(paragraph.add_run(" —"), PAGE_NUMBER_FONT, PAGE_NUMBER_PT, latin=PAGE_NUMBER_FONT)


def _exact_lines(paragraph, line_pt: float = LINE_PT) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(line_pt)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)


def title(doc, text: str) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _exact_lines(p, 35)  # a 22-pt title needs more than the body's 28 points
    set_font(p.add_run(text), TITLE_FONT, TITLE_PT)
    blank(doc)


def centred(doc, text: str, font: str = HEADING2_FONT) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _exact_lines(p)
    set_font(p.add_run(text), font, BODY_PT)


def blank(doc) -> None:
    _exact_lines(doc.add_paragraph())


def _indented(doc, text: str, font: str):
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _exact_lines(p)
    p.paragraph_format.first_line_indent = Pt(BODY_PT * 2)
    set_font(p.add_run(text), font, BODY_PT)
    return p


def heading1(doc, text: str) -> None:
    _indented(doc, text, HEADING1_FONT)


def heading2(doc, text: str) -> None:
    _indented(doc, text, HEADING2_FONT)


def body(doc, text: str) -> None:
    _indented(doc, text, BODY_FONT)


def caption(doc, text: str) -> None:
    """A table or figure title: centred, 仿宋 in the table size, bold."""
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _exact_lines(p, 22)
    set_font(p.add_run(text), BODY_FONT, 14, bold=True)


RAG_COLOURS = {"red": "D63939", "amber": "B26B00"}
_ALIGN = {False: "center", True: "right"}


def _cell_xml(text: str, half_points: int, *, bold: bool, right: bool, rag: str | None) -> str:
    fonts = f'<w:rFonts w:ascii="{LATIN_FONT}" w:hAnsi="{LATIN_FONT}" w:eastAsia="{TABLE_FONT}"/>'
    colour = f'<w:color w:val="{RAG_COLOURS[rag]}"/>' if rag in RAG_COLOURS else ""
    run = (
        f'<w:r><w:rPr>{fonts}{"<w:b/>" if bold else ""}{colour}<w:sz w:val="{half_points}"/>'
        f'<w:szCs w:val="{half_points}"/></w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
    )
    return (
        f'<w:tc><w:tcPr><w:vAlign w:val="center"/></w:tcPr><w:p><w:pPr><w:spacing w:before="0" w:after="0"/>'
        f'<w:jc w:val="{_ALIGN[right]}"/></w:pPr>{run}</w:p></w:tc>'
    )


def table(doc, headers: list[str], rows: list[list[dict]], numeric: list[bool]) -> None:
    """A gridded table across the type area: header row bold (repeated on each page), numbers
    right-aligned, 仿宋 小四 (五号 beyond 7 columns).

    Written as one WordprocessingML fragment: python-docx's cell API costs milliseconds per cell,
    which a province's bulletin (a thousand cells and more) cannot afford."""
    half_points = int((TABLE_PT if len(headers) <= 7 else WIDE_TABLE_PT) * 2)
    col = int(TYPE_WIDTH.twips / len(headers))
    parts = [
        f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="{col * len(headers)}" '
        'w:type="dxa"/><w:jc w:val="center"/><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>',
        f'<w:gridCol w:w="{col}"/>' * len(headers),
        "</w:tblGrid><w:tr><w:trPr><w:tblHeader/></w:trPr>",
        *(_cell_xml(h, half_points, bold=True, right=False, rag=None) for h in headers),
        "</w:tr>",
    ]
    for row in rows:
        parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
        for i, c in enumerate(row[: len(headers)]):
            right = i < len(numeric) and numeric[i]
            parts.append(_cell_xml(c["t"], half_points, bold=False, right=right, rag=c.get("rag")))
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    doc.element.body._insert_tbl(parse_xml("".join(parts)))  # before the closing w:sectPr
    blank(doc)


def picture(doc, png: bytes, width_mm: float = 150) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run().add_picture(io.BytesIO(png), width=Mm(width_mm))


def to_bytes(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
