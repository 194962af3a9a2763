"""Time the analytics at province scale against the bare SQL that computes the same rows.

Needs the data of generate_indicators.py in DATABASE_URL. Prints median and 95th percentile
server times (Django test client: the whole request, middleware included) in milliseconds.
Run: DATABASE_URL=... python bench/bench_analytics.py [--runs 20]
"""

import argparse
import random
import statistics
import time

from _setup import setup

setup()

from django.db import connection  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from tuijin.indicators import analytics  # noqa: E402
from tuijin.indicators.models import Indicator, Report, Submission, Target  # noqa: E402
from tuijin.orgs.models import RankingGroup, Role, RoleGrant, Unit, User  # noqa: E402

YEAR, MONTH = 2026, 10

BARE_SQL = f"""
SELECT r.unit_id, r.value, t.value, r.last_year_value, prev.value, prevd.value,
       RANK() OVER (ORDER BY CASE WHEN t.value > 0 THEN r.value * 1.0 / t.value END DESC) AS rnk
FROM {Report._meta.db_table} r
JOIN {Submission._meta.db_table} s ON s.id = r.submission_id AND s.status IN ('submitted', 'approved', 'accepted')
LEFT JOIN {Target._meta.db_table} t ON t.unit_id = r.unit_id AND t.indicator_id = r.indicator_id AND t.year = r.year
LEFT JOIN {Report._meta.db_table} prev
       ON prev.unit_id = r.unit_id AND prev.indicator_id = r.indicator_id AND prev.year = r.year - 1
      AND prev.month = r.month
LEFT JOIN {Report._meta.db_table} prevd
       ON prevd.unit_id = r.unit_id AND prevd.indicator_id = r.indicator_id AND prevd.year = r.year - 1
      AND prevd.month = 12
WHERE r.indicator_id = %s AND r.year = %s AND r.month = %s AND r.value IS NOT NULL
  AND r.unit_id IN (SELECT unit_id FROM {RankingGroup.units.through._meta.db_table} WHERE rankinggroup_id = %s)
"""  # noqa: S608 (table names from the models)


def timed(fn, runs):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def supervisor() -> User:
    user = User.objects.filter(username="bench-supervisor").first()
    if user is None:
        user = User.objects.create(username="bench-supervisor", unit=Unit.objects.get(code="P"))
        RoleGrant.objects.create(user=user, role=Role.SUPERVISOR)
    return user


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    setup_test_environment()
    rng = random.Random(7)
    indicators = list(Indicator.objects.filter(frequency="monthly"))
    groups = list(RankingGroup.objects.all())
    picks = [(rng.choice(indicators), rng.choice(groups)) for _ in range(runs)]
    client = Client()
    client.force_login(supervisor())
    it = iter(picks * 3)

    def ranking():
        indicator, group = next(it)
        analytics.indicator_ranking(indicator, YEAR, MONTH, group)

    def api():
        indicator, group = next(it)
        response = client.get(
            "/api/v1/analytics/indicator/",
            {"indicator": indicator.code, "year": YEAR, "month": MONTH, "group": group.code},
        )
        assert response.status_code == 200, response.content[:200]

    def bare():
        indicator, group = next(it)
        with connection.cursor() as cursor:
            cursor.execute(BARE_SQL, [indicator.pk, YEAR, MONTH, group.pk])
            cursor.fetchall()

    print(f"{connection.vendor}: {Report.objects.count():,} reports, {Unit.objects.count():,} units")
    executor = MigrationExecutor(connection)
    if pending := executor.migration_plan(executor.loader.graph.leaf_nodes()):
        # The indexes the pages read (indicators 0004 covers the early-warning list) may be missing.
        print(f"  NOTE: {len(pending)} migration(s) not applied ({pending[0][0]}…): run manage.py migrate")
    for name, fn in (("bare SQL (one ranking)", bare), ("indicator_ranking()", ranking), ("API analytics", api)):
        median, p95 = timed(fn, runs)
        print(f"  {name:<28} median {median:7.1f} ms   p95 {p95:7.1f} ms")
    group_cycle = iter([g.code for g in groups] * 3)
    pages = [
        ("matrix page (group, month)", lambda: client.get("/indicators/analytics/matrix/",
                                                          {"group": next(group_cycle), "year": YEAR, "month": MONTH})),
        ("warnings page (province)", lambda: client.get("/indicators/analytics/warnings/",
                                                        {"year": YEAR, "month": MONTH})),
    ]  # fmt: skip
    for name, fn in pages:
        median, p95 = timed(fn, max(5, runs // 4))
        print(f"  {name:<28} median {median:7.1f} ms   p95 {p95:7.1f} ms")


if __name__ == "__main__":
    main()
