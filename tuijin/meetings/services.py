"""Every write of meetings: the meeting, its reviews and problems, its decisions, and the
one-step conversion of a review problem or a decision into an assignment.

`meeting.manage` is a supervisor with the organizing unit in scope; units named in a meeting
(attending, visited, reviewed, owning a decision) must be in the actor's scope too. Converted
problems and decisions are frozen: the assignment links to them (`Assignment.source`) and they
list it (`.assignments`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.audit.models import AuditAction
from tuijin.audit.services import created, deleted, diff, record, snapshot
from tuijin.core.concurrency import StaleEditError, lock_current
from tuijin.meetings.models import Decision, Meeting, MeetingType, Review, ReviewProblem, Visit
from tuijin.orgs import policy
from tuijin.orgs.models import Unit, User
from tuijin.supervision.models import Assignment, Cycle, SourceKind
from tuijin.supervision.services import assignment_create

MAX_TEXT = 4000
MEETING_FIELDS = ("type", "title", "date", "place", "chair", "attending_units", "attendees", "agenda")
REVIEW_FIELDS = ("highlights", "measures")


def may_manage(user: User, meeting: Meeting) -> bool:
    return policy.allows(user, "meeting.manage", meeting.organizer)


def _require_manage(actor: User, meeting: Meeting) -> None:
    policy.require(actor, "meeting.manage", meeting.organizer)


def _text(value, field: str, errors: dict, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    if required and not text:
        errors[field] = [_("此项为必填项。")]
    elif len(text) > limit:
        errors[field] = [_("不能超过 %(n)d 字。") % {"n": limit}]
    return text


def _in_scope(actor: User, units, field: str, errors: dict) -> list[Unit]:
    units = list(dict.fromkeys(u for u in units if u is not None))
    if any(not policy.in_scope(actor, u) for u in units):
        errors[field] = [_("所选单位须在您的管辖范围内。")]
    return units


def _people_in_scope(actor: User, users, field: str, errors: dict) -> list[User]:
    """The chair and the attendees: people of units in the actor's scope (they see the meeting)."""
    users = list(dict.fromkeys(u for u in users if u is not None))
    if any(u.unit is None or not policy.in_scope(actor, u.unit) for u in users):
        errors[field] = [_("所选人员须为您管辖范围内单位的人员。")]
    return users


Route = Sequence[Unit | tuple[Unit, str]]


def _route(visits: Route, errors: dict) -> list[tuple[Unit, str]]:
    """观摩 route: units in the order visited, each with its site (a unit alone: no site named)."""
    route = [(v, "") if isinstance(v, Unit) else (v[0], (v[1] or "").strip()) for v in visits]
    if any(len(site) > 200 for _unit, site in route):
        errors["visits"] = [_("观摩点名称不能超过 200 字。")]
    return route


# --- meetings ------------------------------------------------------------------------------------


def _clean_meeting(actor: User, data: dict, errors: dict) -> dict:
    clean = {
        "title": _text(data.get("title"), "title", errors, required=True, limit=200),
        "place": _text(data.get("place"), "place", errors, limit=200),
        "agenda": _text(data.get("agenda"), "agenda", errors),
        "type": data.get("type"),
        "date": data.get("date"),
        "chair": data.get("chair"),
    }
    if clean["type"] not in MeetingType.values:
        errors["type"] = [_("请选择会议类型。")]
    if not isinstance(clean["date"], dt.date):
        errors["date"] = [_("请填写会议日期。")]
    _people_in_scope(actor, [clean["chair"]], "chair", errors)
    return clean


@transaction.atomic
def meeting_create(
    *, actor: User, type: str, title: str, date: dt.date | None, place: str = "", chair: User | None = None,
    attending_units: Sequence[Unit] = (), attendees: Sequence[User] = (), agenda: str = "",
    visits: Route = (), organizer: Unit | None = None,
) -> Meeting:  # fmt: skip
    """Record a meeting held by `organizer` (default: the actor's unit); `visits` are the units
    visited in order (观摩), each a unit or a (unit, site) pair."""
    organizer = organizer or actor.unit
    if organizer is None:
        raise ValidationError(_("您的账号尚未归属单位。"))
    policy.require(actor, "meeting.manage", organizer)
    errors: dict[str, list[str]] = {}
    data = _clean_meeting(actor, {"type": type, "title": title, "date": date, "place": place, "chair": chair,
                                  "agenda": agenda}, errors)  # fmt: skip
    units = _in_scope(actor, attending_units, "attending_units", errors)
    people = _people_in_scope(actor, attendees, "attendees", errors)
    route = _route(visits, errors)
    _in_scope(actor, [u for u, _site in route], "visits", errors)
    if errors:
        raise ValidationError(errors)
    meeting = Meeting.objects.create(organizer=organizer, created_by=actor, **data)
    meeting.attending_units.set(units)
    meeting.attendees.set(people)
    _set_visits(meeting, route)
    after = snapshot(meeting, MEETING_FIELDS) | {"visits": _route_snapshot(meeting)}
    record(actor=actor, action=AuditAction.CREATE, obj=meeting, changes=created(after))
    return meeting


