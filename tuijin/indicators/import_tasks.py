"""Background imports: a large uploaded workbook is validated and written by a task.

Progress (`processed_rows`) is committed while the rows are validated, outside the write
transaction, so the batch page can show it; the write itself is one transaction at the end,
so the batch stays all or nothing.

The claim (pending → running) carries a lease (tuijin.core.leases): each progress update renews
the heartbeat, and the write transaction starts by checking the claim is still this worker's.
A batch whose worker died is found by `imports_recover` (at worker start, `manage.py
recover_claims`, and whenever a batch page is polled): a rerun is safe, since nothing was written,
so it is queued again once ("处理进程中断，已自动重试"); interrupted a second time it fails
("处理中断，请重新上传").
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tuijin.core import conf as core_conf
from tuijin.core import leases
from tuijin.indicators.models import ImportBatch
from tuijin.indicators.services import imports, uploads

logger = logging.getLogger(__name__)

# Stored untranslated on the batch, shown translated on its page.
NOTICE_RETRIED = gettext_noop("处理进程中断，已自动重试。")
NOTICE_FAILED = gettext_noop("处理中断，请重新上传。")
MAX_ATTEMPTS = 2  # the first run and one retry


@task
def run_import(batch_id: int) -> str:
    """Import a queued batch once: the claim (pending → running) makes a rerun a no-op."""
    token = leases.new_token()
    claimed = ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.PENDING).update(
        status=ImportBatch.Status.RUNNING, claimed_by=token, heartbeat_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return "skipped"
    batch = ImportBatch.objects.select_related("created_by").get(pk=batch_id)
    try:
        with default_storage.open(uploads.stored_path(batch), "rb") as handle:
            rows = uploads.READERS[batch.kind](handle.read())
        uploads.IMPORTERS[batch.kind](
            actor=batch.created_by, rows=rows, reason=batch.reason, source=imports.SOURCE_EXCEL,
            file_name=batch.file_name, checksum=batch.checksum, batch=batch, progress=_progress(batch_id, token),
        )  # fmt: skip
    except imports.LeaseLost:
        logger.warning("import batch %s: lease lost to a recoverer, stopping", batch_id)
        return "lease_lost"
    except imports.ImportRejected as exc:
        return _fail(batch_id, token, exc.errors)
    except PermissionDenied as exc:
        return _fail(batch_id, token, uploads.file_error(str(exc)))
    except Exception:
        _fail(batch_id, token, uploads.file_error(_("导入时发生系统错误，请联系系统管理员。")))
        raise
    return "done"


def _progress(batch_id: int, token: str):
    def update(processed: int) -> None:
        mine = ImportBatch.objects.filter(pk=batch_id, claimed_by=token, status=ImportBatch.Status.RUNNING)
        if not mine.update(processed_rows=processed, heartbeat_at=timezone.now()):
            raise imports.LeaseLost()

    return update


def _fail(batch_id: int, token: str, errors: list[dict]) -> str:
    ImportBatch.objects.filter(pk=batch_id, claimed_by=token).update(
        status=ImportBatch.Status.FAILED, errors=errors, finished_at=timezone.now()
    )
    return "failed"


# --- recovery ------------------------------------------------------------------------------


def imports_recover(now=None) -> dict[str, int]:
    """Recover running batches whose lease has expired: queue them again once, else fail them.
    Each is taken with a conditional UPDATE on the token read, so two recoverers never both
    take one batch. Returns how many were retried and failed."""
    now = now or timezone.now()
    stale = ImportBatch.objects.filter(status=ImportBatch.Status.RUNNING).filter(
        leases.expired(core_conf.IMPORT_LEASE_SECONDS, now)
    )
    counts = {"retried": 0, "failed": 0}
    for pk, token, attempts in stale.values_list("pk", "claimed_by", "attempts"):
        outcome = _recover_one(pk, token, attempts, now)
        if outcome:
            counts[outcome] += 1
    return counts


def _recover_one(pk: int, token: str, attempts: int, now) -> str:
    claim = ImportBatch.objects.filter(pk=pk, status=ImportBatch.Status.RUNNING, claimed_by=token).filter(
        leases.expired(core_conf.IMPORT_LEASE_SECONDS, now)
    )
    with transaction.atomic():
        if attempts < MAX_ATTEMPTS:
            won = claim.update(
                status=ImportBatch.Status.PENDING, claimed_by="", heartbeat_at=None, processed_rows=0,
                notice=NOTICE_RETRIED,
            )  # fmt: skip
            if won:
                transaction.on_commit(lambda: run_import.enqueue(pk))
            outcome = "retried"
        else:
            # The notice of the retry stays; the failure is the batch's error, as any other.
            won = claim.update(
                status=ImportBatch.Status.FAILED, errors=uploads.file_error(NOTICE_FAILED), finished_at=now
            )
            outcome = "failed"
    if not won:
        return ""
    logger.warning("import batch %s: worker %s stopped answering, %s", pk, token or "?", outcome)
    return outcome
