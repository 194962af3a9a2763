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
from dataclasses import dataclass, field
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
from tuijin.core import policy
from tuijin.indicators import periods
from tuijin.indicators.models import (
    ImportBatch,
    Indicator,
    Report,
    ReportRevision,
    RevisionKind,
    Submission,
    SubmissionStatus,
    Target,
)
from tuijin.indicators.services import bulk_sql
from tuijin.indicators.services.catalogue import (
    clean_milestones,
    parse_decimal,
    parse_int,
    reporting_pairs,
    validate_target_value,
    validate_year,
)
from tuijin.orgs.models import Unit, User

SOURCE_API = "api"
SOURCE_EXCEL = "excel"
MAX_REMARK = 2000
MAX_REASON = 500
WRITE_BATCH = 2000
PROGRESS_EVERY = 2000

Progress = Callable[[int], None]
# Lazy: a label is only rendered in an error message, never for each of 100,000 good rows.
YEAR_LABEL, MONTH_LABEL = gettext_lazy("年度"), gettext_lazy("月份")


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
    row.year = _parse_field(row, errors, "year", _parse_year) or 0
    if row.year:
        try:
            validate_year(row.year)
        except ValidationError as exc:
            errors.append(_error(row.raw, row.index, "year", " ".join(exc.messages)))
            row.year = 0
    if with_month:
        row.month = _parse_field(row, errors, "month", _parse_month) or 0
        if row.month and not (1 <= row.month <= 12):
            errors.append(_error(row.raw, row.index, "month", _("月份须在 1 到 12 之间。")))
            row.month = 0


def _parse_remark(raw: Any) -> str:
    text = str(raw).strip()
    if len(text) > MAX_REMARK:
        raise ValidationError(_("说明不能超过 %(n)d 字。") % {"n": MAX_REMARK})
    return text


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
        if row.indicator and row.month and not row.indicator.is_due(row.month):
            message = _("季度指标“%(i)s”只在 3、6、9、12 月填报。") % {"i": row.indicator.name}
            errors.append(_error(row.raw, row.index, "month", message))
            row.month = 0

    _chunked_progress(parsed, progress, parse_one)
    _check_pairs(parsed, errors, key=lambda r: (r.unit_id, r.indicator_id, r.year, r.month) if r.month else None)
    if errors:
        raise ImportRejected(_sorted_errors(errors))
    with transaction.atomic():
        return _write_reports(actor, parsed, reason, source, file_name, checksum, batch)


def _write_reports(actor, rows, reason, source, file_name, checksum, batch) -> ImportResult:
    unit_ids = {r.unit_id for r in rows}
    years, months = {r.year for r in rows}, {r.month for r in rows}
    locked = periods.locked_periods({(y, m) for y in years for m in months})
    # Plain tuples, not model instances: at 100,000 rows, building models costs seconds.
    submissions = {
        (unit_id, year, month): (pk, status)
        for pk, unit_id, year, month, status in Submission.objects.select_for_update()
        .filter(unit_id__in=unit_ids, year__in=years, month__in=months)
        .order_by("pk")
        .values_list("pk", "unit_id", "year", "month", "status")
    }
    existing = {
        (u, i, y, m): _Stored(pk, value, last, remark, sub)
        for pk, u, i, y, m, value, last, remark, sub in Report.objects.select_for_update()
        .filter(unit_id__in=unit_ids, indicator_id__in={r.indicator_id for r in rows}, year__in=years, month__in=months)
        .order_by("pk")
        .values_list(
            "pk", "unit_id", "indicator_id", "year", "month", "value", "last_year_value", "remark", "submission_id"
        )
    }
    plan = _ReportPlan()
    for row in rows:
        plan.add(row, existing.get(_key(row)), submissions, locked)
    if plan.revised and not reason:
        message = _("本批数据写入已锁定的期间或修改已报送的数据（共 %(n)d 行），须填写原因。") % {
            "n": len(plan.revised)
        }
        raise ImportRejected([{"row": None, "field": "reason", "message": message}])
    batch = _open_batch(batch, actor, ImportBatch.Kind.REPORTS, source, file_name, checksum, reason, len(rows))
    kind = RevisionKind.IMPORT if source == SOURCE_EXCEL else RevisionKind.API
    plan.write(actor=actor, batch=batch, reason=reason, kind=kind, submissions=submissions)
    return _close_batch(batch, actor, len(plan.new), len(plan.changed), len(rows))


def _key(row: _Row) -> tuple[int, int, int, int]:
    return (row.unit_id, row.indicator_id, row.year, row.month)


@dataclass(frozen=True)
class _Stored:
    pk: int
    value: Decimal | None
    last_year_value: Decimal | None
    remark: str
    submission_id: int


