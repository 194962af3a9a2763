"""Writes for the working-day calendar: declaring a year the `chinesecalendar` package does not
know, and entering its holidays and make-up working days (or overriding a known year's day).
System administrators only; every change is audited. The rules that read these rows live in
tuijin.workdays.workcalendar and are not changed here."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tuijin.audit import services as audit
from tuijin.audit.models import AuditAction
from tuijin.orgs import policy
from tuijin.workdays.models import CalendarDay, CalendarYear
from tuijin.workdays.workcalendar import package_knows

MIN_YEAR, MAX_YEAR = 2000, 2100


def package_years() -> list[int]:
    """The years whose statutory holidays the installed `chinesecalendar` release knows."""
    years = sorted({d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays})
    return [y for y in years if package_knows(y)]


def declare_year(*, actor, year: int, source: str) -> CalendarYear:
    policy.require(actor, "calendar.manage")
    source = (source or "").strip()
    errors = {}
    if not (MIN_YEAR <= year <= MAX_YEAR):
        errors["year"] = _("年度须在 %(a)d 到 %(b)d 之间。") % {"a": MIN_YEAR, "b": MAX_YEAR}
    if not source:
        errors["source"] = _("请填写依据（国务院办公厅通知的名称或文号）。")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            declared = CalendarYear.objects.create(year=year, source=source, declared_by=actor)
            audit.record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=declared,
                changes=audit.created(audit.snapshot(declared, ("year", "source"))),
            )
    except IntegrityError:
        raise ValidationError({"year": _("%(year)d 年已录入。") % {"year": year}}) from None
    return declared


def update_source(*, actor, declared: CalendarYear, source: str) -> CalendarYear:
    policy.require(actor, "calendar.manage")
    source = (source or "").strip()
    if not source:
        raise ValidationError({"source": _("请填写依据（国务院办公厅通知的名称或文号）。")})
    with transaction.atomic():
        before = audit.snapshot(declared, ("source",))
        declared.source = source
        declared.save(update_fields=["source"])
        audit.record(
            actor=actor, action=AuditAction.UPDATE, obj=declared, changes=audit.diff(before, {"source": source})
        )
    return declared


def add_day(*, actor, date: dt.date, is_working_day: bool, name: str) -> CalendarDay:
    """Enter a holiday or a make-up working day, in a declared year or one the package knows."""
    policy.require(actor, "calendar.manage")
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("请填写名称，如 春节、国庆节调休上班。")
    if not (package_knows(date.year) or CalendarYear.objects.filter(year=date.year).exists()):
        errors["date"] = _("请先录入 %(year)d 年度（依据），再添加该年的节假日和调休上班日。") % {"year": date.year}
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            day = CalendarDay.objects.create(date=date, is_working_day=is_working_day, name=name, created_by=actor)
            audit.record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=day,
                changes=audit.created(audit.snapshot(day, ("date", "is_working_day", "name"))),
            )
    except IntegrityError:
        raise ValidationError({"date": _("%(date)s 已有设置，请先删除再添加。") % {"date": date.isoformat()}}) from None
    return day


def remove_day(*, actor, day: CalendarDay) -> None:
    policy.require(actor, "calendar.manage")
    with transaction.atomic():
        before = audit.snapshot(day, ("date", "is_working_day", "name"))
        audit.record(actor=actor, action=AuditAction.DELETE, obj=day, changes=audit.deleted(before))
        day.delete()
