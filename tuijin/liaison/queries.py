"""Reads of the contact sheets, always scoped by the access policy.

Who sees a sheet (`visible_sheets`): a draft, the sender unit's own users alone; once sent,
the users of the sender unit and the units above it (as everywhere), of the addressed
departments (every department that has or had a part, and the written addressees) and of the
copied units (and the units above them), the units that own or help with the supervision
assignment the meeting's decision made of it, the leaders it was escalated to and the project's
lead leader; city-level supervisors and leaders see every sent sheet.

The lists (`SheetFilter`, `sheet_list`): one filter for every box — sent by my unit, to my
department, escalated to me, all — with status, department, overdue and period, used by the
pages, their Excel export and the API alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from tuijin.liaison.models import (
    AWAITING_ANSWER,
    AWAITING_SOLUTION,
    OPEN_ASSIGNMENT,
    ContactSheet,
    SheetAssignment,
    SheetAttachment,
    SheetStatus,
    overdue_q,
)
from tuijin.orgs import policy
from tuijin.orgs.models import Unit, UnitType, User
from tuijin.supervision.models import Assignment, SourceKind

BOXES = ("sent", "inbox", "escalated", "all")


def _under(user: User, field: str) -> Q:
    return Q(**{f"{field}__path__startswith": user.unit.path})


def visible_sheets(user: User) -> QuerySet[ContactSheet]:
    qs = ContactSheet.objects.all()
    if not policy.allows(user, "sheet.view"):
        return qs.none()
    drafts = Q(sender_unit_id=user.unit_id) if user.unit_id else Q(pk__in=[])
    sent = ~Q(status=SheetStatus.DRAFT)
    if policy.sees_all(user):
        return qs.filter(drafts | sent)
    concerned = Q(escalated_to=user) | Q(project__lead_leader=user)
    if user.unit_id:
        parts = SheetAssignment.objects.filter(sheet=OuterRef("pk")).filter(_under(user, "department"))
        addressed = ContactSheet.departments.through.objects.filter(contactsheet=OuterRef("pk")).filter(
            _under(user, "unit")
        )
        copied = ContactSheet.copies.through.objects.filter(contactsheet=OuterRef("pk")).filter(_under(user, "unit"))
        assigned = (
            from_sheets().filter(source_id=OuterRef("pk")).filter(_under(user, "owner_unit") | _under(user, "co_units"))
        )
        concerned |= _under(user, "sender_unit") | Q(Exists(parts)) | Q(Exists(addressed)) | Q(Exists(copied))
        concerned |= Q(Exists(assigned))
    visible = ContactSheet.objects.filter(sent & concerned).values("pk")
    return qs.filter(drafts | Q(pk__in=visible))


def linkable_sheets(user: User) -> QuerySet[ContactSheet]:
    """The sheets a supervisor may make an assignment of by hand: escalated ones they see, newest first."""
    return visible_sheets(user).filter(escalated_at__isnull=False).order_by("-sent_on", "-pk")


def from_sheets() -> QuerySet[Assignment]:
    """Supervision assignments whose source is a contact sheet (the meeting's decision on it)."""
    # By the content type's natural key, not its row: building the query reads nothing (the API
    # schema is generated before any database exists).
    meta = ContactSheet._meta
    return Assignment.objects.filter(
        source_kind=SourceKind.SHEET, source_type__app_label=meta.app_label, source_type__model=meta.model_name
    )


def sheet_assignments(sheet: ContactSheet) -> list[Assignment]:
    """The supervision assignments made of the sheet (the meeting's decision, or a supervisor's)."""
    return list(from_sheets().filter(source_id=sheet.pk).select_related("owner_unit").order_by("pk"))


def sheet_assignment_ids(sheet_ids: list[int]) -> dict[int, list[int]]:
    """For many sheets at once (one query): sheet id -> the ids of the assignments made of it."""
    found: dict[int, list[int]] = {}
    for sheet_id, pk in from_sheets().filter(source_id__in=sheet_ids).order_by("pk").values_list("source_id", "pk"):
        found.setdefault(sheet_id, []).append(pk)
    return found


def get_visible_sheet_or_404(user: User, pk: int) -> ContactSheet:
    try:
        return visible_sheets(user).select_related("sender_unit", "author", "project", "key_work").get(pk=pk)
    except ContactSheet.DoesNotExist:
        raise Http404 from None


def assignment_or_404(user: User, pk: int) -> SheetAssignment:
    sheets = visible_sheets(user)
    try:
        return SheetAssignment.objects.select_related("sheet", "department").get(pk=pk, sheet__in=sheets)
    except SheetAssignment.DoesNotExist:
        raise Http404 from None


def attachment_or_404(user: User, pk: int) -> SheetAttachment:
    try:
        return SheetAttachment.objects.select_related("sheet").get(pk=pk, sheet__in=visible_sheets(user))
    except SheetAttachment.DoesNotExist:
        raise Http404 from None


def departments() -> QuerySet[Unit]:
    return Unit.objects.filter(type=UnitType.DEPARTMENT, is_active=True).order_by("sort_order", "path")


# --- lists -----------------------------------------------------------------------------------


@dataclass
class SheetFilter:
    box: str = "all"
    status: str = ""
    department: str = ""  # unit code
    overdue: bool = False
    start: dt.date | None = None  # sent on or after
    end: dt.date | None = None  # sent on or before
    q: str = ""
    agenda: str = ""  # "pending" / "decided" / "" (the agenda's own filter)

    @classmethod
    def from_query(cls, params, box: str = "all") -> SheetFilter:
        status = params.get("status", "")
        return cls(
            box=box if box in BOXES else "all",
            status=status if status in SheetStatus.values or status == "open" else "",
            department=params.get("department", "")[:32],
            overdue=params.get("overdue", "") in ("1", "true", "on"),
            start=_date(params.get("start", "")), end=_date(params.get("end", "")),
            q=params.get("q", "").strip()[:100],
            agenda=params.get("agenda", "") if params.get("agenda", "") in ("pending", "decided") else "",
        )  # fmt: skip


def _date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def in_box(user: User, box: str) -> QuerySet[ContactSheet]:
    qs = visible_sheets(user)
    if box == "sent":
        return qs.filter(sender_unit_id=user.unit_id) if user.unit_id else qs.none()
    if box == "inbox":
        if not user.unit_id:
            return qs.none()
        return qs.filter(Exists(SheetAssignment.objects.filter(sheet=OuterRef("pk"), department_id=user.unit_id)))
    if box == "escalated":
        mine = qs.filter(escalated_at__isnull=False)
        return mine if policy.sees_all(user) else mine.filter(escalated_to=user)
    return qs


def filter_sheets(qs: QuerySet[ContactSheet], f: SheetFilter, as_of: dt.date) -> QuerySet[ContactSheet]:
    if f.status == "open":
        qs = qs.filter(status__in=(SheetStatus.SENT, SheetStatus.REOPENED))
    elif f.status:
        qs = qs.filter(status=f.status)
    if f.department:
        qs = qs.filter(Exists(SheetAssignment.objects.filter(sheet=OuterRef("pk"), department__code=f.department)))
    if f.overdue:
        qs = qs.overdue(as_of)
    if f.start:
        qs = qs.filter(sent_on__gte=f.start)
    if f.end:
        qs = qs.filter(sent_on__lte=f.end)
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(number__icontains=f.q) | Q(project__name__icontains=f.q))
    if f.agenda == "pending":
        qs = qs.filter(agenda_at__isnull=False, decision="")
    elif f.agenda == "decided":
        qs = qs.filter(agenda_at__isnull=False).exclude(decision="")
    return qs


