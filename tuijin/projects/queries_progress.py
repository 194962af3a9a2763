"""Reads of monthly progress, photos and problems, always scoped by the access policy (corrections:
`ProgressCorrection.objects.listing`).

Year-to-date investment is always computed here (a sum over the year's months up to the
month), never stored. Projects are seen through `queries.visible_projects` (p1's shared scope).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from tuijin.orgs.models import Unit, User
from tuijin.projects import queries
from tuijin.projects.models import (
    MONEY,
    ProgressCorrection,
    ProgressPhoto,
    Project,
    ProjectPlan,
    ProjectProblem,
    ProjectProgress,
    Stage,
)

ZERO = Value(Decimal(0), output_field=DecimalField(**MONEY))


def ytd(project: Project, year: int, month: int) -> Decimal:
    """The project's investment in `year` up to and including `month`."""
    total = ProjectProgress.objects.filter(project=project, year=year, month__lte=month).aggregate(t=Sum("investment"))
    return total["t"] or Decimal(0)


def _ytd_subquery(year: int, month: int) -> Subquery:
    rows = (
        ProjectProgress.objects.filter(project=OuterRef("pk"), year=year, month__lte=month)
        .order_by()
        .values("project")
        .annotate(total=Sum("investment"))
        .values("total")
    )
    return Subquery(rows, output_field=DecimalField(**MONEY))


def with_month(qs: QuerySet[Project], year: int, month: int) -> QuerySet[Project]:
    """Projects with `ytd`, `plan_investment` and `month_progress` (a list of 0 or 1 row), in
    three queries whatever the number of projects."""
    plan = ProjectPlan.objects.filter(project=OuterRef("pk"), year=year).values("planned_investment")[:1]
    return (
        qs.select_related("unit")
        .annotate(
            ytd=Coalesce(_ytd_subquery(year, month), ZERO),
            plan_investment=Subquery(plan, output_field=DecimalField(**MONEY)),
        )
        .prefetch_related(
            Prefetch("progress", ProjectProgress.objects.filter(year=year, month=month), to_attr="month_progress")
        )
    )


def unit_month(unit: Unit, year: int, month: int) -> QuerySet[Project]:
    """The unit's own projects that report monthly progress: every one not terminated, with a
    plan for the year or already under way."""
    qs = Project.objects.filter(unit=unit).exclude(stage=Stage.TERMINATED)
    qs = qs.filter(Q(plans__year=year) | Q(stage__in=[Stage.STARTED, Stage.REGISTERED]) | Q(progress__year=year))
    return with_month(qs.distinct(), year, month).order_by("code")


@dataclass
class MonthView:
    """One project's month as the progress page shows it."""

    project: Project
    year: int
    month: int
    progress: ProjectProgress | None
    ytd: Decimal
    plan: ProjectPlan | None
    photos: list[ProgressPhoto]
    problems: list[ProjectProblem]
    pending_correction: ProgressCorrection | None


def month_view(project: Project, year: int, month: int) -> MonthView:
    progress = ProjectProgress.objects.filter(project=project, year=year, month=month).first()
    photos = list(progress.photos.select_related("uploaded_by").order_by("uploaded_at", "pk")) if progress else []
    pending = None
    if progress is not None:
        pending = progress.corrections.filter(status=ProgressCorrection.Status.PENDING).first()
    return MonthView(
        project=project, year=year, month=month, progress=progress, ytd=ytd(project, year, month),
        plan=ProjectPlan.objects.filter(project=project, year=year).first(), photos=photos,
        problems=list(queries.project_open_problems(project)), pending_correction=pending,
    )  # fmt: skip


# --- scoped lookups ------------------------------------------------------------------------------


def progress_for(
    user: User, *, project_code: str = "", year: int | None = None, month: int | None = None
) -> QuerySet[ProjectProgress]:
    qs = ProjectProgress.objects.filter(project__in=queries.visible_projects(user)).select_related("project")
    if project_code:
        qs = qs.filter(project__code=project_code)
    if year:
        qs = qs.filter(year=year)
    if month:
        qs = qs.filter(month=month)
    return qs.order_by("project__code", "-year", "-month")


def photo_or_404(user: User, pk: int) -> ProgressPhoto:
    """A photo of a project the user may see; any other photo does not exist for them."""
    qs = ProgressPhoto.objects.select_related("progress__project__unit")
    try:
        return qs.filter(progress__project__in=queries.visible_projects(user)).get(pk=pk)
    except ProgressPhoto.DoesNotExist:
        raise Http404 from None


def problem_or_404(user: User, pk: int) -> ProjectProblem:
    qs = ProjectProblem.objects.select_related("project__unit")
    try:
        return qs.filter(project__in=queries.visible_projects(user)).get(pk=pk)
    except ProjectProblem.DoesNotExist:
        raise Http404 from None
