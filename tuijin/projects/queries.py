"""Reads of the project library, always scoped by the access policy.

The shared interface of the projects app:

- `visible_projects(user)`: the projects a user may see — those whose implementing unit is in
  the user's scope, plus those the user follows in person (lead leader, on-site commissioner,
  approval agent), wherever they are.
- `editable_projects(user)`: the projects a user may manage (`project.manage`, through the unit
  only: following a project in person does not make it yours to edit).
- `get_visible_project_or_404(user, code)`: one project, or 404 for anything outside the scope.
- `ProjectFilter` + `filter_projects` + `sort_projects`: the list's filters and orders, used by
  the list page, its Excel export and the API alike.

Flags (`FLAGS`): "admission" (started against the admission rules) is the library's own;
"late_start" (迟迟不开工) and "idle" (开而未建) are the statistics' rules
(`tuijin.projects.stats.flag_filter`), so the list and the lagging lists can never disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuijin.orgs import policy
from tuijin.orgs.models import Role, Unit, User
from tuijin.projects.models import (
    STARTED_STAGES,
    Batch,
    Milestone,
    Project,
    ProjectPlan,
    ProjectProblem,
    ProjectProgress,
    Stage,
    StageChange,
)

# --- scope ---------------------------------------------------------------------------------


def _people_q(user: User) -> Q:
    return Q(lead_leader=user) | Q(commissioner=user) | Q(agent=user)


def visible_projects(user: User) -> QuerySet[Project]:
    """Projects of the units in the user's scope, plus the projects the user follows in person."""
    qs = Project.objects.all()
    if not policy.allows(user, "project.view"):
        return qs.none()
    if policy.sees_all(user):
        return qs
    in_units = Q(unit__path__startswith=user.unit.path) if user.unit_id else Q(pk__in=[])
    return qs.filter(in_units | _people_q(user))


def editable_projects(user: User) -> QuerySet[Project]:
    """Projects the user may manage: `project.manage`, unit in scope."""
    if not policy.allows(user, "project.manage"):
        return Project.objects.none()
    return policy.scope(Project.objects.all(), user, "unit")


def get_visible_project_or_404(user: User, code: str) -> Project:
    try:
        return visible_projects(user).select_related("unit", "batch", "node_template").get(code=code)
    except Project.DoesNotExist:
        raise Http404 from None


def my_projects(user: User) -> QuerySet[Project]:
    """Projects the user follows in person: as lead leader, commissioner or agent."""
    if not policy.allows(user, "project.view"):
        return Project.objects.none()
    return Project.objects.filter(_people_q(user))


# --- flags ---------------------------------------------------------------------------------


FLAGS = ("admission", "late_start", "idle")
FLAG_LABELS = {"admission": _("准入未通过"), "late_start": _("迟迟不开工"), "idle": _("开而未建")}


def apply_flag(qs: QuerySet[Project], flag: str, today: dt.date | None = None) -> QuerySet[Project]:
    """Keep the flagged projects. 迟迟不开工 and 开而未建 follow the statistics' rules (one definition)."""
    today = today or timezone.localdate()
    if flag == "admission":
        return qs.exclude(admission_flags=[])
    from tuijin.projects import stats  # stats reads this module's visible_projects

    return stats.flag_filter(flag, qs, today)


# --- list filters and sorting --------------------------------------------------------------

SORTS = {
    "code": ("code",),
    "name": ("name", "code"),
    "unit": ("unit__path", "code"),
    "investment": ("total_investment", "code"),
    "stage": ("stage", "code"),
    "planned_start": ("planned_start_on", "code"),
}


