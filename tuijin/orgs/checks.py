"""Deploy checks: production has no superuser (every power comes from a role); and a local run
is told when personal fields are encrypted with a stand-in key."""

from django.conf import settings
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


@checks.register(checks.Tags.security)
def field_encryption_key(app_configs=None, **kwargs):
    # Production refuses to start without one (settings); locally the key is derived from SECRET_KEY.
    if not (settings.FIELD_ENCRYPTION_KEY_DERIVED and settings.DEBUG):
        return []
    return [
        checks.Warning(
            "FIELD_ENCRYPTION_KEY is not set: phone numbers are encrypted with a key derived from SECRET_KEY.",
            hint="Fine for local development only; production sets its own Fernet key (see README).",
            id="tuijin.W001",
        )
    ]
