"""Reads of assignments, always scoped by the access policy, with the colour and overdue level
annotated in SQL (one query for a list) by the rules of `metrics.py`.

Shared interface (bulletins, assessment, dashboards):
- `listed_items(*, as_of)`: the open items at 挂牌督办 on `as_of`, city-wide.
- `counts_by_level(*, as_of, qs=None)`: {"": n, "remind": n, "supervise": n, "listed": n} of open items.
- `annotate_state(qs, as_of)`: adds `colour`, `level`, `days_over`, `caught_up_late` to each row.
- `visible_assignments(user)`: what a user may see (owner unit in scope, a co-unit in scope,
  or the user is the responsible leader).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone

from tuijin.orgs import policy
from tuijin.orgs.models import Role, Unit, User
from tuijin.supervision import conf, metrics, sources
from tuijin.supervision.models import (
    Assignment,
    AssignmentEvent,
    Attachment,
    ExtensionRequest,
    ProgressUpdate,
    SourceKind,
    Status,
)


def thresholds() -> metrics.Thresholds:
    """The colour and level thresholds from the settings (defaults in `metrics.DEFAULT`)."""
    return metrics.Thresholds(
        yellow_days=conf.ASSIGNMENT_YELLOW_DAYS,
        remind_days=conf.ASSIGNMENT_REMIND_DAYS,
        supervise_days=conf.ASSIGNMENT_SUPERVISE_DAYS,
        list_days=conf.ASSIGNMENT_LIST_DAYS,
    )


# --- scope ---------------------------------------------------------------------------------------


def visible_assignments(user: User) -> QuerySet[Assignment]:
    qs = Assignment.objects.all()
    if not policy.allows(user, "assignment.view"):
        return qs.none()
    if policy.sees_all(user):
        return qs
    if user.unit_id is None:
        return qs.filter(leader=user)
    path = user.unit.path
    co = Assignment.co_units.through.objects.filter(assignment=OuterRef("pk"), unit__path__startswith=path)
    return qs.filter(Q(owner_unit__path__startswith=path) | Exists(co) | Q(leader=user))


def get_visible_or_404(user: User, pk: int) -> Assignment:
    try:
        return visible_assignments(user).select_related("owner_unit", "leader", "created_by").get(pk=pk)
    except Assignment.DoesNotExist:
        raise Http404 from None


def attachment_or_404(user: User, pk: int) -> Attachment:
    try:
        return Attachment.objects.select_related("assignment").get(
            pk=pk, assignment__in=visible_assignments(user).values("pk")
        )
    except Attachment.DoesNotExist:
        raise Http404 from None


def extension_or_404(user: User, pk: int) -> ExtensionRequest:
    try:
        return ExtensionRequest.objects.select_related("assignment__owner_unit").get(
            pk=pk, assignment__in=visible_assignments(user).values("pk")
        )
    except ExtensionRequest.DoesNotExist:
        raise Http404 from None


# --- colour and level in SQL -----------------------------------------------------------------------


def annotate_state(qs: QuerySet[Assignment], as_of: dt.date | None = None) -> QuerySet[Assignment]:
    """The rules of `metrics.colour` and `metrics.overdue_level`, as SQL on each row."""
    today = as_of or timezone.localdate()
    th = thresholds()
    open_ = Q(status=Status.OPEN)
    late = Exists(ProgressUpdate.objects.filter(assignment=OuterRef("pk"), late=True))

    def cut(days: int) -> dt.date:
        return today - dt.timedelta(days=days)

    return qs.annotate(
        caught_up_late=Case(When(late, then=Value(True)), default=Value(False), output_field=BooleanField()),
        level=Case(
            When(open_ & Q(deadline__lte=cut(th.list_days)), then=Value(metrics.LISTED)),
            When(open_ & Q(deadline__lte=cut(th.supervise_days)), then=Value(metrics.SUPERVISE)),
            When(open_ & Q(deadline__lte=cut(th.remind_days)), then=Value(metrics.REMIND)),
            default=Value(metrics.NONE), output_field=CharField(),
        ),
        colour=Case(
            When(~open_, then=Value("")),
            When(deadline__lt=today, then=Value(metrics.RED)),
            When(deadline__lte=today + dt.timedelta(days=th.yellow_days), then=Value(metrics.YELLOW)),
            When(late, then=Value(metrics.YELLOW)),
            default=Value(metrics.GREEN), output_field=CharField(),
        ),
    )  # fmt: skip


def with_list_data(qs: QuerySet[Assignment], as_of: dt.date | None = None) -> QuerySet[Assignment]:
    """Annotated rows with what a list shows (owner, leader, co-units, the dates updates were posted,
    whether an extension request waits for a decision)."""
    updates = ProgressUpdate.objects.only("assignment_id", "posted_on", "cycle_start", "late").order_by()
    pending = ExtensionRequest.objects.filter(assignment=OuterRef("pk"), status=ExtensionRequest.Status.PENDING)
    return (
        annotate_state(qs, as_of)
        .annotate(pending_extension=Exists(pending))
        .select_related("owner_unit", "leader")
        .prefetch_related("co_units", Prefetch("updates", queryset=updates, to_attr="posted"))
    )


def missed_cycles(assignment: Assignment, today: dt.date | None = None) -> list[tuple[dt.date, dt.date]]:
    """The cycles the owner missed and has not caught up (uses `posted` from `with_list_data`
    when present). Reporting stops when close-out is requested (or the item is closed)."""
    today = today or timezone.localdate()
    posted = getattr(assignment, "posted", None)
    if posted is None:
        posted = list(assignment.updates.only("posted_on", "cycle_start", "late"))
    stop = assignment.closeout_requested_on if assignment.status != Status.OPEN else None
    stop = assignment.closed_on or stop
    return metrics.missed_cycles(
        assignment.reporting_from, today, assignment.cycle, [u.posted_on for u in posted], stop,
        caught_up=[u.cycle_start for u in posted if u.late],
    )  # fmt: skip


# --- lists ---------------------------------------------------------------------------------------

SORTS = {"deadline": ("deadline", "pk"), "assigned": ("-assigned_on", "-pk"), "owner": ("owner_unit__path", "deadline")}


@dataclass(frozen=True)
class AssignmentFilter:
    q: str = ""
    owner: str = ""  # unit code: that unit and the units below it
    leader: int | None = None
    source: str = ""
    level: str = ""
    colour: str = ""
    status: str = ""  # "" = every status; "active" = not closed
    year: int | None = None
    task_list: bool = False
    pending_extension: bool = False
    sort: str = "deadline"

    @classmethod
    def from_query(cls, params) -> AssignmentFilter:
        def number(name):
            raw = params.get(name, "")
            return int(raw) if raw.isdigit() else None

        level = params.get("level", "")
        colour = params.get("colour", "")
        status = params.get("status", "")
        return cls(
            q=params.get("q", "").strip()[:100], owner=params.get("owner", "").strip()[:32], leader=number("leader"),
            source=params.get("source", "") if params.get("source", "") in SourceKind.values else "",
            level=level if level in metrics.LEVELS[1:] else "", colour=colour if colour in metrics.COLOURS else "",
            status=status if status in (*Status.values, "active") else "", year=number("year"),
            task_list=params.get("task_list") == "1", pending_extension=params.get("extension") == "pending",
            sort=params.get("sort", "") if params.get("sort") in SORTS else "deadline",
        )  # fmt: skip


def filter_assignments(qs: QuerySet[Assignment], f: AssignmentFilter) -> QuerySet[Assignment]:
    """Filters on an annotated QuerySet (level and colour are annotations)."""
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(content__icontains=f.q))
    if f.owner:
        unit = Unit.objects.filter(code=f.owner).first()
        qs = qs.filter(owner_unit__path__startswith=unit.path) if unit else qs.none()
    if f.leader:
        qs = qs.filter(leader_id=f.leader)
    if f.source:
        qs = qs.filter(source_kind=f.source)
    if f.level:
        qs = qs.filter(level=f.level)
    if f.colour:
        qs = qs.filter(colour=f.colour)
    if f.status == "active":
        qs = qs.exclude(status=Status.CLOSED)
    elif f.status:
        qs = qs.filter(status=f.status)
    if f.year:
        qs = qs.filter(year=f.year)
    if f.task_list:
        qs = qs.filter(on_task_list=True)
    if f.pending_extension:
        qs = qs.filter(extensions__status=ExtensionRequest.Status.PENDING)  # at most one per item
    return qs.order_by(*SORTS[f.sort])


def assignment_list(user: User, f: AssignmentFilter, as_of: dt.date | None = None) -> QuerySet[Assignment]:
    return filter_assignments(with_list_data(visible_assignments(user), as_of), f)


def my_assignments(user: User, as_of: dt.date | None = None) -> QuerySet[Assignment]:
    """The items of the user's own unit (as owner or co-unit), not yet closed."""
    if user.unit_id is None or not policy.allows(user, "assignment.view"):
        return Assignment.objects.none()
    qs = Assignment.objects.filter(Q(owner_unit=user.unit) | Q(co_units=user.unit)).exclude(status=Status.CLOSED)
    return with_list_data(qs.distinct(), as_of).order_by("deadline", "pk")