@dataclass(frozen=True)
class ProjectFilter:
    """The list's filters; empty values filter nothing. Codes, not ids, so URLs read well."""

    q: str = ""
    unit: str = ""  # a unit code: that unit and everything below it
    stage: str = ""
    designation: str = ""  # a designation code
    batch: str = ""  # a batch code
    leader: int | None = None  # a lead leader's user id
    flag: str = ""  # one of FLAGS
    sort: str = "code"  # a key of SORTS, "-" for descending

    @classmethod
    def from_query(cls, data) -> ProjectFilter:
        leader = data.get("leader", "")
        return cls(
            q=data.get("q", "").strip()[:100], unit=data.get("unit", ""),
            stage=data.get("stage", "") if data.get("stage", "") in Stage.values else "",
            designation=data.get("designation", ""), batch=data.get("batch", ""),
            leader=int(leader) if str(leader).isdigit() else None,
            flag=data.get("flag", "") if data.get("flag", "") in FLAGS else "",
            sort=data.get("sort", "code") if data.get("sort", "code").lstrip("-") in SORTS else "code",
        )  # fmt: skip


def filter_projects(qs: QuerySet[Project], f: ProjectFilter, today: dt.date | None = None) -> QuerySet[Project]:
    if f.q:
        qs = qs.filter(Q(name__icontains=f.q) | Q(code__icontains=f.q) | Q(national_code__icontains=f.q))
    if f.unit:
        unit = Unit.objects.filter(code=f.unit).only("path").first()
        qs = qs.filter(unit__path__startswith=unit.path) if unit else qs.none()
    if f.stage:
        qs = qs.filter(stage=f.stage)
    if f.designation:
        qs = qs.filter(Exists(Project.designations.through.objects.filter(
            project_id=OuterRef("pk"), designation__code=f.designation)))  # fmt: skip
    if f.batch:
        qs = qs.filter(batch__code=f.batch)
    if f.leader:
        qs = qs.filter(lead_leader_id=f.leader)
    if f.flag:
        qs = apply_flag(qs, f.flag, today)
    return sort_projects(qs, f.sort)


def sort_projects(qs: QuerySet[Project], key: str) -> QuerySet[Project]:
    descending = key.startswith("-")
    fields = SORTS.get(key.lstrip("-"), SORTS["code"])
    return qs.order_by(*(f"-{name}" if descending else name for name in fields))


def with_list_data(qs: QuerySet[Project], year: int) -> QuerySet[Project]:
    """What a list row shows, in a fixed number of queries: unit, batch, people, tags, the year's plan."""
    return qs.select_related("unit", "batch", "lead_leader", "commissioner", "agent").prefetch_related(
        "designations", Prefetch("plans", ProjectPlan.objects.filter(year=year), to_attr="year_plans")
    )


def project_list(user: User, f: ProjectFilter, year: int | None = None) -> QuerySet[Project]:
    year = year or timezone.localdate().year
    return with_list_data(filter_projects(visible_projects(user), f), year)


# --- one project ---------------------------------------------------------------------------


def project_milestones(project: Project) -> QuerySet[Milestone]:
    return project.milestones.select_related("responsible_unit").order_by("order")


def project_stage_history(project: Project) -> QuerySet[StageChange]:
    return project.stage_changes.select_related("changed_by")


def project_open_problems(project: Project) -> QuerySet[ProjectProblem]:
    return project.open_problems.filter(resolved_on__isnull=True).select_related("raised_by").order_by("-raised_on")


def project_plans(project: Project) -> QuerySet[ProjectPlan]:
    return project.plans.order_by("-year")


def project_progress(project: Project, year: int) -> QuerySet[ProjectProgress]:
    return project.progress.filter(year=year).order_by("month")


def leaders() -> QuerySet[User]:
    """People who can lead a project (the 领衔领导 filter and field): active users with the leader role."""
    return (
        User.objects.filter(is_active=True, role_grants__role=Role.LEADER).distinct().order_by("full_name", "username")
    )


def batches_with_counts(user: User) -> QuerySet[Batch]:
    """Batches with how many of the user's visible projects they hold and how many started by the deadline."""
    visible = visible_projects(user).values("pk")
    in_scope = Q(projects__pk__in=visible)
    return Batch.objects.annotate(
        project_count=Count("projects", filter=in_scope, distinct=True),
        started_count=Count(
            "projects",
            filter=in_scope & Q(projects__stage__in=STARTED_STAGES, projects__started_on__lte=F("start_deadline")),
            distinct=True,
        ),
    )
