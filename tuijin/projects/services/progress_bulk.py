"""The supervisor's bulk write of monthly progress (`POST /api/v1/project-progress/bulk/`).

Built like the indicator imports (`tuijin.indicators.services.imports`, whose parsing helpers
and `ImportRejected` it uses): every row is validated first with a couple of IN queries, and
only when every row is valid is the batch written, in one transaction. Errors come back as
`[{"row": 3, "field": "investment", "message": "…"}]` (rows 1-based).

A row equal to what is stored changes nothing, so posting the same batch twice is harmless.
Rows may write locked periods (the supervisor's prerogative), but then the batch needs a
reason and every such row that changes keeps a `ProgressRevision(kind="api")` with it.
One audit event per batch.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tuijin.audit.models import AuditAction
from tuijin.audit.services import record
from tuijin.indicators import periods
from tuijin.indicators.services.catalogue import parse_decimal, parse_int
from tuijin.indicators.services.imports import MAX_REASON, ImportRejected, code_text
from tuijin.orgs import policy
from tuijin.orgs.models import User
from tuijin.projects.models import ProgressRevision, Project, ProjectProgress
from tuijin.projects.services import progress as progress_services

TEXT_FIELDS = ("image_progress", "problems")


@dataclass(frozen=True)
class BulkResult:
    created: int
    updated: int
    unchanged: int


@dataclass
class _Row:
    number: int
    raw: Mapping
    project: Project | None = None
    year: int = 0
    month: int = 0
    investment: Decimal | None = None
    texts: dict[str, str | None] | None = None


def progress_bulk(*, actor: User, rows: Sequence[Mapping], reason: str = "") -> BulkResult:
    """Write `{project, year, month, investment, image_progress, problems}` rows (project by code);
    all or none. Texts left out (or null) keep what is stored. Raises PermissionDenied (role, or
    any project outside the actor's scope) or ImportRejected (per-row errors, or a missing reason)."""
    policy.require(actor, "project.import")
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise ImportRejected([{"row": None, "field": "reason", "message": _("原因不能超过 500 字。")}])
    parsed = _rows(rows)
    errors: list[dict] = []
    _resolve(actor, parsed, errors)
    for row in parsed:
        _parse(row, errors)
    _check_duplicates(parsed, errors)
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: (e["row"] or 0, e["field"])))
    with transaction.atomic():
        return _write(actor, parsed, reason)


# --- validation ----------------------------------------------------------------------------------


def _error(row: _Row, field: str, message: str) -> dict:
    return {"row": row.number, "field": field, "message": message}


def _rows(raw_rows: Sequence[Mapping]) -> list[_Row]:
    if not raw_rows:
        raise ImportRejected([{"row": None, "field": "rows", "message": _("没有可导入的数据行。")}])
    rows = []
    for i, raw in enumerate(raw_rows, start=1):
        if not isinstance(raw, Mapping):
            raise ImportRejected([{"row": i, "field": "rows", "message": _("每一行须为一个对象。")}])
        rows.append(_Row(number=i, raw=raw))
    return rows


def _resolve(actor: User, rows: list[_Row], errors: list) -> None:
    """Attach projects by code (one query); any project outside the actor's scope refuses the batch."""
    codes = {code_text(r.raw.get("project")) for r in rows} - {""}
    projects = {p.code: p for p in Project.objects.filter(code__in=codes).select_related("unit")}
    outside = sorted(code for code, p in projects.items() if not policy.in_scope(actor, p.unit))
    if outside:
        raise PermissionDenied(_("您无权写入以下项目的进展：%(codes)s。") % {"codes": "、".join(outside[:10])})
    for row in rows:
        code = code_text(row.raw.get("project"))
        row.project = projects.get(code)
        if not code:
            errors.append(_error(row, "project", _("请填写项目编号。")))
        elif row.project is None:
            errors.append(_error(row, "project", _("项目编号“%(c)s”不存在。") % {"c": code[:40]}))


def _field(row: _Row, errors: list, name: str, parse: Callable[[Any], Any]) -> Any:
    raw = row.raw.get(name)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        errors.append(_error(row, name, _("此项必填。")))
        return None
    try:
        return parse(raw)
    except ValidationError as exc:
        errors.append(_error(row, name, " ".join(exc.messages)))
        return None


def _parse(row: _Row, errors: list) -> None:
    row.year = _field(row, errors, "year", lambda v: parse_int(v, _("年度"))) or 0
    row.month = _field(row, errors, "month", lambda v: parse_int(v, _("月份"))) or 0
    if row.year and row.month:
        try:
            progress_services.check_period(row.year, row.month, field="month")
        except ValidationError as exc:
            errors.append(_error(row, "month", " ".join(exc.messages)))
            row.month = 0
    investment = _field(row, errors, "investment", parse_decimal)
    if investment is not None:
        try:
            row.investment = progress_services.clean_investment(investment)
        except ValidationError as exc:
            errors.append(_error(row, "investment", " ".join(exc.messages)))
    row.texts = {}
    for name in TEXT_FIELDS:
        raw = row.raw.get(name)
        if raw is None:
            row.texts[name] = None  # left out: keep what is stored
            continue
        try:
            row.texts[name] = progress_services.clean_text(str(raw), name)
        except ValidationError as exc:
            errors.append(_error(row, name, " ".join(exc.messages)))


