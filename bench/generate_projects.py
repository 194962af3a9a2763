"""Province-scale project data: 20,000 projects, plans for 3 years, 36 months of progress (720k rows).

Spreads the projects over the county units of generate_indicators.py ("P" → "U00000".., groups
G000..G099) when they are there, else creates the same tree. Deterministic (seeded). Writes with
the database's fastest bulk path (COPY on PostgreSQL, executemany on SQLite), bypassing the
services on purpose: this is load-testing data, not application data.
Run: DATABASE_URL=... python bench/generate_projects.py [--projects 20000] [--years 2024,2025,2026]
"""

import argparse
import datetime as dt
import random
import time
from decimal import Decimal

from _setup import setup

setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from generate_indicators import GROUPS, PER_GROUP, copy_rows  # noqa: E402

from tuijin.orgs.models import RankingGroup, Role, RoleGrant, Unit, UnitType, User  # noqa: E402
from tuijin.projects.models import (  # noqa: E402
    Batch,
    CheckpointKey,
    Designation,
    Milestone,
    PlanKind,
    Project,
    ProjectPlan,
    ProjectProgress,
    Stage,
)

PREFIX = "BP"
TAGS = [("PROV", "省重点"), ("CITY", "市重点"), ("MAYOR", "市县长工程"), ("PREP", "前期攻坚"), ("TECH", "技改"),
        ("SIGN", "招商引资签约")]  # fmt: skip
BATCHES = 24


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=20_000)
    parser.add_argument("--years", default="2024,2025,2026")
    args = parser.parse_args()
    years = [int(y) for y in args.years.split(",")]
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if Project.objects.filter(code__startswith=PREFIX).exists():
        print("bench projects already present; drop the database to regenerate")
        return
    rng = random.Random(20261126)
    with transaction.atomic():
        units = counties()
        reporter = bench_reporter(units[0].parent)
        tags = [Designation.objects.get_or_create(code=c, defaults={"name": n, "sort_order": i})[0]
                for i, (c, n) in enumerate(TAGS)]  # fmt: skip
        batches = make_batches(years)
    print(f"{len(units):,} units, {len(batches)} batches in {time.perf_counter() - started:.1f}s")
    lives = [life(rng, years) for _ in range(args.projects)]
    ids = write_projects(units, lives, batches, rng)
    print(f"projects in {time.perf_counter() - started:.1f}s")
    write_tags(ids, tags, rng)
    write_plans(ids, lives, years, rng)
    write_milestones(ids, lives)
    print(f"plans, tags, milestones in {time.perf_counter() - started:.1f}s")
    write_progress(ids, lives, years, reporter, rng)
    print(f"progress in {time.perf_counter() - started:.1f}s: {ProjectProgress.objects.count():,} rows")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def counties() -> list[Unit]:
    """The counties of the indicator bench ("P" → U…), or the same tree made here."""
    units = list(Unit.objects.filter(code__startswith="U", parent__code="P").select_related("parent").order_by("code"))
    if units:
        return units
    province = Unit.objects.create(code="P", name="示例省", type=UnitType.CITY, path="/", depth=1)
    province.path = f"/{province.pk:07d}/"
    province.save(update_fields=["path"])
    for g in range(GROUPS):
        group = RankingGroup.objects.create(code=f"G{g:03d}", name=f"第{g + 1}组", sort_order=g)
        created = Unit.objects.bulk_create([
            Unit(code=f"U{g:03d}{i:02d}", name=f"单位{g:03d}-{i:02d}", type=UnitType.COUNTY, parent=province,
                 depth=2, path="")
            for i in range(PER_GROUP)
        ])  # fmt: skip
        for unit in created:
            unit.path = f"{province.path}{unit.pk:07d}/"
        Unit.objects.bulk_update(created, ["path"])
        group.units.set(created)
    return counties()


def bench_reporter(province: Unit) -> User:
    user, created = User.objects.get_or_create(username="bench-project-reporter", defaults={"unit": province})
    if created:
        RoleGrant.objects.create(user=user, role=Role.REPORTER)
    return user


