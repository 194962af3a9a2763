"""Who a sheet concerns: the people notified, escalated to, and reminded. Reads only."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from tuijin.liaison.models import ContactSheet
from tuijin.orgs.models import Role, Unit, User


def _active(units: Iterable[Unit] | Unit, *roles: str) -> QuerySet[User]:
    unit_ids = [units.pk] if isinstance(units, Unit) else [u.pk for u in units]
    return (
        User.objects.filter(unit_id__in=unit_ids, is_active=True, role_grants__role__in=roles).distinct().order_by("pk")
    )


def department_people(departments: Iterable[Unit] | Unit) -> list[User]:
    """The departments' handlers (承办人) and heads: they answer."""
    return list(_active(departments, Role.HANDLER, Role.UNIT_HEAD))


def department_heads(department: Unit) -> list[User]:
    return list(_active(department, Role.UNIT_HEAD))


def sender_people(sheet: ContactSheet) -> list[User]:
    """The sender unit's reporters and head, and the author: they confirm or reopen."""
    people = {u.pk: u for u in _active(sheet.sender_unit, Role.REPORTER, Role.UNIT_HEAD)}
    if sheet.author.is_active:
        people.setdefault(sheet.author.pk, sheet.author)
    return list(people.values())


def root_of(unit: Unit) -> Unit:
    """The top-level unit (the city) above `unit`."""
    root_path = "/" + unit.path.strip("/").split("/")[0] + "/"
    return unit if unit.path == root_path else Unit.objects.get(path=root_path)


def unit_leaders(unit: Unit) -> list[User]:
    """Active leaders of `unit`, or of the nearest unit above it that has any (a town with no
    leader account goes to its county's leaders, a county with none to the city's)."""
    segments = unit.path.strip("/").split("/")
    paths = ["/" + "/".join(segments[:n]) + "/" for n in range(1, len(segments) + 1)]
    leaders = list(
        User.objects.filter(unit__path__in=paths, is_active=True, role_grants__role=Role.LEADER)
        .distinct()
        .select_related("unit")
        .order_by("pk")
    )
    nearest = max((u.unit.depth for u in leaders), default=None)
    return [u for u in leaders if u.unit.depth == nearest]


def city_supervisors(unit: Unit) -> list[User]:
    return list(_active(root_of(unit), Role.SUPERVISOR))


def escalation_leaders(sheet: ContactSheet) -> list[User]:
    """The ladder's first rung: the project's lead leader, or (no project, no active lead leader)
    the leaders of the sender unit (the nearest unit above it that has leaders)."""
    leader = sheet.project.lead_leader if sheet.project_id else None
    if leader is not None and leader.is_active and leader.has_role(Role.LEADER):
        return [leader]
    return unit_leaders(sheet.sender_unit)
