"""Working-day calendar administration (节假日设置): which years are known, declaring a year,
and its holidays and make-up working days. System administrators only.

The pages keep their place under /notifications/calendar/ and their names (`notifications:calendar`…):
tuijin.notifications mounts this app's `urls.urlpatterns` in its namespace."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuijin.core.forms import apply_validation_error
from tuijin.orgs import policy
from tuijin.workdays import services
from tuijin.workdays.forms import DayForm, YearForm
from tuijin.workdays.models import CalendarDay, CalendarYear

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def today() -> dt.date:
    """Today in China (as tuijin.notifications.timers counts it), whatever TIME_ZONE says."""
    return timezone.localtime(timezone.now(), SHANGHAI).date()


def _years_overview() -> list[dict]:
    """Every year either the package knows or an administrator declared, plus next year."""
    declared = {y.year: y for y in CalendarYear.objects.select_related("declared_by")}
    known = set(services.package_years())
    counts = {
        row["date__year"]: row
        for row in CalendarDay.objects.values("date__year").annotate(
            holidays=Count("id", filter=Q(is_working_day=False)), workdays=Count("id", filter=Q(is_working_day=True))
        )
    }
    this_year = today().year
    years = sorted(set(declared) | known | {this_year, this_year + 1} | set(counts), reverse=True)
    return [
        {
            "year": y,
            "package": y in known,
            "declared": declared.get(y),
            "holidays": counts.get(y, {}).get("holidays", 0),
            "workdays": counts.get(y, {}).get("workdays", 0),
            "usable": y in known or y in declared,
        }
        for y in years
    ]


@policy.permission("calendar.manage")
def calendar(request):
    form = YearForm(request.POST or None, initial={"year": today().year + 1})
    if request.method == "POST" and form.is_valid():
        try:
            declared = services.declare_year(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request, _("已录入 %(year)d 年度，请添加该年的节假日和调休上班日。") % {"year": declared.year}
            )
            return redirect("notifications:calendar_year", year=declared.year)
    return render(request, "workdays/calendar.html", {"years": _years_overview(), "form": form})


@policy.permission("calendar.manage")
def calendar_year(request, year: int):
    declared = CalendarYear.objects.filter(year=year).select_related("declared_by").first()
    known = services.package_knows(year) if 1 <= year <= 9999 else False
    form = DayForm(initial={"date": dt.date(year, 1, 1) if 1 <= year <= 9999 else None})
    source_form = YearForm(initial={"year": year, "source": declared.source if declared else ""})
    if request.method == "POST":
        if request.POST.get("form") == "source" and declared:
            source_form = YearForm(request.POST)
            if source_form.is_valid():
                try:
                    services.update_source(
                        actor=request.user, declared=declared, source=source_form.cleaned_data["source"]
                    )
                except ValidationError as exc:
                    apply_validation_error(source_form, exc)
                else:
                    messages.success(request, _("已保存依据。"))
                    return redirect("notifications:calendar_year", year=year)
        else:
            form = DayForm(request.POST)
            if form.is_valid() and form.cleaned_data["date"].year != year:
                form.add_error("date", _("日期须在 %(year)d 年内。") % {"year": year})
            if form.is_valid():
                try:
                    day = services.add_day(actor=request.user, **form.cleaned_data)
                except ValidationError as exc:
                    apply_validation_error(form, exc)
                else:
                    messages.success(request, _("已添加 %(date)s %(name)s。") % {"date": day.date, "name": day.name})
                    return redirect("notifications:calendar_year", year=year)
    days = CalendarDay.objects.filter(date__year=year).select_related("created_by").order_by("date")
    context = {
        "year": year, "declared": declared, "known": known, "days": days,
        "form": form, "source_form": source_form, "usable": known or declared is not None,
    }  # fmt: skip
    return render(request, "workdays/calendar_year.html", context)


@require_POST
@policy.permission("calendar.manage")
def day_delete(request, pk: int):
    day = get_object_or_404(CalendarDay, pk=pk)
    year, label = day.date.year, f"{day.date} {day.name}"
    services.remove_day(actor=request.user, day=day)
    messages.success(request, _("已删除 %(day)s。") % {"day": label})
    return redirect("notifications:calendar_year", year=year)
