"""Time drafting and rendering one monthly bulletin at province scale (.docx and .pdf).

Needs the data of generate_indicators.py (and generate_projects.py) in DATABASE_URL. The bulletin
is the province's October bulletin as a supervisor would draft it: the whole province in scope
(headline over every member of the chosen groups, the projects of all 1,500 units, contact sheets
and assignments), with the ranking tables of `--indicators` indicators in `--groups` ranking groups
(default 10 × 2 = 20 tables; a bulletin that ranked all 60 indicators in all 100 groups would print
6,000 tables). Nothing is written: the draft is built in memory as `services.bulletin_create` does.

Prints, per run, the seconds of: draft (all queries, sentences, charts), .docx, .pdf; then the
medians and "draft + docx" / "draft + pdf" against the budgets (2 s / 5 s).
Run: DATABASE_URL=... python bench/bench_bulletin.py [--runs 3] [--indicators 10] [--groups 2]
Fonts: run `python manage.py prepare_pdf_fonts` once first (see tuijin/bulletins/rendering.py).
"""

import argparse
import statistics
import time

from _setup import setup

setup()

from django.core.management import call_command  # noqa: E402

from tuijin.bulletins import drafting, rendering  # noqa: E402
from tuijin.indicators.models import Indicator  # noqa: E402
from tuijin.orgs.models import RankingGroup  # noqa: E402

YEAR, MONTH = 2026, 10
BUDGET_DOCX, BUDGET_PDF = 2.0, 5.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--indicators", type=int, default=10)
    parser.add_argument("--groups", type=int, default=2)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)  # the bulletin, liaison and supervision tables
    selection = {
        "indicators": list(Indicator.objects.order_by("sort_order", "code").values_list("code", flat=True))[
            : args.indicators
        ],
        "groups": list(RankingGroup.objects.order_by("sort_order", "code").values_list("code", flat=True))[
            : args.groups
        ],
    }
    faces = rendering.font_faces()
    print(f"fonts: {'pre-cut ' + str(len(faces)) + ' faces' if faces else 'system (no var/fonts)'}")
    period = drafting.Period(YEAR, "month", MONTH)
    timings = {"draft": [], "docx": [], "pdf": []}
    for run in range(args.runs):
        started = time.perf_counter()
        doc = drafting.draft(period=period, scope_unit=None, selection=selection)
        drafted = time.perf_counter()
        resolved = {"title": drafting.title(period, None), "subtitle": "", "date": "2026年11月8日", "items": doc.items}
        docx = rendering.docx(resolved, doc.charts)
        docx_done = time.perf_counter()
        pdf = rendering.pdf(resolved, doc.charts)
        pdf_done = time.perf_counter()
        timings["draft"].append(drafted - started)
        timings["docx"].append(docx_done - drafted)
        timings["pdf"].append(pdf_done - docx_done)
        tables = sum(1 for i in doc.items if i["type"] == "table")
        print(f"run {run + 1}: draft {drafted - started:.2f}s ({tables} tables, {len(doc.charts)} charts), "
              f"docx {docx_done - drafted:.2f}s ({len(docx) // 1024} KiB), pdf {pdf_done - docx_done:.2f}s "
              f"({len(pdf) // 1024} KiB)")  # fmt: skip
    med = {k: statistics.median(v) for k, v in timings.items()}
    print(f"median: draft {med['draft']:.2f}s, docx {med['docx']:.2f}s, pdf {med['pdf']:.2f}s")
    print(f"draft + docx {med['draft'] + med['docx']:.2f}s (budget {BUDGET_DOCX:.0f} s); "
          f"draft + pdf {med['draft'] + med['pdf']:.2f}s (budget {BUDGET_PDF:.0f} s)")  # fmt: skip


if __name__ == "__main__":
    main()
