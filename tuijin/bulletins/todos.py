"""我的待办 for bulletins: a supervisor's drafts waiting to be published; a reader's unread bulletins."""

from django.urls import reverse
from django.utils.translation import gettext as _

from tuijin.bulletins import queries
from tuijin.bulletins.models import Status
from tuijin.core.todos import Todo
from tuijin.orgs import policy


def for_user(user) -> list[Todo]:
    if not policy.allows(user, "bulletin.view"):
        return []
    items: list[Todo] = []
    visible = queries.listing(user)
    if policy.allows(user, "bulletin.manage"):
        drafts = visible.filter(status=Status.DRAFT).count()
        if drafts:
            items.append(Todo(_("待发布的通报草稿"), reverse("bulletins:list"), _("审阅文字后发布"), drafts, "warning"))
    unread = visible.filter(status=Status.PUBLISHED).exclude(reads__user=user).count()
    if unread:
        items.append(Todo(_("未读的通报"), reverse("bulletins:list"), count=unread))
    return items
