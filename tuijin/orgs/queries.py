"""Reads for units, groups and users, always scoped by the access policy."""

from django.db.models import Count, Prefetch, Q, QuerySet

from tuijin.orgs import policy
from tuijin.orgs.models import RankingGroup, RoleGrant, Unit, User


def units_for(user: User, *, search: str = "", type: str = "") -> QuerySet[Unit]:
    qs = policy.visible_units(user).select_related("parent").prefetch_related("ranking_groups")
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(code__icontains=search) | Q(short_name__icontains=search))
    if type:
        qs = qs.filter(type=type)
    return qs.annotate(user_count=Count("users", distinct=True)).order_by("path")


def groups_for(user: User) -> QuerySet[RankingGroup]:
    # A group is visible when the user can see at least one member, or sees everything.
    qs = RankingGroup.objects.annotate(member_count=Count("units", distinct=True)).order_by("sort_order", "code")
    if policy.sees_all(user):
        return qs
    return qs.filter(units__in=policy.visible_units(user)).distinct()


NO_ROLE = "none"  # the user list's filter for accounts waiting for a role


def users_for(user: User, *, search: str = "", role: str = "", unit_code: str = "") -> QuerySet[User]:
    qs = policy.scope(User.objects.all(), user, "unit").select_related("unit")
    qs = qs.prefetch_related(Prefetch("role_grants", queryset=RoleGrant.objects.order_by("role")))
    if search:
        qs = qs.filter(Q(username__icontains=search) | Q(full_name__icontains=search))
    if role == NO_ROLE:
        qs = qs.filter(role_grants__isnull=True)
    elif role:
        qs = qs.filter(role_grants__role=role)
    if unit_code:
        qs = qs.filter(unit__code=unit_code)
    return qs.order_by("unit__path", "username")