def _set_visits(meeting: Meeting, route: list[tuple[Unit, str]]) -> None:
    meeting.visits.all().delete()
    Visit.objects.bulk_create(
        Visit(meeting=meeting, order=i, unit=unit, site=site) for i, (unit, site) in enumerate(route, start=1)
    )


def _route_snapshot(meeting: Meeting) -> list[list]:
    return [[unit_id, site] for unit_id, site in meeting.visits.order_by("order").values_list("unit_id", "site")]


@transaction.atomic
def meeting_update(
    *, actor: User, meeting: Meeting, expected_version: int | None, visits: Route | None = None, **values
) -> Meeting:
    """Change what was recorded; `visits` (when given) replaces the route."""
    _require_manage(actor, meeting)
    meeting = lock_current(meeting, expected_version)
    errors: dict[str, list[str]] = {}
    current = {name: getattr(meeting, name) for name in ("type", "title", "date", "place", "chair", "agenda")}
    data = _clean_meeting(actor, current | {k: v for k, v in values.items() if k in current}, errors)
    units = _in_scope(actor, values.get("attending_units", meeting.attending_units.all()), "attending_units", errors)
    people = _people_in_scope(actor, values.get("attendees", ()), "attendees", errors)
    route = _route(visits, errors) if visits is not None else None
    if route is not None:
        _in_scope(actor, [u for u, _site in route], "visits", errors)
    if isinstance(data["date"], dt.date) and data["date"] > timezone.localdate() and meeting.reviews.exists():
        errors["date"] = [_("会议已有点评，日期不能晚于今天。")]
    if errors:
        raise ValidationError(errors)
    before = snapshot(meeting, MEETING_FIELDS) | {"visits": _route_snapshot(meeting)}
    for name, value in data.items():
        setattr(meeting, name, value)
    meeting.save()
    meeting.attending_units.set(units)
    if "attendees" in values:
        meeting.attendees.set(people)
    if route is not None:
        _set_visits(meeting, route)
    after = snapshot(meeting, MEETING_FIELDS) | {"visits": _route_snapshot(meeting)}
    changes = diff(before, after)
    if changes:
        Meeting.objects.filter(pk=meeting.pk).update(version=meeting.version + 1)
        meeting.version += 1
        record(actor=actor, action=AuditAction.UPDATE, obj=meeting, changes=changes)
    return meeting


# --- reviews -------------------------------------------------------------------------------------


def _problem_texts(problems: Sequence[str] | str) -> list[str]:
    if isinstance(problems, str):
        problems = problems.splitlines()
    return [p.strip() for p in problems if p and p.strip()]


@transaction.atomic
def review_save(
    *, actor: User, meeting: Meeting, unit: Unit, highlights: str = "", problems: Sequence[str] | str = (),
    measures: str = "", expected_version: int | None = None,
) -> Review:  # fmt: skip
    """Write one unit's review (亮点, problems one per row, 举措), during or after the meeting.

    `problems` are the problems not yet converted (a string: one per line); problems already
    converted into assignments stay as they are. `expected_version` 0 means "no review yet"."""
    _require_manage(actor, meeting)
    errors: dict[str, list[str]] = {}
    if meeting.date > timezone.localdate():
        raise ValidationError(_("会议尚未召开，点评须在会中或会后填写。"), code="state")
    if not policy.in_scope(actor, unit):
        errors["unit"] = [_("被点评单位须在您的管辖范围内。")]
    values = {"highlights": _text(highlights, "highlights", errors), "measures": _text(measures, "measures", errors)}
    texts = _problem_texts(problems)
    if any(len(t) > MAX_TEXT for t in texts):
        errors["problems"] = [_("每条问题不能超过 %(n)d 字。") % {"n": MAX_TEXT}]
    if not (values["highlights"] or values["measures"] or texts):
        errors["__all__"] = [_("请至少填写亮点、问题或举措中的一项。")]
    if errors:
        raise ValidationError(errors)
    review = Review.objects.filter(meeting=meeting, unit=unit).first()
    if review is None:
        if expected_version not in (None, 0):
            raise StaleEditError()
        review = Review.objects.create(meeting=meeting, unit=unit, written_by=actor, **values)
        _replace_problems(review, texts)
        record(actor=actor, action=AuditAction.CREATE, obj=review, changes=created(values | {"problems": texts}))
        return review
    review = lock_current(review, expected_version)
    before = snapshot(review, REVIEW_FIELDS) | {"problems": _open_texts(review)}
    for name, value in values.items():
        setattr(review, name, value)
    if texts != before["problems"]:
        _replace_problems(review, texts)
    changes = diff(before, snapshot(review, REVIEW_FIELDS) | {"problems": texts})
    if changes:
        review.version += 1
        review.written_by = actor
        review.save()
        record(actor=actor, action=AuditAction.UPDATE, obj=review, changes=changes)
    return review