def leaders() -> QuerySet[User]:
    return User.objects.filter(role_grants__role=Role.LEADER, is_active=True).distinct().order_by("username")


# --- counts --------------------------------------------------------------------------------------

GROUPINGS = {
    "owner": ("owner_unit__code", "owner_unit__name"),
    "leader": ("leader_id", "leader__full_name"),
    "source": ("source_kind",),
    "level": ("level",),
}


def counts_by(qs: QuerySet[Assignment], by: str, as_of: dt.date | None = None) -> list[dict]:
    """One row per group: total, open, awaiting close-out, closed, red, and each overdue level.
    `qs` must be annotated (`annotate_state`, same `as_of`). Punctuality keeps the original
    deadline whatever extension was granted: `on_time` closed by it, `late_original` not closed
    by it (closed later, or still not closed after it)."""
    today = as_of or timezone.localdate()
    fields = GROUPINGS[by]
    active = ~Q(status=Status.CLOSED)
    closed = Q(status=Status.CLOSED)
    return list(
        qs.order_by()
        .values(*fields)
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=Q(status=Status.OPEN)),
            requested=Count("pk", filter=Q(status=Status.CLOSEOUT_REQUESTED)),
            closed=Count("pk", filter=Q(status=Status.CLOSED)),
            red=Count("pk", filter=active & Q(colour=metrics.RED)),
            yellow=Count("pk", filter=active & Q(colour=metrics.YELLOW)),
            remind=Count("pk", filter=Q(level=metrics.REMIND)),
            supervise=Count("pk", filter=Q(level=metrics.SUPERVISE)),
            listed=Count("pk", filter=Q(level=metrics.LISTED)),
            extended=Count("pk", filter=~Q(deadline=F("original_deadline"))),
            on_time=Count("pk", filter=closed & Q(closed_on__lte=F("original_deadline"))),
            late_original=Count(
                "pk",
                filter=(closed & Q(closed_on__gt=F("original_deadline"))) | (active & Q(original_deadline__lt=today)),
            ),
        )
        .order_by(*fields)
    )


