"""Province-scale indicator data: 1,500 units in 100 groups, 60 indicators, 36 months.

Writes with the database's fastest bulk path (COPY on PostgreSQL, executemany on SQLite),
bypassing the services on purpose: this is load-testing data, not application data.
Run: DATABASE_URL=... python bench/generate_indicators.py [--years 2024,2025,2026]
"""

import argparse
import random
import time
from decimal import Decimal

from _setup import setup

setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from tuijin.indicators.models import (  # noqa: E402
    Direction,
    Frequency,
    Indicator,
    KeyWork,
    Kind,
    Report,
    Submission,
    SubmissionStatus,
    Target,
)
from tuijin.orgs.models import RankingGroup, Unit, UnitType  # noqa: E402

GROUPS, PER_GROUP, INDICATORS = 100, 15, 60
KINDS = [Kind.CUMULATIVE] * 6 + [Kind.RATE, Kind.LEVEL, Kind.COUNT, Kind.CUMULATIVE]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--years", default="2024,2025,2026")
    args = parser.parse_args()
    years = [int(y) for y in args.years.split(",")]
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if Unit.objects.filter(code="P").exists():
        print("bench data already present; drop the database to regenerate")
        return
    rng = random.Random(20261125)
    with transaction.atomic():
        units, groups = make_units()
        indicators = make_indicators(groups)
    print(f"units/groups/indicators in {time.perf_counter() - started:.1f}s")
    members = [u for u in units if u.type == UnitType.COUNTY]
    write_targets(members, indicators, years, rng)
    print(f"targets in {time.perf_counter() - started:.1f}s")
    write_reports(members, indicators, years, rng)
    print(f"reports in {time.perf_counter() - started:.1f}s: {Report.objects.count():,} rows")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh planner statistics on both databases


def make_units():
    province = Unit.objects.create(code="P", name="示例省", type=UnitType.CITY, path="/", depth=1)
    province.path = f"/{province.pk:07d}/"
    province.save(update_fields=["path"])
    units, groups = [province], []
    for g in range(GROUPS):
        group = RankingGroup.objects.create(code=f"G{g:03d}", name=f"第{g + 1}组", sort_order=g)
        groups.append(group)
        batch = []
        for i in range(PER_GROUP):
            code, name = f"U{g:03d}{i:02d}", f"单位{g:03d}-{i:02d}"
            batch.append(Unit(code=code, name=name, type=UnitType.COUNTY, parent=province, depth=2, path=""))
        created = Unit.objects.bulk_create(batch)
        for unit in created:
            unit.path = f"{province.path}{unit.pk:07d}/"
        Unit.objects.bulk_update(created, ["path"])
        group.units.set(created)
        units.extend(created)
    return units, groups


def make_indicators(groups):
    work = KeyWork.objects.create(code="KW", name="扩大有效投入")
    indicators = []
    for i in range(INDICATORS):
        kind = KINDS[i % len(KINDS)]
        indicator = Indicator.objects.create(
            code=f"I{i:02d}", name=f"指标{i:02d}", measure="亿元" if kind == Kind.CUMULATIVE else "%", kind=kind,
            direction=Direction.LOWER if i % 13 == 12 else Direction.HIGHER,
            frequency=Frequency.QUARTERLY if i % 10 == 9 else Frequency.MONTHLY, key_work=work, sort_order=i,
        )  # fmt: skip
        indicator.ranking_groups.set(groups)
        indicators.append(indicator)
    return indicators


def target_value(indicator, unit_index, rng) -> Decimal:
    if indicator.kind in (Kind.RATE, Kind.LEVEL):
        return Decimal(rng.randint(50, 150)) / 10
    return Decimal(rng.randint(1000, 90000)) / 10


def write_targets(units, indicators, years, rng):
    now = timezone.now()
    rows = []
    for year in years:
        for ui, unit in enumerate(units):
            for indicator in indicators:
                rows.append((unit.pk, indicator.pk, year, target_value(indicator, ui, rng), "{}", 1, now))
    columns = ["unit_id", "indicator_id", "year", "value", "milestones", "version", "updated_at"]
    copy_rows(Target._meta.db_table, columns, rows)


def write_reports(units, indicators, years, rng):
    now = timezone.now()
    targets = {(t.unit_id, t.indicator_id, t.year): t.value for t in Target.objects.all().iterator(chunk_size=20000)}
    submissions = []
    for year in years:
        for unit in units:
            for month in range(1, 13):
                submissions.append(
                    Submission(unit=unit, year=year, month=month, status=SubmissionStatus.ACCEPTED, created_at=now)
                )
    Submission.objects.bulk_create(submissions, batch_size=5000)
    sub_ids = {(s.unit_id, s.year, s.month): s.pk for s in Submission.objects.all()}
    pace = {unit.pk: rng.uniform(0.75, 1.2) for unit in units}
    columns = ["submission_id", "unit_id", "indicator_id", "year", "month", "value", "last_year_value", "remark",
               "version", "updated_at"]  # fmt: skip
    for year in years:
        rows = []
        for unit in units:
            for indicator in indicators:
                target = targets[(unit.pk, indicator.pk, year)]
                for month in range(1, 13):
                    if not indicator.is_due(month) or rng.random() < 0.01:  # about 1% missing
                        continue
                    value = report_value(indicator, target, month, pace[unit.pk], rng)
                    last = report_value(indicator, target * Decimal("0.9"), month, 1.0, rng)
                    sub_id = sub_ids[(unit.pk, year, month)]
                    rows.append((sub_id, unit.pk, indicator.pk, year, month, value, last, "", 1, now))
        copy_rows(Report._meta.db_table, columns, rows)
        print(f"  {year}: {len(rows):,} reports")


def report_value(indicator, target, month, pace, rng) -> Decimal:
    if indicator.kind in (Kind.RATE, Kind.LEVEL):
        return (target * Decimal(str(round(pace * rng.uniform(0.9, 1.1), 4)))).quantize(Decimal("0.01"))
    share = Decimal(month) / 12 * Decimal(str(round(pace * rng.uniform(0.95, 1.05), 4)))
    return (target * share).quantize(Decimal("0.01"))


def copy_rows(table, columns, rows, chunk=50000):
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
    for start in range(0, len(rows), chunk):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, [tuple(str(v) if isinstance(v, Decimal) else v for v in r)
                                     for r in rows[start:start + chunk]])  # fmt: skip


if __name__ == "__main__":
    main()
