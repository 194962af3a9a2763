"""The shared GB/T 9704 layout (`tuijin.core.docx_layout`) as the bulletin, the assessment report and
the minutes use it: page numbers, fonts in every script, tables that fit and repeat their header."""

import io

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from tests.bulletins.support import YEAR, june
from tuijin.bulletins import rendering, services
from tuijin.core import docx_layout as layout
from tuijin.core import docx_tables

FONT_ATTRIBUTES = [qn(a) for a in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")]


def _read(doc) -> Document:
    return Document(io.BytesIO(layout.to_bytes(doc)))


def test_page_numbers_sit_outside_on_odd_and_even_pages_7_mm_below_the_type_area():
    doc = _read(layout.new_document())
    section = doc.sections[0]
    assert doc.settings.odd_and_even_pages_header_footer
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert (odd.alignment, even.alignment) == (2, 0)  # right, left
    assert (odd.paragraph_format.right_indent, even.paragraph_format.left_indent) == (Pt(14), Pt(14))  # 空一字
    assert odd.text == even.text == "— 1 —"
    # The footer's line (宋体 四号) ends where its top is 7 mm below the 225 mm type area.
    assert section.footer_distance + Pt(14) + Mm(7) == pytest.approx(section.bottom_margin, abs=Mm(0.05))


def test_every_run_names_its_font_for_every_script():
    doc = layout.new_document()
    layout.add_title(doc, "标题")
    layout.add_heading(doc, "一、总体情况", level=1)
    layout.add_paragraph(doc, "正文 2026 年", bold_lead="一是")
    docx_tables.add_table(doc, ["单位", "完成率"], [["甲县", {"t": "52.0%", "rag": "red"}]], numeric=[False, True])
    out = _read(doc)
    runs = [r for p in out.paragraphs for r in p.runs] + [
        r for t in out.tables for c in t._cells for p in c.paragraphs for r in p.runs
    ]
    for run in runs:
        fonts = run._element.rPr.rFonts
        assert len({fonts.get(a) for a in FONT_ATTRIBUTES}) == 1, run.text
    cell = out.tables[0].cell(1, 1).paragraphs[0]
    assert cell.alignment == 2  # figures right-aligned
    assert cell.runs[0].font.color.rgb is not None  # behind pace: coloured


def test_table_sizes_step_down_with_the_columns_and_never_exceed_si_hao():
    assert [docx_tables.table_size(n).pt for n in (3, 6, 7, 10, 12)] == [14, 14, 12, 10.5, 9]
    with pytest.raises(ValueError, match="14 pt"):
        docx_tables.add_table(layout.new_document(), ["a"], [["b"]], size=Pt(16))


def test_columns_share_the_width_after_their_widest_text():
    headers = ["名次", "单位", "本期值（亿元）"]
    rows = [["1", "经济技术开发区", "115,588.9"], ["2", "甲县", "7.5"]]
    shares = docx_tables.column_shares(headers, rows)
    assert sum(shares) == pytest.approx(1)
    assert shares[1] > shares[2] > shares[0]  # 7 Chinese characters > 9 digits > a rank (its header: 2 characters)
    assert docx_tables.column_alignments(headers, rows, [False, False, True]) == ["center", "center", "right"]
    prose = [["1", "征迁扫尾" * 12]]
    assert docx_tables.column_alignments(["序号", "事项"], prose) == ["center", "left"]  # wrapping text reads left


def test_the_bulletin_tables_repeat_their_header_and_keep_rows_whole(cast, catalogue):
    june(cast, catalogue)
    draft = services.bulletin_create(actor=cast.supervisor, period_type="month", year=YEAR, period=6)
    doc = Document(io.BytesIO(rendering.docx(services.resolved(draft), services.chart_pngs(draft))))
    for table in doc.tables:
        header, *rows = table.rows
        assert header._tr.trPr.find(qn("w:tblHeader")) is not None
        assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in rows)
        widths = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert sum(widths) <= Mm(156).twips  # within the type area
