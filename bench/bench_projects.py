"""Time the project statistics at province scale against the bare SQL that computes the same results.

Needs the data of generate_projects.py in DATABASE_URL. Prints median and 95th percentile server
times (Django test client: the whole request, middleware included) in milliseconds.
Run: DATABASE_URL=... python bench/bench_projects.py [--runs 20]
"""

import argparse
import statistics
import time

from _setup import setup

setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from tuijin.orgs.models import Role, RoleGrant, Unit, User  # noqa: E402
from tuijin.projects import metrics, stats  # noqa: E402
from tuijin.projects.models import Project, ProjectProgress  # noqa: E402

YEAR, MONTH = 2026, 10
PROJECT, PLAN, PROGRESS = "projects_project", "projects_projectplan", "projects_projectprogress"
MILESTONE, BATCH, UNIT = "projects_milestone", "projects_batch", "orgs_unit"
STARTED = "('started', 'registered', 'completed', 'operating')"


def bare_queries(unit_path: str | None) -> list[tuple[str, list]]:
    """The figures and the four lists in hand-written SQL: what the endpoint computes."""
    end = metrics.period_end(YEAR, MONTH)
    on = end
    join = f"JOIN {UNIT} u ON u.id = p.unit_id AND u.path LIKE %s" if unit_path else ""
    scope = [unit_path + "%"] if unit_path else []
    due_s, due_c = (
        f"COALESCE(pl.planned_start_month, 12) <= {MONTH}",
        f"COALESCE(pl.planned_completion_month, 12) <= {MONTH}",
    )
    completing = "(pl.kind = 'completing' OR pl.planned_completion_month IS NOT NULL)"
    plans = f"""
        SELECT SUM(CASE WHEN pl.kind = 'new' THEN 1 ELSE 0 END),
               SUM(CASE WHEN pl.kind = 'new' AND p.started_on <= %s THEN 1 ELSE 0 END),
               SUM(CASE WHEN {completing} THEN 1 ELSE 0 END),
               SUM(CASE WHEN {completing} AND p.completed_on <= %s THEN 1 ELSE 0 END),
               SUM(CASE WHEN pl.kind = 'new' AND {due_s} THEN 1 ELSE 0 END),
               SUM(CASE WHEN pl.kind = 'new' AND {due_s} AND p.started_on <= %s THEN 1 ELSE 0 END),
               SUM(CASE WHEN {completing} AND {due_c} THEN 1 ELSE 0 END),
               SUM(CASE WHEN {completing} AND {due_c} AND p.completed_on <= %s THEN 1 ELSE 0 END),
               SUM(pl.planned_investment)
        FROM {PLAN} pl JOIN {PROJECT} p ON p.id = pl.project_id {join} WHERE pl.year = %s"""  # noqa: S608
    progress = f"""SELECT SUM(pp.investment) FROM {PROGRESS} pp JOIN {PROJECT} p ON p.id = pp.project_id {join}
                   WHERE pp.year = %s AND pp.month <= %s"""  # noqa: S608
    month_starts = " ".join(f"WHEN {m} THEN %s" for m in range(1, 13))
    slow = f"""SELECT p.code FROM {PROJECT} p JOIN {PLAN} pl ON pl.project_id = p.id AND pl.year = %s {join}
               WHERE pl.kind = 'new' AND (p.started_on IS NULL OR p.started_on > %s)
                 AND COALESCE(p.planned_start_on, CASE pl.planned_start_month {month_starts} END) < %s
               ORDER BY 1"""  # noqa: S608
    (y1, m1), (y2, m2) = metrics.previous_months(YEAR, MONTH)
    idle = f"""SELECT p.code FROM {PROJECT} p {join}
               WHERE p.stage IN {STARTED} AND p.started_on <= %s AND p.started_on < %s
                 AND (p.completed_on IS NULL OR p.completed_on > %s)
                 AND NOT EXISTS (SELECT 1 FROM {PROGRESS} pp WHERE pp.project_id = p.id AND pp.investment > 0
                                 AND ((pp.year = %s AND pp.month = %s) OR (pp.year = %s AND pp.month = %s)))"""  # noqa: S608
    milestones = f"""SELECT p.code FROM {MILESTONE} m JOIN {PROJECT} p ON p.id = m.project_id {join}
                     WHERE m.planned_on < %s AND m.actual_on IS NULL ORDER BY m.planned_on"""  # noqa: S608
    batches = f"""SELECT b.code, COUNT(*), SUM(CASE WHEN p.started_on IS NULL OR p.started_on > b.start_deadline
                  THEN 1 ELSE 0 END) FROM {BATCH} b JOIN {PROJECT} p ON p.batch_id = b.id {join}
                  WHERE b.start_deadline < %s GROUP BY b.code"""  # noqa: S608
    import datetime as dt

    starts = [dt.date(YEAR, m, 1) for m in range(1, 13)]
    return [
        (plans, [end, end, end, end, *scope, YEAR]),
        (progress, [*scope, YEAR, MONTH]),
        (slow, [YEAR, *scope, on, *starts, on - dt.timedelta(days=30)]),
        (idle, [*scope, on, dt.date(y2, m2, 1), on, y1, m1, y2, m2]),
        (milestones, [*scope, on]),
        (batches, [*scope, on]),
    ]


