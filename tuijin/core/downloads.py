"""Protected files (attachments, photos, published bulletins): the app checks who may have one,
and then either streams it or, behind nginx, hands the sending to nginx.

With X_ACCEL_REDIRECT_PREFIX set (e.g. `/_protected/`, an `internal` location of the nginx site
that aliases MEDIA_ROOT: deploy/nginx-tuijin.conf) the answer is empty and carries
`X-Accel-Redirect: <prefix><the file's storage name>`: nginx sends the file itself, with the
headers set here (type, disposition, caching), and a browser can never ask for that location.
The permission check is the view's, before this is called, and unchanged. Only for storage on
a file system nginx can read (FileSystemStorage, a shared NFS mount): object storage keeps
streaming.

The answer is a FileResponse either way, so the download audit (tuijin.audit.middleware) records
both alike.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404


def _accel_prefix(storage) -> str:
    prefix = getattr(settings, "X_ACCEL_REDIRECT_PREFIX", "")
    return prefix if prefix and isinstance(storage, FileSystemStorage) else ""


def protected_file_response(
    file, *, content_type: str | None = None, as_attachment: bool = False, filename: str = ""
) -> FileResponse:
    """The stored `file` (a FieldFile) as a response; 404 when it is missing from the storage."""
    storage, name = file.storage, file.name
    prefix = _accel_prefix(storage)
    if prefix:
        if not name or not storage.exists(name):
            raise Http404
        response = FileResponse(iter(()), content_type=content_type, as_attachment=as_attachment, filename=filename)
        response.set_headers(None)  # the type (guessed from the name) and disposition, as for a file
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(name.lstrip("/"))
        return response
    try:
        handle = storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, content_type=content_type, as_attachment=as_attachment, filename=filename)
