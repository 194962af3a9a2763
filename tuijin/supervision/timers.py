"""The assignment timers, registered with the notifications registry at start-up.

- `supervision.overdue` — the overdue ladder: on the deadline day the owner unit is reminded
  (催办); from `supervise_days` after it the owner and the responsible leader get the formal
  supervision notice (督办, with the printable notice's link); from `list_days` after it the
  item is listed (挂牌督办) and the supervisors over the owner unit are told as well.
- `supervision.progress` — on the last working day of a progress cycle, the owner unit of an
  item with no update in that cycle yet is reminded.

Both are idempotent: the ladder claims each step with a conditional UPDATE of `notified_rank`
(reset when an extension moves the deadline), and every notice carries a dedupe key naming
the item, the step and the deadline (or the cycle). A day the worker did not run is caught up
the next time: the item gets the notice of the level it has reached.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _

from tuijin.notifications.services import notify
from tuijin.supervision import metrics, people, queries
from tuijin.supervision.models import Assignment, AssignmentEvent, EventKind, ProgressUpdate, Status
from tuijin.supervision.services.common import url_of
from tuijin.workdays import workcalendar

logger = logging.getLogger(__name__)

EVENTS = {metrics.REMIND: EventKind.REMINDED, metrics.SUPERVISE: EventKind.SUPERVISED, metrics.LISTED: EventKind.LISTED}


def register_all() -> None:
    from tuijin.notifications import timers

    timers.register("supervision.overdue", overdue_ladder)
    timers.register("supervision.progress", progress_reminders)


# --- the overdue ladder ------------------------------------------------------------------------


def overdue_ladder(as_of: dt.date) -> int:
    """Notify each open item that has reached a level it was not yet notified of; returns how many."""
    th = queries.thresholds()
    due = Assignment.objects.filter(status=Status.OPEN, deadline__lte=as_of - dt.timedelta(days=th.remind_days))
    acted = 0
    for item in queries.annotate_state(due, as_of).select_related("owner_unit", "leader").order_by("pk"):
        rank = metrics.level_rank(item.level)
        if rank == 0 or item.notified_rank >= rank:
            continue
        with transaction.atomic():
            if _claim(item, rank, as_of):
                _escalate(item, item.level, as_of)
                acted += 1
    return acted


def _claim(item: Assignment, rank: int, as_of: dt.date) -> bool:
    extra = {"listed_on": as_of} if rank == metrics.level_rank(metrics.LISTED) else {}
    return bool(
        Assignment.objects.filter(
            pk=item.pk, status=Status.OPEN, deadline=item.deadline, notified_rank__lt=rank
        ).update(notified_rank=rank, **extra)
    )


def _escalate(item: Assignment, level: str, as_of: dt.date) -> None:
    key = f"assignment:{item.pk}:{level}:{item.deadline.isoformat()}"
    days = metrics.days_overdue(item.deadline, as_of)
    owners = list(people.owners(item.owner_unit))
    leader = [item.leader] if item.leader else []
    if level == metrics.REMIND:
        title = _("催办：%(t)s 已到办结时限（%(d)s）") % {"t": item.title, "d": item.deadline.isoformat()}
        notify(recipients=owners, kind="assignment.remind", title=title, url=url_of(item), obj=item, dedupe_key=key)
    elif level == metrics.SUPERVISE:
        title = _("督办通知：%(t)s 已逾期 %(n)d 天") % {"t": item.title, "n": days}
        url = reverse("supervision:notice", args=[item.pk])
        notify(recipients=owners + leader, kind="assignment.supervise", title=title, url=url, obj=item, dedupe_key=key)
    else:
        title = _("挂牌督办：%(t)s 已逾期 %(n)d 天") % {"t": item.title, "n": days}
        recipients = owners + leader + list(people.supervisors_over(item.owner_unit))
        notify(recipients=recipients, kind="assignment.listed", title=title, url=url_of(item), obj=item, dedupe_key=key)
    AssignmentEvent.objects.create(
        assignment=item, kind=EVENTS[level], note=_("逾期 %(n)d 天") % {"n": days} if days > 0 else _("今日到期")
    )


# --- progress reminders --------------------------------------------------------------------------


def _last_working_day(calendar: workcalendar.Calendar, start: dt.date, end: dt.date) -> dt.date:
    day = end
    while day > start and not calendar.is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def progress_reminders(as_of: dt.date) -> int:
    """On the last working day of a cycle, remind owners who have posted nothing in it yet."""
    calendar = workcalendar.Calendar()
    recent = ProgressUpdate.objects.filter(posted_on__gte=as_of - dt.timedelta(days=62)).only(
        "assignment_id", "posted_on"
    )
    items = (
        Assignment.objects.filter(status=Status.OPEN, created_at__date__lte=as_of)  # cycles run from creation
        .select_related("owner_unit")
        .prefetch_related(Prefetch("updates", queryset=recent, to_attr="recent"))
        .order_by("pk")
    )
    acted = 0
    for item in items:
        start, end = metrics.cycle_of(as_of, item.reporting_from, item.cycle)
        try:
            if _last_working_day(calendar, start, end) != as_of:
                continue
        except workcalendar.UnknownCalendarYear:
            logger.warning("no calendar for %s: progress reminders skipped", end.year)
            return acted
        if any(start <= u.posted_on <= end for u in item.recent):
            continue
        title = _("请报送进展：%(t)s（%(s)s 至 %(e)s）") % {"t": item.title, "s": start, "e": end}
        with transaction.atomic():
            sent = notify(
                recipients=people.owners(item.owner_unit), kind="assignment.progress_due", title=title,
                url=url_of(item), obj=item, dedupe_key=f"assignment:{item.pk}:cycle:{start.isoformat()}",
            )  # fmt: skip
        acted += bool(sent)
    return acted
