"""Project statistics in the database: the rules of `metrics`, as a few aggregate queries.

Public functions (the bulletin and the dashboards read these):

- `resolve_scope(user, text)` → `Scope` ("unit:CODE", "batch:CODE", "tag:NAME|CODE", "all");
  `ScopeError` for a malformed text, Http404 for a scope the user cannot see.
- `scope_projects(user, scope)`: the visible projects of the scope (a lazy QuerySet).
- `figures(projects, year, month)` → `metrics.ScopeFigures` (annual and due counts, sums, rates):
  two queries (plans; progress), counts and sums by conditional aggregation.
- `flag_codes(projects, year, month, on)`: the codes on each list (the API's answer).
  Both compile their SQL once per scope and period (`tuijin.core.sqlcache`): Django's query
  compiler otherwise costs several times what the database needs for one unit's projects.
- `unit_rows(group, year, month, scope=None)` → `UnitRow`s of a ranking group's members with their
  figures and their placings (rank, 前N, 后N) per rate: two GROUP BY queries.
- Flag lists as QuerySets, worst first: `slow_to_start` (迟迟不开工), `idle` (开而未建),
  `overdue_milestones`, `lagging_batches`; `flag_filter(flag, qs, today)` for the project list.
- `portfolio(projects, year)`: the projects with the year's plan, for the timeline.
- `as_of(year, month, today=None)`: the date the lists are judged at.

Counts and sums come from SQL; the rates are one Decimal division of them (`metrics.rate`),
unrounded. `tests/projects/test_stats_properties.py` holds every number here to `metrics`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.core import sqlcache
from tuijin.indicators import analytics as indicator_analytics
from tuijin.indicators import periods
from tuijin.orgs import policy
from tuijin.orgs.models import RankingGroup, Unit, User
from tuijin.projects import metrics
from tuijin.projects.models import (
    STARTED_STAGES,
    Batch,
    Designation,
    Milestone,
    PlanKind,
    Project,
    ProjectPlan,
    ProjectProgress,
)
from tuijin.projects.queries import visible_projects

SCOPE_KINDS = ("unit", "batch", "tag", "all")
RATES = ("start_rate", "completion_rate", "investment_completion")
VARIANTS = ("annual", "due")


def as_of(year: int, month: int, today: dt.date | None = None) -> dt.date:
    """The period end for a past period, today (Asia/Shanghai) for the current one."""
    return metrics.as_of_date(year, month, today or timezone.localdate())


# --- scope ------------------------------------------------------------------------------------


class ScopeError(ValueError):
    """A scope text that does not parse (the API answers 400 with the message)."""


@dataclass(frozen=True)
class Scope:
    kind: str  # one of SCOPE_KINDS
    key: str = ""
    label: str = ""
    unit: Unit | None = None
    batch: Batch | None = None
    designation: Designation | None = None

    @property
    def text(self) -> str:
        return "all" if self.kind == "all" else f"{self.kind}:{self.key}"

    def apply(self, qs: QuerySet[Project]) -> QuerySet[Project]:
        if self.unit is not None:
            qs = qs.filter(unit__path__startswith=self.unit.path)
        return self.apply_selection(qs)

    def apply_selection(self, qs: QuerySet[Project]) -> QuerySet[Project]:
        """The batch or designation part only (a ranking group brings its own units)."""
        if self.batch is not None:
            qs = qs.filter(batch=self.batch)
        if self.designation is not None:
            tagged = Project.designations.through.objects.filter(
                project_id=OuterRef("pk"), designation=self.designation
            )
            qs = qs.filter(Exists(tagged))
        return qs


ALL = Scope("all")


def parse_scope(text: str | None) -> tuple[str, str]:
    text = (text or "all").strip()
    if text == "all":
        return "all", ""
    kind, sep, key = text.partition(":")
    if not sep or kind not in SCOPE_KINDS[:3] or not key.strip():
        raise ScopeError(_("范围格式应为 unit:单位编码、batch:批次编码、tag:标签名称 或 all。"))
    return kind, key.strip()


def resolve_scope(user: User, text: str | None) -> Scope:
    """The scope named by `text`; 404 when it does not exist or lies outside the user's view."""
    kind, key = parse_scope(text)
    if kind == "all":
        return ALL
    if kind == "unit":
        unit = policy.get_in_scope_or_404(Unit.objects.all(), user, None, code=key)
        return Scope(kind, key, unit.name, unit=unit)
    if kind == "batch":
        batch = Batch.objects.filter(code=key).first()
        if batch is None:
            raise Http404(_("批次不存在。"))
        return Scope(kind, key, batch.name, batch=batch)
    designation = Designation.objects.filter(Q(name=key) | Q(code=key)).first()
    if designation is None:
        raise Http404(_("标签不存在。"))
    return Scope(kind, key, designation.name, designation=designation)


