"""Result pages of the assessment: the ranking, the drill-down, objections and adjustments, exports.

Thin: parse, call a service, render or redirect. Results are read through `queries` (scoped:
a unit's own people see its published result); writes are refused by the services for anyone
but the scheme's manager or, for objections, the people of the unit itself.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuijin.assessment import explain, exports, forms, queries, services
from tuijin.assessment.models import ObjectionStatus
from tuijin.audit.models import AuditAction
from tuijin.audit.services import record
from tuijin.core import uploads
from tuijin.core.docx_layout import docx_response
from tuijin.core.downloads import protected_file_response
from tuijin.core.excel import xlsx_response
from tuijin.core.forms import apply_validation_error
from tuijin.orgs import policy

# --- results ---------------------------------------------------------------------------------


@policy.permission("assessment.view")
def results(request, pk):
    scheme = queries.scheme_or_404(request.user, pk)
    table = queries.results_table(request.user, scheme)
    ranking = exports.ranking_table(table)
    links = [reverse("assessment:result_detail", args=[r.result.pk]) for r in table.rows]
    context = {
        "scheme": scheme, "table": table, "ranking": ranking, "rows": list(zip(ranking.rows, links, strict=True)),
        "can_manage": services.can_manage(request.user, scheme.group),
    }  # fmt: skip
    return render(request, "assessment/results.html", context)


def _lines_with_words(result) -> list[dict]:
    adjustments: dict[int | None, list] = {}
    for adjustment in result.adjustments.all():
        adjustments.setdefault(adjustment.item_id, []).append(adjustment)
    return [
        {"line": line, "explained": explain.describe_line(line), "adjustments": adjustments.get(line.item_id, [])}
        for line in result.lines.all()
    ]


@policy.permission("assessment.view")
def result_detail(request, pk):
    """The drill-down: every point of one unit's result, with adjustments and objections."""
    return _detail_response(request, queries.result_or_404(request.user, pk))


def _detail_response(request, result, **forms_):
    """The drill-down page; a form passed in (with its errors) replaces the blank one, status 400."""
    scheme = result.scheme
    can_manage = services.can_manage(request.user, scheme.group)
    refusal = services.objection_refusal(request.user, result)
    pending = next((o for o in result.objections.all() if o.status == ObjectionStatus.PENDING), None)
    context = {
        "result": result, "scheme": scheme, "lines": _lines_with_words(result), "can_manage": can_manage,
        "whole_adjustments": [a for a in result.adjustments.all() if a.item_id is None],
        "can_object": refusal is None and pending is None, "objection_refusal": refusal, "pending": pending,
        "objection_form": forms_.get("objection_form") or forms.ObjectionForm(scheme=scheme),
        "adjustment_form": forms_.get("adjustment_form")
        or forms.AdjustmentForm(scheme=scheme, initial={"version": result.version}),
        "decide_form": forms_.get("decide_form")
        or forms.DecideForm(initial={"version": pending.version if pending else None}),
        "stale": services.is_stale(scheme, result),
    }  # fmt: skip
    return render(request, "assessment/result_detail.html", context, status=400 if forms_ else 200)


@require_POST
@policy.permission("assessment.object")
def objection_file(request, pk):
    result = queries.result_or_404(request.user, pk)
    form = forms.ObjectionForm(request.POST, scheme=result.scheme)
    if form.is_valid():
        try:
            services.objection_file(actor=request.user, result=result, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("申诉已提交，请等待督查员处理。"))
            return redirect("assessment:result_detail", pk=result.pk)
    return _detail_response(request, result, objection_form=form)


@require_POST
@policy.permission("assessment.manage")
def objection_decide(request, pk, objection_pk):
    result = queries.result_or_404(request.user, pk)
    objection = next((o for o in result.objections.all() if o.pk == objection_pk), None)
    if objection is None:
        raise Http404
    form = forms.DecideForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.objection_decide(
                actor=request.user, objection=objection, accept=data["decision"] == "accept",
                response=data["response"], points=data["points"], expected_version=data["version"],
            )  # fmt: skip
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已处理申诉。"))
            return redirect("assessment:result_detail", pk=result.pk)
    return _detail_response(request, result, decide_form=form)


@require_POST
@policy.permission("assessment.manage")
def adjustment_add(request, pk):
    result = queries.result_or_404(request.user, pk)
    form = forms.AdjustmentForm(request.POST, scheme=result.scheme)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.adjustment_add(
                actor=request.user, result=result, item=data["item"], points=data["points"],
                reason=data["reason"], expected_version=data["version"],
            )  # fmt: skip
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已记录分值调整。"))
            return redirect("assessment:result_detail", pk=result.pk)
    return _detail_response(request, result, adjustment_form=form)


@policy.permission("assessment.manage")
def objection_list(request):
    objections = queries.pending_objections(request.user).order_by("filed_at")
    return render(request, "assessment/objection_list.html", {"objections": objections})


@policy.permission("assessment.view")
def bonus_attachment(request, pk):
    """The evidence file of a bonus, as the drill-down links it."""
    bonus = queries.bonus_attachment_or_404(request.user, pk)
    name = PurePosixPath(bonus.attachment.name).name
    # Files stored before the content check kept the uploader's name (even ".html"): the type
    # comes only from the kinds the check accepts, anything else is an opaque download.
    kind = uploads.by_extension(PurePosixPath(name).suffix.lstrip("."))
    content_type = kind.content_type if kind else "application/octet-stream"
    response = protected_file_response(bonus.attachment, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- exports ---------------------------------------------------------------------------------


def _export_data(request, pk):
    scheme = queries.scheme_or_404(request.user, pk)
    table = queries.results_table(request.user, scheme)
    if not table.rows:
        raise Http404(_("尚无考核结果。"))
    lines = exports.lines_for([r.result for r in table.rows])
    record(actor=request.user, action=AuditAction.EXPORT, obj=scheme, note=_("导出考核结果"))
    return scheme, table, lines


@policy.permission("assessment.view")
def results_xlsx(request, pk):
    scheme, table, lines = _export_data(request, pk)
    return xlsx_response(exports.workbook(table, lines), f"assessment-{scheme.year}-{scheme.group.code}.xlsx")


@policy.permission("assessment.view")
def results_docx(request, pk):
    scheme, table, lines = _export_data(request, pk)
    return docx_response(exports.report(table, lines), f"assessment-{scheme.year}-{scheme.group.code}.docx")


urlpatterns = [
    path("schemes/<int:pk>/results/", results, name="results"),
    path("schemes/<int:pk>/results.xlsx", results_xlsx, name="results_xlsx"),
    path("schemes/<int:pk>/results.docx", results_docx, name="results_docx"),
    path("results/<int:pk>/", result_detail, name="result_detail"),
    path("results/<int:pk>/objections/", objection_file, name="objection_file"),
    path("results/<int:pk>/objections/<int:objection_pk>/decide/", objection_decide, name="objection_decide"),
    path("results/<int:pk>/adjustments/", adjustment_add, name="adjustment_add"),
    path("objections/", objection_list, name="objection_list"),
    path("bonuses/<int:pk>/attachment/", bonus_attachment, name="bonus_attachment"),
]
