"""The sheets' daily timers (registered with `tuijin.notifications.timers` in AppConfig.ready()).

Each takes the as-of date (Asia/Shanghai), returns how many things it acted on, and is
idempotent on its own (a forced rerun or a second worker acts on nothing twice):

- `liaison.escalate` (every day): a sheet overdue on `as_of` — the day AFTER a due date or a
  promised date — goes to its lead leader; claimed with `escalated_at IS NULL`.
- `liaison.agenda` (every day): an escalated sheet still unsolved after
  `TUIJIN_SHEET_AGENDA_DAYS` goes on the mayor's office meeting agenda; claimed with
  `agenda_at IS NULL`.
- `liaison.reminders` (09:00, working days): two days before an answer or promised date falls
  due — on the last working day on or before that day, so a date after a weekend or holiday is
  announced before it — and on the day itself; one inbox item per person and date (`dedupe_key`).
- `liaison.digests` (09:00, working days): today's overdue list to each department head and each
  lead leader (one a day, `dedupe_key`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from tuijin.liaison import people
from tuijin.liaison.models import (
    AWAITING_ANSWER,
    AWAITING_SOLUTION,
    HANDLING_STATUSES,
    ContactSheet,
    SheetAssignment,
    overdue_q,
)
from tuijin.liaison.services import sheet_agenda_overdue, sheet_escalate
from tuijin.liaison.services.common import Kinds, notify
from tuijin.workdays import workcalendar

REMINDER_LEAD_DAYS = 2
# Far enough ahead to reach across the longest holiday (Spring Festival, National Day: 8 days).
REMINDER_HORIZON = dt.timedelta(days=REMINDER_LEAD_DAYS + 12)


def register_all() -> None:
    from tuijin.notifications.timers import register

    register("liaison.escalate", escalate_overdue, working_days_only=False)
    register("liaison.agenda", agenda_overdue, working_days_only=False)
    register("liaison.reminders", send_reminders, working_days_only=True)
    register("liaison.digests", send_digests, working_days_only=True)


def escalate_overdue(as_of: dt.date) -> int:
    sheets = ContactSheet.objects.filter(status__in=HANDLING_STATUSES, escalated_at=None).overdue(as_of)
    return sum(sheet_escalate(sheet=sheet, as_of=as_of) for sheet in sheets.order_by("pk"))


def agenda_overdue(as_of: dt.date) -> int:
    sheets = ContactSheet.objects.filter(
        status__in=HANDLING_STATUSES, escalated_at__isnull=False, agenda_at=None, agenda_due_on__lt=as_of
    )
    return sum(sheet_agenda_overdue(sheet=sheet, as_of=as_of) for sheet in sheets.order_by("pk"))


# --- reminders -------------------------------------------------------------------------------


def early_reminder_day(due: dt.date, calendar: workcalendar.Calendar) -> dt.date | None:
    """The day of the "due in two days" reminder: the last working day on or before due − 2."""
    day = due - dt.timedelta(days=REMINDER_LEAD_DAYS)
    try:
        for _step in range(REMINDER_HORIZON.days):
            if calendar.is_working_day(day):
                return day
            day -= dt.timedelta(days=1)
    except workcalendar.UnknownCalendarYear:
        return None
    return None


def send_reminders(as_of: dt.date) -> int:
    calendar = workcalendar.Calendar()
    horizon = as_of + REMINDER_HORIZON
    parts = (
        SheetAssignment.objects.filter(status__in=(*AWAITING_ANSWER, *AWAITING_SOLUTION))
        .filter(
            _window("due_on", AWAITING_ANSWER, as_of, horizon)
            | _window("promised_on", AWAITING_SOLUTION, as_of, horizon)
        )
        .select_related("sheet", "department")
        .order_by("pk")
    )
    sent = 0
    for part in parts:
        answering = part.status in AWAITING_ANSWER
        due = part.due_on if answering else part.promised_on
        what = "answer" if answering else "solve"
        if due == as_of:
            sent += _remind(part, due, what, "today")
        elif (early := early_reminder_day(due, calendar)) is not None and early <= as_of < due:
            sent += _remind(part, due, what, "soon")
    return sent


def _window(field: str, statuses, as_of: dt.date, horizon: dt.date) -> Q:
    return Q(status__in=statuses, **{f"{field}__gte": as_of, f"{field}__lte": horizon})


def _remind(part: SheetAssignment, due: dt.date, what: str, when: str) -> int:
    sheet = part.sheet
    titles = {
        ("answer", "today"): _("今天是联系单答复期限：%(t)s"),
        ("answer", "soon"): _("联系单将于 %(d)s 到答复期限：%(t)s"),
        ("solve", "today"): _("今天是联系单承诺办结日期：%(t)s"),
        ("solve", "soon"): _("联系单将于 %(d)s 到承诺办结日期：%(t)s"),
    }
    title = titles[(what, when)] % {"d": due.isoformat(), "t": sheet.title}
    key = f"liaison:remind:{part.pk}:{what}:{when}:{due.isoformat()}"
    created = notify(people.department_people(part.department), Kinds.REMINDER, title, sheet=sheet, obj=part,
                     dedupe_key=key)  # fmt: skip
    return len(created)


# --- digests ---------------------------------------------------------------------------------


def send_digests(as_of: dt.date) -> int:
    late = list(
        SheetAssignment.objects.filter(overdue_q(as_of), sheet__status__in=HANDLING_STATUSES)
        .select_related("sheet__project__lead_leader", "department")
        .order_by("department__path", "due_on", "pk")
    )
    if not late:
        return 0
    return _department_digests(late, as_of) + _leader_digests(late, as_of)


def _line(part: SheetAssignment, as_of: dt.date) -> str:
    if part.answer_overdue(as_of):
        return _("%(n)s %(t)s — %(d)s 答复逾期（期限 %(due)s）") % {
            "n": part.sheet.number, "t": part.sheet.title, "d": part.department.display_name,
            "due": part.due_on.isoformat(),
        }  # fmt: skip
    return _("%(n)s %(t)s — %(d)s 未按承诺办结（承诺 %(due)s）") % {
        "n": part.sheet.number, "t": part.sheet.title, "d": part.department.display_name,
        "due": part.promised_on.isoformat(),
    }  # fmt: skip


def _list_url(name: str) -> str:
    return reverse(name) + "?overdue=1"


def _department_digests(late: list[SheetAssignment], as_of: dt.date) -> int:
    by_department: dict[int, list[SheetAssignment]] = defaultdict(list)
    for part in late:
        by_department[part.department_id].append(part)
    sent = 0
    for parts in by_department.values():
        department = parts[0].department
        title = _("%(d)s有 %(n)d 件联系单逾期（%(day)s）") % {
            "d": department.display_name, "n": len(parts), "day": as_of.isoformat(),
        }  # fmt: skip
        body = "\n".join(_line(p, as_of) for p in parts)
        key = f"liaison:digest:department:{department.pk}:{as_of.isoformat()}"
        sent += len(notify(people.department_heads(department), Kinds.DIGEST, title, sheet=parts[0].sheet,
                           obj=department, body=body, dedupe_key=key, url=_list_url("liaison:inbox")))  # fmt: skip
    return sent


def _leader_digests(late: list[SheetAssignment], as_of: dt.date) -> int:
    """Each lead leader: the overdue parts of the sheets of the projects they lead or that were
    escalated to them."""
    by_leader: dict[int, list[SheetAssignment]] = defaultdict(list)
    leaders = {}
    escalated = defaultdict(set)
    through = ContactSheet.escalated_to.through.objects.filter(contactsheet_id__in={p.sheet_id for p in late})
    for row in through.select_related("user"):
        escalated[row.contactsheet_id].add(row.user_id)
        leaders[row.user_id] = row.user
    for part in late:
        lead = part.sheet.project.lead_leader if part.sheet.project_id else None
        ids = set(escalated[part.sheet_id])
        if lead is not None:
            ids.add(lead.pk)
            leaders[lead.pk] = lead
        for user_id in ids:
            by_leader[user_id].append(part)
    sent = 0
    for user_id, parts in by_leader.items():
        title = _("您领衔或督办的联系单有 %(n)d 件逾期（%(day)s）") % {"n": len(parts), "day": as_of.isoformat()}
        body = "\n".join(_line(p, as_of) for p in parts)
        key = f"liaison:digest:leader:{user_id}:{as_of.isoformat()}"
        sent += len(notify([leaders[user_id]], Kinds.DIGEST, title, sheet=parts[0].sheet, obj=leaders[user_id],
                           body=body, dedupe_key=key, url=_list_url("liaison:escalated")))  # fmt: skip
    return sent