def scope_projects(user: User, scope: Scope) -> QuerySet[Project]:
    return scope.apply(visible_projects(user))


def _of_projects(qs: QuerySet, projects: QuerySet[Project] | None) -> QuerySet:
    # A projects QuerySet without any condition (a city-wide user, scope "all") adds nothing
    # but an IN (SELECT id …) over every project: leave it out.
    if projects is None or not projects.query.where:
        return qs
    return qs.filter(project__in=projects.values("pk"))


# --- the figures --------------------------------------------------------------------------------


def _due(field: str, month: int) -> Q:
    # metrics.due_month: a plan without a month is due in December.
    return Q() if month == 12 else Q(**{f"{field}__lte": month})


def _plan_aggregates(year: int, month: int) -> dict:
    end = metrics.period_end(year, month)
    new = Q(kind=PlanKind.NEW)
    completing = Q(kind=PlanKind.COMPLETING) | Q(planned_completion_month__isnull=False)
    started, completed = Q(project__started_on__lte=end), Q(project__completed_on__lte=end)
    due_start, due_completion = _due("planned_start_month", month), _due("planned_completion_month", month)
    return {
        "planned_start": Count("pk", filter=new),
        "started": Count("pk", filter=new & started),
        "planned_completion": Count("pk", filter=completing),
        "completed": Count("pk", filter=completing & completed),
        "due_planned_start": Count("pk", filter=new & due_start),
        "due_started": Count("pk", filter=new & due_start & started),
        "due_planned_completion": Count("pk", filter=completing & due_completion),
        "due_completed": Count("pk", filter=completing & due_completion & completed),
        "planned_investment": Sum("planned_investment", default=metrics.ZERO),
    }


def _scope_figures(plans: dict, ytd, month: int) -> metrics.ScopeFigures:
    ytd = ytd if ytd is not None else metrics.ZERO
    planned = plans.get("planned_investment") or metrics.ZERO
    annual = metrics.Figures(
        plans.get("planned_start", 0), plans.get("started", 0), plans.get("planned_completion", 0),
        plans.get("completed", 0), planned, ytd,
    )  # fmt: skip
    due = metrics.Figures(
        plans.get("due_planned_start", 0), plans.get("due_started", 0), plans.get("due_planned_completion", 0),
        plans.get("due_completed", 0), metrics.due_planned_investment(planned, month), ytd,
    )  # fmt: skip
    return metrics.ScopeFigures(annual, due)


def _ytd_rows(year: int, month: int) -> FilteredRelation:
    # Reached from the projects (project, year, month is the unique index): the database walks
    # each project's months instead of every row of the period in index order.
    return FilteredRelation("progress", condition=Q(progress__year=year, progress__month__lte=month))


def figures(projects: QuerySet[Project] | None, year: int, month: int) -> metrics.ScopeFigures:
    """Annual and due figures of `projects` (None: every project) for the period. Two queries,
    each compiled once per scope and period (`_cached`)."""

    def plans() -> QuerySet:
        return _one_row(_of_projects(ProjectPlan.objects.filter(year=year), projects), _plan_aggregates(year, month))

    def ytd() -> QuerySet:
        scope = Project.objects.all() if projects is None else projects
        return _one_row(scope.annotate(ytd_rows=_ytd_rows(year, month)), {"ytd": Sum("ytd_rows__investment")})

    plan_rows = _cached("plans", projects, (year, month), plans)
    ytd_rows = _cached("ytd", projects, (year, month), ytd)
    return _scope_figures(plan_rows[0] if plan_rows else {}, ytd_rows[0]["ytd"] if ytd_rows else None, month)


