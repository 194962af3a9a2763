"""Tables in Word documents of the official layout (`tuijin.core.docx_layout`).

仿宋_GB2312 四号 (14 pt) or smaller as columns grow (`table_size`), the header row bold and repeated on
every page, a row never split across pages. Column widths come from the content (`column_widths_pt`):
a code, a date or a number never breaks, so a column is at least as wide as its longest one; a
wide text column wraps and is left-aligned as prose. A cell may carry a RAG colour ({"t": …, "rag": "red"}).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from xml.sax.saxutils import escape

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Length, Mm, Pt
from docx.table import Table

from tuijin.core.docx_layout import FONT_ATTRIBUTES, TABLE_FONT, TABLE_SIZE, TYPE_WIDTH, Cell, text_width
from tuijin.core.text import strip_control

WRAP_WIDTH = 36  # half-ems: a column whose text is wider wraps (and is left-aligned as prose)
MIN_WIDTH = 4
RAG_COLOURS = {"red": "D63939", "amber": "B26B00"}


def cell_text(cell: Cell) -> str:
    if isinstance(cell, Mapping):
        return str(cell.get("t", ""))
    return "" if cell is None else str(cell)


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


CELL_PADDING_PT = 7  # 3 pt each side and the rules
NARROW_EM = 0.6  # a digit or a Latin letter, with room to spare (Noto's are 0.5–0.56 em)
UNBREAKABLE = re.compile(r"[\x21-\x7e\u00b7\u2014\u2013%]+")  # codes, dates, figures: one word each


def _ems_of(text: str) -> float:
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else NARROW_EM for ch in text)


def _min_ems(text: str, *, header: bool) -> float:
    """The narrowest a cell may be: its longest code, date or figure (never broken) or, for Chinese
    text, two characters (a header wraps, at most into 4 lines)."""
    words = [_ems_of(w) for w in UNBREAKABLE.findall(text)]
    cjk = 2.0 if any(unicodedata.east_asian_width(ch) in "WF" for ch in text) else 0.0
    if header:
        cjk = max(cjk, -(-_ems_of(text) // 4))
    return max([cjk, *words])


def column_widths_pt(headers: Sequence[str], rows: Sequence[Sequence[Cell]], size: Length,
                     total: Length = TYPE_WIDTH) -> list[float]:  # fmt: skip
    """Each column's width in points, from its content at `size`: every column gets at least its
    longest unbreakable word (a project code, a date, a figure) and its header in four lines; the
    rest of the width goes to the columns whose text would wrap, after how much they hold. Where
    even the minimums do not fit, they are scaled down together (the smaller type of wide tables
    makes that rare)."""
    em = size.pt
    minimum, natural = [], []
    for i, header in enumerate(headers):
        texts = [cell_text(row[i]) for row in rows if i < len(row)]
        low = max([_min_ems(header, header=True), *(_min_ems(t, header=False) for t in texts)])
        wide = max([-(-_ems_of(header) // 2), *(_ems_of(t) for t in texts)])
        minimum.append(low * em + CELL_PADDING_PT)
        natural.append(max(low, wide) * em + CELL_PADDING_PT)
    room = total.pt
    if sum(natural) <= room:
        return [w * room / sum(natural) for w in natural]
    if sum(minimum) >= room:
        return [w * room / sum(minimum) for w in minimum]
    spare, wants = room - sum(minimum), [n - m for n, m in zip(natural, minimum, strict=True)]
    return [m + spare * w / sum(wants) for m, w in zip(minimum, wants, strict=True)]


def column_shares(headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> list[float]:
    """Each column's share of the table's width (`column_widths_pt` at the table's size): the .docx
    and the .pdf of a bulletin lay their tables out alike."""
    widths = column_widths_pt(headers, rows, table_size(len(headers)))
    return [w / sum(widths) for w in widths]


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
        twips = [int(w * 20) for w in column_widths_pt(headers, rows, size)]
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
