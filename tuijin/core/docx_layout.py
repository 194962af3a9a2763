"""Word documents in the official document layout (GB/T 9704-2012 党政机关公文格式), with python-docx.

One layout for every .docx Tuijin writes: the bulletins (通报), the assessment report and the
meeting minutes (会议纪要).

- Page: A4; margins top 37 mm, left 28 mm around a 156 × 225 mm type area (so right 26 mm,
  bottom 35 mm).
- Title: 方正小标宋简体 二号 (22 pt), centred, then one blank line.
- Body: 仿宋_GB2312 三号 (16 pt) at exactly 28 pt line spacing, two characters indented.
- Headings: first level (一、) 黑体, second level (（一）) 楷体_GB2312, both in the body size.
- Page numbers "— 1 —" in 宋体 四号 (14 pt) at the foot, 7 mm below the type area: odd pages
  on the right, even pages on the left, one character in from the edge.
- Tables: 仿宋_GB2312 四号 (14 pt) or smaller as columns grow, header row bold and repeated on
  every page, a row never split across pages.

Each run names its font for every script (w:ascii, w:hAnsi, w:eastAsia, w:cs), so Word and WPS on
a government desktop use the official fonts for Chinese and for digits alike.

    doc = new_document()
    add_title(doc, "关于……的通报")
    add_heading(doc, "一、总体情况", level=1)
    add_paragraph(doc, "正文……")
    add_table(doc, ["单位", "完成率"], [["甲县", "52.0%"]], numeric=[False, True])
    return docx_response(doc, "通报.docx")
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Mapping, Sequence
from urllib.parse import quote
from xml.sax.saxutils import escape

from django.http import HttpResponse
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Length, Mm, Pt
from docx.table import Table

from tuijin.core.text import strip_control

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

TITLE_FONT, BODY_FONT, HEADING1_FONT, HEADING2_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"
PAGE_NUMBER_FONT, TABLE_FONT = "宋体", "仿宋_GB2312"
TITLE_SIZE, BODY_SIZE, PAGE_NUMBER_SIZE, TABLE_SIZE = Pt(22), Pt(16), Pt(14), Pt(14)
LINE_SPACING, TITLE_LINE_SPACING = Pt(28), Pt(35)  # a 22-pt title needs more than the body's 28 points
CAPTION_SIZE = Pt(14)

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
TYPE_WIDTH, TYPE_HEIGHT = Mm(156), Mm(225)
TOP, LEFT = Mm(37), Mm(28)
RIGHT, BOTTOM = Mm(210 - 28 - 156), Mm(297 - 37 - 225)
PAGE_NUMBER_GAP = Mm(7)  # 一字线上距版心下边缘 7 mm

FONT_ATTRIBUTES = ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")
ALIGN = {
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT,
}  # fmt: skip


def set_font(run, name: str, size: Length | None = None, bold: bool | None = None) -> None:
    """Use `name` for every script of the run (ASCII, high ANSI, East Asian, complex)."""
    run.font.name = name
    if size is not None:
        run.font.size = size
    if bold is not None:
        run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attr in FONT_ATTRIBUTES:
        fonts.set(qn(attr), name)


def _style_font(style, name: str, size: Length) -> None:
    style.font.name, style.font.size = name, size
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in FONT_ATTRIBUTES:
        fonts.set(qn(attr), name)


def _exact(paragraph, line: Length = LINE_SPACING, *, indent: bool = False) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, line
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.first_line_indent = BODY_SIZE * 2 if indent else None


# --- the page ------------------------------------------------------------------------------------


def new_document():
    """An empty A4 document with the margins, the body style and the page-number footers."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = TOP, BOTTOM
    section.left_margin, section.right_margin = LEFT, RIGHT
    # Word measures the footer from the page's lower edge to the footer's last line.
    section.footer_distance = Length(BOTTOM - PAGE_NUMBER_GAP - PAGE_NUMBER_SIZE)
    normal = doc.styles["Normal"]
    _style_font(normal, BODY_FONT, BODY_SIZE)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = LINE_SPACING
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)
    return doc


def _field(run, instruction: str) -> None:
    """A field (PAGE) whose shown value Word and WPS update when the page is laid out."""
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


