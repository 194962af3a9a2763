"""Bulk writes of figures and targets: the supervisor's Excel import and the bulk API.

A batch is all or nothing. Every row is validated first (with a handful of IN queries for the
units, indicators, memberships and existing rows; never one query per row), and only when
every row is valid is the batch written, in one transaction, with `bulk_create`/`bulk_update`.
Errors come back as `[{"row": 3, "field": "value", "message": "…"}]` (rows 1-based; an Excel
row carries its sheet row number and cell).

A row equal to what is stored changes nothing (no revision, no version bump), so posting the
same batch twice is harmless. Figures written into a locked period, or over a figure already
handed in, leave a `ReportRevision` with the batch's reason, which is then required.
Each batch records one audit event with its counts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuijin.audit.models import AuditAction
from tuijin.audit.services import record
from tuijin.indicators.models import (
    ImportBatch,
    Indicator,
    RevisionKind,
    Submission,
    SubmissionStatus,
    Target,
)
from tuijin.indicators.services import bulk_sql, figures
from tuijin.indicators.services.catalogue import (
    clean_milestones,
    parse_decimal,
    parse_int,
    reporting_pairs,
    validate_target_value,
    validate_year,
)
from tuijin.orgs import policy
from tuijin.orgs.models import Unit, User

SOURCE_API = "api"
SOURCE_EXCEL = "excel"
MAX_REMARK = figures.MAX_REMARK
MAX_REASON = 500
WRITE_BATCH = 2000
PROGRESS_EVERY = 2000

Progress = Callable[[int], None]
# Lazy: a label is only rendered in an error message, never for each of 100,000 good rows.
YEAR_LABEL, MONTH_LABEL = gettext_lazy("年度"), gettext_lazy("月份")


class LeaseLost(Exception):
    """A background import's claim was taken over (its lease expired): this run must stop."""


class ImportRejected(Exception):
    """The batch was refused; `errors` lists every problem found, per row."""

    def __init__(self, errors: list[dict]):
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


@dataclass(frozen=True)
class ImportResult:
    batch: ImportBatch
    created: int
    updated: int
    unchanged: int


def _error(row: Mapping, index: int, field: str, message: str) -> dict:
    error = {"row": row.get("_row", index + 1), "field": field, "message": message}
    cell = (row.get("_cells") or {}).get(field)
    if cell:
        error["cell"] = cell
    return error


# --- parsing and checking rows ------------------------------------------------------------


@dataclass
class _Row:
    index: int
    raw: Mapping
    unit: Unit | None = None
    indicator: Indicator | None = None
    year: int = 0
    month: int = 0
    value: Decimal | None = None
    last_year_value: Decimal | None = None
    remark: str | None = None
    milestones: dict | None = None
    unit_id: int = 0
    indicator_id: int = 0


