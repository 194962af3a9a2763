"""Who is told about an assignment: the owner unit's people, the leader, the supervisors above it."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from tuijin.orgs.models import Role, Unit, User

OWNER_ROLES = (Role.REPORTER, Role.UNIT_HEAD, Role.HANDLER)


def owners(unit: Unit) -> QuerySet[User]:
    """The owner unit's reporters, head and handlers (who post progress and ask for close-out)."""
    return User.objects.filter(unit=unit, is_active=True, role_grants__role__in=OWNER_ROLES).distinct()


def owners_of(units: Iterable[Unit]) -> QuerySet[User]:
    """The reporters, heads and handlers of several units (co-units told of a new item)."""
    return User.objects.filter(unit__in=list(units), is_active=True, role_grants__role__in=OWNER_ROLES).distinct()


def supervisors_over(unit: Unit) -> QuerySet[User]:
    """Supervisors whose scope holds `unit`: of the unit itself or of a unit above it."""
    parts = [p for p in unit.path.split("/") if p]
    paths = ["/" + "/".join(parts[:n]) + "/" for n in range(1, len(parts) + 1)]
    return User.objects.filter(unit__path__in=paths, is_active=True, role_grants__role=Role.SUPERVISOR).distinct()
