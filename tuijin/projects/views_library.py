"""Pages of the project library: the list, "my projects", a project's page and its forms
(edit, stage, delay reason, milestones, plan). The city's lists are in `views_catalogue`,
the Excel import in `views_import`.

Thin: every project is fetched through `queries.get_visible_project_or_404` (outside the scope it
does not exist), every write goes through `services.library` or `services.project_import`.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuijin.audit.models import AuditAction
from tuijin.audit.services import record
from tuijin.core import text
from tuijin.core.excel import build_sheet, xlsx_response
from tuijin.core.forms import apply_validation_error
from tuijin.core.html import filters_set, options
from tuijin.orgs import policy
from tuijin.projects import queries
from tuijin.projects.forms_library import (
    DelayReasonForm,
    MilestoneForm,
    PlanForm,
    ProjectForm,
    StageForm,
)
from tuijin.projects.models import (
    STAGE_TRANSITIONS,
    Batch,
    Designation,
    Milestone,
    NodeTemplate,
    ProgressPhoto,
    Project,
    Stage,
)
from tuijin.projects.services import guards, library, milestones, plans

PAGE_SIZE = 50
PHOTOS_ON_PAGE = 12


def _this_year() -> int:
    return timezone.localdate().year


# --- the list ------------------------------------------------------------------------------


@policy.permission("project.view")
def project_list(request):
    f = queries.ProjectFilter.from_query(request.GET)
    year = _this_year()
    projects = queries.project_list(request.user, f, year)
    if request.GET.get("export") == "xlsx":
        return _projects_xlsx(request, projects, year)
    context = {
        "page_obj": Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page")), "f": f, "year": year,
        "stages": Stage.choices, "flags": queries.FLAG_LABELS.items(),
        "unit_options": options(
            policy.visible_units(request.user).filter(is_active=True).order_by("path").values_list("code", "name"),
            f.unit,
        ),
        "designations": Designation.objects.all(), "batches": Batch.objects.all(), "leaders": queries.leaders(),
        "sorts": _sort_links(f), "can_manage": policy.allows(request.user, "project.manage"),
        "can_import": policy.allows(request.user, "project.import"), "filtered": filters_set(request.GET),
    }  # fmt: skip
    template = "projects/project_list.html#results" if request.htmx else "projects/project_list.html"
    return render(request, template, context)


def _sort_links(f: queries.ProjectFilter) -> dict[str, str]:
    """For each sortable column, the sort key a click asks for (toggles the current one)."""
    return {key: (f"-{key}" if f.sort == key else key) for key in queries.SORTS}


def _projects_xlsx(request, projects, year: int):
    headers = [_("项目编号"), _("全国投资项目代码"), _("项目名称"), _("实施主体"), _("所属行业"), _("建设地点"),
               _("总投资（亿元）"), _("阶段"), _("标签"), _("集中开工批次"), _("领衔领导"), _("驻工地专员"),
               _("代办员"), _("计划开工日期"), _("实际开工日期"), _("实际竣工日期"),
               _("%(y)d年类别") % {"y": year}, _("%(y)d年计划投资（亿元）") % {"y": year}, _("准入问题"),
               _("未开工原因")]  # fmt: skip
    rows = (_xlsx_row(p) for p in projects)
    record(actor=request.user, action=AuditAction.EXPORT, object_type="projects.project", note=_("导出项目库"))
    return xlsx_response(build_sheet(_("项目库"), headers, rows), f"projects-{year}.xlsx")


def _xlsx_row(p: Project) -> list:
    plan = p.year_plans[0] if p.year_plans else None
    return [
        p.code, p.national_code, p.name, p.unit.name, p.industry, p.address, p.total_investment,
        p.get_stage_display(), "、".join(d.name for d in p.designations.all()), p.batch.name if p.batch else "",
        str(p.lead_leader or ""), str(p.commissioner or ""), str(p.agent or ""), p.planned_start_on,
        p.started_on, p.completed_on, plan.get_kind_display() if plan else "",
        plan.planned_investment if plan else None, library.checkpoint_labels(p.admission_flags), p.delay_reason,
    ]  # fmt: skip


@policy.permission("project.view")
def my_projects(request):
    year = _this_year()
    projects = queries.with_list_data(queries.my_projects(request.user), year).order_by("stage", "code")
    rows = [{"project": p, "roles": _roles_of(request.user, p), "plan": p.year_plans[0] if p.year_plans else None}
            for p in projects]  # fmt: skip
    return render(request, "projects/my_projects.html", {"rows": rows, "year": year})


def _roles_of(user, project: Project) -> list[str]:
    roles = [(project.lead_leader_id, _("领衔领导")), (project.commissioner_id, _("驻工地专员")),
             (project.agent_id, _("代办员"))]  # fmt: skip
    return [label for user_id, label in roles if user_id == user.pk]


# --- one project ---------------------------------------------------------------------------


@policy.permission("project.view")
def project_detail(request, code):
    project = queries.get_visible_project_or_404(request.user, code)
    year = _year_param(request)
    milestones = list(queries.project_milestones(project))
    plan = next((p for p in queries.project_plans(project) if p.year == year), None)
    context = {
        "project": project, "year": year, "milestones": milestones, "plan": plan,
        "plans": queries.project_plans(project), "history": queries.project_stage_history(project),
        "problems": queries.project_open_problems(project), "photos": _photos(project),
        "designations": project.designations.all(),
        "admission_labels": library.checkpoint_labels(project.admission_flags),
        "chart": {"timeline": _timeline_data(milestones), "curve": _curve_data(project, plan, year)},
        "can_manage": guards.can_manage(request.user, project),
        "can_report": guards.can_report(request.user, project),
        "can_stage": policy.allows(request.user, "project.stage", project.unit) and bool(
            STAGE_TRANSITIONS[project.stage]),
        "today": timezone.localdate(),
        "node_templates": NodeTemplate.objects.all() if not milestones else (),
    }  # fmt: skip
    return render(request, "projects/project_detail.html", context)


def _year_param(request) -> int:
    year = request.GET.get("year", "")
    return int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else _this_year()


def _timeline_data(milestones: list[Milestone]) -> dict:
    return {
        "names": [m.name for m in milestones],
        "planned": [m.planned_on.isoformat() if m.planned_on else None for m in milestones],
        "actual": [m.actual_on.isoformat() if m.actual_on else None for m in milestones],
        "today": timezone.localdate().isoformat(),
        "labels": [_("计划"), _("实际"), _("今天")],
    }


def _curve_data(project: Project, plan, year: int) -> dict:
    """Cumulative actual investment by month against the plan's straight monthly line (亿元)."""
    by_month = dict(queries.project_progress(project, year).values_list("month").annotate(s=Sum("investment")))
    last = max(by_month, default=0)
    running, actual = Decimal(0), []
    for month in range(1, 13):
        running += by_month.get(month, Decimal(0))
        actual.append(float(running) if month <= last else None)
    planned = [float(plan.planned_investment * m / 12) if plan else None for m in range(1, 13)]
    return {
        "months": [_("%(m)d月") % {"m": m} for m in range(1, 13)], "actual": actual, "planned": planned,
        "labels": [_("累计完成投资"), _("计划进度（按月均摊）")], "unit": _("亿元"),
    }  # fmt: skip


