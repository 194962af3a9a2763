"""Reading the audit log with the auditor's filters."""

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from tuijin.audit.models import AuditEvent


def events(*, actor: str = "", action: str = "", object_type: str = "", date_from=None, date_to=None) -> QuerySet:
    qs = AuditEvent.objects.all()
    if actor:
        qs = qs.filter(actor_username__icontains=actor)
    if action:
        qs = qs.filter(action=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if date_from:
        qs = qs.filter(at__gte=_start_of(date_from))
    if date_to:
        qs = qs.filter(at__lt=_start_of(date_to + dt.timedelta(days=1)))
    return qs.order_by("-at", "-id")


def object_types() -> list[str]:
    return list(AuditEvent.objects.order_by().values_list("object_type", flat=True).distinct())


def _start_of(day: dt.date) -> dt.datetime:
    # Days are Asia/Shanghai days, as the auditor reads them.
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