def code_text(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # a code typed as a number in Excel: 101 arrives as 101.0
    return "" if raw is None else str(raw).strip()


def _parse_field(row: _Row, errors: list, field: str, parse: Callable[[Any], Any], required: bool = True) -> Any:
    raw = row.raw.get(field)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            errors.append(_error(row.raw, row.index, field, _("此项必填。")))
        return None
    try:
        return parse(raw)
    except ValidationError as exc:
        errors.append(_error(row.raw, row.index, field, " ".join(exc.messages)))
        return None


def _parse_year(raw: Any) -> int:
    return parse_int(raw, YEAR_LABEL)


def _parse_month(raw: Any) -> int:
    return parse_int(raw, MONTH_LABEL)


def _parse_period(row: _Row, errors: list, with_month: bool) -> None:
    """Parse the year (and month) as integers. A report's period is checked by the figures'
    validation; a target's year here. 0 is a value (refused there), not a missing cell."""
    year = _parse_field(row, errors, "year", _parse_year)
    row.year = 0 if year is None else year
    if not with_month and year is not None:
        try:
            validate_year(year)
        except ValidationError as exc:
            errors.append(_error(row.raw, row.index, "year", " ".join(exc.messages)))
            row.year = 0
    if with_month:
        month = _parse_field(row, errors, "month", _parse_month)
        row.month = 0 if month is None else month


def _parse_remark(raw: Any) -> str:
    return str(raw).strip()  # its length is checked with the figure


def _resolve(rows: list[_Row], errors: list, actor: User, scope_message: str) -> None:
    """Attach units and indicators by code (two queries); refuse the whole batch for any row out of scope."""
    unit_codes = {code_text(r.raw.get("unit")) for r in rows} - {""}
    indicator_codes = {code_text(r.raw.get("indicator")) for r in rows} - {""}
    units = {u.code: u for u in Unit.objects.filter(code__in=unit_codes)}
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=indicator_codes)}
    outside = sorted(code for code, unit in units.items() if not policy.in_scope(actor, unit))
    if outside:
        raise PermissionDenied(scope_message % {"units": "、".join(outside[:10])})
    for row in rows:
        unit_code, indicator_code = code_text(row.raw.get("unit")), code_text(row.raw.get("indicator"))
        row.unit, row.indicator = units.get(unit_code), indicators.get(indicator_code)
        row.unit_id = row.unit.pk if row.unit else 0
        row.indicator_id = row.indicator.pk if row.indicator else 0
        if not unit_code:
            errors.append(_error(row.raw, row.index, "unit", _("请填写单位编码。")))
        elif row.unit is None:
            errors.append(_error(row.raw, row.index, "unit", _("单位编码“%(c)s”不存在。") % {"c": unit_code[:40]}))
        elif not row.unit.is_active:
            errors.append(_error(row.raw, row.index, "unit", _("单位“%(n)s”已停用。") % {"n": row.unit.name}))
            row.unit, row.unit_id = None, 0
        if not indicator_code:
            errors.append(_error(row.raw, row.index, "indicator", _("请填写指标编码。")))
        elif row.indicator is None:
            errors.append(
                _error(row.raw, row.index, "indicator", _("指标编码“%(c)s”不存在。") % {"c": indicator_code[:40]})
            )
        elif not row.indicator.is_active:
            errors.append(_error(row.raw, row.index, "indicator", _("指标“%(n)s”已停用。") % {"n": row.indicator.name}))
            row.indicator, row.indicator_id = None, 0


def _check_pairs(rows: list[_Row], errors: list, key: Callable[[_Row], tuple | None]) -> None:
    """The unit must report the indicator; the same key may appear only once in a batch."""
    complete = [r for r in rows if r.unit and r.indicator]
    pairs = reporting_pairs({r.unit_id for r in complete}, {r.indicator_id for r in complete})
    first_seen: dict[tuple, int] = {}
    for row in complete:
        if (row.unit_id, row.indicator_id) not in pairs:
            message = _("%(u)s 不在填报“%(i)s”的排名组中。") % {"u": row.unit.name, "i": row.indicator.name}
            errors.append(_error(row.raw, row.index, "indicator", message))
            continue
        k = key(row)
        if k is None:
            continue  # the period is already reported as wrong
        if k in first_seen:
            message = _("与第 %(n)s 行重复。") % {"n": first_seen[k]}
            errors.append(_error(row.raw, row.index, "indicator", message))
        else:
            first_seen[k] = row.raw.get("_row", row.index + 1)


def _rows(raw_rows: Sequence[Mapping]) -> list[_Row]:
    if not raw_rows:
        raise ImportRejected([{"row": None, "field": "rows", "message": _("没有可导入的数据行。")}])
    rows = []
    for i, raw in enumerate(raw_rows):
        if not isinstance(raw, Mapping):
            raise ImportRejected([{"row": i + 1, "field": "rows", "message": _("每一行须为一个对象。")}])
        rows.append(_Row(index=i, raw=raw))
    return rows


def _chunked_progress(rows: list[_Row], progress: Progress | None, parse_one: Callable[[_Row], None]) -> None:
    for start in range(0, len(rows), PROGRESS_EVERY):
        for row in rows[start : start + PROGRESS_EVERY]:
            parse_one(row)
        if progress:
            progress(min(start + PROGRESS_EVERY, len(rows)))


def _sorted_errors(errors: list[dict]) -> list[dict]:
    return sorted(errors, key=lambda e: (e["row"] or 0, e["field"]))


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise ImportRejected([{"row": None, "field": "reason", "message": _("原因不能超过 500 字。")}])
    return reason


# --- reports -------------------------------------------------------------------------------


