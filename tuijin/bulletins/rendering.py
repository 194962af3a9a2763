"""The bulletin as files: the .docx (python-docx, GB/T 9704 layout) and the .pdf (WeasyPrint).

Both render a *resolved* document — `{"title", "subtitle", "date", "items", "changes"}` with
every paragraph's text in it (a published snapshot, or a draft with its current blocks) — and
the chart PNGs by key. Neither reads the database.

PDF fonts: the faces cut by `manage.py prepare_pdf_fonts` (GB2312 subsets under
`TUIJIN_PDF_FONT_DIR`, default var/fonts/) when present, else the families named in
`TUIJIN_PDF_FONT_FAMILY` (Debian's Noto CJK) through fontconfig; the family names always follow
as fallbacks, so a character outside GB2312 (a rare name) still prints. (WeasyPrint 70 subsets
the stock collections with HarfBuzz about as fast as the cut faces; the cut faces keep the file
a third smaller and the type the same on every server.)

Speed (bench/bench_bulletin.py, a province's bulletin of 29 tables): the PDF takes ~2 s of CPU.
WeasyPrint's own user-agent stylesheet is swapped for `PRINT_UA_CSS` (matching its rules
against every cell cost ~0.9 s), the charts come from memory through the fetcher instead of
base64 in the page, and tables use a fixed layout with the .docx's widths
(`core.docx_tables.column_shares`).
"""

from __future__ import annotations

import functools
import logging
import re
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from PIL import ImageFile

from tuijin.bulletins import conf
from tuijin.core import docx_layout as layout
from tuijin.core import docx_tables

log = logging.getLogger(__name__)
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # one INFO line per page otherwise

# prepare_pdf_fonts writes these files; (CSS family, file, weight).
SUBSET_FACES = (
    ("TuijinSerif", "tuijin-serif-regular.otf", 400),
    ("TuijinSerif", "tuijin-serif-bold.otf", 700),
    ("TuijinSans", "tuijin-sans-bold.otf", 700),
)


def font_family() -> dict[str, str]:
    return {**conf.DEFAULT_FONT_FAMILY, **conf.PDF_FONT_FAMILY}


def font_dir() -> Path:
    return Path(conf.PDF_FONT_DIR)


# --- .docx ---------------------------------------------------------------------------------------


def docx(doc: dict, charts: dict[str, bytes]) -> bytes:
    """The bulletin in the official form: 版头 (when the document carries its `official` part),
    title, 主送, the text, 署名 and 成文日期, 版记; a draft marked 草稿 on every page."""
    out = layout.new_document()
    official = doc.get("official") or {}
    if doc.get("draft"):
        layout.add_draft_mark(out)
    if official:
        layout.add_masthead(out, official["mark"], official["number"])
    layout.add_title(out, doc["title"])
    if doc.get("subtitle"):
        layout.add_paragraph(out, doc["subtitle"], indent=False, align="center", font=layout.HEADING2_FONT)
        layout.add_blank(out)
    if official.get("recipients"):
        layout.add_recipients(out, official["recipients"])
    _changes_docx(out, doc.get("changes") or [])
    for item in doc["items"]:
        kind = item["type"]
        if kind in ("h1", "h2"):
            layout.add_heading(out, item["text"], level=1 if kind == "h1" else 2)
        elif kind == "p":
            layout.add_paragraph(out, item["text"])
        elif kind == "table":
            layout.add_caption(out, item["title"])
            docx_tables.add_table(out, item["headers"], item["rows"], numeric=item["numeric"])
            layout.add_blank(out)
        elif kind == "chart" and item["key"] in charts:
            layout.add_picture(out, charts[item["key"]])
            layout.add_caption(out, item["title"])
    if official and doc.get("date"):
        layout.add_signature(out, official["organ"], doc["date"])
        layout.add_colophon(out, copy_to=official.get("copy_to", ""), printer=official["organ"],
                            printed_on=doc["date"])  # fmt: skip
    elif doc.get("date"):
        layout.add_blank(out)
        layout.add_date(out, doc["date"])
    return layout.to_bytes(out)


CHANGE_HEADERS = ["位置", "原内容", "现内容"]


def _change_rows(changes: list[dict]) -> list[list[str]]:
    return [[c["where"], c["before"] or "—", c["after"] or "—"] for c in changes]


def _changes_docx(out, changes: list[dict]) -> None:
    if not changes:
        return
    layout.add_heading(out, "更正说明", level=1)
    layout.add_paragraph(out, f"本版较上一版共有 {len(changes)} 处变化：")
    docx_tables.add_table(out, CHANGE_HEADERS, _change_rows(changes))
    layout.add_blank(out)


# --- .pdf ----------------------------------------------------------------------------------------

# WeasyPrint's own user-agent stylesheet styles all of HTML, and matching its rules against every
# cell of a province's tables costs about a second per bulletin. print.html uses a dozen elements;
# this sheet gives them their display and nothing else (the template's own CSS does the rest).
PRINT_UA_CSS = """
head, title, meta, style, script { display: none }
html, body, div, p, h1, h2, h3, figure { display: block }
table { display: table; box-sizing: border-box }
colgroup { display: table-column-group } col { display: table-column }
thead { display: table-header-group } tbody { display: table-row-group }
tr { display: table-row } th, td { display: table-cell; vertical-align: middle }
th { font-weight: bold }
br::before { content: "\\A"; white-space: pre-line }
"""
CHART_SCHEME = "chart:"


