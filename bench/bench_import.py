"""Timing of the bulk import: 10,000 rows (budget 2 s) and 100,000 rows (budget 15 s).

    DJANGO_SETTINGS_MODULE=tuijin.settings DEBUG=1 .venv/bin/python bench/bench_import.py [--rows 10000 100000]

Uses DATABASE_URL when set (e.g. a scratch PostgreSQL database), else a temporary SQLite file.
It builds its own city (units in one ranking group, monthly indicators), writes the rows to an
.xlsx with openpyxl (not timed), then times reading the workbook with python-calamine and the
all-or-nothing import (validation and write), a second identical import (nothing changes), and
an import that changes every figure. Past periods are locked, so every row is also a revision.
"""

from __future__ import annotations

import argparse
import io
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuijin.settings")
os.environ.setdefault("DEBUG", "1")
_tmp = tempfile.mkdtemp(prefix="tuijin-bench-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_tmp}/bench.sqlite3")
os.environ.setdefault("MEDIA_ROOT", _tmp)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from tuijin.indicators import excel  # noqa: E402
from tuijin.indicators.models import Indicator, KeyWork, Kind  # noqa: E402
from tuijin.indicators.services import imports  # noqa: E402
from tuijin.orgs import services as orgs  # noqa: E402
from tuijin.orgs.models import RankingGroup, Role, Unit, UnitType, User  # noqa: E402

PASSWORD = "Bench-Import-2026!"  # noqa: S105 (a throwaway local database)


def build_city(prefix: str, units: int, indicators: int) -> tuple[User, list[Unit], list[Indicator]]:
    sysadmin = User.objects.filter(username="bench_sys").first() or orgs.admin_bootstrap(
        username="bench_sys", password=PASSWORD, role=Role.SYSADMIN
    )
    secadmin = User.objects.filter(username="bench_sec").first() or orgs.admin_bootstrap(
        username="bench_sec", password=PASSWORD, role=Role.SECADMIN
    )
    city = Unit.objects.filter(code="BC").first() or orgs.unit_create(
        actor=sysadmin, code="BC", name="基准市", type=UnitType.CITY, parent=None
    )
    existing = {u.code: u for u in Unit.objects.filter(parent=city)}
    members = [
        existing.get(f"{prefix}-{i:03d}")
        or orgs.unit_create(
            actor=sysadmin, code=f"{prefix}-{i:03d}", name=f"单位{i}", type=UnitType.COUNTY, parent=city
        )
        for i in range(units)
    ]
    group = RankingGroup.objects.filter(code=f"G{prefix}").first() or orgs.group_create(
        actor=sysadmin, code=f"G{prefix}", name=f"基准组{prefix}"
    )
    group.units.add(*members)
    key_work, _ = KeyWork.objects.get_or_create(code="BK", defaults={"name": "基准重点工作"})
    inds = []
    for i in range(indicators):
        ind, _ = Indicator.objects.get_or_create(
            code=f"{prefix}I{i:02d}",
            defaults={"name": f"指标{i}", "measure": "亿元", "kind": Kind.CUMULATIVE, "key_work": key_work},
        )
        ind.ranking_groups.add(group)
        inds.append(ind)
    supervisor = User.objects.filter(username="bench_supervisor").first()
    if supervisor is None:
        supervisor = orgs.user_create(
            actor=sysadmin, username="bench_supervisor", password=PASSWORD, unit=city, must_change_password=False
        )
        supervisor = orgs.roles_set(actor=secadmin, user=supervisor, roles=[Role.SUPERVISOR])
    return supervisor, members, inds


def workbook_bytes(rows: list[dict]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("数据")
    ws.append(["单位编码", "指标编码", "年度", "月份", "本期值", "上年同期值", "说明"])
    for r in rows:
        ws.append([r["unit"], r["indicator"], r["year"], r["month"], r["value"], r["last_year_value"], ""])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def make_rows(n: int, units: list[Unit], indicators: list[Indicator], bump: float = 0.0) -> list[dict]:
    periods = [(y, m) for y in (2024, 2025) for m in range(1, 13)]
    rows = []
    for y, m in periods:
        for unit in units:
            for ind in indicators:
                if len(rows) == n:
                    return rows
                value = round((hash((unit.code, ind.code, y, m)) % 100000) / 100 + bump, 2)
                rows.append({"unit": unit.code, "indicator": ind.code, "year": y, "month": m, "value": value,
                             "last_year_value": round(value * 0.9, 2)})  # fmt: skip
    if len(rows) < n:
        raise SystemExit(f"not enough unit × indicator × period combinations for {n} rows")
    return rows


def timed(label: str, fn):
    start = time.perf_counter()
    result = fn()
    print(f"  {label:<44} {time.perf_counter() - start:7.2f} s")
    return result


def bench(n: int) -> None:
    units, indicators = (100, 10) if n <= 10_000 else (250, 20)
    # A fresh prefix per run: a reused DATABASE_URL keeps the figures of earlier runs.
    supervisor, members, inds = build_city(f"B{n}{secrets.token_hex(2)}", units, indicators)
    rows = make_rows(n, members, inds)
    data = workbook_bytes(rows)
    changed = workbook_bytes(make_rows(n, members, inds, bump=1.5))
    print(f"{n:,} rows ({len(data) / 1e6:.1f} MB .xlsx), {connection_vendor()}")

    def run(payload: bytes, reason: str):
        parsed = excel.report_rows(payload)
        return imports.reports_import(actor=supervisor, rows=parsed, reason=reason, source=imports.SOURCE_EXCEL)

    timed("read only (python-calamine)", lambda: excel.report_rows(data))
    start = time.perf_counter()
    result = timed("read + validate + write (first load)", lambda: run(data, "基准：上线补录历年数据"))
    first = time.perf_counter() - start
    assert result.created == n, result
    result = timed("same file again (nothing changes)", lambda: run(data, "基准：重复导入"))
    assert result.unchanged == n, result
    result = timed("every figure changed (revisions)", lambda: run(changed, "基准：统计局修订数"))
    assert result.updated == n, result
    budget = 2 if n <= 10_000 else 15
    print(f"  budget {budget} s: {'OK' if first <= budget else 'OVER'}")


def connection_vendor() -> str:
    from django.db import connection

    return connection.vendor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    for n in args.rows:
        bench(n)


if __name__ == "__main__":
    main()
