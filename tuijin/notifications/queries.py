"""Reads for the inbox and the robot settings page."""

from __future__ import annotations

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from tuijin.notifications.models import Notification
from tuijin.orgs import policy
from tuijin.orgs.models import Unit

STATUSES = ("all", "unread")


# Unread: not opened and still needing attention (an item closed by `resolve` no longer is).
# The count, the "仅未读" filter and the drawing of each item all use this one definition.
UNREAD = Q(read_at__isnull=True, done_at__isnull=True)


def inbox(user, *, status: str = "all", kind: str = "") -> QuerySet[Notification]:
    """The user's own items (nobody reads another's inbox), unread first, newest first."""
    qs = Notification.objects.filter(recipient=user).annotate(
        unread=ExpressionWrapper(UNREAD, output_field=BooleanField())
    )
    if status == "unread":
        qs = qs.filter(UNREAD)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-unread", "-created_at", "-id")


def unread_count(user) -> int:
    """Unread items still needing attention (an item closed by `resolve` no longer counts)."""
    if not policy.is_active_user(user):
        return 0
    return Notification.objects.filter(UNREAD, recipient=user).count()


def kinds_of(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("kind").values_list("kind", flat=True).distinct())


def units_with_channels(user, *, search: str = "") -> QuerySet[Unit]:
    units = policy.visible_units(user).filter(is_active=True).select_related("channel")
    if search:
        units = units.filter(Q(name__icontains=search) | Q(code__icontains=search))
    return units.order_by("path")
