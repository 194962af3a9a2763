"""Background imports: a large uploaded workbook is validated and written by a task.

Progress (`processed_rows`) is committed while the rows are validated, outside the write
transaction, so the batch page can show it; the write itself is one transaction at the end,
so the batch stays all or nothing.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from tuijin.indicators.models import ImportBatch
from tuijin.indicators.services import imports, uploads


@task
def run_import(batch_id: int) -> str:
    """Import a queued batch once: the claim (pending → running) makes a rerun a no-op."""
    claimed = ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.PENDING).update(
        status=ImportBatch.Status.RUNNING
    )
    if not claimed:
        return "skipped"
    batch = ImportBatch.objects.select_related("created_by").get(pk=batch_id)
    try:
        with default_storage.open(uploads.stored_path(batch), "rb") as handle:
            rows = uploads.READERS[batch.kind](handle.read())
        uploads.IMPORTERS[batch.kind](
            actor=batch.created_by, rows=rows, reason=batch.reason, source=imports.SOURCE_EXCEL,
            file_name=batch.file_name, checksum=batch.checksum, batch=batch, progress=_progress(batch_id),
        )  # fmt: skip
    except imports.ImportRejected as exc:
        return _fail(batch_id, exc.errors)
    except PermissionDenied as exc:
        return _fail(batch_id, uploads.file_error(str(exc)))
    except Exception:
        _fail(batch_id, uploads.file_error(_("导入时发生系统错误，请联系系统管理员。")))
        raise
    return "done"


def _progress(batch_id: int):
    def update(processed: int) -> None:
        ImportBatch.objects.filter(pk=batch_id).update(processed_rows=processed)

    return update


def _fail(batch_id: int, errors: list[dict]) -> str:
    ImportBatch.objects.filter(pk=batch_id).update(
        status=ImportBatch.Status.FAILED, errors=errors, finished_at=timezone.now()
    )
    return "failed"