def _converted_ids(review: Review) -> set[int]:
    problems = review.problems.values_list("pk", flat=True)
    return set(Assignment.objects.filter(source_kind=SourceKind.REVIEW, source_id__in=problems,
                                         review=review).values_list("source_id", flat=True))  # fmt: skip


def _open_texts(review: Review) -> list[str]:
    converted = _converted_ids(review)
    return [p.text for p in review.problems.all() if p.pk not in converted]


def _replace_problems(review: Review, texts: list[str]) -> None:
    converted = _converted_ids(review)
    review.problems.exclude(pk__in=converted).delete()
    start = review.problems.aggregate(m=Max("order"))["m"] or 0
    ReviewProblem.objects.bulk_create(
        ReviewProblem(review=review, order=start + i, text=t) for i, t in enumerate(texts, start=1)
    )


# --- decisions -----------------------------------------------------------------------------------


@transaction.atomic
def decision_add(
    *, actor: User, meeting: Meeting, text: str, owner_unit: Unit | None, deadline: dt.date | None
) -> Decision:
    """议定事项: what the meeting decided, the unit responsible and the time limit."""
    _require_manage(actor, meeting)
    errors: dict[str, list[str]] = {}
    text = _text(text, "text", errors, required=True)
    if owner_unit is None:
        errors["owner_unit"] = [_("请选择责任单位。")]
    else:
        _in_scope(actor, [owner_unit], "owner_unit", errors)
    if deadline is None:
        errors["deadline"] = [_("请填写完成时限。")]
    elif deadline < meeting.date:
        errors["deadline"] = [_("完成时限不能早于会议日期。")]
    if errors:
        raise ValidationError(errors)
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()  # serialises the numbering
    order = (meeting.decisions.aggregate(m=Max("order"))["m"] or 0) + 1
    decision = Decision.objects.create(
        meeting=meeting, order=order, text=text, owner_unit=owner_unit, deadline=deadline
    )
    changes = created({"text": text, "owner_unit": owner_unit.pk, "deadline": deadline.isoformat()})
    record(actor=actor, action=AuditAction.CREATE, obj=decision, changes=changes)
    return decision


@transaction.atomic
def decision_delete(*, actor: User, decision: Decision) -> None:
    _require_manage(actor, decision.meeting)
    if decision.assignments.exists():
        raise ValidationError(_("该议定事项已转为督办事项，不能删除。"))
    record(actor=actor, action=AuditAction.DELETE, obj=decision, changes=deleted({"text": decision.text}))
    decision.delete()


# --- one step to an assignment -------------------------------------------------------------------


def _assigned_on(meeting: Meeting) -> dt.date:
    return min(meeting.date, timezone.localdate())


@transaction.atomic
def review_problem_to_assignment(
    *, actor: User, problem: ReviewProblem, deadline: dt.date | None, title: str = "", leader: User | None = None,
    cycle: str = Cycle.MONTHLY, co_units: Sequence[Unit] = (), on_task_list: bool = False, responsibility: str = "",
) -> Assignment:  # fmt: skip
    """The reviewed unit owns the new assignment; its source is the problem, its review the review."""
    problem = (
        ReviewProblem.objects.select_for_update().select_related("review__meeting", "review__unit").get(pk=problem.pk)
    )
    review, meeting = problem.review, problem.review.meeting
    _require_manage(actor, meeting)
    label = _("%(m)s · %(u)s 点评问题 %(n)d") % {"m": meeting.title, "u": review.unit.name, "n": problem.order}
    return assignment_create(
        actor=actor, title=title.strip() or _short(problem.text), content=problem.text,
        source_kind=SourceKind.REVIEW, source_obj=problem, review=review, owner_unit=review.unit,
        co_units=co_units, leader=leader, deadline=deadline, cycle=cycle, on_task_list=on_task_list,
        responsibility=responsibility, assigned_on=_assigned_on(meeting), source_label=label,
    )  # fmt: skip


@transaction.atomic
def decision_to_assignment(
    *, actor: User, decision: Decision, deadline: dt.date | None = None, title: str = "", leader: User | None = None,
    cycle: str = Cycle.MONTHLY, co_units: Sequence[Unit] = (), on_task_list: bool = False, responsibility: str = "",
) -> Assignment:  # fmt: skip
    """The decision's unit owns the new assignment, by the decision's deadline unless another is given."""
    decision = Decision.objects.select_for_update().select_related("meeting", "owner_unit").get(pk=decision.pk)
    _require_manage(actor, decision.meeting)
    label = _("%(m)s · 议定事项 %(n)d") % {"m": decision.meeting.title, "n": decision.order}
    return assignment_create(
        actor=actor, title=title.strip() or _short(decision.text), content=decision.text,
        source_kind=SourceKind.DECISION, source_obj=decision, owner_unit=decision.owner_unit, co_units=co_units,
        leader=leader, deadline=deadline or decision.deadline, cycle=cycle, on_task_list=on_task_list,
        responsibility=responsibility, assigned_on=_assigned_on(decision.meeting), source_label=label,
    )  # fmt: skip


def _short(text: str, limit: int = 60) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"
