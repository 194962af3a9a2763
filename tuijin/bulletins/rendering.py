"""The bulletin as files: the .docx (python-docx, GB/T 9704 layout) and the .pdf (WeasyPrint).

Both render a *resolved* document — `{"title", "subtitle", "date", "items", "changes"}` with
every paragraph's text in it (a published snapshot, or a draft with its current blocks) — and
the chart PNGs by key. Neither reads the database.

PDF fonts: the faces cut by `manage.py prepare_pdf_fonts` (GB2312 subsets under
`TUIJIN_PDF_FONT_DIR`, default var/fonts/) when present — WeasyPrint then embeds in ~2 s what
takes it ~10 s from the stock Noto CJK collections —, else the families named in
`TUIJIN_PDF_FONT_FAMILY` through fontconfig. The family names always follow as fallbacks, so a
character outside GB2312 (a rare name) still prints.
"""

from __future__ import annotations

import base64
import logging
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from PIL import ImageFile

from tuijin.bulletins import docx_layout as layout

log = logging.getLogger(__name__)
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # one INFO line per page otherwise

DEFAULT_FONT_FAMILY = {"serif": "Noto Serif CJK SC", "sans": "Noto Sans CJK SC"}
# prepare_pdf_fonts writes these files; (CSS family, file, weight).
SUBSET_FACES = (
    ("TuijinSerif", "tuijin-serif-regular.otf", 400),
    ("TuijinSerif", "tuijin-serif-bold.otf", 700),
    ("TuijinSans", "tuijin-sans-bold.otf", 700),
)


def font_family() -> dict[str, str]:
    return {**DEFAULT_FONT_FAMILY, **getattr(settings, "TUIJIN_PDF_FONT_FAMILY", {})}


def font_dir() -> Path:
    return Path(getattr(settings, "TUIJIN_PDF_FONT_DIR", settings.BASE_DIR / "var" / "fonts"))


# --- .docx ---------------------------------------------------------------------------------------


def docx(doc: dict, charts: dict[str, bytes]) -> bytes:
    out = layout.new_document()
    layout.title(out, doc["title"])
    if doc.get("subtitle"):
        layout.centred(out, doc["subtitle"])
        layout.blank(out)
    _changes_docx(out, doc.get("changes") or [])
    for item in doc["items"]:
        kind = item["type"]
        if kind == "h1":
            layout.heading1(out, item["text"])
        elif kind == "h2":
            layout.heading2(out, item["text"])
        elif kind == "p":
            layout.body(out, item["text"])
        elif kind == "table":
            layout.caption(out, item["title"])
            layout.table(out, item["headers"], item["rows"], item["numeric"])
        elif kind == "chart" and item["key"] in charts:
            layout.picture(out, charts[item["key"]])
            layout.caption(out, item["title"])
    if doc.get("date"):
        layout.blank(out)
        p = out.add_paragraph()
        p.alignment = layout.WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.right_indent = layout.Pt(layout.BODY_PT * 4)
        layout.set_font(p.add_run(doc["date"]), layout.BODY_FONT, layout.BODY_PT)
    return layout.to_bytes(out)


def _changes_docx(out, changes: list[dict]) -> None:
    if not changes:
        return
    layout.heading1(out, "更正说明")
    layout.body(out, f"本版较上一版共有 {len(changes)} 处变化：")
    rows = [[{"t": c["where"]}, {"t": c["before"] or "—"}, {"t": c["after"] or "—"}] for c in changes]
    layout.table(out, ["位置", "原内容", "现内容"], rows, [False, False, False])


# --- .pdf ----------------------------------------------------------------------------------------


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


def column_widths(item: dict) -> list[str]:
    """Percent widths for a fixed table layout (WeasyPrint lays a fixed table out in one pass, far
    faster than sizing every cell): the naming column twice as wide as the others."""
    label, n = item.get("label", 0), len(item["headers"])
    weights = [2 if i == label else 1 for i in range(n)]
    return [f"{100 * w / sum(weights):.2f}%" for w in weights]


def _print_item(item: dict, images: dict[str, str]) -> dict:
    if item["type"] == "chart":
        return {**item, "src": images.get(item["key"])}
    if item["type"] == "table":
        return {**item, "widths": column_widths(item)}
    return item


def html(doc: dict, charts: dict[str, bytes]) -> str:
    images = {key: "data:image/png;base64," + base64.b64encode(png).decode() for key, png in charts.items()}
    items = [_print_item(item, images) for item in doc["items"]]
    return render_to_string(
        "bulletins/print.html",
        {"doc": {**doc, "items": items}, "faces": font_faces(), "fonts": font_family()},
    )


def pdf(doc: dict, charts: dict[str, bytes]) -> bytes:
    from weasyprint import HTML  # imported on use: it loads Pango and fontconfig

    # WeasyPrint turns on Pillow's process-wide LOAD_TRUNCATED_IMAGES when imported; uploads
    # (photos, attachments) must keep refusing truncated images, and our charts are whole.
    ImageFile.LOAD_TRUNCATED_IMAGES = False

    return HTML(string=html(doc, charts), base_url=str(settings.BASE_DIR)).write_pdf()
