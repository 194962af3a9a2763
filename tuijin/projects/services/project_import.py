"""Excel import of the project library and of the annual plans (the workbooks supervisors keep).

All or nothing: every row goes through the library's own services (`project_create`,
`project_update`, `plan_set`) inside one transaction; a row a service refuses becomes a per-row
error (sheet row, column, cell, Chinese message), and if any row is refused the whole
transaction is rolled back. Idempotent by project code: a row equal to what is stored changes
nothing (no version bump, no audit event), so importing the same file twice is harmless.

Only the columns present in the sheet are written: a workbook without the 标签 column leaves
every project's designations as they are. An empty cell in a present column clears the value.
The stage is not imported: it moves only through `project_change_stage`, with its evidence.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from tuijin.audit.models import AuditAction
from tuijin.audit.services import record
from tuijin.core.excel import add_sheet, append_row, build_sheet
from tuijin.indicators.excel import WorkbookError, read_first_sheet
from tuijin.indicators.services.catalogue import parse_decimal, parse_int
from tuijin.orgs import policy
from tuijin.orgs.models import Unit, User
from tuijin.projects.models import Batch, Designation, NodeTemplate, PlanKind, Project
from tuijin.projects.services import library, plans

LIBRARY, PLANS = "library", "plans"

# Column header → field. Headers are the file format: they stay Chinese in every language.
LIBRARY_COLUMNS = {
    "项目编号": "code", "全国投资项目代码": "national_code", "项目名称": "name", "实施主体编码": "unit",
    "所属行业": "industry", "建设地点": "address", "经度": "longitude", "纬度": "latitude",
    "总投资": "total_investment", "注册资本": "registered_capital", "业主单位": "owner_company",
    "联系人": "contact_name", "联系电话": "contact_phone", "建设内容": "construction_content",
    "标签": "designations", "集中开工批次": "batch", "节点模板": "node_template", "领衔领导": "lead_leader",
    "驻工地专员": "commissioner", "代办员": "agent", "计划开工日期": "planned_start_on",
    "计划竣工日期": "planned_completion_on",
}  # fmt: skip
LIBRARY_HEADERS = [
    "项目编号*", "全国投资项目代码", "项目名称*", "实施主体编码*", "所属行业", "建设地点", "经度", "纬度",
    "总投资（亿元）*", "注册资本（万美元）", "业主单位", "联系人", "联系电话", "建设内容", "标签（用顿号分隔）",
    "集中开工批次（编码）", "节点模板（编码）", "领衔领导（账号）", "驻工地专员（账号）", "代办员（账号）",
    "计划开工日期", "计划竣工日期",
]  # fmt: skip
LIBRARY_REQUIRED = ("code", "name", "unit", "total_investment")
PLAN_COLUMNS = {
    "项目编号": "code", "年度": "year", "年度类别": "kind", "年度计划投资": "planned_investment",
    "计划开工月份": "planned_start_month", "计划竣工月份": "planned_completion_month",
}  # fmt: skip
PLAN_HEADERS = [
    "项目编号*",
    "年度*",
    "年度类别*（新开工/续建/竣工/前期）",
    "年度计划投资（亿元）*",
    "计划开工月份",
    "计划竣工月份",
]
PLAN_REQUIRED = ("code", "year", "kind", "planned_investment")
TEXT_FIELDS = ("national_code", "name", "industry", "address", "owner_company", "contact_name", "contact_phone",
               "construction_content")  # fmt: skip
PEOPLE = ("lead_leader", "commissioner", "agent")


class ImportRejected(Exception):
    """Nothing was written; `errors` lists every problem, per row."""

    def __init__(self, errors: list[dict]):
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: list[dict] = field(default_factory=list)


# --- reading the sheet ---------------------------------------------------------------------


def _label(cell: Any) -> str:
    text = str(cell or "").strip()
    for bracket in ("（", "("):
        text = text.split(bracket)[0]
    return text.strip().rstrip("*：:").strip()


def read_rows(data: bytes, columns: dict[str, str], required: tuple[str, ...]) -> list[dict]:
    """Rows below the header row (the first row naming the required columns), as field → value
    with `_row` (sheet row number) and `_cells` (field → "C5"). Blank rows are skipped."""
    cells = read_first_sheet(data)
    header_at = None
    for i, row in enumerate(cells):
        labels = [_label(c) for c in row]
        if all(label in labels for label, name in columns.items() if name in required):
            header_at = i
            break
    if header_at is None:
        wanted = "、".join(label for label, name in columns.items() if name in required)
        raise WorkbookError(_("找不到表头行：第一张工作表须有以下列：%(c)s。") % {"c": wanted})
    positions = {columns[_label(c)]: j for j, c in enumerate(cells[header_at]) if _label(c) in columns}
    rows = []
    for i, row in enumerate(cells[header_at + 1 :], start=header_at + 2):
        values = {name: _cell(row[j]) if j < len(row) else None for name, j in positions.items()}
        if all(v is None for v in values.values()):
            continue
        values["_row"] = i
        values["_cells"] = {name: f"{get_column_letter(j + 1)}{i}" for name, j in positions.items()}
        rows.append(values)
    if not rows:
        raise WorkbookError(_("表中没有数据行。"))
    return rows


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# --- parsing cells -------------------------------------------------------------------------


def _text(raw: Any) -> str:
    return "" if raw is None else str(raw).strip()


def _date(raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", _text(raw))
    try:
        if match:
            return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        pass
    raise ValidationError(_("日期格式应为 2026-03-18。"))


def _month(raw: Any) -> int:
    text = _text(raw).removesuffix("月") if isinstance(raw, str) else raw
    month = parse_int(text, _("月份"))
    if not 1 <= month <= 12:
        raise ValidationError(_("月份须在 1 到 12 之间。"))
    return month


def _money(raw: Any) -> Decimal:
    value = parse_decimal(raw)
    if value < 0:
        raise ValidationError(_("金额不能为负数。"))
    return value


@dataclass
class _Lookups:
    """Every referenced unit, designation, batch, template and person, in one query each."""

    units: dict[str, Unit]
    designations: dict[str, Designation]
    batches: dict[str, Batch]
    templates: dict[str, NodeTemplate]
    people: dict[str, User]
    projects: dict[str, Project]

    @classmethod
    def for_rows(cls, rows: list[dict]) -> _Lookups:
        def texts(name):
            return {_text(r.get(name)) for r in rows} - {""}

        tags = {t for r in rows for t in _tags(r.get("designations"))}
        usernames = set().union(*(texts(n) for n in PEOPLE))
        return cls(
            units={u.code: u for u in Unit.objects.filter(code__in=texts("unit"))},
            designations={d.name: d for d in Designation.objects.filter(name__in=tags)}
            | {d.code: d for d in Designation.objects.filter(code__in=tags)},
            batches={b.code: b for b in Batch.objects.filter(code__in=texts("batch"))},
            templates={t.code: t for t in NodeTemplate.objects.filter(code__in=texts("node_template"))},
            people={u.username: u for u in User.objects.filter(username__in=usernames)},
            projects={
                p.code: p
                for p in Project.objects.filter(code__in=texts("code"))
                .select_related("unit")
                .prefetch_related("designations")
            },
        )


def _tags(raw: Any) -> list[str]:
    return [t for t in re.split(r"[、,，;；\s]+", _text(raw)) if t]


class _RowErrors:
    def __init__(self):
        self.errors: list[dict] = []

    def add(self, row: Mapping, name: str, message: str) -> None:
        error = {"row": row.get("_row"), "field": name, "message": message}
        if (row.get("_cells") or {}).get(name):
            error["cell"] = row["_cells"][name]
        self.errors.append(error)

    def parse(self, row: Mapping, name: str, parse: Callable[[Any], Any]) -> Any:
        try:
            return parse(row[name])
        except ValidationError as exc:
            self.add(row, name, " ".join(exc.messages))
            return None

    def from_validation(self, row: Mapping, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for name, messages in exc.message_dict.items():
                for message in messages:
                    self.add(row, name if name in row.get("_cells", {}) else "code", message)
        else:
            for message in exc.messages:
                self.add(row, "code", message)


def _require(rows: list[dict], errors: _RowErrors, required: tuple[str, ...]) -> None:
    seen: dict[str, int] = {}
    for row in rows:
        for name in required:
            if row.get(name) is None:
                errors.add(row, name, _("此项必填。"))
        code = _text(row.get("code"))
        key = (code, _text(row.get("year")))
        if code and key in seen:
            errors.add(row, "code", _("与第 %(n)d 行重复。") % {"n": seen[key]})
        elif code:
            seen[key] = row["_row"]


# --- the library ---------------------------------------------------------------------------


def _library_values(row: dict, look: _Lookups, errors: _RowErrors) -> dict | None:
    """The row's fields as the services take them; None when a cell is wrong (errors added)."""
    before = len(errors.errors)
    values: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        if name in row:
            values[name] = _text(row[name])
    simple = {"total_investment": _money, "registered_capital": _money, "longitude": parse_decimal,
              "latitude": parse_decimal, "planned_start_on": _date, "planned_completion_on": _date}  # fmt: skip
    for name, parse in simple.items():
        if name in row:
            values[name] = None if row[name] is None else errors.parse(row, name, parse)
    references = {"unit": look.units, "batch": look.batches, "node_template": look.templates,
                  **dict.fromkeys(PEOPLE, look.people)}  # fmt: skip
    for name, table in references.items():
        if name not in row:
            continue
        key = _text(row[name])
        values[name] = table.get(key) if key else None
        if key and values[name] is None:
            errors.add(row, name, _("“%(v)s”不存在。") % {"v": key[:40]})
    if "designations" in row:
        tags = _tags(row["designations"])
        unknown = [t for t in tags if t not in look.designations]
        if unknown:
            errors.add(row, "designations", _("标签“%(v)s”不存在。") % {"v": "、".join(unknown)})
        values["designations"] = {look.designations[t] for t in tags if t in look.designations}
    return values if len(errors.errors) == before else None


