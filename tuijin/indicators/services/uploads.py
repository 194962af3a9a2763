"""Excel uploads: a supervisor's workbook goes through the bulk import, a reporter's entry
template through the reporter's own draft save.

Small files are imported while the user waits. A file of more than BACKGROUND_ROWS rows is
stored under MEDIA_ROOT/imports/ and imported by a background task (`import_tasks.run_import`)
that reports its progress on the ImportBatch, which the batch page polls.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from tuijin.indicators import excel
from tuijin.indicators.models import ImportBatch, Indicator
from tuijin.indicators.services import imports
from tuijin.indicators.services.catalogue import parse_decimal
from tuijin.orgs import policy
from tuijin.orgs.models import Unit, User

# Above this many rows an upload is imported in the background with a progress bar.
BACKGROUND_ROWS = 5000
IMPORTERS = {ImportBatch.Kind.REPORTS: imports.reports_import, ImportBatch.Kind.TARGETS: imports.targets_import}
READERS = {ImportBatch.Kind.REPORTS: excel.report_rows, ImportBatch.Kind.TARGETS: excel.target_rows}
ACTIONS = {ImportBatch.Kind.REPORTS: "report.import", ImportBatch.Kind.TARGETS: "target.manage"}


@dataclass
class UploadOutcome:
    """What happened to an upload: imported now (`result`), queued (`batch` pending), or refused (`errors`)."""

    result: imports.ImportResult | None = None
    batch: ImportBatch | None = None
    errors: list[dict] = field(default_factory=list)
    already_imported: bool = False


def file_error(message: str) -> list[dict]:
    return [{"row": None, "field": "file", "message": message}]


def stored_path(batch: ImportBatch) -> str:
    return f"imports/batch-{batch.pk}.xlsx"


def workbook_import(*, actor: User, kind: str, data: bytes, file_name: str, reason: str = "") -> UploadOutcome:
    """Import a supervisor's workbook of figures or targets: all rows or none."""
    policy.require(actor, ACTIONS[kind])
    checksum = hashlib.sha256(data).hexdigest()
    try:
        rows = READERS[kind](data)
    except excel.WorkbookError as exc:
        return UploadOutcome(errors=file_error(str(exc)))
    if len(rows) > BACKGROUND_ROWS:
        return UploadOutcome(batch=_queue(actor, kind, data, file_name, checksum, reason, len(rows)))
    seen_before = _imported_before(kind, checksum)
    try:
        result = IMPORTERS[kind](
            actor=actor, rows=rows, reason=reason, source=imports.SOURCE_EXCEL, file_name=file_name, checksum=checksum
        )
    except imports.ImportRejected as exc:
        return UploadOutcome(errors=exc.errors)
    unchanged = result.created == result.updated == 0
    return UploadOutcome(result=result, already_imported=seen_before and unchanged)


def _imported_before(kind: str, checksum: str) -> bool:
    return ImportBatch.objects.filter(kind=kind, checksum=checksum, status=ImportBatch.Status.DONE).exists()


@transaction.atomic
def _queue(actor, kind, data, file_name, checksum, reason, total) -> ImportBatch:
    from tuijin.indicators.import_tasks import run_import

    batch = ImportBatch.objects.create(
        kind=kind, source=imports.SOURCE_EXCEL, file_name=file_name[:255], checksum=checksum,
        reason=reason[: imports.MAX_REASON], total_rows=total, created_by=actor,
    )  # fmt: skip
    default_storage.save(stored_path(batch), ContentFile(data))
    transaction.on_commit(lambda: run_import.enqueue(batch.pk))
    return batch


def entry_template_upload(*, actor: User, unit: Unit, year: int, month: int, data: bytes) -> list[dict]:
    """A reporter's filled entry template becomes their draft for the period (their own save,
    with its validation rules). Returns per-row errors; an empty list means saved."""
    from tuijin.indicators.services.reporting import Entry, submission_save_draft

    try:
        rows = excel.report_rows(data)
    except excel.WorkbookError as exc:
        return file_error(str(exc))
    errors, entries, row_of = _entries(rows, unit, year, month)
    if errors:
        return errors
    try:
        submission_save_draft(
            actor=actor, unit=unit, year=year, month=month, expected_version=None,
            entries=[Entry(indicator=i, value=v, last_year_value=ly, remark=r) for i, v, ly, r in entries],
        )  # fmt: skip
    except ValidationError as exc:
        return _draft_errors(exc, row_of)
    return []


def _entries(rows: list[dict], unit: Unit, year: int, month: int):
    """Parse the template's rows; the header block must name this unit and period."""
    errors: list[dict] = []
    entries, row_of = [], {}
    indicators = {
        i.code: i for i in Indicator.objects.filter(code__in={imports.code_text(r.get("indicator")) for r in rows})
    }
    for row in rows:
        if (
            imports.code_text(row.get("unit")) != unit.code
            or _int(row.get("year")) != year
            or _int(row.get("month")) != month
        ):
            message = _("该模板不是 %(u)s %(y)d年%(m)d月的填报模板。") % {"u": unit.name, "y": year, "m": month}
            return file_error(message), [], {}
        indicator = indicators.get(imports.code_text(row.get("indicator")))
        if indicator is None:
            errors.append(_row_error(row, "indicator", _("指标编码“%(c)s”不存在。") % {"c": row.get("indicator")}))
            continue
        values = {}
        for name in ("value", "last_year_value"):
            try:
                values[name] = None if row.get(name) is None else parse_decimal(row[name])
            except ValidationError as exc:
                errors.append(_row_error(row, name, " ".join(exc.messages)))
        remark = "" if row.get("remark") is None else str(row["remark"])
        entries.append((indicator, values.get("value"), values.get("last_year_value"), remark))
        row_of[indicator.code] = row
    return errors, entries, row_of


def _int(value) -> int | None:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def _row_error(row: dict, field_name: str, message: str) -> dict:
    error = {"row": row["_row"], "field": field_name, "message": message}
    if row["_cells"].get(field_name):
        error["cell"] = row["_cells"][field_name]
    return error


def _draft_errors(exc: ValidationError, row_of: dict[str, dict]) -> list[dict]:
    if not hasattr(exc, "error_dict"):
        return [{"row": None, "field": "file", "message": m} for m in exc.messages]
    errors = []
    for code, messages in exc.message_dict.items():
        row = row_of.get(code)
        for message in messages:
            errors.append(
                _row_error(row, "value", message) if row else {"row": None, "field": "file", "message": message}
            )
    return errors
