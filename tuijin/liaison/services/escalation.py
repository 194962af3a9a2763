"""The ladder: overdue → the lead leader → the mayor's office meeting agenda → the decision.

Escalation and the automatic agenda step are taken by the timers (no actor); each claims its
sheet with a conditional UPDATE (`escalated_at IS NULL`, `agenda_at IS NULL`) and acts only when
it won the claim, so a rerun or a second worker does nothing. The leader the sheet was escalated
to (or a city-level leader) may instruct, reassign a department's part, or put the sheet on the
agenda; a city-level supervisor records the meeting's decision, which may become a supervision
assignment (督办事项) whose source is the sheet.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.liaison import conf, people
from tuijin.liaison.models import (
    HANDLING_STATUSES,
    OPEN_ASSIGNMENT,
    AssignmentStatus,
    ContactSheet,
    EventKind,
    SheetAssignment,
)
from tuijin.liaison.services.common import (
    Kinds,
    check_version,
    clean_department,
    clean_text,
    done,
    lock_assignment,
    lock_sheet,
    log,
    notify,
    now,
    require_agenda_keeper,
    require_escalation_leader,
    require_state,
    today,
)
from tuijin.liaison.services.handling import _hand_on, _open_for, _touch
from tuijin.orgs.models import Role, Unit, User
from tuijin.supervision.models import Assignment, SourceKind
from tuijin.supervision.services import assignment_create
from tuijin.workdays import workcalendar

logger = logging.getLogger(__name__)


def overdue_reason(sheet: ContactSheet, as_of: dt.date) -> str:
    """Which departments are late, and how: "市资规局答复逾期（期限 2026-10-09）"."""
    parts = []
    for part in sheet.assignments.select_related("department").filter(status__in=OPEN_ASSIGNMENT).order_by("pk"):
        if part.answer_overdue(as_of):
            parts.append(_("%(d)s答复逾期（期限 %(due)s）") % {"d": part.department.display_name,
                                                          "due": part.due_on.isoformat()})  # fmt: skip
        elif part.promise_missed(as_of):
            parts.append(_("%(d)s未按承诺办结（承诺 %(p)s）") % {"d": part.department.display_name,
                                                           "p": part.promised_on.isoformat()})  # fmt: skip
    return "；".join(parts)


@transaction.atomic
def sheet_escalate(*, sheet: ContactSheet, as_of: dt.date) -> bool:
    """Escalate an overdue sheet to its lead leader (timer). False when already escalated or not
    overdue on `as_of` (the day after a due date is the first overdue day)."""
    reason = overdue_reason(sheet, as_of)
    if not reason or sheet.status not in HANDLING_STATUSES:
        return False
    agenda_due = _agenda_due(as_of)
    claimed = ContactSheet.objects.filter(pk=sheet.pk, escalated_at=None, status__in=HANDLING_STATUSES).update(
        escalated_at=now(), escalation_reason=reason[:300], agenda_due_on=agenda_due,
        version=F("version") + 1,
    )  # fmt: skip
    if not claimed:
        return False
    sheet = lock_sheet(sheet)
    leaders = people.escalation_leaders(sheet)
    sheet.escalated_to.set(leaders)
    log(sheet, EventKind.ESCALATED, None, text=reason,
        data={"leaders": [u.username for u in leaders], "as_of": as_of.isoformat()},
        changes={"escalated_to": [[], [u.username for u in leaders]]})  # fmt: skip
    notify(leaders, Kinds.ESCALATED, _("联系单逾期，已升级至您：%(t)s") % {"t": sheet.title}, sheet=sheet,
           body=reason)  # fmt: skip
    return True


def _agenda_due(as_of: dt.date) -> dt.date | None:
    days = conf.SHEET_AGENDA_DAYS
    if not days:
        return None
    try:
        return workcalendar.due_date(as_of, days, conf.SHEET_DAY_MODE)
    except workcalendar.UnknownCalendarYear as exc:
        # The leader still decides; the automatic rung waits until the calendar knows the year.
        logger.warning("sheet agenda date not computed: %s", exc.messages[0])
        return None


def _place_on_agenda(sheet: ContactSheet, actor: User | None, note: str) -> bool:
    """Put the sheet on the agenda once (conditional update); notify the city's supervisors."""
    claimed = ContactSheet.objects.filter(pk=sheet.pk, agenda_at=None).update(
        agenda_at=now(), agenda_by=actor, agenda_note=note, version=F("version") + 1
    )
    if not claimed:
        return False
    sheet.refresh_from_db()
    log(sheet, EventKind.AGENDA, actor, text=note, changes={"agenda_at": [None, sheet.agenda_at.isoformat()]})
    notify(people.city_supervisors(sheet.sender_unit), Kinds.AGENDA,
           _("联系单列入市长办公会议议题：%(t)s") % {"t": sheet.title}, sheet=sheet, body=note)  # fmt: skip
    done(sheet, Kinds.ESCALATED)
    return True


