"""Configuration pages: the indicator catalogue, targets, the reporting calendar, Excel in and out.

Thin: parse, call a service (catalogue, imports, uploads), render or redirect.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuijin.audit.models import AuditAction
from tuijin.audit.services import record
from tuijin.core.excel import xlsx_response
from tuijin.core.forms import apply_validation_error
from tuijin.indicators import excel, import_tasks, periods, queries_config
from tuijin.indicators.forms_config import (
    EntryUploadForm,
    IndicatorForm,
    KeyWorkForm,
    PeriodForm,
    ReportingRuleForm,
    UploadForm,
    this_year,
)
from tuijin.indicators.models import ImportBatch, Indicator, KeyWork, Kind, ReportingRule
from tuijin.indicators.services import catalogue, uploads
from tuijin.orgs import policy
from tuijin.orgs.models import Unit

PAGE_SIZE = 25


# --- the catalogue -------------------------------------------------------------------------


@policy.permission("indicator.view")
def indicator_list(request):
    filters = {name: request.GET.get(name, "") for name in ("key_work", "kind", "active")}
    context = {
        "indicators": queries_config.indicators_for(**filters),
        "key_works": queries_config.key_works(), "kinds": Kind.choices, **filters,
        "can_manage": policy.allows(request.user, "indicator.manage") and policy.sees_all(request.user),
    }  # fmt: skip
    template = "indicators/indicator_list.html#results" if request.htmx else "indicators/indicator_list.html"
    return render(request, template, context)


@policy.permission("indicator.manage")
def indicator_create(request):
    catalogue.require_catalogue_manager(request.user)
    form = IndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            indicator = catalogue.indicator_create(actor=request.user, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已新建指标“%(name)s”。") % {"name": indicator.name})
            return redirect("indicators:indicator_list")
    return render(request, "indicators/indicator_form.html", {"form": form, "creating": True})


@policy.permission("indicator.manage")
def indicator_edit(request, code):
    catalogue.require_catalogue_manager(request.user)
    indicator = get_object_or_404(Indicator, code=code)
    form = IndicatorForm(request.POST or None, initial=IndicatorForm.initial_for(indicator))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            catalogue.indicator_update(
                actor=request.user, indicator=indicator, expected_version=data.pop("version"), **data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已保存指标“%(name)s”。") % {"name": data["name"]})
            return redirect("indicators:indicator_list")
    return render(request, "indicators/indicator_form.html", {"form": form, "indicator": indicator})


@require_POST
@policy.permission("indicator.manage")
def indicator_deactivate(request, code):
    indicator = get_object_or_404(Indicator, code=code)
    catalogue.indicator_deactivate(actor=request.user, indicator=indicator)
    messages.success(request, _("已停用指标“%(name)s”，历史数据保留。") % {"name": indicator.name})
    return redirect("indicators:indicator_list")


@policy.permission("indicator.manage")
def keywork_form(request, code=None):
    catalogue.require_catalogue_manager(request.user)
    key_work = get_object_or_404(KeyWork, code=code) if code else None
    initial = {"code": key_work.code, "name": key_work.name, "sort_order": key_work.sort_order} if key_work else {}
    form = KeyWorkForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if key_work:
                catalogue.keywork_update(actor=request.user, key_work=key_work, **form.cleaned_data)
            else:
                catalogue.keywork_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已保存重点工作“%(name)s”。") % {"name": form.cleaned_data["name"]})
            return redirect("indicators:indicator_list")
    return render(request, "indicators/config_keywork_form.html", {"form": form, "key_work": key_work})


# --- the reporting calendar ----------------------------------------------------------------


@policy.permission("indicator.manage")
def reporting_calendar(request):
    year = this_year()
    form = ReportingRuleForm(request.POST or None, initial={"year": year, "deadline_day": periods.deadline_day(year)})
    if request.method == "POST" and form.is_valid():
        try:
            catalogue.reporting_rule_set(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已保存 %(year)d 年的填报截止日。") % form.cleaned_data)
            return redirect("indicators:reporting_calendar")
    shown = form.cleaned_data["year"] if form.is_bound and form.is_valid() else year
    today = timezone.localdate()
    context = {
        "form": form, "rules": ReportingRule.objects.order_by("-year"), "year": shown,
        "deadlines": [(m, day, day is not None and today > day) for m, day in periods.deadlines(shown).items()],
        "can_manage": policy.sees_all(request.user), "deadline_rule": periods.deadline_rule(),
    }  # fmt: skip
    return render(request, "indicators/config_calendar.html", context)


# --- targets -------------------------------------------------------------------------------


def _grid_for(request, data) -> queries_config.TargetGrid | None:
    groups = queries_config.groups_for(request.user)
    if not groups:
        return None
    code = data.get("group") or groups[0].code
    group = next((g for g in groups if g.code == code), None)
    if group is None:
        raise Http404
    year = PeriodForm(data).period((this_year(), 1))[0]
    return queries_config.target_grid(request.user, year, group)


@policy.permission("target.manage")
def targets(request):
    data = request.POST if request.method == "POST" else request.GET
    grid = _grid_for(request, data)
    errors, posted = {}, {}
    if request.method == "POST" and grid is not None:
        cells, posted = _posted_cells(request.POST, grid)
        try:
            result = catalogue.targets_grid_save(actor=request.user, year=grid.year, cells=cells)
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            messages.success(request, _("已保存：新增 %(c)d 项，修改 %(u)d 项，清除 %(d)d 项。") % {
                "c": result.created, "u": result.updated, "d": result.deleted,
            })  # fmt: skip
            grid, posted = queries_config.target_grid(request.user, grid.year, grid.group), {}
    context = {
        "grid": grid, "rows": _grid_rows(grid, errors, posted) if grid else [], "errors": errors,
        "groups": queries_config.groups_for(request.user), "years": range(this_year() - 2, this_year() + 2),
    }  # fmt: skip
    template = "indicators/target_grid.html#grid" if request.htmx else "indicators/target_grid.html"
    # htmx swaps only 2xx answers: the fragment with the errors comes back as 200.
    return render(request, template, context, status=400 if errors and not request.htmx else 200)


def _cell_name(prefix: str, unit: Unit, indicator: Indicator) -> str:
    return f"{prefix}-{unit.pk}-{indicator.pk}"


def _posted_cells(post, grid) -> tuple[list[catalogue.TargetCell], dict]:
    """The cells whose value or 上半年 milestone differs from what the page showed."""
    cells, posted = [], {}
    for unit, indicator in grid.pairs():
        value = post.get(_cell_name("v", unit, indicator), "").strip()
        half = post.get(_cell_name("m", unit, indicator), "").strip()
        posted[(unit.pk, indicator.pk)] = (value, half)
        if (value, half) == (
            post.get(_cell_name("ov", unit, indicator), ""),
            post.get(_cell_name("om", unit, indicator), ""),
        ):
            continue
        target = grid.targets.get((unit.pk, indicator.pk))
        milestones = dict(target.milestones) if target else {}
        milestones.pop("6", None)
        if half:
            milestones["6"] = half
        version = post.get(_cell_name("ver", unit, indicator), "")
        cells.append(
            catalogue.TargetCell(
                unit=unit,
                indicator=indicator,
                value=value or None,
                milestones=milestones,
                version=int(version) if version.isdigit() else None,
            )
        )
    return cells, posted


def _grid_rows(grid, errors: dict, posted: dict) -> list[dict]:
    rows = []
    for unit in grid.units:
        cells = []
        for indicator in grid.indicators:
            target = grid.targets.get((unit.pk, indicator.pk))
            shown_value = "" if target is None else f"{target.value.normalize():f}"
            shown_half = (target.milestones or {}).get("6", "") if target else ""
            value, half = posted.get((unit.pk, indicator.pk), (shown_value, shown_half))
            cells.append({
                "indicator": indicator, "target": target, "value": value, "half": half,
                "original_value": shown_value, "original_half": shown_half,
                "errors": errors.get(f"{unit.code}:{indicator.code}", []),
                "suffix": f"{unit.pk}-{indicator.pk}",
            })  # fmt: skip
        rows.append({"unit": unit, "cells": cells})
    return rows


@policy.permission("target.manage")
def targets_workbook(request):
    grid = _grid_for(request, request.GET)
    if grid is None:
        raise Http404
    wb = excel.targets_workbook(year=grid.year, pairs=grid.pairs(), targets=grid.targets)
    return xlsx_response(wb, f"targets-{grid.group.code}-{grid.year}.xlsx")


# --- Excel: templates and the all-units workbook -------------------------------------------


def _template_unit(request) -> Unit:
    """Reporters get their own unit's template; supervisors any unit in their scope."""
    code = request.GET.get("unit") or getattr(request.user.unit, "code", "")
    unit = policy.get_in_scope_or_404(Unit.objects.all(), request.user, None, code=code)
    if unit.pk != request.user.unit_id and not policy.allows(request.user, "report.import", unit):
        raise PermissionDenied(_("只能下载本单位的填报模板。"))
    return unit