def list_sql() -> list[tuple[str, list]]:
    """The first page of the project list, everything it shows: the count, 25 rows with their unit,
    batch and people, those rows' tags and plans of the year, and the filters' units, tags,
    batches and leaders."""
    users = "orgs_user"
    rows = f"""SELECT p.*, u.name, b.name, l.full_name, c.full_name, a.full_name FROM {PROJECT} p
               JOIN {UNIT} u ON u.id = p.unit_id LEFT JOIN {BATCH} b ON b.id = p.batch_id
               LEFT JOIN {users} l ON l.id = p.lead_leader_id LEFT JOIN {users} c ON c.id = p.commissioner_id
               LEFT JOIN {users} a ON a.id = p.agent_id ORDER BY p.code LIMIT 25"""  # noqa: S608
    first = f"SELECT id FROM {PROJECT} ORDER BY code LIMIT 25"  # noqa: S608
    tags = f"""SELECT pd.project_id, d.name FROM projects_project_designations pd
               JOIN projects_designation d ON d.id = pd.designation_id WHERE pd.project_id IN ({first})"""  # noqa: S608
    plans = f"SELECT * FROM {PLAN} WHERE year = %s AND project_id IN ({first})"  # noqa: S608
    leaders = f"""SELECT DISTINCT u.id, u.full_name FROM {users} u JOIN orgs_rolegrant g ON g.user_id = u.id
                  WHERE u.is_active AND g.role = 'leader' ORDER BY 2"""  # noqa: S608
    return [
        (f"SELECT COUNT(*) FROM {PROJECT}", []),  # noqa: S608
        (rows, []), (tags, []), (plans, [YEAR]),
        (f"SELECT code, name FROM {UNIT} WHERE is_active ORDER BY path", []),  # noqa: S608
        ("SELECT code, name FROM projects_designation ORDER BY sort_order", []),
        (f"SELECT code, name FROM {BATCH} ORDER BY code", []),  # noqa: S608
        (leaders, []),
    ]  # fmt: skip


def run_sql(queries):
    with connection.cursor() as cursor:
        for sql, params in queries:
            cursor.execute(sql, params)
            cursor.fetchall()


def timed(fn, runs):
    fn()  # warm-up: caches, prepared plans
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


def get(client, url, params):
    def fn():
        response = client.get(url, params)
        assert response.status_code == 200, response.content[:300]

    return fn


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    setup_test_environment()
    client = Client()
    client.force_login(supervisor())
    unit = Unit.objects.get(code="U00000")
    api = "/api/v1/analytics/projects/"
    period = {"year": YEAR, "month": MONTH}
    print(f"{connection.vendor}: {Project.objects.count():,} projects, {ProjectProgress.objects.count():,} "
          f"progress rows, {Unit.objects.count():,} units")  # fmt: skip
    cases = [
        ("request floor (API 400, no SQL work)", lambda: client.get(api, {"month": 13})),
        ("bare SQL: figures + lists (all)", lambda: run_sql(bare_queries(None))),
        ("stats.figures() (all)", lambda: stats.figures(Project.objects.all(), YEAR, MONTH)),
        ("API analytics/projects (all)", get(client, api, {**period, "scope": "all"})),
        ("bare SQL: figures + lists (unit)", lambda: run_sql(bare_queries(unit.path))),
        ("API analytics/projects (unit)", get(client, api, {**period, "scope": f"unit:{unit.code}"})),
        ("stats page (all, group G000)", get(client, reverse("projects:stats"), {**period, "group": "G000"})),
        ("lagging page (迟迟不开工, all)", get(client, reverse("projects:lagging"), {**period, "tab": "slow"})),
        ("bare SQL: project list page", lambda: run_sql(list_sql())),
    ]
    try:
        cases.append(("project list page", get(client, reverse("projects:project_list"), {})))
    except NoReverseMatch:
        print("  (projects:project_list does not exist yet: skipped)")
    floor = None
    print(f"  {'':<36} {'median':>9} {'p95':>9} {'− floor':>9}   (ms; − floor: the median less the request floor)")
    for name, fn in cases:
        median, p95 = timed(fn, runs)
        floor = median if floor is None else floor
        net = f"{median - floor:9.1f}" if not name.startswith(("bare", "stats.", "request")) else " " * 9
        print(f"  {name:<36} {median:9.1f} {p95:9.1f} {net}")


if __name__ == "__main__":
    main()