def reports_import(
    *,
    actor: User,
    rows: Sequence[Mapping],
    reason: str = "",
    source: str = SOURCE_API,
    file_name: str = "",
    checksum: str = "",
    batch: ImportBatch | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Write figures `{unit, indicator, year, month, value, last_year_value, remark}` (codes for
    unit and indicator); all rows or none. `last_year_value`/`remark` left out (or empty) keep
    what is stored. Raises PermissionDenied (role, or any row outside the actor's scope) or
    ImportRejected (per-row errors; also a missing reason where one is required)."""
    policy.require(actor, "report.import")
    reason = _clean_reason(reason)
    parsed = _rows(rows)
    errors: list[dict] = []
    _resolve(parsed, errors, actor, _("您无权导入以下单位的数据：%(units)s。"))

    def parse_one(row: _Row) -> None:
        _parse_period(row, errors, with_month=True)
        row.value = _parse_field(row, errors, "value", parse_decimal)
        row.last_year_value = _parse_field(row, errors, "last_year_value", parse_decimal, required=False)
        row.remark = _parse_field(row, errors, "remark", _parse_remark, required=False)

    _chunked_progress(parsed, progress, parse_one)
    _check_pairs(parsed, errors, key=lambda r: (r.unit_id, r.indicator_id, r.year, r.month) if r.month else None)
    if errors:
        # The rows that parsed are checked as the write would check them, so one answer lists every problem.
        bad = {e["row"] for e in errors}
        complete = [r for r in parsed if r.indicator and r.raw.get("_row", r.index + 1) not in bad]
        found = figures.check_writes(
            _writes(complete), {r.indicator_id: r.indicator for r in complete}, timezone.localdate()
        )
        errors.extend(_figure_error(complete, e) for e in found)
        raise ImportRejected(_sorted_errors(errors))
    with transaction.atomic():
        return _write_reports(actor, parsed, reason, source, file_name, checksum, batch)


def _write_reports(actor, rows, reason, source, file_name, checksum, batch) -> ImportResult:
    batch = _open_batch(batch, actor, ImportBatch.Kind.REPORTS, source, file_name, checksum, reason, len(rows))
    try:
        outcome = figures.figures_write(
            actor=actor, writes=_writes(rows), source=SOURCES[source], reason=reason, reason_required=True, batch=batch,
            indicators={r.indicator_id: r.indicator for r in rows},
        )  # fmt: skip
    except figures.FiguresRejected as exc:
        raise ImportRejected(_sorted_errors([_figure_error(rows, e) for e in exc.errors])) from None
    touched = sorted(outcome.submissions)
    now = timezone.now()
    for start in range(0, len(touched), 500):
        Submission.objects.filter(pk__in=touched[start : start + 500]).update(version=F("version") + 1, updated_at=now)
    return _close_batch(batch, actor, outcome.created, outcome.updated, len(rows))


def _writes(rows: list[_Row]) -> list[figures.Write]:
    return [
        figures.Write(r.unit_id, r.indicator_id, r.year, r.month, r.value, _kept(r.last_year_value), _kept(r.remark))
        for r in rows
    ]


def _kept(value):
    return figures.KEEP if value is None else value  # a column left out (or empty) keeps what is stored


# Figures loaded by a supervisor are official: a new month is accepted as it stands, and they
# may go into a locked period (with a reason).
SOURCES = {
    SOURCE_EXCEL: figures.Source(RevisionKind.IMPORT, SubmissionStatus.ACCEPTED, may_write_locked=True),
    SOURCE_API: figures.Source(RevisionKind.API, SubmissionStatus.ACCEPTED, may_write_locked=True),
}


def _figure_error(rows: list[_Row], error: figures.FigureError) -> dict:
    if error.index < 0:
        return {"row": None, "field": error.field, "message": error.message}
    row = rows[error.index]
    return _error(row.raw, row.index, error.field, error.message)


# --- targets -------------------------------------------------------------------------------


def targets_import(
    *,
    actor: User,
    rows: Sequence[Mapping],
    reason: str = "",
    source: str = SOURCE_API,
    file_name: str = "",
    checksum: str = "",
    batch: ImportBatch | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Write annual targets `{unit, indicator, year, value}` (optional `milestones` {"6": "60"};
    left out keeps the stored ones); all rows or none, every unit in the actor's scope."""
    policy.require(actor, "target.manage")
    reason = _clean_reason(reason)
    parsed = _rows(rows)
    errors: list[dict] = []
    _resolve(parsed, errors, actor, _("您无权设置以下单位的目标：%(units)s。"))

    def parse_one(row: _Row) -> None:
        _parse_period(row, errors, with_month=False)
        row.value = _parse_field(row, errors, "value", parse_decimal)
        if row.indicator is not None and row.value is not None:
            _check(row, errors, "value", lambda: validate_target_value(row.indicator, row.value))
        if row.indicator is not None and row.raw.get("milestones") is not None:
            row.milestones = _check(
                row, errors, "milestones", lambda: _milestones(row.indicator, row.raw["milestones"])
            )

    _chunked_progress(parsed, progress, parse_one)
    _check_pairs(parsed, errors, key=lambda r: (r.unit_id, r.indicator_id, r.year) if r.year else None)
    if errors:
        raise ImportRejected(_sorted_errors(errors))
    with transaction.atomic():
        return _write_targets(actor, parsed, reason, source, file_name, checksum, batch)


def _milestones(indicator: Indicator, raw: Any) -> dict:
    if not isinstance(raw, Mapping):
        raise ValidationError(_("节点目标须为 {月份: 百分比} 的形式。"))
    return clean_milestones(indicator, raw)


def _check(row: _Row, errors: list, field: str, check: Callable[[], Any]) -> Any:
    try:
        return check()
    except ValidationError as exc:
        errors.append(_error(row.raw, row.index, field, " ".join(exc.messages)))
        return None


def _write_targets(actor, rows, reason, source, file_name, checksum, batch) -> ImportResult:
    now = timezone.now()
    existing = {
        (t.unit_id, t.indicator_id, t.year): t
        for t in Target.objects.select_for_update()
        .filter(
            unit_id__in={r.unit_id for r in rows},
            indicator_id__in={r.indicator_id for r in rows},
            year__in={r.year for r in rows},
        )
        .order_by("pk")
    }
    new, changed = [], []
    for row in rows:
        target = existing.get((row.unit_id, row.indicator_id, row.year))
        if target is None:
            new.append(
                Target(
                    unit=row.unit,
                    indicator=row.indicator,
                    year=row.year,
                    value=row.value,
                    milestones=row.milestones or {},
                    updated_by=actor,
                )
            )
            continue
        milestones = target.milestones if row.milestones is None else row.milestones
        if target.value == row.value and target.milestones == milestones:
            continue
        target.value, target.milestones = row.value, milestones
        changed.append(target)
    batch = _open_batch(batch, actor, ImportBatch.Kind.TARGETS, source, file_name, checksum, reason, len(rows))
    Target.objects.bulk_create(new, batch_size=WRITE_BATCH)
    bulk_sql.update_rows(
        Target,
        ["value", "milestones", "updated_by", "updated_at"],
        (
            (
                bulk_sql.db_decimal(t.value),
                bulk_sql.db_json(Target, "milestones", t.milestones),
                actor.pk,
                bulk_sql.db_datetime(now),
                t.pk,
            )
            for t in changed
        ),
        bump_version=True,
    )
    return _close_batch(batch, actor, len(new), len(changed), len(rows))


# --- the batch record ----------------------------------------------------------------------


def _open_batch(batch, actor, kind, source, file_name, checksum, reason, total) -> ImportBatch:
    if batch is None:
        batch = ImportBatch(kind=kind, source=source, created_by=actor)
    elif batch.claimed_by:
        # A background run writes only while its claim holds: the row lock taken here keeps a
        # recoverer off it until this transaction ends, and a claim already taken over stops it.
        held = ImportBatch.objects.filter(pk=batch.pk, claimed_by=batch.claimed_by, status=ImportBatch.Status.RUNNING)
        batch.heartbeat_at = timezone.now()
        if not held.update(heartbeat_at=batch.heartbeat_at):
            raise LeaseLost()
    batch.file_name, batch.checksum = file_name[:255] or batch.file_name, checksum or batch.checksum
    batch.reason, batch.total_rows = reason, total
    batch.save()
    return batch


def _close_batch(batch: ImportBatch, actor: User, created_count: int, updated_count: int, total: int) -> ImportResult:
    batch.status = ImportBatch.Status.DONE
    batch.processed_rows, batch.changed_rows = total, created_count + updated_count
    batch.errors, batch.finished_at = [], timezone.now()
    batch.save()
    unchanged = total - created_count - updated_count
    record(
        actor=actor, action=AuditAction.CREATE, obj=batch,
        changes={
            "kind": [None, batch.kind], "source": [None, batch.source], "rows": [None, total],
            "created": [None, created_count], "updated": [None, updated_count], "unchanged": [None, unchanged],
            "reason": [None, batch.reason],
        },
        note=batch.file_name,
    )  # fmt: skip
    return ImportResult(batch=batch, created=created_count, updated=updated_count, unchanged=unchanged)