def _unchanged(project: Project, values: dict) -> bool:
    for name, value in values.items():
        if name == "designations":
            if set(project.designations.all()) != value:
                return False
        elif getattr(project, name) != value:
            return False
    return True


def _write_library_row(actor: User, row: dict, values: dict, look: _Lookups, result: ImportResult) -> None:
    code = _text(row["code"])
    project = look.projects.get(code)
    if project is None:
        designations = values.pop("designations", ())
        library.project_create(actor=actor, code=code, designations=designations, **values)
        result.created += 1
        return
    if _unchanged(project, values):
        result.unchanged += 1
        return
    designations = values.pop("designations", None)
    library.project_update(actor=actor, project=project, expected_version=None, designations=designations, **values)
    result.updated += 1


def library_import(*, actor: User, rows: list[dict], file_name: str = "") -> ImportResult:
    """Create or update projects by code; all rows or none. Raises ImportRejected or PermissionDenied."""
    policy.require(actor, "project.import")
    errors = _RowErrors()
    _require(rows, errors, LIBRARY_REQUIRED)
    look = _Lookups.for_rows(rows)
    result = ImportResult()
    with transaction.atomic():
        for row in rows:
            values = _library_values(row, look, errors)
            if values is None or any(e["row"] == row["_row"] for e in errors.errors):
                continue
            _run(errors, row, lambda row=row, values=values: _write_library_row(actor, row, values, look, result))
        if errors.errors:
            raise ImportRejected(_sorted(errors.errors))
        _audit(actor, LIBRARY, file_name, len(rows), result)
    return result