@transaction.atomic
def sheet_agenda_overdue(*, sheet: ContactSheet, as_of: dt.date) -> bool:
    """The ladder's second rung (timer): escalated, still unsolved after the leader's days."""
    sheet = lock_sheet(sheet)
    if sheet.status not in HANDLING_STATUSES or sheet.agenda_due_on is None or sheet.agenda_due_on >= as_of:
        return False
    note = _("升级至领衔领导后逾期未解决（期限 %(d)s），自动提请市长办公会议研究。") % {
        "d": sheet.agenda_due_on.isoformat()
    }
    return _place_on_agenda(sheet, None, note)


@transaction.atomic
def sheet_put_on_agenda(*, actor: User, sheet: ContactSheet, note: str, expected_version: int | None = None) -> bool:
    """The leader puts the escalated sheet on the mayor's office meeting agenda (市长办公会议议题)."""
    require_escalation_leader(actor, sheet)
    sheet = lock_sheet(sheet)
    check_version(sheet, expected_version)
    require_state(sheet.status, HANDLING_STATUSES, _("联系单已办结，无需提请会议研究。"))
    if sheet.agenda_at is not None:
        raise ValidationError(_("该联系单已列入市长办公会议议题。"), code="state")
    return _place_on_agenda(sheet, actor, clean_text(note, "note", label=_("提请说明")))


@transaction.atomic
def sheet_instruct(*, actor: User, sheet: ContactSheet, text: str, expected_version: int | None = None):
    """The leader's written instruction (批示), on the timeline and to the departments on it."""
    require_escalation_leader(actor, sheet)
    sheet = lock_sheet(sheet)
    check_version(sheet, expected_version)
    require_state(sheet.status, HANDLING_STATUSES, _("联系单已办结，无需批示。"))
    text = clean_text(text, "text", label=_("批示内容"))
    _touch(sheet)
    event = log(sheet, EventKind.INSTRUCTED, actor, text=text)
    done(sheet, Kinds.ESCALATED)
    for part in sheet.assignments.select_related("department").filter(status__in=OPEN_ASSIGNMENT).order_by("pk"):
        notify(people.department_people(part.department), Kinds.INSTRUCTION,
               _("%(who)s对联系单作出批示：%(t)s") % {"who": actor, "t": sheet.title}, sheet=sheet, obj=part,
               body=text)  # fmt: skip
    return event


@transaction.atomic
def assignment_reassign(
    *, actor: User, assignment: SheetAssignment, to_department: Unit | None, reason: str,
    expected_version: int | None = None,
) -> SheetAssignment:  # fmt: skip
    """The leader takes a department's open part away and gives it to another department, whose
    clock starts today (it is asked anew). Returns the new part."""
    require_escalation_leader(actor, assignment.sheet)
    sheet, part = lock_assignment(assignment)
    check_version(part, expected_version)
    require_state(part.status, OPEN_ASSIGNMENT, _("该承办事项已结束，不能改派。"))
    reason = clean_text(reason, "reason", label=_("改派理由"))
    to_department = clean_department(to_department, "to_department", sheet)
    if to_department.pk == part.department_id or _open_for(sheet, to_department):
        raise ValidationError({"to_department": [_("%(u)s 已在办理该联系单。") % {"u": to_department.name}]})
    before = part.status
    part.status, part.reason, part.version = AssignmentStatus.REASSIGNED, reason, part.version + 1
    part.save()
    successor = _hand_on(sheet, part, to_department, restart=True)
    _touch(sheet)
    log(sheet, EventKind.REASSIGNED, actor, assignment=part,
        text=_("由 %(a)s 改派 %(b)s：%(r)s") % {"a": part.department.display_name, "b": to_department.display_name,
                                               "r": reason},
        data={"from": part.department.code, "to": to_department.code, "due_on": successor.due_on.isoformat()},
        changes={"status": [before, part.status],
                 "department": [part.department.code, to_department.code]})  # fmt: skip
    done(part, *Kinds.DEPARTMENT_KINDS)
    done(sheet, Kinds.ESCALATED)
    return successor


