"""Cut the PDF fonts once at setup: `python manage.py prepare_pdf_fonts`.

Finds the Simplified Chinese faces of Debian's Noto Serif and Noto Sans CJK collections (.ttc,
~65,000 glyphs each) and writes single faces cut to the GB2312 character set (~7,500 characters)
to TUIJIN_PDF_FONT_DIR (default var/fonts/), where `bulletins.rendering` picks them up. The
bulletin PDFs then embed small subsets of the same three faces on every server (a third smaller
than from the collections); characters outside GB2312 still print, as the full system families
follow in the font stack.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

from tuijin.bulletins import rendering

# rendering.SUBSET_FACES file → (collection file name, family name of the face inside it)
SOURCES = {
    "tuijin-serif-regular.otf": ("NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC"),
    "tuijin-serif-bold.otf": ("NotoSerifCJK-Bold.ttc", "Noto Serif CJK SC"),
    "tuijin-sans-bold.otf": ("NotoSansCJK-Bold.ttc", "Noto Sans CJK SC"),
}
SEARCH = (Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts/opentype"), Path("/usr/share/fonts"))
EXTRA = "—–…·“”‘’《》〈〉【】（）、，。：；！？％—０１２３４５６７８９"


def gb2312_text() -> str:
    """Every character of GB2312 (levels 1 and 2 and the symbols), ASCII and the bulletin's marks."""
    chars = [chr(c) for c in range(0x20, 0x7F)]
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.append(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return "".join(chars) + EXTRA


def find(filename: str) -> Path:
    for root in SEARCH:
        hits = sorted(root.rglob(filename)) if root.exists() else []
        if hits:
            return hits[0]
    raise CommandError(f"{filename} not found; install Debian's fonts-noto-cjk (and fonts-noto-cjk-extra for Bold)")


def face_index(path: Path, family: str) -> int:
    collection = TTCollection(str(path), lazy=True)
    for i, font in enumerate(collection.fonts):
        if font["name"].getDebugName(1) == family:
            return i
    raise CommandError(f"{family} is not in {path}")


class Command(BaseCommand):
    help = "Cut the GB2312 subsets of the Noto CJK fonts that the bulletin PDFs embed (var/fonts/)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="cut again even if the files exist")

    def handle(self, *args, force=False, **options):
        logging.getLogger("fontTools").setLevel(logging.WARNING)  # one INFO line per table pruned otherwise
        out_dir = rendering.font_dir()
        out_dir.mkdir(parents=True, exist_ok=True)
        text = gb2312_text()
        for target, (filename, family) in SOURCES.items():
            out = out_dir / target
            if out.exists() and not force:
                self.stdout.write(f"{out} exists (use --force to cut again)")
                continue
            started = time.perf_counter()
            source = find(filename)
            font = TTFont(str(source), fontNumber=face_index(source, family), lazy=False)
            options_ = subset.Options()
            options_.layout_features = ["*"]
            options_.name_IDs = ["*"]
            options_.notdef_outline = True
            subsetter = subset.Subsetter(options_)
            subsetter.populate(text=text)
            subsetter.subset(font)
            tmp = out.with_suffix(".tmp")
            font.save(str(tmp))
            tmp.replace(out)  # never leave a half-written font where the renderer looks
            self.stdout.write(self.style.SUCCESS(
                f"{out.name}: {family} from {source.name}, {out.stat().st_size // 1024} KiB "
                f"in {time.perf_counter() - started:.1f}s"
            ))  # fmt: skip