def counts_by_level(*, as_of: dt.date, qs: QuerySet[Assignment] | None = None) -> dict[str, int]:
    """Open items per overdue level on `as_of` (city-wide unless `qs` narrows it)."""
    base = annotate_state(Assignment.objects.all() if qs is None else qs, as_of)
    rows = dict(base.filter(status=Status.OPEN).order_by().values_list("level").annotate(n=Count("pk")))
    return {level: rows.get(level, 0) for level in metrics.LEVELS}


def listed_items(*, as_of: dt.date) -> QuerySet[Assignment]:
    """挂牌督办: open items `list_days` or more past their (current) deadline on `as_of`, city-wide."""
    cut = as_of - dt.timedelta(days=thresholds().list_days)
    qs = Assignment.objects.filter(status=Status.OPEN, deadline__lte=cut)
    return annotate_state(qs, as_of).select_related("owner_unit", "leader").order_by("deadline", "pk")


def task_list(user: User, year: int, as_of: dt.date | None = None) -> QuerySet[Assignment]:
    """任务清单/责任清单 of a year: the listed items in scope, by leader, then owner unit."""
    qs = visible_assignments(user).filter(year=year, on_task_list=True)
    return with_list_data(qs, as_of).order_by("leader__username", "owner_unit__path", "deadline", "pk")


# --- one item ------------------------------------------------------------------------------------


def source_link(assignment: Assignment) -> sources.SourceLink | None:
    """Where the item came from, as a link the source gives (None for a leader's instruction or
    another source without a record). No query when the source was fetched with `sources.prefetch()`."""
    return sources.link(assignment.source if assignment.source_id is not None else None)


def source_url(assignment: Assignment) -> str | None:
    """The page of the item's source (None when it has no record)."""
    found = source_link(assignment)
    return found.url if found else None


def timeline(assignment: Assignment) -> QuerySet[AssignmentEvent]:
    return assignment.events.select_related("actor")


def updates(assignment: Assignment) -> QuerySet[ProgressUpdate]:
    return assignment.updates.select_related("posted_by").prefetch_related("attachments")


def annotated(assignment: Assignment, as_of: dt.date | None = None) -> Assignment:
    return (
        with_list_data(Assignment.objects.filter(pk=assignment.pk), as_of)
        .select_related("created_by", "source_type")
        .prefetch_related(sources.prefetch())
        .get()
    )
