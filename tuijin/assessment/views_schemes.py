"""Scheme pages of the assessment: the list, the editor, publishing, computing, bonuses.

Thin: parse, call a service, render or redirect. Every lookup goes through `queries`, which
applies the scope; writes are refused by the services for anyone but the scheme's manager (a
supervisor whose scope holds every unit of the scheme's ranking group).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuijin.assessment import explain, forms, queries, services
from tuijin.assessment.models import Bonus, RuleKind, SchemeStatus
from tuijin.core.forms import apply_validation_error
from tuijin.indicators import analytics
from tuijin.orgs import policy

BLANK_ROWS = 3


def _error_text(exc: ValidationError) -> str:
    return "；".join(exc.messages)


# --- schemes ---------------------------------------------------------------------------------


@policy.permission("assessment.view")
def scheme_list(request):
    schemes = queries.schemes_for(request.user)
    year = request.GET.get("year", "")
    if year.isdigit():
        schemes = schemes.filter(year=int(year))
    context = {
        "schemes": schemes, "year": year,
        "can_create": policy.allows(request.user, "assessment.manage"),
    }  # fmt: skip
    template = "assessment/scheme_list.html#results" if request.htmx else "assessment/scheme_list.html"
    return render(request, template, context)


def _manageable_groups(user):
    return [g for g in analytics.groups_for(user) if services.can_manage(user, g)]


@policy.permission("assessment.manage")
def scheme_create(request):
    groups = _manageable_groups(request.user)
    queryset = analytics.groups_for(request.user).filter(pk__in=[g.pk for g in groups])
    form = forms.SchemeForm(request.POST or None, groups=queryset, initial={"year": forms.this_year()})
    if request.method == "POST" and form.is_valid():
        try:
            scheme = services.scheme_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已新建考核方案，请添加考核项目。"))
            return redirect("assessment:scheme_detail", pk=scheme.pk)
    return render(request, "assessment/scheme_form.html", {"form": form})


def _editor_rows(scheme, post=None, errors=None) -> list[dict]:
    """The editor's rows: the items (or what was posted), then blank rows for new items."""
    errors = errors or {}
    rows = []
    items = list(scheme.items.select_related("indicator"))
    count = len(items) + BLANK_ROWS
    if post is not None:
        count = int(post.get("rows", count)) if str(post.get("rows", "")).isdigit() else count
    for index in range(count):
        item = items[index] if index < len(items) and post is None else None
        if post is not None:
            values = {name: post.get(f"items-{index}-{name}", "") for name in (*forms.ROW_FIELDS, "id", "delete")}
        elif item is not None:
            values = {
                "id": item.pk, "order": item.order, "name": item.name, "kind": item.kind,
                "indicator": item.indicator.code if item.indicator else "", "description": item.description,
                **{n: explain.plain(getattr(item, n)) if getattr(item, n) is not None else ""
                   for n in forms.DECIMAL_FIELDS},
            }  # fmt: skip
        else:
            values = {"order": index + 1}
        row_errors = {}
        for key, value in errors.items():
            position, _sep, name = key.partition(".")
            if position == str(index):
                row_errors["row" if name == "__all__" else name] = value
        rows.append({"index": index, "values": values, "errors": row_errors})
    return rows


def _scheme_context(request, scheme, **extra) -> dict:
    can_manage = services.can_manage(request.user, scheme.group)
    results = queries.results_for(request.user, scheme)
    latest = results.order_by("-computed_at").first()
    return {
        "scheme": scheme, "can_manage": can_manage,
        "editable": can_manage and scheme.status == SchemeStatus.DRAFT,
        "kinds": RuleKind.choices, "indicators": analytics.group_indicators(scheme.group),
        "weight_total": scheme.items.aggregate(s=Sum("weight"))["s"] or 0,
        "rows": extra.pop("rows", None) or _editor_rows(scheme),
        "bonuses": Bonus.objects.visible_to(request.user).filter(item__scheme=scheme).select_related(
            "item", "unit", "entered_by"
        ),
        "bonus_form": forms.BonusForm(scheme=scheme),
        "compute_form": forms.ComputeForm(initial={"month": latest.month if latest else 12}),
        "publish_form": forms.PublishResultsForm(initial={"version": scheme.version}),
        "has_results": latest is not None, "stale": latest is not None and services.is_stale(scheme, latest),
        "published_results": scheme.status == SchemeStatus.LOCKED,
        **extra,
    }  # fmt: skip


@policy.permission("assessment.view")
def scheme_detail(request, pk):
    """The scheme and, for its manager while a draft, the editor of its items."""
    scheme = queries.scheme_or_404(request.user, pk)
    return render(request, "assessment/scheme_detail.html", _scheme_context(request, scheme))


@require_POST
@policy.permission("assessment.manage")
def scheme_items_save(request, pk):
    scheme = queries.scheme_or_404(request.user, pk)
    indicators = {i.code: i for i in analytics.group_indicators(scheme.group)}
    rows, errors = [], {}
    count = int(request.POST["rows"]) if request.POST.get("rows", "").isdigit() else 0
    for index in range(min(count, 200)):
        fields, item_pk, delete, row_errors = forms.parse_row(request.POST, index, indicators)
        errors.update({f"{index}.{name}": messages_ for name, messages_ in row_errors.items()})
        if fields or delete:
            rows.append((index, services.ItemRow(fields=fields, pk=item_pk, delete=delete)))
    version = request.POST.get("version", "")
    if not errors:
        try:
            services.items_save(actor=request.user, scheme=scheme, rows=[r for _, r in rows],
                                expected_version=int(version) if version.isdigit() else None)  # fmt: skip
        except ValidationError as exc:
            errors = _renumber(exc, [i for i, _ in rows])
        else:
            messages.success(request, _("已保存考核项目。"))
            return redirect("assessment:scheme_detail", pk=scheme.pk)
    context = _scheme_context(
        request, scheme, rows=_editor_rows(scheme, request.POST, errors), general_errors=errors.get("__all__")
    )
    return render(request, "assessment/scheme_detail.html", context, status=400)