def font_faces() -> list[dict]:
    """@font-face rules for the pre-cut subsets that exist on disk."""
    faces = []
    for family, filename, weight in SUBSET_FACES:
        path = font_dir() / filename
        if path.exists():
            faces.append({"family": family, "url": path.resolve().as_uri(), "weight": weight})
    if not faces:
        log.info("bulletin PDF: no pre-cut fonts in %s (run manage.py prepare_pdf_fonts); using %s",
                 font_dir(), font_family())  # fmt: skip
    return faces


def print_table(item: dict) -> dict:
    """A table item as print.html lays it out, as the .docx does: percent widths for a fixed layout
    (WeasyPrint lays a fixed table out in one pass, far faster than sizing every cell) and each
    cell's class (its column's alignment, its traffic-light colour)."""
    headers, rows = item["headers"], item["rows"]
    align = [ALIGN_CLASS[a] for a in docx_tables.column_alignments(headers, rows, item.get("numeric"))]
    cells = [[{"t": docx_tables.cell_text(c), "class": _classes(a, c)} for c, a in zip(row, align, strict=False)]
             for row in rows]  # fmt: skip
    widths = [f"{100 * share:.2f}%" for share in docx_tables.column_shares(headers, rows)]
    size = docx_tables.table_size(len(headers))
    return {
        **item,
        "widths": widths,
        "rows": cells,
        "size": f"{size.pt:g}",
        "line": f"{docx_tables.table_line(size).pt:g}",
    }


ALIGN_CLASS = {"right": "r", "left": "l", "center": ""}


def _classes(align: str, cell) -> str:
    rag = cell.get("rag") if isinstance(cell, dict) else None
    return " ".join(c for c in (align, rag or "") if c)


# The one space the sentences put around a figure ("2,117.5 亿元") stretches when WeasyPrint
# justifies a line (a no-break space too); printed Chinese sets figures without it, so the PDF
# drops it between a figure and a Chinese character (the .docx keeps the text as edited).
FIGURE_SPACE = re.compile(r"(?<=[\d%]) (?=[\u3000-\u9fff])|(?<=[\u3000-\u9fff]) (?=[\d-])")


def _print_item(item: dict) -> dict:
    if item["type"] == "p":
        return {**item, "text": FIGURE_SPACE.sub("", item["text"])}
    if item["type"] == "chart":
        return {**item, "src": CHART_SCHEME + item["key"]}
    if item["type"] == "table":
        return print_table(item)
    return item


def html(doc: dict, charts: dict[str, bytes]) -> str:
    items = [_print_item(i) for i in doc["items"] if i["type"] != "chart" or i["key"] in charts]
    changes = doc.get("changes") or []
    table = print_table({"headers": CHANGE_HEADERS, "rows": _change_rows(changes)}) if changes else None
    official = doc.get("official") or {}
    context = {"doc": {**doc, "items": items}, "changes": table, "faces": font_faces(), "fonts": font_family(),
               "official": official, "title_lines": layout.title_lines(doc["title"]),
               "mark_size": f"{layout.mark_size(official['mark']).pt:g}" if official else "",
               "signature": _signature(official.get("organ", ""), doc.get("date", ""))}  # fmt: skip
    return render_to_string("bulletins/print.html", context)


def _signature(organ: str, date: str) -> dict:
    """The right indents (in ems) of 署名 and 成文日期, as `layout.add_signature` sets them."""
    sign_right, date_right = layout.signature_indents(organ, date)
    return {"organ": f"{sign_right:g}", "date": f"{date_right:g}"}


@functools.cache
def _weasyprint():
    """WeasyPrint's classes with the bulletin's lean stylesheet and fetcher (imported on first use:
    it loads Pango and fontconfig)."""
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    ua = CSS(string=PRINT_UA_CSS)

    class PrintHTML(HTML):
        # If a WeasyPrint release drops this hook, its full stylesheet applies again: slower, same page.
        def _ua_stylesheets(self, forms=False):
            return [ua]

    class Fetcher(URLFetcher):
        """The charts from memory and the pre-cut fonts from disk; nothing else, never the network."""

        def __init__(self, charts: dict[str, bytes]):
            super().__init__(allowed_protocols={"file"})
            self.charts = charts

        def fetch(self, url, headers=None):
            if url.startswith(CHART_SCHEME):
                png = self.charts[url.removeprefix(CHART_SCHEME)]
                return URLFetcherResponse(url, png, {"Content-Type": "image/png"})
            if not url.startswith(font_dir().resolve().as_uri() + "/"):
                raise ValueError(f"a bulletin PDF reads only its charts and fonts, not {url}")
            return super().fetch(url, headers)

    return PrintHTML, Fetcher


def pdf(doc: dict, charts: dict[str, bytes]) -> bytes:
    print_html, fetcher = _weasyprint()
    # WeasyPrint turns on Pillow's process-wide LOAD_TRUNCATED_IMAGES when imported; uploads
    # (photos, attachments) must keep refusing truncated images, and our charts are whole.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    page = print_html(string=html(doc, charts), base_url=str(settings.BASE_DIR), url_fetcher=fetcher(charts))
    return page.write_pdf()