@policy.permission("report.view")
def template_download(request):
    unit = _template_unit(request)
    year, month = PeriodForm(request.GET).period(periods.current_period())
    wb = excel.entry_template(
        unit=unit, year=year, month=month, deadline=periods.deadline(year, month),
        indicators=queries_config.template_indicators(unit, month),
        reports=queries_config.unit_reports(unit, year, month),
    )  # fmt: skip
    return xlsx_response(wb, f"{unit.code}-{year}-{month:02d}.xlsx")


@policy.permission("report.fill")
def template_upload(request):
    year, month = PeriodForm(request.POST or request.GET).period(periods.current_period())
    form = EntryUploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > excel.MAX_UPLOAD_BYTES:
            errors = uploads.file_error(_("文件超过 20 MB。"))
        else:
            errors = uploads.entry_template_upload(
                actor=request.user, unit=request.user.unit, year=year, month=month, data=upload.read()
            )
        if not errors:
            messages.success(request, _("已按模板保存 %(y)d年%(m)d月的草稿，请核对后报送。") % {"y": year, "m": month})
            return redirect(f"{reverse('indicators:fill')}?year={year}&month={month}")
    context = {"form": form, "year": year, "month": month, "errors": errors}
    return render(request, "indicators/import_template.html", context, status=400 if errors else 200)