def _one_row(qs: QuerySet, aggregates: dict) -> QuerySet:
    """`qs.aggregate(**aggregates)` as a `.values()` QuerySet (one row, no GROUP BY), which the
    SQL cache can hold: the constant it groups by adds no GROUP BY clause."""
    one = Value(1, output_field=IntegerField())
    return qs.order_by().annotate(_one=one).values("_one").annotate(**aggregates).values(*aggregates)


def _cached(name: str, projects: QuerySet[Project] | None, period: tuple, build) -> list[dict]:
    """Rows of `build()`, its SQL compiled once per (query, database, projects' SQL, period).

    The key holds the projects QuerySet's own SQL and parameters (the user's visibility and the
    scope), so two callers share compiled SQL exactly when they ask the same question of the same
    projects. An empty scope (`.none()`) has no SQL: it runs uncompiled (and finds nothing).
    """
    try:
        scope = ("every",) if projects is None else _sql_of(projects)
    except EmptyResultSet:
        return list(build())
    key = (f"projects.{name}", connection.vendor, connection.alias, *scope, *period)
    try:
        hash(key)
    except TypeError:  # a parameter that cannot key a cache (a list): run it as it is
        return list(build())
    return sqlcache.fixed(key, build)


def _sql_of(projects: QuerySet[Project]) -> tuple:
    # Compiled once per QuerySet object: a request asks several questions of the same projects.
    key = projects.__dict__.get("_sql_key")
    if key is None:
        key = projects.__dict__["_sql_key"] = projects.query.sql_with_params()
    return key


def _lagging_batch_rows(projects: QuerySet[Project], on: dt.date) -> QuerySet:
    """`lagging_batches` as rows, counted from the projects' side: one GROUP BY over the scope's
    projects instead of a count per batch over an IN (SELECT …) of them (ten times faster for one
    unit at province scale; tests hold the two to the same answer)."""
    late = _not_started_by(F("batch__start_deadline"))
    return (
        projects.filter(batch__start_deadline__lt=on)
        .order_by()
        .values("batch_id")
        .annotate(
            batch_pk=F("batch_id"), code=F("batch__code"), name=F("batch__name"),
            start_deadline=F("batch__start_deadline"), total=Count("pk"), not_started=Count("pk", filter=late),
        )
        .filter(not_started__gt=0)
        .order_by("-not_started", "start_deadline", "code")
        .values("batch_pk", "code", "name", "start_deadline", "total", "not_started")
    )  # fmt: skip


def flag_codes(projects: QuerySet[Project], year: int, month: int, on: dt.date) -> dict:
    """The codes on each list leaders act on (the statistics API): 迟迟不开工, 开而未建, projects
    with overdue milestones, and the lagging batches with their laggards. Five compiled queries."""
    slow = _cached("slow", projects, (year, on), lambda: slow_to_start(projects, year, on).values("code"))
    idle_rows = _cached("idle", projects, (year, month, on), lambda: idle(projects, year, month, on).values("code"))
    milestones = _cached(
        "milestones", projects, (on,), lambda: overdue_milestones(projects, on).values("project__code")
    )
    batches = _cached("batches", projects, (on,), lambda: _lagging_batch_rows(projects, on))
    late_for_batch = _late_for_batch(projects).filter(batch__start_deadline__lt=on).order_by("code")
    late = _cached("laggards", projects, (on,), lambda: late_for_batch.values("batch_id", "code"))
    laggards: dict[int, list[str]] = {}
    for row in late:
        laggards.setdefault(row["batch_id"], []).append(row["code"])
    return {
        "slow_to_start": [r["code"] for r in slow],
        "idle": [r["code"] for r in idle_rows],
        "overdue_milestones": list(dict.fromkeys(r["project__code"] for r in milestones)),
        "lagging_batches": [{**b, "laggards": laggards.get(b.pop("batch_pk"), [])} for b in batches],
    }


# --- per unit of a ranking group -------------------------------------------------------------------


