"""Template context: the number of unread inbox items, for the navigation badge."""

from functools import cache

from tuijin.notifications.queries import unread_count


def inbox_count(request) -> dict:
    """`inbox_unread` — counted only when a template uses it (one COUNT query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"inbox_unread": 0}
    return {"inbox_unread": cache(lambda: unread_count(user))}