@policy.permission("report.import")
def workbook_download(request):
    year, month = PeriodForm(request.GET).period(periods.current_period())
    pairs = queries_config.workbook_pairs(request.user, month)
    reports = queries_config.period_reports(list({u for u, _ in pairs}), year, month)
    wb = excel.all_units_workbook(year=year, month=month, pairs=pairs, reports=reports)
    record(
        actor=request.user, action=AuditAction.EXPORT, object_type="indicators.report",
        object_repr=f"{year}-{month:02d}", note=_("下载全部单位填报工作簿"),
    )  # fmt: skip
    return xlsx_response(wb, f"all-units-{year}-{month:02d}.xlsx")


# --- the supervisor's import ---------------------------------------------------------------


@policy.permission("report.import")
def import_upload(request):
    form = UploadForm(request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind", "reports")})
    errors, status = [], 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > excel.MAX_UPLOAD_BYTES:
            outcome = uploads.UploadOutcome(errors=uploads.file_error(_("文件超过 20 MB，请拆分后再上传。")))
        else:
            try:
                outcome = uploads.workbook_import(
                    actor=request.user, kind=form.cleaned_data["kind"], data=upload.read(),
                    file_name=upload.name, reason=form.cleaned_data["reason"],
                )  # fmt: skip
            except PermissionDenied as exc:
                outcome, status = uploads.UploadOutcome(errors=uploads.file_error(str(exc))), 403
        if outcome.batch is not None:
            return redirect("indicators:import_batch", pk=outcome.batch.pk)
        if outcome.result is not None:
            _result_message(request, outcome)
            return redirect("indicators:import_batch", pk=outcome.result.batch.pk)
        errors, status = outcome.errors, status if status != 200 else 400
    context = {
        "form": form, "errors": errors, "period": periods.current_period(),
        "recent": queries_config.batches_for(request.user)[:5],
    }  # fmt: skip
    return render(request, "indicators/import_upload.html", context, status=status)


def _result_message(request, outcome: uploads.UploadOutcome) -> None:
    result = outcome.result
    if outcome.already_imported:
        messages.info(request, _("该文件已导入过，未作更改。"))
        return
    messages.success(request, _("导入完成：新增 %(c)d 行，修改 %(u)d 行，未变 %(n)d 行。") % {
        "c": result.created, "u": result.updated, "n": result.unchanged,
    })  # fmt: skip


@policy.permission("report.import")
def import_batch(request, pk):
    batch = get_object_or_404(queries_config.batches_for(request.user), pk=pk)
    if batch.status == ImportBatch.Status.RUNNING:
        # A worker that died leaves its batch running: the page watching it is where that shows.
        import_tasks.imports_recover()
        batch.refresh_from_db()
    template = "indicators/import_batch.html#progress" if request.htmx else "indicators/import_batch.html"
    context = {"batch": batch, "running": batch.status in (ImportBatch.Status.PENDING, ImportBatch.Status.RUNNING)}
    return render(request, template, context)


@policy.permission("report.import")
def import_batches(request):
    batches = queries_config.batches_for(request.user)
    page_obj = Paginator(batches, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "indicators/import_list.html", {"page_obj": page_obj})


urlpatterns = [
    path("config/indicators/", indicator_list, name="indicator_list"),
    path("config/indicators/new/", indicator_create, name="indicator_create"),
    path("config/indicators/<str:code>/edit/", indicator_edit, name="indicator_edit"),
    path("config/indicators/<str:code>/deactivate/", indicator_deactivate, name="indicator_deactivate"),
    path("config/key-works/new/", keywork_form, name="keywork_create"),
    path("config/key-works/<str:code>/edit/", keywork_form, name="keywork_edit"),
    path("config/calendar/", reporting_calendar, name="reporting_calendar"),
    path("config/targets/", targets, name="targets"),
    path("config/targets/workbook/", targets_workbook, name="targets_workbook"),
    path("config/template/", template_download, name="template_download"),
    path("config/template/upload/", template_upload, name="template_upload"),
    path("config/workbook/", workbook_download, name="workbook_download"),
    path("config/imports/", import_batches, name="import_batches"),
    path("config/imports/upload/", import_upload, name="import_upload"),
    path("config/imports/<int:pk>/", import_batch, name="import_batch"),
]
