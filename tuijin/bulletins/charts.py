"""The bulletin's charts, drawn on the server with matplotlib as PNG (embedded in the page, the
.docx and the .pdf alike, so all three show the same picture).

A CJK font is looked up among the system fonts (Debian's fonts-noto-cjk); without one the charts
are still drawn, the labels then show missing-glyph boxes, and a warning says which package fixes it.
"""

from __future__ import annotations

import functools
import io
import logging
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")  # no display on a server; must precede pyplot
from matplotlib import font_manager
from matplotlib.figure import Figure

log = logging.getLogger(__name__)

CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Serif CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei")
COLOURS = {"green": "#2fb344", "amber": "#f59f00", "red": "#d63939", None: "#206bc4"}
DPI = 120


@functools.cache
def cjk_family() -> str | None:
    """The first installed CJK family of CJK_FAMILIES, else None (logged once)."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in installed:
            return family
    log.warning(
        "bulletin charts: no CJK font found (looked for %s); Chinese labels will not render — "
        "install Debian's fonts-noto-cjk",
        ", ".join(CJK_FAMILIES),
    )
    return None


def _figure(width_in: float, height_in: float) -> Figure:
    fig = Figure(figsize=(width_in, height_in), dpi=DPI)
    family = cjk_family()
    if family:
        fig.set_layout_engine("constrained")
    return fig


def _font() -> dict:
    family = cjk_family()
    return {"family": [family, "DejaVu Sans"]} if family else {}


def _png(fig: Figure) -> bytes:
    out = io.BytesIO()
    # No timestamps or software tag in the file: the same data draws the same bytes.
    fig.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()


def bars(
    *,
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    colours: Sequence[str | None] = (),
    line: float | None = None,
    line_label: str = "",
    unit: str = "%",
) -> bytes:
    """A bar per unit (in the given order), an optional horizontal line (时序进度), as PNG."""
    font = _font()
    fig = _figure(6.2, 3.2)
    ax = fig.add_subplot()
    shown = [v if v is not None else 0.0 for v in values]
    palette = [COLOURS.get(c, COLOURS[None]) for c in (list(colours) or [None] * len(shown))]
    ax.bar(range(len(shown)), shown, color=palette, width=0.6)
    for i, v in enumerate(values):
        if v is not None:
            ax.annotate(f"{v:.1f}", (i, v), ha="center", va="bottom", fontsize=7, **({"fontfamily": font["family"]}
                        if font else {}))  # fmt: skip
    if line is not None:
        ax.axhline(line, color="#d63939", linestyle="--", linewidth=1)
        ax.annotate(f"{line_label} {line:.1f}{unit}", (len(shown) - 0.5, line), ha="right", va="bottom", fontsize=7,
                    color="#d63939", **({"fontfamily": font["family"]} if font else {}))  # fmt: skip
    ax.set_xticks(range(len(shown)))
    ax.set_xticklabels(labels, rotation=30 if len(labels) > 6 else 0, ha="right" if len(labels) > 6 else "center",
                       fontsize=8, **font)  # fmt: skip
    ax.set_ylabel(unit, fontsize=8, **font)
    ax.set_title(title, fontsize=10, **font)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(axis="y", labelsize=7)
    return _png(fig)