def _photos(project: Project) -> list[dict]:
    photos = (
        ProgressPhoto.objects.filter(progress__project=project)
        .select_related("progress")
        .order_by("-progress__year", "-progress__month", "-uploaded_at")[:PHOTOS_ON_PAGE]
    )
    return [
        {"photo": p, "thumb": reverse("projects:photo_thumbnail", args=[p.pk]),
         "image": reverse("projects:photo_image", args=[p.pk])}
        for p in photos
    ]  # fmt: skip


@policy.permission("project.manage")
def project_create(request):
    form = ProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            project = library.project_create(actor=request.user, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            form.add_error("unit", str(exc))
        else:
            messages.success(request, _("已新建项目“%(name)s”。") % {"name": project.name})
            return redirect("projects:project_detail", code=project.code)
    return render(request, "projects/project_form.html", {"form": form, "creating": True})


def _managed_project(request, code) -> Project:
    project = queries.get_visible_project_or_404(request.user, code)
    if not guards.can_manage(request.user, project):
        raise PermissionDenied(_("您没有管理该项目的权限。"))
    return project


@policy.permission("project.manage")
def project_edit(request, code):
    project = _managed_project(request, code)
    form = ProjectForm(request.POST or None, user=request.user, project=project,
                       initial=ProjectForm.initial_for(project))  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            project = library.project_update(
                actor=request.user, project=project, expected_version=data.pop("version"), **data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            form.add_error("unit", str(exc))
        else:
            messages.success(request, _("已保存项目“%(name)s”。") % {"name": project.name})
            return redirect("projects:project_detail", code=project.code)
    return render(request, "projects/project_form.html", {"form": form, "project": project})


@policy.permission("project.stage")
def project_stage(request, code):
    project = queries.get_visible_project_or_404(request.user, code)
    policy.require(request.user, "project.stage", project.unit)
    can_override = guards.can_manage(request.user, project)
    initial = {"version": project.version}
    form = StageForm(request.POST or None, project=project, can_override=can_override, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            library.project_change_stage(
                actor=request.user, project=project, expected_version=data.pop("version"), **data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已登记阶段变更。"))
            return redirect("projects:project_detail", code=project.code)
    context = {
        "form": form, "project": project, "rules_on": library.admission_rules_on(),
        "failures": library.checkpoint_labels(library.admission_failures(project)),
    }  # fmt: skip
    return render(request, "projects/project_stage.html", context, status=400 if form.errors else 200)


@policy.permission("project.view")
def project_delay_reason(request, code):
    project = queries.get_visible_project_or_404(request.user, code)
    if not (guards.can_report(request.user, project) or guards.can_manage(request.user, project)):
        raise PermissionDenied
    form = DelayReasonForm(request.POST or None, initial={"delay_reason": project.delay_reason,
                                                          "version": project.version})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            library.project_set_delay_reason(
                actor=request.user, project=project, delay_reason=form.cleaned_data["delay_reason"],
                expected_version=form.cleaned_data["version"],
            )  # fmt: skip
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已保存未开工原因。"))
            return redirect("projects:project_detail", code=project.code)
    return render(request, "projects/project_delay_form.html", {"form": form, "project": project})


# --- milestones and plans ------------------------------------------------------------------


@policy.permission("project.view")
def milestone_edit(request, code, pk):
    project = queries.get_visible_project_or_404(request.user, code)
    milestone = get_object_or_404(Milestone.objects.select_related("responsible_unit"), project=project, pk=pk)
    manager = guards.can_manage(request.user, project)
    if not manager and not guards.can_report(request.user, project):
        raise PermissionDenied
    milestone.project = project
    form = MilestoneForm(request.POST or None, initial=MilestoneForm.initial_for(milestone), reporter_only=not manager)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            milestones.milestone_update(
                actor=request.user, milestone=milestone, expected_version=data.pop("version"), **data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已保存节点“%(name)s”。") % {"name": milestone.name})
            return redirect("projects:project_detail", code=project.code)
    context = {"form": form, "project": project, "milestone": milestone}
    return render(request, "projects/project_milestone_form.html", context)


@policy.permission("project.manage")
def milestone_create(request, code):
    project = _managed_project(request, code)
    form = MilestoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            milestones.milestone_create(actor=request.user, project=project, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已添加节点。"))
            return redirect("projects:project_detail", code=project.code)
    return render(request, "projects/project_milestone_form.html", {"form": form, "project": project})


@require_POST
@policy.permission("project.manage")
def milestones_layout(request, code):
    project = _managed_project(request, code)
    try:
        template_code = text.posted(request.POST, "template", _("节点模板"), multiline=False)
        template = get_object_or_404(NodeTemplate, code=template_code)
        milestones.milestones_layout(actor=request.user, project=project, template=template)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已按节点模板“%(t)s”生成节点。") % {"t": template.name})
    return redirect("projects:project_detail", code=project.code)


@policy.permission("project.manage")
def plan_edit(request, code):
    project = _managed_project(request, code)
    year = _year_param(request)
    plan = project.plans.filter(year=year).first()
    initial = PlanForm.initial_for(plan) if plan else {"year": year}
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            result = plans.plan_set(actor=request.user, project=project, expected_version=data.pop("version"), **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            for warning in result.warnings:
                messages.warning(request, warning)
            messages.success(request, _("已保存 %(y)d 年度计划。") % {"y": result.plan.year})
            return redirect(f"{reverse('projects:project_detail', args=[project.code])}?year={result.plan.year}")
    return render(request, "projects/plan_form.html", {"form": form, "project": project, "plan": plan})


urlpatterns = [
    path("list/", project_list, name="project_list"),
    path("mine/", my_projects, name="my_projects"),
    path("new/", project_create, name="project_create"),
    path("p/<str:code>/", project_detail, name="project_detail"),
    path("p/<str:code>/edit/", project_edit, name="project_edit"),
    path("p/<str:code>/stage/", project_stage, name="project_stage"),
    path("p/<str:code>/delay-reason/", project_delay_reason, name="project_delay_reason"),
    path("p/<str:code>/plan/", plan_edit, name="plan_edit"),
    path("p/<str:code>/milestones/new/", milestone_create, name="milestone_create"),
    path("p/<str:code>/milestones/layout/", milestones_layout, name="milestones_layout"),
    path("p/<str:code>/milestones/<int:pk>/", milestone_edit, name="milestone_edit"),
]
