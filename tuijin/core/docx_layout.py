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
- Tables are in `tuijin.core.docx_tables`.
- 版头 (`add_masthead`): the red 发文机关标志 35 mm below the type area's top, the 发文字号 two
  lines below it, and the red separator line 4 mm under the 文号, as wide as the type area.
- 主送机关 flush left (`add_recipients`); 发文机关署名 and 成文日期 (`add_signature`): the name two
  characters in from the right, the date's first character two to the right of the name's.
- 版记 (`add_colophon`): 抄送 and 印发机关/印发日期 in 四号 between a thick first and last line
  (0.35 mm) and a thin one between (0.25 mm). A draft carries a red 草稿 mark on every page.

Each run names its font for every script (w:ascii, w:hAnsi, w:eastAsia, w:cs), so Word and WPS on
a government desktop use the official fonts for Chinese and for digits alike.

    doc = new_document()
    add_title(doc, "关于……的通报")
    add_heading(doc, "一、总体情况", level=1)
    add_paragraph(doc, "正文……")
    docx_tables.add_table(doc, ["单位", "完成率"], [["甲县", "52.0%"]], numeric=[False, True])
    return docx_response(doc, "通报.docx")
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Mapping
from urllib.parse import quote

from django.http import HttpResponse
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt, RGBColor

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


