"""Reads of meetings, scoped by the access policy.

A meeting is visible to users who see its organizing unit, a unit that attended it, was
visited or was reviewed in it, and to its chair and attendees. Inside it, a user sees the
reviews of the units in their scope only (`reviews_for`).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from tuijin.meetings.models import Decision, Meeting, Review, ReviewProblem, Visit
from tuijin.orgs import policy
from tuijin.orgs.models import Unit, User
from tuijin.supervision.models import Assignment


def visible_meetings(user: User) -> QuerySet[Meeting]:
    qs = Meeting.objects.all()
    if not policy.allows(user, "meeting.view"):
        return qs.none()
    if policy.sees_all(user):
        return qs
    people = Q(chair=user) | Q(attendees=user)
    if user.unit_id is None:
        return qs.filter(pk__in=Meeting.objects.filter(people).values("pk"))
    path = user.unit.path
    attended = Meeting.attending_units.through.objects.filter(meeting=OuterRef("pk"), unit__path__startswith=path)
    reviewed = Review.objects.filter(meeting=OuterRef("pk"), unit__path__startswith=path)
    visited = Visit.objects.filter(meeting=OuterRef("pk"), unit__path__startswith=path)
    return qs.filter(
        Q(organizer__path__startswith=path) | Exists(attended) | Exists(reviewed) | Exists(visited)
        | Q(pk__in=Meeting.objects.filter(people).values("pk"))
    )  # fmt: skip


def get_visible_or_404(user: User, pk: int) -> Meeting:
    try:
        return visible_meetings(user).select_related("organizer", "chair").get(pk=pk)
    except Meeting.DoesNotExist:
        raise Http404 from None


def meeting_list(user: User, *, type: str = "", q: str = "", year: int | None = None) -> QuerySet[Meeting]:
    qs = visible_meetings(user).select_related("organizer", "chair")
    if type:
        qs = qs.filter(type=type)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(place__icontains=q))
    if year:
        qs = qs.filter(date__year=year)
    return qs.order_by("-date", "-pk")


def _problems() -> Prefetch:
    converted = Assignment.objects.only("pk", "source_id", "status", "deadline", "title")
    return Prefetch("problems", queryset=ReviewProblem.objects.prefetch_related(Prefetch("assignments", converted)))


def reviews_for(meeting: Meeting, user: User) -> QuerySet[Review]:
    """The meeting's reviews of units in the user's scope, problems and their assignments prefetched."""
    qs = policy.scope(meeting.reviews.all(), user, "unit")
    return qs.select_related("unit", "written_by").prefetch_related(_problems()).order_by("unit__path")


def decisions_for(meeting: Meeting) -> QuerySet[Decision]:
    converted = Assignment.objects.only("pk", "source_id", "status", "deadline", "title")
    return meeting.decisions.select_related("owner_unit").prefetch_related(Prefetch("assignments", converted))


def visits_for(meeting: Meeting) -> QuerySet[Visit]:
    return meeting.visits.select_related("unit")


def problem_or_404(user: User, pk: int) -> ReviewProblem:
    try:
        problem = ReviewProblem.objects.select_related("review__meeting__organizer", "review__unit").get(pk=pk)
    except ReviewProblem.DoesNotExist:
        raise Http404 from None
    if (
        not policy.in_scope(user, problem.review.unit)
        or not visible_meetings(user).filter(pk=problem.review.meeting_id).exists()
    ):
        raise Http404
    return problem


def decision_or_404(user: User, pk: int) -> Decision:
    try:
        decision = Decision.objects.select_related("meeting__organizer", "owner_unit").get(
            pk=pk, meeting__in=visible_meetings(user).values("pk")
        )
    except Decision.DoesNotExist:
        raise Http404 from None
    return decision


def unit_in_scope_or_404(user: User, code: str) -> Unit:
    return policy.get_in_scope_or_404(Unit.objects.all(), user, None, code=code)


def unit_history(unit: Unit) -> QuerySet[Review]:
    """The unit's reviews across meetings, newest first, with problems and what became of them."""
    return (
        Review.objects.filter(unit=unit)
        .select_related("meeting", "written_by")
        .prefetch_related(_problems())
        .order_by("-meeting__date", "-meeting__pk")
    )


def with_api_data(qs: QuerySet[Meeting], user: User) -> QuerySet[Meeting]:
    """Everything the API writes for a page of meetings, in a fixed number of queries; reviews
    scoped to the user's units land in `scoped_reviews`."""
    reviews = policy.scope(Review.objects.all(), user, "unit").select_related("unit").prefetch_related(_problems())
    converted = Assignment.objects.only("pk", "source_id")
    decisions = Decision.objects.select_related("owner_unit").prefetch_related(Prefetch("assignments", converted))
    return qs.select_related("organizer", "chair").prefetch_related(
        "attending_units",
        Prefetch("visits", Visit.objects.select_related("unit")),
        Prefetch("decisions", decisions),
        Prefetch("reviews", reviews.order_by("unit__path"), to_attr="scoped_reviews"),
    )
