"""Pages of monthly reporting: the form, the inbox, missing reports, rules (corrections: views_corrections).

Thin: parse, call a service, render or redirect. Every object is fetched through the policy's
scope (outside it, it does not exist); the services check the role and unit again.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuijin.core import text
from tuijin.core.forms import apply_validation_error
from tuijin.core.html import filters_set
from tuijin.core.params import int_or_none
from tuijin.indicators import periods, queries, validation
from tuijin.indicators.forms_reporting import RuleForm
from tuijin.indicators.models import Submission, SubmissionStatus, ValidationRule
from tuijin.indicators.services import reminders, reporting
from tuijin.indicators.services import rules as rule_services
from tuijin.orgs import policy
from tuijin.orgs.models import Unit

PAGE_SIZE = 25


def _period(params) -> tuple[int, int]:
    """(year, month) from the query or form, the current reporting period by default."""
    if not params.get("year") and not params.get("month"):
        return periods.current_period()
    try:
        year, month = int(params.get("year", "")), int(params.get("month", ""))
        periods.validate_period(year, month)
    except (ValueError, ValidationError):
        raise Http404 from None
    return year, month


def own_unit(request) -> Unit:
    if request.user.unit is None:
        raise PermissionDenied(_("您的账号尚未归属单位。"))
    return request.user.unit


def fill_url(year: int, month: int) -> str:
    return f"{reverse('indicators:fill')}?year={year}&month={month}"


# --- the monthly form ------------------------------------------------------------------------------


def _parse_number(raw: str) -> Decimal | None:
    raw = (raw or "").strip().replace(",", "").replace("，", "")
    if not raw:
        return None
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise ValidationError(_("请输入数字。")) from None
    if not number.is_finite():
        raise ValidationError(_("请输入数字。"))
    return number


def _posted(post, rows: list[queries.FormRow]) -> tuple[dict, dict[str, list[str]]]:
    """The posted (value, last year, remark) by indicator id, and parse errors by code."""
    data, errors = {}, {}
    for row in rows:
        pk = row.indicator.pk
        if not row.fillable or f"value-{pk}" not in post:
            continue
        try:
            value, last = _parse_number(post.get(f"value-{pk}")), _parse_number(post.get(f"last-{pk}"))
            remark = text.posted(post, f"remark-{pk}", _("说明"), multiline=False).strip()
        except ValidationError as exc:
            errors[row.indicator.code] = exc.messages
            continue
        data[pk] = (value, last, remark)
    return data, errors


def _fill_context(request, unit, year, month, rows, submission, errors=None, *, refused=False) -> dict:
    """`refused`: a hand-in was just refused, so every missing value is named; before that, an
    empty box is not an error yet (nobody has typed anything)."""
    queries.check_rows(rows)
    errors = errors or {}
    for row in rows:
        if not refused:
            row.findings = [f for f in row.findings if f.code != validation.REQUIRED]
        shown = {f.text for f in row.findings}
        row.errors = [e for e in errors.get(row.indicator.code, []) if e not in shown]  # each message once
    locked = periods.is_locked(year, month)
    # 最多报一次: a unit whose every due figure comes from the project library is asked nothing.
    fed_only = bool(rows) and not any(row.fillable for row in rows)
    editable = not locked and not fed_only and (submission is None or submission.status in reporting.EDITABLE_STATUSES)
    return {
        "unit": unit, "year": year, "month": month, "rows": rows, "submission": submission,
        "version": submission.version if submission else 0, "locked": locked, "editable": editable,
        "fed_only": fed_only,
        "deadline": periods.deadline(year, month), "form_errors": errors.get("__all__", []),
        "previous": periods.previous_period(year, month), "next": _next_period(year, month),
        "pending": queries.pending_corrections(unit, year, month) if locked else {},
    }  # fmt: skip


def _next_period(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


@policy.permission("report.fill")
def fill(request):
    unit = own_unit(request)
    year, month = _period(request.POST if request.method == "POST" else request.GET)
    submission = queries.own_submission(unit, year, month)
    rows = queries.form_rows(unit, year, month)
    errors, saved = {}, None
    if request.method == "POST":
        data, errors = _posted(request.POST, rows)
        queries.apply_input(rows, data)
        if not errors:
            try:
                saved = _save_draft(request, unit, year, month, rows, data)
                return _submit_or_back(request, saved)
            except ValidationError as exc:
                errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        submission = queries.own_submission(unit, year, month)
    refused = saved is not None  # the draft was saved, the hand-in refused
    context = _fill_context(request, unit, year, month, rows, submission, errors, refused=refused)
    if refused:
        context["form_errors"] = [_refusal(errors), *context["form_errors"]]
    elif request.method == "POST":
        context["version"] = request.POST.get("version")  # a stale form stays stale until reloaded
    return render(request, "indicators/fill.html", context, status=400 if errors else 200)


def _refusal(errors: dict) -> str:
    rows = len([code for code in errors if code != "__all__"])
    if rows:
        return _("未能提交：%(n)d 项指标未通过校验（见下表“校验”列）。已填的数值已存为草稿，改正后请再次提交。") % {
            "n": rows
        }
    return _("未能提交，已填的数值已存为草稿。")


def _save_draft(request, unit, year, month, rows, data):
    entries = [reporting.Entry(row.indicator, *data[row.indicator.pk]) for row in rows if row.indicator.pk in data]
    return reporting.submission_save_draft(
        actor=request.user, unit=unit, year=year, month=month, entries=entries,
        expected_version=int_or_none(request.POST.get("version")),
    )  # fmt: skip


def _submit_or_back(request, submission):
    year, month = submission.year, submission.month
    if "submit" in request.POST:
        reporting.submission_submit(actor=request.user, submission=submission, expected_version=submission.version)
        messages.success(request, _("%(year)d年%(month)d月月报已报送。") % {"year": year, "month": month})
    else:
        messages.success(request, _("草稿已保存。"))
    return redirect(fill_url(year, month))


@require_POST
@policy.permission("report.fill")
def fill_check(request):
    """The checks of one row as the reporter types (HTMX): the same rules the server applies."""
    unit = own_unit(request)
    year, month = _period(request.POST)
    pk = int_or_none(request.POST.get("indicator"))
    rows = [r for r in queries.form_rows(unit, year, month) if r.indicator.pk == pk and r.fillable]
    if not rows:
        raise Http404
    data, errors = _posted(request.POST, rows)
    queries.apply_input(rows, data)
    queries.check_rows(rows)
    row = rows[0]
    row.errors = errors.get(row.indicator.code, [])
    return render(request, "indicators/fill.html#checks", {"row": row})


# --- the inbox and a submission's page ---------------------------------------------------------------


@policy.permission("report.view")
def submissions(request):
    params = request.GET
    year, month = int_or_none(params.get("year")), int_or_none(params.get("month"))
    status = params.get("status", "") if params.get("status", "") in SubmissionStatus.values else ""
    if "status" not in params:
        status = _default_inbox_status(request.user)
    items = queries.submissions_for(
        request.user, year=year, month=month, status=status, unit_code=params.get("unit", "").strip()
    )
    context = {
        "page_obj": Paginator(items, PAGE_SIZE).get_page(params.get("page")),
        "year": year or "", "month": month or "", "status": status, "unit_code": params.get("unit", ""),
        "statuses": SubmissionStatus.choices, "months": range(1, 13),
        "reviews": policy.allows(request.user, "report.approve") or policy.allows(request.user, "report.accept"),
        "filtered": filters_set(params),
    }  # fmt: skip
    template = "indicators/submission_list.html#results" if request.htmx else "indicators/submission_list.html"
    return render(request, template, context)


def _default_inbox_status(user) -> str:
    # What must I do now: a head sees what awaits approval, a supervisor what awaits acceptance.
    if policy.allows(user, "report.approve"):
        return SubmissionStatus.SUBMITTED
    if policy.allows(user, "report.accept"):
        return SubmissionStatus.APPROVED
    return ""


@policy.permission("report.view")
def submission_detail(request, pk):
    submission = queries.submission_with_reports(request.user, pk)
    reports = list(submission.reports.all())
    rows = queries.form_rows(submission.unit, submission.year, submission.month)
    queries.check_rows(rows)
    findings = {row.indicator.pk: row.findings for row in rows}
    context = {
        "submission": submission, "reports": [(r, findings.get(r.indicator_id, [])) for r in reports],
        "actions": reporting.allowed_actions(request.user, submission),
        "missing": [row for row in rows if row.fillable and row.report is None],
        "locked": periods.is_locked(submission.year, submission.month),
    }  # fmt: skip
    return render(request, "indicators/submission_detail.html", context)


def _submission_or_404(request, pk) -> Submission:
    return policy.get_in_scope_or_404(Submission.objects.select_related("unit"), request.user, "unit", pk=pk)


def _transition_view(request, pk, service, success: str, texts: dict | None = None):
    """`texts`: the posted text fields the service takes, by name, with the labels a refusal names."""
    submission = _submission_or_404(request, pk)
    try:
        extra = {name: text.posted(request.POST, name, label) for name, label in (texts or {}).items()}
        service(
            actor=request.user, submission=submission, expected_version=int_or_none(request.POST.get("version")),
            **extra,
        )  # fmt: skip
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect("indicators:submission_detail", pk=pk)


@require_POST
@policy.permission("report.fill")
def submission_submit(request, pk):
    return _transition_view(request, pk, reporting.submission_submit, _("月报已报送。"))


@require_POST
@policy.permission("report.approve")
def submission_approve(request, pk):
    return _transition_view(request, pk, reporting.submission_approve, _("已审核通过，报送督查员。"))


@require_POST
@policy.permission("report.accept")
def submission_accept(request, pk):
    return _transition_view(request, pk, reporting.submission_accept, _("已确认该月报。"))


@require_POST
@policy.permission("report.view")  # a unit head or a supervisor; the service decides which may
def submission_return(request, pk):
    return _transition_view(
        request, pk, reporting.submission_return, _("已退回，填报单位会看到退回原因。"), texts={"reason": _("退回原因")}
    )


# --- missing reports (未报) ----------------------------------------------------------------------


@policy.permission("report.accept")
def missing(request):
    year, month = _period(request.GET)
    context = {
        "year": year, "month": month, "rows": queries.missing_for(request.user, year, month),
        "deadline": periods.deadline(year, month), "locked": periods.is_locked(year, month),
        "previous": periods.previous_period(year, month), "next": _next_period(year, month),
    }  # fmt: skip
    return render(request, "indicators/missing.html", context)


@require_POST
@policy.permission("report.accept")
def missing_remind(request, code):
    year, month = _period(request.POST)
    unit = policy.get_in_scope_or_404(Unit.objects.all(), request.user, None, code=code)
    try:
        reminders.submission_remind(actor=request.user, unit=unit, year=year, month=month)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已向%(unit)s发送催报提醒。") % {"unit": unit.name})
    return redirect(f"{reverse('indicators:missing')}?year={year}&month={month}")


@require_POST
@policy.permission("report.accept")
def missing_remind_all(request):
    year, month = _period(request.POST)
    reminded = reminders.submission_remind_all(actor=request.user, year=year, month=month)
    messages.success(request, _("已向 %(n)d 个未报单位发送催报提醒。") % {"n": len(reminded)})
    return redirect(f"{reverse('indicators:missing')}?year={year}&month={month}")


# --- validation rules --------------------------------------------------------------------------------


def _require_rule_manager(request) -> None:
    if not policy.sees_all(request.user):
        raise PermissionDenied(_("校验规则由市级督查员维护。"))


@policy.permission("indicator.manage")
def rules(request):
    _require_rule_manager(request)
    return render(request, "indicators/rule_list.html", {"rules": queries.rules_list()})


@policy.permission("indicator.manage")
def rule_create(request):
    _require_rule_manager(request)
    form = RuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rule_services.rule_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已新建校验规则。"))
            return redirect("indicators:rules")
    return render(request, "indicators/rule_form.html", {"form": form, "creating": True})


@policy.permission("indicator.manage")
def rule_edit(request, pk):
    _require_rule_manager(request)
    rule = get_object_or_404(ValidationRule, pk=pk)
    form = RuleForm(request.POST or None, initial=RuleForm.initial_for(rule))
    if request.method == "POST" and form.is_valid():
        try:
            rule_services.rule_update(actor=request.user, rule=rule, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已保存校验规则。"))
            return redirect("indicators:rules")
    return render(request, "indicators/rule_form.html", {"form": form, "rule": rule})


@require_POST
@policy.permission("indicator.manage")
def rule_toggle(request, pk):
    _require_rule_manager(request)
    rule = get_object_or_404(ValidationRule, pk=pk)
    rule_services.rule_update(actor=request.user, rule=rule, is_active=not rule.is_active)
    messages.success(request, _("已启用该规则。") if not rule.is_active else _("已停用该规则。"))
    return redirect("indicators:rules")


urlpatterns = [
    path("reporting/fill/", fill, name="fill"),
    path("reporting/fill/check/", fill_check, name="fill_check"),
    path("reporting/submissions/", submissions, name="submissions"),
    path("reporting/submissions/<int:pk>/", submission_detail, name="submission_detail"),
    path("reporting/submissions/<int:pk>/submit/", submission_submit, name="submission_submit"),
    path("reporting/submissions/<int:pk>/approve/", submission_approve, name="submission_approve"),
    path("reporting/submissions/<int:pk>/accept/", submission_accept, name="submission_accept"),
    path("reporting/submissions/<int:pk>/return/", submission_return, name="submission_return"),
    path("reporting/missing/", missing, name="missing"),
    path("reporting/missing/remind-all/", missing_remind_all, name="missing_remind_all"),
    path("reporting/missing/<str:code>/remind/", missing_remind, name="missing_remind"),
    path("reporting/rules/", rules, name="rules"),
    path("reporting/rules/new/", rule_create, name="rule_create"),
    path("reporting/rules/<int:pk>/", rule_edit, name="rule_edit"),
    path("reporting/rules/<int:pk>/toggle/", rule_toggle, name="rule_toggle"),
]
