"""The bulletin in the official form (GB/T 9704-2012, issue 15), read back from its files: the 版头
(red organ mark, 文号, red line), 主送, 署名 and 成文日期, the 版记 with its lines, the 草稿 mark on a
draft only; 文号 numbered per year at publishing; PDF tables whose words never overlap."""

import io
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from docx import Document
from docx.oxml.ns import qn

from tests.bulletins.support import YEAR, june
from tuijin.bulletins import rendering, services
from tuijin.core import docx_layout as layout

pytestmark = pytest.mark.django_db


def _publish(cast, period=6, **kwargs):
    draft = services.bulletin_create(actor=cast.supervisor, period_type="month", year=YEAR, period=period, **kwargs)
    return services.bulletin_publish(actor=cast.supervisor, bulletin=draft, expected_version=draft.version)


def _border(paragraph, side):
    borders = paragraph._p.pPr.find(qn("w:pBdr")) if paragraph._p.pPr is not None else None
    line = borders.find(qn(f"w:{side}")) if borders is not None else None
    return None if line is None else (line.get(qn("w:color")), int(line.get(qn("w:sz"))))


def _headers_text(doc):
    section = doc.sections[0]
    return "".join(p.text for h in (section.header, section.even_page_header) for p in h.paragraphs)


def test_the_published_docx_has_the_masthead_recipients_signature_and_colophon(cast, catalogue, settings):
    settings.TUIJIN_BULLETIN_ORGAN = "示例市人民政府督查室"
    settings.TUIJIN_BULLETIN_NUMBER_PREFIX = "示督通"
    june(cast, catalogue)
    bulletin = _publish(cast)
    doc = Document(bulletin.docx.path)
    paragraphs = [p for p in doc.paragraphs if p.text.strip()]
    mark, number, title, _subtitle, recipients = paragraphs[:5]
    assert mark.text == "示例市人民政府督查室督查通报"
    assert mark.runs[0].font.color.rgb == layout.RGBColor.from_string("FF0000")
    assert mark.runs[0].font.name == layout.TITLE_FONT
    assert number.text == f"示督通〔{bulletin.doc_year}〕1号" == bulletin.doc_number
    assert _border(number, "bottom") == ("FF0000", 12)  # the red separator line under the 文号
    assert title.text == bulletin.title.replace("和重大", "和\n重大") or "\n" not in title.text
    assert recipients.text.endswith("：")
    assert recipients.paragraph_format.first_line_indent in (None, 0)
    texts = [p.text for p in paragraphs]
    at = texts.index("示例市人民政府督查室")
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", texts[at + 1])  # 成文日期 under the 署名
    cc, printed = paragraphs[-2:]
    assert cc.text.startswith("抄送：")
    assert cc.text.endswith("。")
    assert printed.text == f"示例市人民政府督查室\t{texts[at + 1]}印发"
    assert _border(cc, "top") == ("000000", 8)  # thick first line
    assert _border(cc, "bottom") == ("000000", 6)  # then a thin one
    assert _border(printed, "bottom") == ("000000", 8)  # the last line thick
    assert "草稿" not in _headers_text(doc)
    assert bulletin.snapshot["official"]["number"] == bulletin.doc_number


def test_a_draft_is_marked_and_its_number_left_blank(cast, catalogue):
    june(cast, catalogue)
    draft = services.bulletin_create(actor=cast.supervisor, period_type="month", year=YEAR, period=6)
    doc = Document(io.BytesIO(rendering.docx(services.resolved(draft), {})))
    assert "草稿" in _headers_text(doc)
    number = next(p for p in doc.paragraphs if "〔" in p.text)
    assert re.search(r"〔\d{4}〕\u3000+号", number.text)
    assert "草稿" in rendering.html(services.resolved(draft), {})


def test_document_numbers_run_per_year_and_are_never_reused(cast, catalogue):
    june(cast, catalogue)
    first = _publish(cast)
    second = _publish(cast, scope_unit=cast.county_a)
    correction = services.bulletin_new_version(actor=cast.supervisor, previous=first)
    correction = services.bulletin_publish(actor=cast.supervisor, bulletin=correction,
                                           expected_version=correction.version)  # fmt: skip
    assert [b.doc_seq for b in (first, second, correction)] == [1, 2, 3]
    assert len({b.doc_number for b in (first, second, correction)}) == 3


def test_a_title_breaks_into_balanced_lines_and_never_leaves_a_lone_character():
    assert layout.title_lines("2026年10月重点工作和重大项目推进情况通报") == [
        "2026年10月重点工作和",
        "重大项目推进情况通报",
    ]
    for title in (
        "东湖区2026年第三季度重点工作和重大项目推进情况通报",
        "关于进一步加强重大项目全生命周期管理和要素保障工作情况的通报",
    ):
        lines = layout.title_lines(title)
        assert "".join(lines) == title
        assert all(len(line) > 2 for line in lines)
        assert all(layout.text_width(line) / 2 <= layout.TITLE_PER_LINE for line in lines)


class _Words(HTMLParser):
    def __init__(self):
        super().__init__()
        self.pages, self._word = [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "page":
            self.pages.append([])
        elif tag == "word":
            self._word = [float(a[k]) for k in ("xmin", "ymin", "xmax", "ymax")]

    def handle_data(self, data):
        if self._word is not None:
            self.pages[-1].append((*self._word, data))
            self._word = None


def _overlaps(pdf: bytes, tmp_path) -> list:
    path = tmp_path / "b.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(  # noqa: S603 - poppler's tool on our own file
        [shutil.which("pdftotext"), "-bbox", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()
    parser = _Words()
    parser.feed(out)
    bad = []
    for words in parser.pages:
        for i, a in enumerate(words):
            for b in words[i + 1 :]:
                # Words on one line (sharing most of their height: a CJK face's box is taller than the
                # table's line, so lines above and below touch) that share width run into each other.
                height = min(a[3] - a[1], b[3] - b[1])
                if min(a[2], b[2]) - max(a[0], b[0]) > 0.5 and min(a[3], b[3]) - max(a[1], b[1]) > height / 2:
                    bad.append((a[4], b[4]))
    return bad


def test_pdf_tables_of_the_longest_codes_names_and_numbers_never_overlap(tmp_path):
    headers = ["项目编号", "项目名称", "实施主体", "计划开工", "逾期天数", "阶段", "未开工原因"]
    name = "年产六十万台套高端智能装备及关键零部件产业化基地一期工程"
    rows = [["SL2026-XM-0000000000001-ABCDEFG", name, "示例经济技术开发区管理委员会", "2026-01-26", "12345", "前期",
             "政策处理（征迁）未完成，企业融资未到位"]] * 30  # fmt: skip
    doc = {"title": "2026年10月重点工作和重大项目推进情况通报", "subtitle": "", "date": "2026年11月8日",
           "items": [{"type": "table", "key": "t", "title": "迟迟不开工项目", "headers": headers,
                      "numeric": [False] * 7, "label": 1,
                      "rows": [[{"t": c, "v": None, "rag": None} for c in r] for r in rows]}]}  # fmt: skip
    assert _overlaps(rendering.pdf(doc, {}), tmp_path) == []


def test_the_published_pdf_words_never_overlap(cast, catalogue, tmp_path):
    june(cast, catalogue)
    bulletin = _publish(cast)
    assert _overlaps(bulletin.pdf.read(), tmp_path) == []