def with_list_data(qs: QuerySet[ContactSheet], as_of: dt.date) -> QuerySet[ContactSheet]:
    """What a list row shows, in a fixed number of queries: the parts with their departments, and
    whether the sheet is overdue."""
    parts = SheetAssignment.objects.select_related("department").order_by("pk")
    late = SheetAssignment.objects.filter(overdue_q(as_of), sheet=OuterRef("pk"))
    return (
        qs.select_related("sender_unit", "project", "author")
        .prefetch_related(Prefetch("assignments", queryset=parts))
        .annotate(is_overdue=Exists(late))
    )


def sheet_list(user: User, f: SheetFilter, as_of: dt.date | None = None) -> QuerySet[ContactSheet]:
    as_of = as_of or timezone.localdate()
    qs = filter_sheets(in_box(user, f.box), f, as_of)
    order = ("agenda_at", "pk") if f.agenda else ("-sent_on", "-pk")
    return with_list_data(qs, as_of).order_by(*order)


def counts(qs: QuerySet[ContactSheet], as_of: dt.date) -> dict[str, int]:
    """The list's header: how many in all, still being handled, to confirm, overdue."""
    late = SheetAssignment.objects.filter(overdue_q(as_of), sheet=OuterRef("pk"))
    return qs.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=(SheetStatus.SENT, SheetStatus.REOPENED))),
        resolved=Count("pk", filter=Q(status=SheetStatus.RESOLVED)),
        overdue=Count("pk", filter=Q(Exists(late))),
    )


def department_counts(qs: QuerySet[ContactSheet], as_of: dt.date) -> list[dict]:
    """Per department, of the listed sheets: parts open, answers overdue, promised dates missed."""
    parts = SheetAssignment.objects.filter(sheet__in=qs.values("pk"))
    rows = (
        parts.values("department__code", "department__name", "department__short_name")
        .annotate(
            open=Count("pk", filter=Q(status__in=OPEN_ASSIGNMENT)),
            answer_overdue=Count("pk", filter=Q(status__in=AWAITING_ANSWER, due_on__lt=as_of)),
            promise_missed=Count("pk", filter=Q(status__in=AWAITING_SOLUTION, promised_on__lt=as_of)),
        )
        .filter(open__gt=0)
        .order_by("department__path")
    )
    return list(rows)


# --- one sheet -------------------------------------------------------------------------------


def sheet_parts(sheet: ContactSheet) -> list[SheetAssignment]:
    return list(sheet.assignments.select_related("department", "previous__department").order_by("pk"))


def sheet_timeline(sheet: ContactSheet):
    return sheet.events.select_related("actor", "actor_unit", "assignment__department").order_by("at", "pk")