@dataclass
class UnitRow:
    unit: Unit
    figures: metrics.ScopeFigures
    placings: dict[str, metrics.Placing]  # "start_rate", "due_start_rate", … → rank and marks

    def rate(self, key: str) -> object:
        variant, name = ("due", key[4:]) if key.startswith("due_") else ("annual", key)
        return getattr(getattr(self.figures, variant), name)


def rank_keys() -> list[str]:
    return [*RATES, *(f"due_{r}" for r in RATES)]


def _member_of(members: list[Unit], prefix: str = "project__") -> Case:
    # The member whose path prefixes the project's unit path; the deepest one if members nest.
    nested_first = sorted(members, key=lambda u: -len(u.path))
    whens = [When(**{f"{prefix}unit__path__startswith": u.path}, then=Value(u.pk)) for u in nested_first]
    return Case(*whens, default=None, output_field=IntegerField())


def _in_members(members: list[Unit], prefix: str = "project__") -> Q:
    q = Q(pk__in=[])
    for u in members:
        q |= Q(**{f"{prefix}unit__path__startswith": u.path})
    return q


def unit_rows(group: RankingGroup, year: int, month: int, scope: Scope | None = None) -> list[UnitRow]:
    """Every active member of `group` with its figures (its projects and those of the units below
    it, within the scope's batch or designation) and its placings per rate, best first by start rate.

    Like the indicator rankings, a ranking compares all members of the group whatever the viewer's
    scope (see `indicators.analytics.groups_for`). Three queries.
    """
    members = indicator_analytics.group_members(group)
    if not members:
        return []
    selection = None if scope is None else scope.apply_selection(Project.objects.all())
    plans = (
        _of_projects(ProjectPlan.objects.filter(_in_members(members), year=year), selection)
        .annotate(member=_member_of(members))
        .values("member")
        .annotate(**_plan_aggregates(year, month))
    )
    by_member = {row.pop("member"): row for row in plans}
    in_members = (Project.objects.all() if selection is None else selection).filter(_in_members(members, ""))
    progress = (
        in_members.annotate(member=_member_of(members, prefix=""), ytd_rows=_ytd_rows(year, month))
        .values("member")
        .annotate(ytd=Sum("ytd_rows__investment"))
    )
    ytd = {row["member"]: row["ytd"] for row in progress}
    rows = [UnitRow(u, _scope_figures(by_member.get(u.pk, {}), ytd.get(u.pk), month), {}) for u in members]
    n = indicator_analytics.mark_n()
    for key in rank_keys():
        for row, placing in zip(rows, metrics.placings([r.rate(key) for r in rows], n), strict=True):
            row.placings[key] = placing
    rows.sort(key=lambda r: (r.placings["start_rate"].rank is None, r.placings["start_rate"].rank or 0, r.unit.path))
    return rows


# --- the lists leaders act on ----------------------------------------------------------------------


def _year_plan(year: int) -> FilteredRelation:
    return FilteredRelation("plans", condition=Q(plans__year=year))


def _month_start(year: int, field: str) -> Case:
    whens = [When(**{field: m}, then=Value(dt.date(year, m, 1))) for m in range(1, 13)]
    return Case(*whens, default=None, output_field=DateField())


def _not_started_by(day) -> Q:
    return Q(started_on__isnull=True) | Q(started_on__gt=day)


def slow_to_start(projects: QuerySet[Project], year: int, on: dt.date) -> QuerySet[Project]:
    """迟迟不开工 at date `on`: 新开工 plans of `year` more than 30 days past their planned start
    and not started. Rows carry `planned_start` (a date); longest overdue first."""
    cutoff = on - dt.timedelta(days=metrics.LATE_START_DAYS)
    return (
        projects.annotate(year_plan=_year_plan(year))
        .filter(year_plan__kind=PlanKind.NEW)
        .filter(_not_started_by(on))
        .annotate(planned_start=Coalesce(F("planned_start_on"), _month_start(year, "year_plan__planned_start_month")))
        .filter(planned_start__lt=cutoff)
        .select_related("unit")
        .order_by("planned_start", "unit__path", "code")
    )