def _renumber(exc: ValidationError, indexes: list[int]) -> dict[str, list[str]]:
    """Service errors name the position among the saved rows; the page names the editor row."""
    if not hasattr(exc, "error_dict"):
        return {"__all__": exc.messages}
    out = {}
    for key, value in exc.message_dict.items():
        position, _sep, name = key.partition(".")
        if position.isdigit() and int(position) < len(indexes):
            out[f"{indexes[int(position)]}.{name}"] = value
        else:
            out["__all__"] = out.get("__all__", []) + value
    return out


@policy.permission("assessment.manage")
def scheme_edit(request, pk):
    scheme = queries.scheme_or_404(request.user, pk)
    services.require_manager(request.user, scheme.group)
    initial = {"name": scheme.name, "description": scheme.description, "version": scheme.version}
    form = forms.SchemeEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.scheme_update(actor=request.user, scheme=scheme, expected_version=data.pop("version"), **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已保存方案。"))
            return redirect("assessment:scheme_detail", pk=scheme.pk)
    return render(request, "assessment/scheme_form.html", {"form": form, "scheme": scheme})


def _transition(request, pk, action) -> object:
    scheme = queries.scheme_or_404(request.user, pk)
    version = request.POST.get("version", "")
    try:
        return action(scheme, int(version) if version.isdigit() else None)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect("assessment:scheme_detail", pk=scheme.pk)


@require_POST
@policy.permission("assessment.manage")
def scheme_publish(request, pk):
    def publish(scheme, version):
        services.scheme_publish(actor=request.user, scheme=scheme, expected_version=version)
        messages.success(request, _("方案已发布，考核项目不能再修改。"))
        return redirect("assessment:scheme_detail", pk=scheme.pk)

    return _transition(request, pk, publish)


@require_POST
@policy.permission("assessment.manage")
def scheme_new_version(request, pk):
    def copy(scheme, version):
        new = services.scheme_new_version(actor=request.user, scheme=scheme)
        messages.success(request, _("已新建第 %(n)s 版（草稿），考核项目和加分记录已复制。") % {"n": new.version_no})
        return redirect("assessment:scheme_detail", pk=new.pk)

    return _transition(request, pk, copy)


@require_POST
@policy.permission("assessment.manage")
def scheme_compute(request, pk):
    scheme = queries.scheme_or_404(request.user, pk)
    form = forms.ComputeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写 1 到 12 之间的数据月份。"))
        return redirect("assessment:scheme_detail", pk=scheme.pk)
    try:
        services.results_compute(actor=request.user, scheme=scheme, month=form.cleaned_data["month"])
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("assessment:scheme_detail", pk=scheme.pk)
    messages.success(request, _("已按 %(m)s 月数据计算考核结果。") % {"m": form.cleaned_data["month"]})
    return redirect("assessment:results", pk=scheme.pk)


@require_POST
@policy.permission("assessment.manage")
def results_publish(request, pk):
    scheme = queries.scheme_or_404(request.user, pk)
    form = forms.PublishResultsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写申诉截止日。"))
        return redirect("assessment:scheme_detail", pk=scheme.pk)
    try:
        services.results_publish(
            actor=request.user, scheme=scheme, objection_deadline=form.cleaned_data["objection_deadline"],
            expected_version=form.cleaned_data["version"],
        )  # fmt: skip
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("assessment:scheme_detail", pk=scheme.pk)
    messages.success(request, _("考核结果已公布并通知各单位，方案已锁定。"))
    return redirect("assessment:results", pk=scheme.pk)


@require_POST
@policy.permission("assessment.manage")
def bonus_add(request, pk):
    scheme = queries.scheme_or_404(request.user, pk)
    form = forms.BonusForm(request.POST, request.FILES, scheme=scheme)
    if form.is_valid():
        try:
            services.bonus_add(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已录入加分。"))
            return redirect("assessment:scheme_detail", pk=scheme.pk)
    context = _scheme_context(request, scheme, bonus_form=form)
    return render(request, "assessment/scheme_detail.html", context, status=400)


@require_POST
@policy.permission("assessment.manage")
def bonus_delete(request, pk):
    bonus = get_object_or_404(Bonus.objects.select_related("item__scheme__group"), pk=pk)
    scheme = queries.scheme_or_404(request.user, bonus.item.scheme_id)
    try:
        services.bonus_delete(actor=request.user, bonus=bonus)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("已删除加分记录。"))
    return redirect("assessment:scheme_detail", pk=scheme.pk)


urlpatterns = [
    path("", scheme_list, name="scheme_list"),
    path("schemes/new/", scheme_create, name="scheme_create"),
    path("schemes/<int:pk>/", scheme_detail, name="scheme_detail"),
    path("schemes/<int:pk>/edit/", scheme_edit, name="scheme_edit"),
    path("schemes/<int:pk>/items/", scheme_items_save, name="scheme_items_save"),
    path("schemes/<int:pk>/publish/", scheme_publish, name="scheme_publish"),
    path("schemes/<int:pk>/new-version/", scheme_new_version, name="scheme_new_version"),
    path("schemes/<int:pk>/compute/", scheme_compute, name="scheme_compute"),
    path("schemes/<int:pk>/bonuses/", bonus_add, name="bonus_add"),
    path("bonuses/<int:pk>/delete/", bonus_delete, name="bonus_delete"),
    path("schemes/<int:pk>/results/publish/", results_publish, name="results_publish"),
]
