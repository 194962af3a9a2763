"""Background work of the projects app. Thin: load by id, call the service (idempotent)."""

from django.tasks import task

from tuijin.orgs.models import Unit, User
from tuijin.projects.services import feed


@task
def feed_indicators(year: int, months: list[int], unit_ids: list[int] | None, actor_id: int) -> int:
    """Sum the projects-fed indicator values (最多报一次) again for these months and units.
    Returns how many figures changed; a rerun changes none."""
    actor = User.objects.get(pk=actor_id)
    units = None if unit_ids is None else list(Unit.objects.filter(pk__in=unit_ids))
    changed = 0
    for month in months:
        result = feed.feed_indicator_values(year=year, month=month, units=units, actor=actor)
        changed += result.created + result.updated
    return changed
