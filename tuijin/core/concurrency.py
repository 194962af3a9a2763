"""Optimistic locking: a form carries the version it was built from; a stale save is refused."""

from django.core.exceptions import ValidationError
from django.db import models
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from rest_framework.exceptions import APIException
from rest_framework.exceptions import ValidationError as DRFValidationError


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


# --- the API ---------------------------------------------------------------------------------


class PreconditionRequired(APIException):
    status_code = 428
    default_detail = _lazy("修改须带上读取时的版本号：请求体中的 version 字段或 If-Match 请求头。")
    default_code = "precondition_required"


class EditConflict(APIException):
    status_code = 409
    default_detail = _lazy("该记录已被他人修改，您的修改未保存。请重新读取最新内容后再修改。")
    default_code = "stale"


UPDATE_METHODS = frozenset({"PUT", "PATCH"})


def api_requires_version(view, request) -> bool:
    """Does this API request change a row it read? PUT and PATCH always; a DELETE or a POST to a
    URL that names a row (a state transition) unless the view's `version_exempt` lists the action,
    with the reason (it creates a new row and leaves the one it names unchanged; the row has no
    version)."""
    if request.method in UPDATE_METHODS:
        return True
    if request.method not in ("POST", "DELETE") or not getattr(view, "kwargs", None):
        return False
    action = getattr(view, "action", None) or request.method.lower()
    return action not in getattr(view, "version_exempt", {})


def require_api_version(view, request) -> None:
    """Refuse (428) an update without the version it read; copy an `If-Match` header into the
    request data, where every update view reads `version` (or the view's `version_field`)."""
    if not api_requires_version(view, request):
        return
    field = getattr(view, "version_field", "version")
    data = request.data
    sent = data.get(field) if hasattr(data, "get") else None
    header = request.headers.get("If-Match", "").strip()
    if request.method == "DELETE" and not header and sent in (None, ""):
        # Many clients send no body with a DELETE: `?version=` says the same.
        header = request.query_params.get(field, "").strip()
    if header:
        value = header.removeprefix("W/").strip('"')
        if not value.isdigit():
            raise DRFValidationError({field: [_("If-Match 请求头须为版本号（整数）。")]})
        if sent not in (None, "") and str(sent) != value:
            raise DRFValidationError({field: [_("If-Match 请求头与 version 字段不一致。")]})
        if sent in (None, ""):
            if isinstance(data, QueryDict):
                data = data.copy()
                data[field] = value
                request._full_data = data  # DRF keeps the parsed body here
            elif isinstance(data, dict):
                data[field] = int(value)
            sent = value
    if sent in (None, ""):
        raise PreconditionRequired()


def is_stale(exc: BaseException | None) -> bool:
    """A stale edit, however the view wrapped it (`raise as_drf_error(e) from e`)."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, (StaleEditError, EditConflict)):
            return True
        if isinstance(exc, ValidationError):
            lists = [exc.error_list] if hasattr(exc, "error_list") else exc.error_dict.values()
            errors = [e for errs in lists for e in errs]
            if any(getattr(e, "code", None) == "stale" for e in errors):
                return True
        exc, seen = exc.__cause__, seen + 1
    return False