@dataclass
class _ReportPlan:
    """What a batch of valid rows does to the stored figures; `write` applies it in bulk."""

    new: list[tuple[tuple, _Row]] = field(default_factory=list)
    changed: list[tuple[_Stored, Decimal, Decimal | None, str]] = field(default_factory=list)
    new_submissions: set[tuple[int, int, int]] = field(default_factory=set)
    touched_submissions: set[int] = field(default_factory=set)
    # (report key, old value, new value, old last-year, new last-year) of figures that keep a revision
    revised: list[tuple] = field(default_factory=list)

    def add(self, row: _Row, stored: _Stored | None, submissions: dict, locked: set) -> None:
        period_locked = (row.year, row.month) in locked
        key = _key(row)
        if stored is None:
            self.new.append((key, row))
            sub_key = (row.unit_id, row.year, row.month)
            if sub_key in submissions:
                self.touched_submissions.add(submissions[sub_key][0])
            else:
                self.new_submissions.add(sub_key)
            if period_locked:
                self.revised.append((key, None, row.value, None, row.last_year_value))
            return
        new_last = stored.last_year_value if row.last_year_value is None else row.last_year_value
        new_remark = stored.remark if row.remark is None else row.remark
        if (stored.value, stored.last_year_value, stored.remark) == (row.value, new_last, new_remark):
            return  # unchanged: no revision, no version bump
        status = submissions[(row.unit_id, row.year, row.month)][1]
        if period_locked or status != SubmissionStatus.DRAFT:
            self.revised.append((key, stored.value, row.value, stored.last_year_value, new_last))
        self.changed.append((stored, row.value, new_last, new_remark))
        self.touched_submissions.add(stored.submission_id)

    def write(self, *, actor: User, batch: ImportBatch, reason: str, kind: str, submissions: dict) -> None:
        now = timezone.now()
        created_subs = Submission.objects.bulk_create(self._submissions(actor, now), batch_size=WRITE_BATCH)
        sub_ids = {k: v[0] for k, v in submissions.items()} | {(s.unit_id, s.year, s.month): s.pk for s in created_subs}
        at = bulk_sql.db_datetime(now)
        bulk_sql.insert_rows(
            Report,
            ["submission", "unit", "indicator", "year", "month", "value", "last_year_value", "remark", "version",
             "updated_by", "updated_at"],
            (
                (sub_ids[(u, y, m)], u, i, y, m, bulk_sql.db_decimal(row.value),
                 bulk_sql.db_decimal(row.last_year_value), row.remark or "", 1, actor.pk, at)
                for (u, i, y, m), row in self.new
            ),
        )  # fmt: skip
        bulk_sql.update_rows(
            Report,
            ["value", "last_year_value", "remark", "updated_by", "updated_at"],
            (
                (bulk_sql.db_decimal(value), bulk_sql.db_decimal(last), remark, actor.pk, at, stored.pk)
                for stored, value, last, remark in self.changed
            ),
            bump_version=True,
        )
        touched = sorted(self.touched_submissions)
        for start in range(0, len(touched), 500):
            Submission.objects.filter(pk__in=touched[start : start + 500]).update(
                version=F("version") + 1, updated_at=now
            )
        self._write_revisions(actor, batch, reason, kind, at)

    def _submissions(self, actor: User, now) -> list[Submission]:
        # Figures loaded by a supervisor are official: a new month is accepted as it stands.
        return [
            Submission(unit_id=u, year=y, month=m, status=SubmissionStatus.ACCEPTED, submitted_by=actor,
                       submitted_at=now, accepted_by=actor, accepted_at=now)
            for u, y, m in sorted(self.new_submissions)
        ]  # fmt: skip

    def _write_revisions(self, actor: User, batch: ImportBatch, reason: str, kind: str, at) -> None:
        if not self.revised:
            return
        by_key = _report_ids([key for key, *_ in self.revised])  # new rows got their ids just now
        bulk_sql.insert_rows(
            ReportRevision,
            ["report", "kind", "old_value", "new_value", "old_last_year_value", "new_last_year_value", "reason",
             "batch", "changed_by", "changed_at"],
            (
                (by_key[key], kind, bulk_sql.db_decimal(old), bulk_sql.db_decimal(new), bulk_sql.db_decimal(old_last),
                 bulk_sql.db_decimal(new_last), reason, batch.pk, actor.pk, at)
                for key, old, new, old_last, new_last in self.revised
            ),
        )  # fmt: skip


def _report_ids(keys: list[tuple]) -> dict[tuple, int]:
    """Ids of reports by (unit, indicator, year, month), in one query."""
    units, indicators = {k[0] for k in keys}, {k[1] for k in keys}
    years, months = {k[2] for k in keys}, {k[3] for k in keys}
    rows = Report.objects.filter(
        unit_id__in=units, indicator_id__in=indicators, year__in=years, month__in=months
    ).values_list("unit_id", "indicator_id", "year", "month", "pk")
    return {(u, i, y, m): pk for u, i, y, m, pk in rows}


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