def _run(errors: _RowErrors, row: dict, write: Callable[[], None]) -> None:
    """Write one row through its service; a refusal becomes the row's error (its savepoint rolls back)."""
    try:
        write()
    except ValidationError as exc:
        errors.from_validation(row, exc)
    except PermissionDenied:
        errors.add(row, "unit" if "unit" in row else "code", _("该项目的实施主体不在您的管理范围内。"))


def _sorted(errors: list[dict]) -> list[dict]:
    return sorted(errors, key=lambda e: (e["row"] or 0, e["field"]))


def _audit(actor: User, kind: str, file_name: str, total: int, result: ImportResult) -> None:
    record(
        actor=actor, action=AuditAction.CREATE, object_type="projects.import", object_repr=kind,
        changes={"kind": [None, kind], "rows": [None, total], "created": [None, result.created],
                 "updated": [None, result.updated], "unchanged": [None, result.unchanged]},
        note=file_name[:200],
    )  # fmt: skip


# --- annual plans --------------------------------------------------------------------------

KIND_BY_TEXT = {**{str(label): value for value, label in PlanKind.choices}, **{v: v for v in PlanKind.values}}


def _kind(raw: Any) -> str:
    kind = KIND_BY_TEXT.get(_text(raw))
    if kind is None:
        raise ValidationError(_("年度类别须为 新开工、续建、竣工 或 前期。"))
    return kind