@transaction.atomic
def sheet_record_decision(
    *, actor: User, sheet: ContactSheet, decision: str, decided_on: dt.date | None = None,
    expected_version: int | None = None, to_assignment: bool = False, owner_unit: Unit | None = None,
    deadline: dt.date | None = None, co_units: Sequence[Unit] = (),
) -> ContactSheet:  # fmt: skip
    """A city-level supervisor records what the mayor's office meeting decided about the sheet.

    With `to_assignment` the decision becomes a supervision assignment (督办事项) of `owner_unit`
    by `deadline`, in the same transaction: its source is this sheet, assigned on the meeting's
    date, the project's lead leader its responsible leader. A refused assignment (no owner, a
    deadline before the meeting) refuses the decision too: nothing is written."""
    require_agenda_keeper(actor)
    sheet = lock_sheet(sheet)
    check_version(sheet, expected_version)
    if sheet.agenda_at is None:
        raise ValidationError(_("该联系单未列入市长办公会议议题。"), code="state")
    if sheet.decision:
        raise ValidationError(_("已记录会议决定。"), code="state")
    decision = clean_text(decision, "decision", label=_("会议决定"))
    decided_on = decided_on or today()
    if decided_on > today() or decided_on < timezone.localtime(sheet.agenda_at).date():
        raise ValidationError({"decided_on": [_("会议日期须在列入议题之后、不晚于今天。")]})
    sheet.decision, sheet.decided_on, sheet.decided_by = decision, decided_on, actor
    sheet.version += 1
    sheet.save()
    assignment = None
    if to_assignment:
        assignment = _decision_to_assignment(actor, sheet, owner_unit=owner_unit, deadline=deadline, co_units=co_units)
    text, data, changes = decision, {"decided_on": decided_on.isoformat()}, {"decision": ["", decision]}
    if assignment is not None:
        text += "\n" + _("转为督办事项：%(u)s 牵头，%(d)s 前办结。") % {
            "u": assignment.owner_unit.display_name, "d": assignment.deadline.isoformat(),
        }  # fmt: skip
        data["assignment"], changes["assignment"] = assignment.pk, [None, assignment.pk]
    log(sheet, EventKind.DECISION, actor, text=text, data=data, changes=changes)
    done(sheet, Kinds.AGENDA)
    departments = [p.department for p in sheet.assignments.select_related("department").order_by("pk")]
    concerned = {u.pk: u for u in [*people.sender_people(sheet), *people.department_people(departments),
                                   *sheet.escalated_to.all()]}  # fmt: skip
    notify(concerned.values(), Kinds.DECISION, _("市长办公会议已对联系单作出决定：%(t)s") % {"t": sheet.title},
           sheet=sheet, body=text)  # fmt: skip
    return sheet


def _decision_to_assignment(
    actor: User, sheet: ContactSheet, *, owner_unit: Unit | None, deadline: dt.date | None, co_units: Sequence[Unit]
) -> Assignment:
    """The supervision service checks the owner, the deadline and the actor's right to assign."""
    lead = sheet.project.lead_leader if sheet.project_id else None
    label = _("工作联系单 %(n)s · 市长办公会议决定（%(d)s）") % {
        "n": sheet.number, "d": sheet.decided_on.isoformat(),
    }  # fmt: skip
    return assignment_create(
        actor=actor, title=sheet.title, content=sheet.decision, source_kind=SourceKind.SHEET, source_obj=sheet,
        owner_unit=owner_unit, co_units=co_units, deadline=deadline, assigned_on=sheet.decided_on,
        leader=lead if lead is not None and lead.is_active and lead.has_role(Role.LEADER) else None,
        source_label=label,
    )  # fmt: skip
