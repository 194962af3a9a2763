"""Deploy checks: production has no superuser (every power comes from a role)."""

from django.core import checks
from django.db import DatabaseError


@checks.register(checks.Tags.security, deploy=True)
def no_superusers(app_configs=None, databases=None, **kwargs):
    if not databases:
        return []
    from tuijin.orgs.models import User

    try:
        names = list(User.objects.filter(is_superuser=True).values_list("username", flat=True)[:5])
    except DatabaseError:
        return []  # not migrated yet: nothing to check
    if not names:
        return []
    return [
        checks.Error(
            f"Superuser accounts exist: {', '.join(names)}",
            hint="Tuijin grants powers through roles only; remove is_superuser from these accounts.",
            id="tuijin.E001",
        )
    ]