def _year(raw: Any) -> int:
    year = parse_int(raw, _("年度"))
    if not 2000 <= year <= 2100:
        raise ValidationError(_("年度须在 2000 到 2100 之间。"))
    return year


def _plan_values(row: dict, look: _Lookups, errors: _RowErrors) -> dict | None:
    before = len(errors.errors)
    code = _text(row.get("code"))
    project = look.projects.get(code)
    if code and project is None:
        errors.add(row, "code", _("项目编号“%(v)s”不存在，请先导入项目库。") % {"v": code[:40]})
    values = {
        "project": project,
        "year": errors.parse(row, "year", _year) if row.get("year") is not None else None,
        "kind": errors.parse(row, "kind", _kind) if row.get("kind") is not None else None,
        "planned_investment": errors.parse(row, "planned_investment", _money)
        if row.get("planned_investment") is not None
        else None,
    }
    for name in ("planned_start_month", "planned_completion_month"):
        raw = row.get(name)
        values[name] = None if raw is None else errors.parse(row, name, _month)
    return values if len(errors.errors) == before else None


def plans_import(*, actor: User, rows: list[dict], file_name: str = "") -> ImportResult:
    """Set each project's plan for the row's year; all rows or none. Warnings do not refuse."""
    policy.require(actor, "project.import")
    errors = _RowErrors()
    _require(rows, errors, PLAN_REQUIRED)
    look = _Lookups.for_rows(rows)
    result = ImportResult()

    def write(row: dict, values: dict) -> None:
        outcome = plans.plan_set(actor=actor, expected_version=None, **values)
        if outcome.created:
            result.created += 1
        elif outcome.changed:
            result.updated += 1
        else:
            result.unchanged += 1
        for warning in outcome.warnings:
            result.warnings.append({"row": row["_row"], "field": "planned_investment", "message": warning})

    with transaction.atomic():
        for row in rows:
            if any(e["row"] == row["_row"] for e in errors.errors):
                continue
            values = _plan_values(row, look, errors)
            if values is not None:
                _run(errors, row, lambda row=row, values=values: write(row, values))
        if errors.errors:
            raise ImportRejected(_sorted(errors.errors))
        _audit(actor, PLANS, file_name, len(rows), result)
    return result


# --- workbooks -----------------------------------------------------------------------------

KINDS = {
    LIBRARY: (LIBRARY_COLUMNS, LIBRARY_REQUIRED, library_import),
    PLANS: (PLAN_COLUMNS, PLAN_REQUIRED, plans_import),
}


def workbook_import(*, actor: User, kind: str, data: bytes, file_name: str = "") -> ImportResult:
    """Read an uploaded workbook and import it; raises ImportRejected with per-row (or file) errors."""
    policy.require(actor, "project.import")
    columns, required, importer = KINDS[kind]
    try:
        rows = read_rows(data, columns, required)
    except WorkbookError as exc:
        raise ImportRejected([{"row": None, "field": "file", "message": str(exc)}]) from None
    return importer(actor=actor, rows=rows, file_name=file_name)


def template_workbook(kind: str):
    """An empty workbook with the headers this import reads, and a second sheet that explains them."""
    headers = LIBRARY_HEADERS if kind == LIBRARY else PLAN_HEADERS
    wb = build_sheet(_("项目库") if kind == LIBRARY else _("年度计划"), headers, [])
    notes = add_sheet(wb, _("填写说明"))
    append_row(notes, [_("带 * 的列必填；按项目编号识别项目：已有的项目更新，没有的新建；内容未变的行不作更改。")])
    append_row(notes, [_("整表导入：任何一行有错误，整表都不导入，并逐行列出错误。")])
    if kind == LIBRARY:
        append_row(
            notes, [_("实施主体、批次、节点模板填编码；领导、专员、代办员填登录账号；标签填名称，多个用顿号分隔。")]
        )
        append_row(notes, [_("日期格式 2026-03-18；金额单位亿元。阶段不在此导入，请在项目页登记阶段变更。")])
    else:
        append_row(
            notes, [_("年度类别：新开工（须填计划开工月份）、续建、竣工（须填计划竣工月份）、前期；月份填 1–12。")]
        )
    return wb