def idle(projects: QuerySet[Project], year: int, month: int, on: dt.date) -> QuerySet[Project]:
    """开而未建 for period (year, month) at date `on`: started at least two months before M, not
    completed, and no investment reported for M and M−1. Rows carry `last_invested` (year × 100 +
    month of the latest month with investment, None for never); the longest idle first."""
    recent = Q()
    for y, m in metrics.previous_months(year, month, metrics.IDLE_MONTHS):
        recent |= Q(year=y, month=m)
    oldest_y, oldest_m = metrics.previous_months(year, month, metrics.IDLE_MONTHS)[-1]
    invested = ProjectProgress.objects.filter(project=OuterRef("pk"), investment__gt=0)
    last = invested.order_by("-year", "-month").annotate(period=F("year") * 100 + F("month")).values("period")[:1]
    return (
        projects.filter(stage__in=STARTED_STAGES, started_on__lte=on, started_on__lt=dt.date(oldest_y, oldest_m, 1))
        .exclude(completed_on__lte=on)
        .exclude(Exists(invested.filter(recent)))
        .annotate(last_invested=Subquery(last, output_field=IntegerField()))
        .select_related("unit")
        .order_by(F("last_invested").asc(nulls_first=True), "started_on", "code")
    )


def overdue_milestones(projects: QuerySet[Project], on: dt.date) -> QuerySet[Milestone]:
    """Milestones planned before `on` and not done, the longest overdue first."""
    qs = Milestone.objects.filter(planned_on__lt=on, actual_on__isnull=True)
    if projects.query.where:
        qs = qs.filter(project__in=projects.values("pk"))
    return qs.select_related("project", "project__unit", "responsible_unit").order_by(
        "planned_on", "project__code", "order"
    )


def _late_for_batch(projects: QuerySet[Project]) -> QuerySet[Project]:
    return projects.filter(_not_started_by(F("batch__start_deadline")))


def lagging_batches(projects: QuerySet[Project], on: dt.date, *, with_laggards: bool = True) -> QuerySet[Batch]:
    """Batches whose start deadline passed before `on` with projects (of `projects`) not started by
    it. Rows carry `total`, `not_started` and, `with_laggards`, `laggards` (those projects: code and
    name only, by code); most laggards first."""
    # As in `_of_projects`: no condition on the projects, no IN (SELECT id …) over all of them.
    mine = Q(projects__pk__in=projects.values("pk")) if projects.query.where else Q(projects__isnull=False)
    late = Q(projects__started_on__isnull=True) | Q(projects__started_on__gt=F("start_deadline"))
    qs = (
        Batch.objects.filter(start_deadline__lt=on)
        .annotate(total=Count("projects", filter=mine), not_started=Count("projects", filter=mine & late))
        .filter(not_started__gt=0)
        .order_by("-not_started", "start_deadline", "code")
    )
    if with_laggards:
        laggards = _late_for_batch(projects).only("code", "name", "batch_id").order_by("code")
        qs = qs.prefetch_related(Prefetch("projects", queryset=laggards, to_attr="laggards"))
    return qs


def flag_filter(flag: str, qs: QuerySet[Project], today: dt.date) -> QuerySet[Project]:
    """The project list's flags by these rules: "late_start" for this year's plans at `today`,
    "idle" for the period reporters fill now (last month and the one before)."""
    if flag == "late_start":
        return slow_to_start(qs, today.year, today)
    if flag == "idle":
        year, month = periods.current_period(today)
        return idle(qs, year, month, today)
    raise KeyError(flag)


# --- the portfolio timeline ------------------------------------------------------------------------


def portfolio(projects: QuerySet[Project], year: int) -> QuerySet[Project]:
    """The projects with the year's plan months (`plan_start_month`, `plan_completion_month`),
    in tree order and by planned start."""
    return (
        projects.annotate(
            year_plan=_year_plan(year),
            plan_start_month=F("year_plan__planned_start_month"),
            plan_completion_month=F("year_plan__planned_completion_month"),
        )
        .select_related("unit")
        .order_by("unit__path", F("planned_start_on").asc(nulls_last=True), "code")
    )