# 20 characters of 二号 fill the type area exactly; 19 leaves room for digits wider than half an em.
TITLE_PER_LINE = int(TYPE_WIDTH.pt // TITLE_SIZE.pt) - 1
BREAK_AFTER = "月的和与及、"  # a title line may end after these (一个词的末尾), never inside a number


def title_lines(text: str, per_line: int = TITLE_PER_LINE) -> list[str]:
    """The title in lines of at most `per_line` characters (in ems, digits half), broken where a
    phrase ends and balanced, so that no line is a lone character or two ("通报" never alone)."""
    ems = text_width(text) / 2
    if ems <= per_line:
        return [text]
    lines = -(-int(ems) // per_line)
    target = ems / lines
    best, best_cost = None, None
    for i in range(1, len(text)):
        head = text_width(text[:i]) / 2
        if head > per_line or text_width(text[i:]) / 2 > per_line * (lines - 1):
            continue
        if text[i - 1].isdigit() and text[i].isdigit():
            continue
        cost = abs(head - target) - (3 if text[i - 1] in BREAK_AFTER else 0)
        if best_cost is None or cost < best_cost:
            best, best_cost = i, cost
    if best is None:
        return [text]
    return [text[:best], *title_lines(text[best:], per_line)]


def add_title(doc, text: str):
    """The title in 小标宋 二号, centred, broken into balanced lines (`title_lines`)."""
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _exact(paragraph, TITLE_LINE_SPACING)
    paragraph.paragraph_format.space_after = LINE_SPACING  # 标题下空一行
    for i, line in enumerate(title_lines(strip_control(text))):
        run = paragraph.add_run()
        if i:
            run.add_break()
        run.add_text(line)
        set_font(run, TITLE_FONT, TITLE_SIZE)
    return paragraph


# --- the official form (版头, 主送, 署名, 版记) ---------------------------------------------------

RED = "FF0000"
MARK_TOP = Mm(35)  # 发文机关标志上边缘至版心上边缘
COLOPHON_SIZE = Pt(14)


def _border(paragraph, side: str, *, size_eighths: int, colour: str = "000000", space_pt: int = 0) -> None:
    """A rule on one side of a paragraph (the red separator line, the lines of the 版记)."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.append(borders)
    line = OxmlElement(f"w:{side}")
    for key, value in (("w:val", "single"), ("w:sz", str(size_eighths)), ("w:space", str(space_pt)),
                       ("w:color", colour)):  # fmt: skip
        line.set(qn(key), value)
    borders.append(line)


def _colour(run, colour: str) -> None:
    run.font.color.rgb = RGBColor.from_string(colour)


def mark_size(mark: str) -> Length:
    """The organ mark as large as fits the type area on one line, between 二号 and 36 pt."""
    return Pt(max(22, min(36, int(TYPE_WIDTH.pt / max(text_width(mark) / 2, 1)))))


def add_masthead(doc, mark: str, number: str):
    """版头: the red 发文机关标志 (小标宋), the 发文字号 two lines below it, the red line under it."""
    size = mark_size(mark)
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _exact(head, Pt(size.pt + 8))
    head.paragraph_format.space_before = MARK_TOP
    head.paragraph_format.space_after = LINE_SPACING * 2  # 标志下空二行
    run = head.add_run(strip_control(mark))
    set_font(run, TITLE_FONT, size)
    _colour(run, RED)
    numbered = add_paragraph(doc, number, indent=False, align="center")
    _border(numbered, "bottom", size_eighths=12, colour=RED, space_pt=11)  # 4 mm below the 文号
    numbered.paragraph_format.space_after = LINE_SPACING * 2  # 红线下空二行 to the title
    return head, numbered


def add_draft_mark(doc, text: str = "草稿"):
    """A red mark at the head of every page of a draft (it must not be printed as issued)."""
    section = doc.sections[0]
    for header in (section.header, section.even_page_header):
        paragraph = header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = paragraph.add_run(strip_control(text))
        set_font(run, HEADING1_FONT, BODY_SIZE, bold=True)
        _colour(run, RED)


def add_recipients(doc, text: str):
    """主送机关: flush left below the title, ending with a full-width colon."""
    return add_paragraph(doc, text.rstrip("：:") + "：", indent=False, align="left")


def _ems(text: str) -> float:
    return text_width(text) / 2


def signature_indents(organ: str, date: str) -> tuple[float, float]:
    """The right indents in ems of 署名 and 成文日期 (see `add_signature`)."""
    date_right = _ems(organ) - _ems(date)  # where the name sits two characters in from the edge
    if date_right < 2:
        return 2 + (2 - date_right), 2.0
    return 2.0, date_right


def add_signature(doc, organ: str, date: str):
    """发文机关署名 two characters in from the right, 成文日期 below it starting two characters to
    the right of the name's first; a date longer than that moves the name left instead (GB/T
    9704-2012 7.3.5.2, 不加盖印章)."""
    add_blank(doc)
    sign_right, date_right = signature_indents(organ, date)
    signature = add_paragraph(doc, organ, indent=False, align="right")
    signature.paragraph_format.right_indent = Length(int(BODY_SIZE * sign_right))
    dated = add_paragraph(doc, date, indent=False, align="right")
    dated.paragraph_format.right_indent = Length(int(BODY_SIZE * date_right))
    return signature, dated


def add_colophon(doc, *, copy_to: str, printer: str, printed_on: str):
    """版记: 抄送 (左右各空一字, ending with 。) and 印发机关 / 印发日期 (左空一字 / 右空一字, 印发)
    between a thick first and last line and a thin one between."""
    add_blank(doc)
    parts = []
    if copy_to:
        cc = doc.add_paragraph()
        _exact(cc)
        fmt = cc.paragraph_format
        fmt.left_indent, fmt.right_indent = COLOPHON_SIZE, COLOPHON_SIZE
        set_font(cc.add_run(strip_control(f"抄送：{copy_to.rstrip('。')}。")), BODY_FONT, COLOPHON_SIZE)
        _border(cc, "top", size_eighths=8)  # 0.35 mm ≈ 1 pt
        _border(cc, "bottom", size_eighths=6)  # 0.25 mm ≈ 0.75 pt
        parts.append(cc)
    printed = doc.add_paragraph()
    _exact(printed)
    fmt = printed.paragraph_format
    fmt.left_indent, fmt.right_indent = COLOPHON_SIZE, COLOPHON_SIZE
    fmt.tab_stops.add_tab_stop(Length(TYPE_WIDTH - COLOPHON_SIZE * 2), WD_TAB_ALIGNMENT.RIGHT)
    set_font(printed.add_run(strip_control(f"{printer}\t{printed_on}印发")), BODY_FONT, COLOPHON_SIZE)
    if not copy_to:
        _border(printed, "top", size_eighths=8)
    _border(printed, "bottom", size_eighths=8)
    parts.append(printed)
    return parts


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


Cell = str | int | float | None | Mapping  # text, a number, nothing, or {"t": text, "rag": "red" | …}


def text_width(text: str) -> int:
    """Width in half-ems: a Chinese (wide) character counts 2, a digit or a Latin letter 1."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# --- the file ------------------------------------------------------------------------------------


def to_bytes(doc) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def docx_response(doc, filename: str) -> HttpResponse:
    response = HttpResponse(to_bytes(doc), content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(strip_control(filename))}"
    return response
