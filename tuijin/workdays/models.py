"""The working-day calendar's entries: years the `chinesecalendar` package does not know, and days
that differ from it or from the weekly rhythm.

These models were first made in tuijin.core and moved here in state only: their tables keep
core's names (`db_table`), and the audit log keeps the type its rows were first recorded under
(`audit_type`, read by tuijin.audit), so that rows logged before the move and after it are one
kind of object in the log (the log is append-only: an old row's type is never rewritten)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarYear(models.Model):
    """A year whose statutory holidays an administrator has entered (the State Council publishes
    next year's arrangement each November; `chinesecalendar` learns it only in a later release).
    Once a year is declared, its weekdays work and its weekends rest, except the `CalendarDay`s."""

    audit_type = "core.calendaryear"

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    source = models.CharField(_("依据"), max_length=200, help_text=_("如 国务院办公厅关于2027年部分节假日安排的通知"))
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "core_calendaryear"
        verbose_name = _("节假日年度")
        verbose_name_plural = _("节假日年度")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """One day that differs from the weekly rhythm: a public holiday, or a 调休 working weekend.

    Also overrides the package for years it knows (a late local change, a typhoon day)."""

    audit_type = "core.calendarday"

    date = models.DateField(_("日期"), unique=True)
    is_working_day = models.BooleanField(_("上班"))
    name = models.CharField(_("名称"), max_length=50, help_text=_("如 春节、国庆节调休上班"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "core_calendarday"
        verbose_name = _("节假日/调休日")
        verbose_name_plural = _("节假日/调休日")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"
