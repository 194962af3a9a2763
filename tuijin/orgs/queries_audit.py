"""Reading the audit log with the auditor's filters (the actor found by account or by a person's
name, hence here, above audit)."""

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from tuijin.audit.models import AuditEvent, SystemActor
from tuijin.orgs.models import User


def events(*, actor: str = "", action: str = "", object_type: str = "", date_from=None, date_to=None) -> QuerySet:
    qs = AuditEvent.objects.all()
    if actor:
        qs = qs.filter(_actor_matches(actor))
    if action:
        qs = qs.filter(action=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if date_from:
        qs = qs.filter(at__gte=_start_of(date_from))
    if date_to:
        qs = qs.filter(at__lt=_start_of(date_to + dt.timedelta(days=1)))
    return qs.order_by("-at", "-id")


def _actor_matches(text: str) -> Q:
    """A person by account or name, or the system by its label ("系统" finds every automatic job)."""
    people = User.objects.filter(full_name__icontains=text).values("pk")
    systems = [value for value, label in SystemActor.choices if text.lower() in str(label).lower()]
    return Q(actor_username__icontains=text) | Q(actor_id__in=people) | Q(system_actor__in=systems)


def _start_of(day: dt.date) -> dt.datetime:
    # Days are Asia/Shanghai days, as the auditor reads them.
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