def _page_number(paragraph, align) -> None:
    """ "— 1 —" in 宋体 四号, one character in from the outer edge (单页码居右、双页码居左)."""
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        fmt.right_indent = PAGE_NUMBER_SIZE
    else:
        fmt.left_indent = PAGE_NUMBER_SIZE
    for text, field in (("— ", False), ("", True), (" —", False)):
        run = paragraph.add_run(strip_control(text))
        set_font(run, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
        if field:
            _field(run, "PAGE")


# --- paragraphs ----------------------------------------------------------------------------------


def add_title(doc, text: str):
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _exact(paragraph, TITLE_LINE_SPACING)
    paragraph.paragraph_format.space_after = LINE_SPACING  # 标题下空一行
    set_font(paragraph.add_run(strip_control(text)), TITLE_FONT, TITLE_SIZE)
    return paragraph


def add_heading(doc, text: str, level: int = 1):
    """一、 headings in 黑体 (level 1), （一） headings in 楷体_GB2312 (level 2); body size."""
    if level not in (1, 2):
        raise ValueError("government documents use heading levels 1 and 2 here")
    paragraph = doc.add_paragraph()
    _exact(paragraph, indent=True)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    set_font(paragraph.add_run(strip_control(text)), HEADING1_FONT if level == 1 else HEADING2_FONT, BODY_SIZE)
    return paragraph


def add_paragraph(doc, text: str, *, indent: bool = True, align: str = "justify", bold_lead: str = "",
                  font: str = BODY_FONT):  # fmt: skip
    """A body paragraph in 仿宋_GB2312 三号 (or `font`); `bold_lead` is an opening phrase in bold."""
    paragraph = doc.add_paragraph()
    _exact(paragraph, indent=indent)
    paragraph.alignment = ALIGN[align]
    if bold_lead:
        set_font(paragraph.add_run(strip_control(bold_lead)), font, BODY_SIZE, bold=True)
    set_font(paragraph.add_run(strip_control(text)), font, BODY_SIZE)
    return paragraph


def add_blank(doc):
    paragraph = doc.add_paragraph()
    _exact(paragraph)
    return paragraph


def add_caption(doc, text: str):
    """The title of a table or a figure: centred, bold, 仿宋 四号."""
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _exact(paragraph, Pt(22))
    set_font(paragraph.add_run(strip_control(text)), BODY_FONT, CAPTION_SIZE, bold=True)
    return paragraph


def add_date(doc, text: str):
    """成文日期: right-aligned, four characters in from the right edge (右空四字)."""
    paragraph = add_paragraph(doc, text, indent=False, align="right")
    paragraph.paragraph_format.right_indent = BODY_SIZE * 4
    return paragraph


def add_picture(doc, png: bytes, width_mm: float = 150):
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run().add_picture(io.BytesIO(png), width=Mm(width_mm))
    return paragraph


# --- tables --------------------------------------------------------------------------------------

WRAP_WIDTH = 36  # half-ems: a column whose text is wider wraps (and is left-aligned as prose)
MIN_WIDTH = 4
RAG_COLOURS = {"red": "D63939", "amber": "B26B00"}

Cell = str | int | float | None | Mapping  # text, a number, nothing, or {"t": text, "rag": "red" | …}


def cell_text(cell: Cell) -> str:
    if isinstance(cell, Mapping):
        return str(cell.get("t", ""))
    return "" if cell is None else str(cell)


def text_width(text: str) -> int:
    """Width in half-ems: a Chinese (wide) character counts 2, a digit or a Latin letter 1."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table_size(columns: int) -> Length:
    """四号 up to 6 columns, 小四 at 7, 五号 up to 10, 小五 beyond: the table fits the 156 mm type area."""
    return Pt(14) if columns <= 6 else Pt(12) if columns == 7 else Pt(10.5) if columns <= 10 else Pt(9)


def table_line(size: Length) -> Length:
    """Exact line spacing in a table: the type size and 4 points."""
    return Pt(size.pt + 4)


def _column_widths(headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> list[int]:
    """Each column's widest text in half-ems, capped at WRAP_WIDTH + 1; a header may take two lines
    (half its width, rounded up to whole characters)."""
    widths = []
    for i, header in enumerate(headers):
        widest = max((text_width(cell_text(row[i])) for row in rows if i < len(row)), default=0)
        half_header = -(-text_width(header) // 4) * 2
        widths.append(min(max(widest, half_header, MIN_WIDTH), WRAP_WIDTH + 1))
    return widths


def column_shares(headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> list[float]:
    """Each column's share of the table's width, after its widest text: the .docx and the .pdf of a
    bulletin lay their tables out alike, and a long name no longer squeezes the figures."""
    widths = [w + 2 for w in _column_widths(headers, rows)]  # one em of cell padding
    total = sum(widths)
    return [w / total for w in widths]


def column_alignments(headers: Sequence[str], rows: Sequence[Sequence[Cell]],
                      numeric: Sequence[bool] | None = None) -> list[str]:  # fmt: skip
    """ "right" for figures, "left" for text that wraps (prose), "center" for short text."""
    numeric = list(numeric or [])
    widest = _column_widths(headers, rows)
    return ["right" if i < len(numeric) and numeric[i] else "left" if widest[i] > WRAP_WIDTH else "center"
            for i in range(len(headers))]  # fmt: skip


def _cell_xml(text: str, width: int, size: Length, *, bold: bool, align: str, rag: str | None) -> str:
    half_points = int(size.pt * 2)
    fonts = "".join(f' {a}="{TABLE_FONT}"' for a in FONT_ATTRIBUTES)
    colour = f'<w:color w:val="{RAG_COLOURS[rag]}"/>' if rag in RAG_COLOURS else ""
    line = table_line(size).twips
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr><w:p><w:pPr>'
        f'<w:spacing w:before="0" w:after="0" w:line="{line}" w:lineRule="exact"/><w:ind w:firstLine="0"/>'
        f'<w:jc w:val="{"both" if align == "left" else align}"/></w:pPr><w:r><w:rPr><w:rFonts{fonts}/>'
        f'{"<w:b/>" if bold else ""}{colour}<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/></w:rPr>'
        f'<w:t xml:space="preserve">{escape(strip_control(text))}</w:t></w:r></w:p></w:tc>'
    )


def add_table(doc, headers: Sequence[str], rows: Sequence[Sequence[Cell]], *, size: Length | None = None,
              widths_mm: Sequence[float] | None = None, numeric: Sequence[bool] | None = None) -> Table:  # fmt: skip
    """A gridded table across the type area in 仿宋_GB2312: the header row bold and repeated on every
    page, figures (`numeric` columns) right-aligned. Column widths follow the widest text unless
    `widths_mm` are given; the size follows the column count (`table_size`) unless given, never
    above 四号. A cell is text, a number, None, or {"t": text, "rag": "red" | "amber"} (coloured).

    Written as one WordprocessingML fragment: python-docx's cell API costs milliseconds per cell,
    which a province's bulletin (thousands of cells) cannot afford."""
    size = size or table_size(len(headers))
    if size > TABLE_SIZE:
        raise ValueError("tables use 四号 (14 pt) or smaller")
    rows = [list(row) for row in rows]
    if widths_mm:
        twips = [int(Mm(w).twips) for w in widths_mm]
    else:
        twips = [int(TYPE_WIDTH.twips * share) for share in column_shares(headers, rows)]
    align = column_alignments(headers, rows, numeric)
    parts = [
        f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="{sum(twips)}" w:type="dxa"/>'
        '<w:jc w:val="center"/><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>',
        *(f'<w:gridCol w:w="{w}"/>' for w in twips),
        "</w:tblGrid><w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>",
        *(_cell_xml(h, w, size, bold=True, align="center", rag=None) for h, w in zip(headers, twips, strict=True)),
        "</w:tr>",
    ]
    for row in rows:
        parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
        for i, w in enumerate(twips):
            cell = row[i] if i < len(row) else None
            rag = cell.get("rag") if isinstance(cell, Mapping) else None
            parts.append(_cell_xml(cell_text(cell), w, size, bold=False, align=align[i], rag=rag))
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    tbl = parse_xml("".join(parts))
    doc.element.body._insert_tbl(tbl)  # before the closing w:sectPr
    return Table(tbl, doc._body)


# --- the file ------------------------------------------------------------------------------------


def to_bytes(doc) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def docx_response(doc, filename: str) -> HttpResponse:
    response = HttpResponse(to_bytes(doc), content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(strip_control(filename))}"
    return response
