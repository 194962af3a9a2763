"""Time drafting and rendering one monthly bulletin at province scale (.docx and .pdf).

Needs the data of generate_indicators.py (and generate_projects.py) in DATABASE_URL. The bulletin
is the province's October bulletin as a supervisor would draft it: the whole province in scope
(headline over every member of the chosen groups, the projects of all 1,500 units, contact sheets
and assignments), with the ranking tables of `--indicators` indicators in `--groups` ranking groups
(default 10 × 2 = 20 tables; a bulletin that ranked all 60 indicators in all 100 groups would print
6,000 tables). Nothing is written: the draft is built in memory as `services.bulletin_create` does.

Prints, per run, the seconds of: draft (all queries, sentences, charts), .docx, .pdf; then the
medians and "draft + docx" / "draft + pdf" against the budgets (2 s / 5 s). Wall-clock seconds
decide; the process's CPU seconds follow in brackets, since on a shared machine other jobs stretch
the wall clock (the draft's CPU time leaves out the database server's).
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
    wall: dict[str, list[float]] = {"draft": [], "docx": [], "pdf": []}
    cpu: dict[str, list[float]] = {"draft": [], "docx": [], "pdf": []}
    for run in range(args.runs):
        clock = Clock()
        doc = drafting.draft(period=period, scope_unit=None, selection=selection)
        clock.lap("draft", wall, cpu)
        resolved = {"title": drafting.title(period, None), "subtitle": "", "date": "2026年11月8日", "items": doc.items}
        docx = rendering.docx(resolved, doc.charts)
        clock.lap("docx", wall, cpu)
        pdf = rendering.pdf(resolved, doc.charts)
        clock.lap("pdf", wall, cpu)
        tables = sum(1 for i in doc.items if i["type"] == "table")
        print(f"run {run + 1}: draft {_s(wall, cpu, 'draft', -1)} ({tables} tables, {len(doc.charts)} charts), "
              f"docx {_s(wall, cpu, 'docx', -1)} ({len(docx) // 1024} KiB), pdf {_s(wall, cpu, 'pdf', -1)} "
              f"({len(pdf) // 1024} KiB)")  # fmt: skip
    med = {k: statistics.median(v) for k, v in wall.items()}
    med_cpu = {k: statistics.median(v) for k, v in cpu.items()}
    print(f"median: draft {med['draft']:.2f}s, docx {med['docx']:.2f}s, pdf {med['pdf']:.2f}s")
    print(f"draft + docx {med['draft'] + med['docx']:.2f}s [cpu {med_cpu['draft'] + med_cpu['docx']:.2f}s] "
          f"(budget {BUDGET_DOCX:.0f} s); draft + pdf {med['draft'] + med['pdf']:.2f}s "
          f"[cpu {med_cpu['draft'] + med_cpu['pdf']:.2f}s] (budget {BUDGET_PDF:.0f} s)")  # fmt: skip


class Clock:
    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def lap(self, name: str, wall: dict, cpu: dict) -> None:
        now_wall, now_cpu = time.perf_counter(), time.process_time()
        wall[name].append(now_wall - self.wall)
        cpu[name].append(now_cpu - self.cpu)
        self.wall, self.cpu = now_wall, now_cpu


def _s(wall: dict, cpu: dict, name: str, i: int) -> str:
    return f"{wall[name][i]:.2f}s [cpu {cpu[name][i]:.2f}s]"


if __name__ == "__main__":
    main()
