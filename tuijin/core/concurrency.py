"""Optimistic locking: a form carries the version it was built from; a stale save is refused."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _


class StaleEditError(ValidationError):
    def __init__(self):
        super().__init__(
            _("该记录已被他人修改，您的修改未保存。请刷新页面查看最新内容后再修改。"),
            code="stale",
        )


def lock_current(obj: models.Model, expected_version: int | None) -> models.Model:
    """Lock `obj`'s row and check it is still at `expected_version` (None skips the check).

    Returns the freshly read, locked row. Call inside `transaction.atomic`.
    """
    fresh = obj._meta.model._default_manager.select_for_update().get(pk=obj.pk)
    if expected_version is not None and fresh.version != int(expected_version):
        raise StaleEditError()
    return fresh
