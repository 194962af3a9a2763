"""Reading bulletins: who sees which, the list, the versions of a series, the readers.

Visibility (the policy's "bulletin.view" on the QuerySet):
- a published bulletin is read by everyone it was published to — users whose unit lies within
  its scope (a city-wide bulletin: every unit) — and by those whose view covers its scope;
- a draft only by supervisors who may manage it (`may_manage`).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tuijin.orgs import policy
from tuijin.orgs.models import Unit, User


def _covers(user: User) -> Q:
    """Bulletins whose scope the user's view covers: all of them for a city-wide view."""
    if policy.sees_all(user):
        return Q(pk__isnull=False)  # not Q(): an empty Q vanishes when OR-ed with another
    if user.unit is None:
        return Q(pk__in=[])
    return Q(scope_unit__path__startswith=user.unit.path)


def _published_to(user: User) -> Q:
    """Bulletins published to the user's unit: city-wide ones and those of a unit above it."""
    if user.unit is None:
        return Q(pk__in=[])
    return Q(scope_unit__isnull=True) | Q(scope_unit__path__in=_ancestor_paths(user.unit.path))


def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def visible(qs: QuerySet, user: User) -> QuerySet:
    if not policy.allows(user, "bulletin.view"):
        return qs.none()
    published = Q(status="published") & (_covers(user) | _published_to(user))
    if policy.allows(user, "bulletin.manage"):
        return qs.filter(published | (Q(status="draft") & _covers(user)))
    return qs.filter(published)


def linkable(user: User) -> QuerySet:
    """The bulletins a supervisor may make an assignment of (a problem it names): the published
    ones the user sees, newest period first."""
    from tuijin.bulletins.models import Bulletin, Status

    return Bulletin.objects.visible_to(user).filter(status=Status.PUBLISHED).order_by("-year", "-period", "-pk")


def may_manage(user: User, scope_unit: Unit | None) -> bool:
    """May draft, edit and publish a bulletin of this scope: a supervisor whose view covers it."""
    if not policy.allows(user, "bulletin.manage"):
        return False
    return policy.sees_all(user) if scope_unit is None else policy.in_scope(user, scope_unit)


def listing(user: User) -> QuerySet:
    from tuijin.bulletins.models import Bulletin

    return Bulletin.objects.visible_to(user).select_related("scope_unit", "created_by", "published_by")


def versions(bulletin) -> QuerySet:
    from tuijin.bulletins.models import Bulletin

    return Bulletin.objects.filter(series=bulletin.series).select_related("published_by").order_by("number")


def recipients(scope_unit: Unit | None) -> QuerySet[User]:
    """The people a bulletin is published to: active business users of the units in scope."""
    qs = User.objects.filter(is_active=True, unit__isnull=False, role_grants__role__in=list(policy.BUSINESS_ROLES))
    if scope_unit is not None:
        qs = qs.filter(unit__path__startswith=scope_unit.path)
    return qs.distinct()
