"""Downloads and exports are audited; logged-in pages and downloads are never stored by a cache."""

from urllib.parse import unquote

from django.db import transaction
from django.http import FileResponse
from django.utils.cache import add_never_cache_headers

from tuijin.audit.context import export_recorded
from tuijin.audit.models import AuditAction
from tuijin.audit.services import record

# Images a page shows by itself (not a download the user asked for).
NOT_DOWNLOADS = frozenset({"projects:photo_thumbnail"})


class DownloadAuditMiddleware:
    """One audit event per file served or exported (等保: access to important data is recorded).

    Views that record their own export event are left alone; the event names the URL's view and
    its arguments as the object, the file name and the full path with its query.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = export_recorded.set(False)
        try:
            response = self.get_response(request)
            if _is_download(request, response) and not export_recorded.get():
                _record(request, response)
            return response
        finally:
            export_recorded.reset(token)


class NoStoreMiddleware:
    """`Cache-Control: no-store` for logged-in users' responses and for every download.

    A view's own Cache-Control (private, short-lived thumbnails) stands; static files never reach
    this middleware (WhiteNoise answers them first) and stay cacheable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        attachment = response.get("Content-Disposition", "").startswith("attachment")
        if (attachment or (user is not None and user.is_authenticated)) and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


def _is_download(request, response) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or response.status_code != 200:
        return False
    match = request.resolver_match
    if match is not None and match.view_name in NOT_DOWNLOADS:
        return False
    return isinstance(response, FileResponse) or response.has_header("Content-Disposition")


def _record(request, response) -> None:
    match = request.resolver_match
    with transaction.atomic():
        record(
            actor=request.user,
            action=AuditAction.DOWNLOAD if isinstance(response, FileResponse) else AuditAction.EXPORT,
            object_type=(match.view_name if match else "")[:64],
            object_id=",".join(str(v) for v in (match.kwargs.values() if match else []))[:64],
            object_repr=_file_name(response.get("Content-Disposition", ""))[:200],
            note=request.get_full_path()[:500],
        )


def _file_name(disposition: str) -> str:
    for part in disposition.split(";"):
        key, _, value = part.strip().partition("=")
        if key == "filename*":
            return unquote(value.split("''", 1)[-1])
        if key == "filename":
            return value.strip('"')
    return ""
