"""Pages of the city's project lists: batches (集中开工批次), designations (标签) and node templates
(节点模板). Thin: city supervisors only (`services.guards.require_city_manager`); every write goes
through `services.batches` or `services.milestones`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.core.forms import apply_validation_error
from tuijin.orgs import policy
from tuijin.projects import queries
from tuijin.projects.forms_library import (
    BatchForm,
    DesignationForm,
    NodeTemplateForm,
)
from tuijin.projects.models import (
    STARTED_STAGES,
    Batch,
    Designation,
    NodeTemplate,
)
from tuijin.projects.services import batches, guards, milestones


@policy.permission("project.view")
def batch_list(request):
    batches = queries.batches_with_counts(request.user)
    can_manage = policy.allows(request.user, "project.manage") and policy.sees_all(request.user)
    return render(request, "projects/batch_list.html", {"batches": batches, "can_manage": can_manage})


@policy.permission("project.view")
def batch_detail(request, code):
    batch = get_object_or_404(queries.batches_with_counts(request.user), code=code)
    visible = queries.visible_projects(request.user).filter(batch=batch)
    projects = queries.with_list_data(visible, timezone.localdate().year)
    deadline = batch.start_deadline
    rows = [
        {"project": p, "in_time": p.stage in STARTED_STAGES and p.started_on is not None and p.started_on <= deadline}
        for p in projects.order_by("unit__path", "code")
    ]
    context = {
        "batch": batch, "rows": rows, "today": timezone.localdate(),
        "can_manage": policy.allows(request.user, "project.manage") and policy.sees_all(request.user),
    }  # fmt: skip
    return render(request, "projects/batch_detail.html", context)


@policy.permission("project.manage")
def batch_create(request):
    guards.require_city_manager(request.user)
    form = BatchForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            batch = batches.batch_create(actor=request.user, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已新建批次“%(name)s”。") % {"name": batch.name})
            return redirect("projects:batch_detail", code=batch.code)
    return render(request, "projects/batch_form.html", {"form": form, "creating": True})


@policy.permission("project.manage")
def batch_edit(request, code):
    guards.require_city_manager(request.user)
    batch = get_object_or_404(Batch, code=code)
    form = BatchForm(request.POST or None, user=request.user, initial=BatchForm.initial_for(batch))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            batch = batches.batch_update(actor=request.user, batch=batch, expected_version=data.pop("version"), **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已保存批次“%(name)s”。") % {"name": batch.name})
            return redirect("projects:batch_detail", code=batch.code)
    return render(request, "projects/batch_form.html", {"form": form, "batch": batch})


# --- designations and node templates -------------------------------------------------------


@policy.permission("project.view")
def designation_list(request):
    can_manage = policy.allows(request.user, "project.manage") and policy.sees_all(request.user)
    return render(request, "projects/designation_list.html",
                  {"designations": Designation.objects.all(), "can_manage": can_manage})  # fmt: skip


@policy.permission("project.manage")
def designation_form(request, code=None):
    guards.require_city_manager(request.user)
    designation = get_object_or_404(Designation, code=code) if code else None
    initial = {"code": designation.code, "name": designation.name, "sort_order": designation.sort_order} if (
        designation) else {}  # fmt: skip
    form = DesignationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if designation:
                batches.designation_update(actor=request.user, designation=designation, **form.cleaned_data)
            else:
                batches.designation_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已保存标签“%(name)s”。") % form.cleaned_data)
            return redirect("projects:designation_list")
    return render(request, "projects/designation_form.html", {"form": form, "designation": designation})


@policy.permission("project.view")
def node_template_list(request):
    can_manage = policy.allows(request.user, "project.manage") and policy.sees_all(request.user)
    templates = NodeTemplate.objects.prefetch_related("items")
    return render(request, "projects/template_list.html", {"templates": templates, "can_manage": can_manage})


@policy.permission("project.manage")
def node_template_form(request, code=None):
    guards.require_city_manager(request.user)
    template = get_object_or_404(NodeTemplate, code=code) if code else None
    form = NodeTemplateForm(request.POST or None, initial=NodeTemplateForm.initial_for(template) if template else {})
    if request.method == "POST" and form.is_valid():
        try:
            if template:
                milestones.node_template_update(actor=request.user, template=template, **form.cleaned_data)
            else:
                milestones.node_template_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已保存节点模板“%(name)s”。") % form.cleaned_data)
            return redirect("projects:node_template_list")
    return render(request, "projects/template_form.html", {"form": form, "template": template})


urlpatterns = [
    path("batches/", batch_list, name="batch_list"),
    path("batches/new/", batch_create, name="batch_create"),
    path("batches/<str:code>/", batch_detail, name="batch_detail"),
    path("batches/<str:code>/edit/", batch_edit, name="batch_edit"),
    path("designations/", designation_list, name="designation_list"),
    path("designations/new/", designation_form, name="designation_create"),
    path("designations/<str:code>/edit/", designation_form, name="designation_edit"),
    path("node-templates/", node_template_list, name="node_template_list"),
    path("node-templates/new/", node_template_form, name="node_template_create"),
    path("node-templates/<str:code>/edit/", node_template_form, name="node_template_edit"),
]
