"""Pages of monthly project progress: the unit's month, one project's month with its photos,
corrections after the lock, problems, and the photos themselves (never public files).

Thin: parse, call a service, render or redirect. Projects are fetched through
`queries.get_visible_project_or_404` (outside the scope they do not exist); the services check
the role and the unit again.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tuijin.core import text
from tuijin.core.downloads import protected_file_response
from tuijin.core.forms import apply_validation_error
from tuijin.indicators import periods
from tuijin.indicators.views_corrections import CorrectionPages
from tuijin.orgs import policy
from tuijin.projects import queries, queries_progress
from tuijin.projects.forms_progress import CorrectionForm, ProgressForm, RowForm
from tuijin.projects.models import ProjectProgress
from tuijin.projects.photos import per_month
from tuijin.projects.services import progress as services
from tuijin.projects.services import progress_corrections

PAGE_SIZE = 25


def _checked_period(year: int, month: int) -> tuple[int, int]:
    try:
        periods.validate_period(year, month)
    except ValidationError:
        raise Http404 from None
    return year, month


def _query_period(params) -> tuple[int, int]:
    if not params.get("year") and not params.get("month"):
        return periods.current_period()
    try:
        return _checked_period(int(params.get("year", "")), int(params.get("month", "")))
    except ValueError:
        raise Http404 from None


def _shift(year: int, month: int, step: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + step
    return index // 12, index % 12 + 1


def _month_url(code: str, year: int, month: int) -> str:
    return reverse("projects:progress_month", args=[code, year, month])


# --- the unit's month ------------------------------------------------------------------------------


def _unit_context(request, year: int, month: int) -> dict:
    unit = request.user.unit
    if unit is None:
        raise PermissionDenied(_("您的账号尚未归属单位。"))
    projects = list(queries_progress.unit_month(unit, year, month))
    filled = sum(1 for p in projects if p.month_progress)
    return {
        "unit": unit, "year": year, "month": month, "projects": projects, "filled": filled,
        "missing": len(projects) - filled, "locked": periods.is_locked(year, month),
        "deadline": periods.deadline(year, month), "previous": _shift(year, month, -1), "next": _shift(year, month, 1),
    }  # fmt: skip


@policy.permission("project.report")
def progress_unit(request):
    """The reporter's month: every project of the unit, this month's investment filled or missing."""
    year, month = _query_period(request.GET)
    return render(request, "projects/progress_unit.html", _unit_context(request, year, month))


@require_POST
@policy.permission("project.report")
def progress_row_save(request, code, year, month):
    """Save one line of the unit's month (HTMX): this month's investment, texts kept as they are."""
    year, month = _checked_period(year, month)
    project = queries.get_visible_project_or_404(request.user, code)
    current = queries_progress.month_view(project, year, month).progress
    form, error = RowForm(request.POST, initial={"investment": current.investment if current else None}), ""
    if form.is_valid():
        try:
            services.progress_save(
                actor=request.user, project=project, year=year, month=month,
                investment=form.cleaned_data["investment"],
                image_progress=current.image_progress if current else "",
                problems=current.problems if current else "",
                expected_version=form.cleaned_data["version"],
            )  # fmt: skip
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = " ".join(m for errors in form.errors.values() for m in errors)
    rows = [p for p in queries_progress.unit_month(project.unit, year, month) if p.pk == project.pk]
    if not rows:
        raise Http404
    context = {"p": rows[0], "year": year, "month": month, "locked": periods.is_locked(year, month)}
    context |= {"row_error": error, "row_saved": not error}
    if error:  # the line as typed, with the version it was typed against (a stale line stays stale)
        context["typed"] = {
            "investment": request.POST.get("investment", ""),
            "version": request.POST.get("version", ""),
        }
    # HTMX swaps only a 2xx answer: a refused line comes back as 200 to replace the row (as the targets grid does).
    return render(
        request, "projects/progress_unit.html#row", context, status=400 if error and not request.htmx else 200
    )


# --- one project's month ---------------------------------------------------------------------------


@policy.permission("project.view")
def progress_month(request, code, year, month):
    """A project's month: the reporter's form (investment, 形象进度, problems, photos), YTD and plan."""
    year, month = _checked_period(year, month)
    project = queries.get_visible_project_or_404(request.user, code)
    view = queries_progress.month_view(project, year, month)
    form = ProgressForm(request.POST or None, initial=_initial(view))
    if request.method == "POST":
        services.require_reporter_of(request.user, project)
        if form.is_valid():
            try:
                services.progress_save(
                    actor=request.user, project=project, year=year, month=month,
                    investment=form.cleaned_data["investment"], image_progress=form.cleaned_data["image_progress"],
                    problems=form.cleaned_data["problems"], expected_version=form.cleaned_data["version"],
                    photos=request.FILES.getlist("photos"),
                )  # fmt: skip
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("%(y)d年%(m)d月进展已保存。") % {"y": year, "m": month})
                return redirect(_month_url(code, year, month))
    return render(
        request, "projects/progress_month.html", _month_context(request, view, form), status=400 if form.errors else 200
    )


def _initial(view: queries_progress.MonthView) -> dict:
    if view.progress is None:
        return {"version": 0}
    p = view.progress
    return {
        "investment": p.investment,
        "image_progress": p.image_progress,
        "problems": p.problems,
        "version": p.version,
    }


def _month_context(request, view: queries_progress.MonthView, form) -> dict:
    year, month, project = view.year, view.month, view.project
    locked = periods.is_locked(year, month)
    reporter = services.may_report(request.user, project)
    supervisor = services.may_supervise(request.user, project)
    plan_investment = view.plan.planned_investment if view.plan else None
    return {
        "view": view, "project": project, "year": year, "month": month, "form": form, "locked": locked,
        "editable": reporter and not locked and not _future(year, month), "reporter": reporter,
        "can_resolve": reporter or supervisor, "deadline": periods.deadline(year, month),
        "previous": _shift(year, month, -1), "next": _shift(year, month, 1), "photo_limit": per_month(),
        "share_pct": view.ytd * 100 / plan_investment if plan_investment else None,
        "revisions": list(view.progress.revisions.select_related("changed_by")) if view.progress else [],
    }  # fmt: skip


def _future(year: int, month: int) -> bool:
    today = timezone.localdate()
    return (year, month) > (today.year, today.month)


# --- photos --------------------------------------------------------------------------------------


def _photo_response(file, content_type: str, name: str) -> FileResponse:
    response = protected_file_response(file, content_type=content_type, filename=name)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@policy.permission("project.view")
def photo_image(request, pk):
    """The original photo, for users who may see its project (never a public media URL)."""
    photo = queries_progress.photo_or_404(request.user, pk)
    return _photo_response(photo.image, photo.content_type, photo.image.name.rsplit("/", 1)[-1])


@policy.permission("project.view")
def photo_thumbnail(request, pk):
    photo = queries_progress.photo_or_404(request.user, pk)
    if not photo.thumbnail:
        raise Http404
    return _photo_response(photo.thumbnail, "image/jpeg", photo.thumbnail.name.rsplit("/", 1)[-1])


@require_POST
@policy.permission("project.report")
def photo_delete(request, pk):
    photo = queries_progress.photo_or_404(request.user, pk)
    progress = photo.progress
    try:
        services.photo_delete(actor=request.user, photo=photo)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已删除照片。"))
    return redirect(_month_url(progress.project.code, progress.year, progress.month))


# --- problems ------------------------------------------------------------------------------------


@require_POST
@policy.permission("project.view")  # the unit's reporter or a supervisor: the service decides
def problem_resolve(request, pk):
    problem = queries_progress.problem_or_404(request.user, pk)
    try:
        services.problem_resolve(
            actor=request.user, problem=problem, resolution=text.posted(request.POST, "resolution", _("解决情况"))
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("问题已办结。"))
    target = request.POST.get("next", "")
    if text.found(target) or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        year, month = periods.current_period()
        target = _month_url(problem.project.code, year, month)
    return redirect(target)


# --- corrections after the lock (the pages: indicators.views_corrections) ---------------------------


class ProgressCorrectionPages(CorrectionPages):
    """A locked month's investment, asked for from the project's month page."""

    flow = progress_corrections.PROGRESS_CORRECTIONS
    requester = "project.report"
    form_class = CorrectionForm
    form_template = "projects/correction_form.html"
    list_template = "projects/correction_list.html"
    list_url = "projects:progress_corrections"
    approve_url = "projects:progress_correction_approve"
    reject_url = "projects:progress_correction_reject"
    approved_message = gettext_lazy("已批准更正，原投资额已记入修改记录。")

    def row(self, request, *, code: str, year: int, month: int) -> ProjectProgress:
        year, month = _checked_period(year, month)
        project = queries.get_visible_project_or_404(request.user, code)
        progress = queries_progress.month_view(project, year, month).progress
        if progress is None:
            raise Http404
        progress.project = project  # the one fetched through the scope
        return progress

    def initial(self, row: ProjectProgress) -> dict:
        return {"proposed_investment": row.investment}

    def back_url(self, row: ProjectProgress) -> str:
        return _month_url(row.project.code, row.year, row.month)

    def form_context(self, row: ProjectProgress) -> dict:
        return {"progress": row, "project": row.project}


CORRECTIONS = ProgressCorrectionPages()


urlpatterns = [
    path("progress/", progress_unit, name="progress_unit"),
    path("progress/row/<str:code>/<int:year>/<int:month>/", progress_row_save, name="progress_row_save"),
    path("progress/corrections/", CORRECTIONS.listing, name="progress_corrections"),
    path("progress/corrections/<int:pk>/approve/", CORRECTIONS.approve, name="progress_correction_approve"),
    path("progress/corrections/<int:pk>/reject/", CORRECTIONS.reject, name="progress_correction_reject"),
    path("progress/problems/<int:pk>/resolve/", problem_resolve, name="problem_resolve"),
    path("progress/photos/<int:pk>/image/", photo_image, name="photo_image"),
    path("progress/photos/<int:pk>/thumbnail/", photo_thumbnail, name="photo_thumbnail"),
    path("progress/photos/<int:pk>/delete/", photo_delete, name="photo_delete"),
    path("p/<str:code>/progress/<int:year>/<int:month>/", progress_month, name="progress_month"),
    path("p/<str:code>/progress/<int:year>/<int:month>/correction/", CORRECTIONS.new, name="progress_correction_new"),
]