def make_batches(years) -> list[Batch]:
    batches = []
    for i in range(BATCHES):
        year = years[i * len(years) // BATCHES]
        launch = dt.date(year, 1 + (i * 3) % 12, 18)
        batches.append(Batch(code=f"{PREFIX}B{i:02d}", name=f"第{i + 1}批", launch_date=launch,
                             start_deadline=launch + dt.timedelta(days=90)))  # fmt: skip
    return Batch.objects.bulk_create(batches)


def life(rng, years) -> dict:
    """One project's story: planned and actual start and completion months, and how it went."""
    first, last = years[0], years[-1]
    planned_start = (rng.randint(first, last), rng.randint(1, 12))
    duration = rng.randint(10, 30)
    fate = rng.random()
    delay = 0 if fate < 0.55 else rng.randint(1, 8) if fate < 0.85 else None  # None: not started yet
    start = None if delay is None else add_months(planned_start, delay)
    if start is not None and start > (last, 11):
        start = None
    end = None if start is None else add_months(start, duration + rng.randint(-2, 4))
    if end is not None and end > (last, 10):
        end = None
    return {"planned_start": planned_start, "planned_end": add_months(planned_start, duration), "start": start,
            "end": end, "idle_from": None if start is None or rng.random() > 0.08 else add_months(start, 3),
            "monthly": Decimal(rng.randint(5, 300)) / 100}  # fmt: skip


def add_months(period, n):
    y, m = divmod(period[0] * 12 + period[1] - 1 + n, 12)
    return (y, m + 1)


def day_of(period, d=10) -> dt.date:
    return dt.date(period[0], period[1], d)


def stage_of(story) -> str:
    if story["start"] is None:
        return Stage.PREPARATION
    if story["end"] is not None:
        return Stage.COMPLETED
    return Stage.REGISTERED if story["start"][0] % 2 else Stage.STARTED


def write_projects(units, lives, batches, rng) -> list[int]:
    now = timezone.now()
    rows = []
    for i, story in enumerate(lives):
        batch = rng.choice(batches) if rng.random() < 0.3 else None
        rows.append(Project(
            code=f"{PREFIX}{i:06d}", name=f"重大项目{i:06d}", unit=units[i % len(units)],
            total_investment=story["monthly"] * 30, stage=stage_of(story),
            planned_start_on=day_of(story["planned_start"], 1), planned_completion_on=day_of(story["planned_end"], 28),
            started_on=day_of(story["start"]) if story["start"] else None,
            completed_on=day_of(story["end"], 20) if story["end"] else None, batch=batch,
            delay_reason="征地拆迁未完成" if story["start"] is None else "", created_at=now, updated_at=now,
        ))  # fmt: skip
    Project.objects.bulk_create(rows, batch_size=2000)
    by_code = dict(Project.objects.filter(code__startswith=PREFIX).values_list("code", "pk"))
    return [by_code[f"{PREFIX}{i:06d}"] for i in range(len(lives))]


def write_tags(ids, tags, rng):
    through = Project.designations.through
    rows = [through(project_id=pk, designation_id=rng.choice(tags).pk) for pk in ids if rng.random() < 0.25]
    through.objects.bulk_create(rows, batch_size=5000)


def plan_kind(story, year) -> str | None:
    start, end = story["planned_start"], story["planned_end"]
    if year < start[0]:
        return PlanKind.PREPARATORY if year == start[0] - 1 else None
    if year == start[0]:
        return PlanKind.NEW
    if year == end[0]:
        return PlanKind.COMPLETING
    return PlanKind.CONTINUING if year < end[0] else None


def write_plans(ids, lives, years, rng):
    columns = ["project_id", "year", "kind", "planned_investment", "planned_start_month", "planned_completion_month",
               "version"]  # fmt: skip
    rows = []
    for pk, story in zip(ids, lives, strict=True):
        for year in years:
            kind = plan_kind(story, year)
            if kind is None:
                continue
            start_month = story["planned_start"][1] if kind == PlanKind.NEW else None
            completion_month = story["planned_end"][1] if story["planned_end"][0] == year else None
            rows.append((pk, year, kind, story["monthly"] * 12, start_month, completion_month, 1))
    copy_rows(ProjectPlan._meta.db_table, columns, rows)


def write_milestones(ids, lives):
    columns = ["project_id", '"order"', "name", "key", "planned_on", "actual_on", "responsible_person", "note",
               "version"]  # fmt: skip
    rows = []
    for pk, story in zip(ids, lives, strict=True):
        start = day_of(story["planned_start"], 1)
        done = story["start"] is not None
        rows.append((pk, 1, "用地", CheckpointKey.LAND, start - dt.timedelta(days=120),
                     start - dt.timedelta(days=100) if done else None, "", "", 1))  # fmt: skip
        rows.append((pk, 2, "环评", CheckpointKey.EIA, start - dt.timedelta(days=60),
                     start - dt.timedelta(days=50) if done else None, "", "", 1))  # fmt: skip
    copy_rows(Milestone._meta.db_table, columns, rows)


def write_progress(ids, lives, years, reporter, rng):
    now = timezone.now()
    columns = ["project_id", "year", "month", "investment", "image_progress", "problems", "reported_by_id",
               "reported_at", "updated_at", "version"]  # fmt: skip
    for year in years:
        rows = []
        for pk, story in zip(ids, lives, strict=True):
            for month in range(1, 13):
                investment = monthly_investment(story, (year, month), rng)
                rows.append((pk, year, month, investment, "", "", reporter.pk, now, now, 1))
        copy_rows(ProjectProgress._meta.db_table, columns, rows)
        print(f"  {year}: {len(rows):,} progress rows")


def monthly_investment(story, period, rng) -> Decimal:
    start, end, idle_from = story["start"], story["end"], story["idle_from"]
    if start is None or period < start or (end is not None and period > end):
        return Decimal(0)
    if idle_from is not None and period >= idle_from:
        return Decimal(0)
    if rng.random() < 0.03:
        return Decimal(0)
    return (story["monthly"] * Decimal(str(round(rng.uniform(0.5, 1.5), 2)))).quantize(Decimal("0.0001"))


if __name__ == "__main__":
    main()