def _check_duplicates(rows: list[_Row], errors: list) -> None:
    first_seen: dict[tuple, int] = {}
    for row in rows:
        if not (row.project and row.year and row.month):
            continue
        key = (row.project.pk, row.year, row.month)
        if key in first_seen:
            errors.append(_error(row, "project", _("与第 %(n)s 行重复。") % {"n": first_seen[key]}))
        else:
            first_seen[key] = row.number


# --- writing -------------------------------------------------------------------------------------


def _write(actor: User, rows: list[_Row], reason: str) -> BulkResult:
    existing = {
        (p.project_id, p.year, p.month): p
        for p in ProjectProgress.objects.select_for_update()
        .filter(
            project_id__in={r.project.pk for r in rows},
            year__in={r.year for r in rows},
            month__in={r.month for r in rows},
        )
        .order_by("pk")
    }
    new, changed, revised, opened = [], [], [], []
    locked = periods.locked_periods({(r.year, r.month) for r in rows})
    for row in rows:
        stored = existing.get((row.project.pk, row.year, row.month))
        values = {"investment": row.investment} | {
            k: (v if v is not None else (getattr(stored, k) if stored else "")) for k, v in row.texts.items()
        }
        if stored is None:
            new.append(
                ProjectProgress(project=row.project, year=row.year, month=row.month, reported_by=actor, **values)
            )
        elif any(getattr(stored, k) != v for k, v in values.items()):
            changed.append((stored, values))
        else:
            continue
        if (row.year, row.month) in locked:
            revised.append((row, stored.investment if stored else None))
        if values["problems"] and (stored is None or stored.problems != values["problems"]):
            opened.append((row.project, values["problems"]))
    if revised and not reason:
        message = _("本批数据写入已锁定的期间（共 %(n)d 行），须填写原因。") % {"n": len(revised)}
        raise ImportRejected([{"row": None, "field": "reason", "message": message}])
    _apply(actor, new, changed, revised, reason)
    for project, text in opened:
        progress_services.open_problem(actor=actor, project=project, description=text)
    _audit(actor, rows, new, changed, reason)
    _enqueue_feed(actor, rows, new, changed)
    return BulkResult(created=len(new), updated=len(changed), unchanged=len(rows) - len(new) - len(changed))


def _apply(actor: User, new: list, changed: list, revised: list, reason: str) -> None:
    ProjectProgress.objects.bulk_create(new, batch_size=500)
    for stored, values in changed:
        for name, value in values.items():
            setattr(stored, name, value)
        stored.version += 1
    ProjectProgress.objects.bulk_update([s for s, _ in changed], ["investment", *TEXT_FIELDS, "version"])
    if not revised:
        return
    ids = {
        (p.project_id, p.year, p.month): p.pk
        for p in ProjectProgress.objects.filter(
            project_id__in={r.project.pk for r, _ in revised},
            year__in={r.year for r, _ in revised},
            month__in={r.month for r, _ in revised},
        )
    }
    ProgressRevision.objects.bulk_create(
        ProgressRevision(
            progress_id=ids[(row.project.pk, row.year, row.month)],
            kind=progress_services.RevisionKind.API,
            old_investment=old,
            new_investment=row.investment,
            reason=reason,
            changed_by=actor,
        )
        for row, old in revised
    )


def _audit(actor: User, rows: list[_Row], new: list, changed: list, reason: str) -> None:
    record(
        actor=actor, action=AuditAction.UPDATE, object_type="projects.projectprogress",
        object_repr=_("项目进展批量写入 %(n)d 行") % {"n": len(rows)},
        changes={
            "rows": [None, len(rows)], "created": [None, len(new)], "updated": [None, len(changed)],
            "projects": [None, sorted({r.project.code for r in rows})[:200]], "reason": [None, reason],
        },
        note=reason,
    )  # fmt: skip


def _enqueue_feed(actor: User, rows: list[_Row], new: list, changed: list) -> None:
    """Sum the fed indicators again from the earliest written month of each year, for the units touched."""
    written = {(p.project_id, p.year, p.month) for p in new} | {(s.project_id, s.year, s.month) for s, _ in changed}
    by_year: dict[int, tuple[int, dict]] = {}
    for row in rows:
        if (row.project.pk, row.year, row.month) not in written:
            continue
        month, units = by_year.get(row.year, (13, {}))
        units[row.project.unit_id] = row.project.unit
        by_year[row.year] = (min(month, row.month), units)
    for year, (month, units) in by_year.items():
        progress_services.enqueue_feed(actor=actor, year=year, month=month, units=units.values())
