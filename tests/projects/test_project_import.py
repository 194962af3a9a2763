"""Excel import of the project library and the annual plans: per-row errors, all or nothing,
idempotent by project code."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from tuijin.audit.models import AuditEvent
from tuijin.projects.models import Project, ProjectPlan
from tuijin.projects.services import project_import
from tuijin.projects.services.project_import import LIBRARY, PLANS, ImportRejected

pytestmark = pytest.mark.django_db

LIB_HEADERS = ["项目编号*", "项目名称*", "实施主体编码*", "总投资（亿元）*", "标签（用顿号分隔）", "领衔领导（账号）",
               "计划开工日期", "节点模板（编码）", "全国投资项目代码"]  # fmt: skip
PLAN_HEADERS = [
    "项目编号*",
    "年度*",
    "年度类别*（新开工/续建/竣工/前期）",
    "年度计划投资（亿元）*",
    "计划开工月份",
    "计划竣工月份",
]


def _xlsx(headers, rows, title_rows=1) -> bytes:
    wb = Workbook()
    ws = wb.active
    for _ in range(title_rows):
        ws.append(["2026 年重大项目库"])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _library_rows():
    return [
        ["IMP-1", "光伏组件项目", "C-A", 35.5, "省重点、市重点", "leader", dt.date(2026, 4, 1), "IND11", ""],
        ["IMP-2", "冷链物流中心", "C-A-1", "8", "", "", "2026-07-15", "", "2026-330402-44-01-000001"],
        ["IMP-3", "乙县学校", "C-B", 3, "市县长工程", None, None, None, None],
    ]


def _import(actor, kind, data):
    return project_import.workbook_import(actor=actor, kind=kind, data=data, file_name="t.xlsx")


def test_library_import_creates_projects_with_tags_people_and_nodes(cast, designations, node_template):
    result = _import(cast.supervisor, LIBRARY, _xlsx(LIB_HEADERS, _library_rows()))

    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    first = Project.objects.get(code="IMP-1")
    assert (first.unit, first.total_investment, first.lead_leader) == (cast.county_a, Decimal("35.5"), cast.leader)
    assert {d.code for d in first.designations.all()} == {"PROV", "CITY"}
    assert first.milestones.count() == 11
    assert Project.objects.get(code="IMP-2").planned_start_on == dt.date(2026, 7, 15)
    assert AuditEvent.objects.filter(object_type="projects.import").count() == 1


def test_reimporting_the_same_file_changes_nothing(cast, designations, node_template):
    data = _xlsx(LIB_HEADERS, _library_rows())
    _import(cast.supervisor, LIBRARY, data)
    versions = dict(Project.objects.values_list("code", "version"))
    events = AuditEvent.objects.count()

    result = _import(cast.supervisor, LIBRARY, data)

    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert dict(Project.objects.values_list("code", "version")) == versions
    assert AuditEvent.objects.count() == events + 1  # only the import's own record


def test_a_changed_row_updates_only_that_project(cast, designations, node_template):
    _import(cast.supervisor, LIBRARY, _xlsx(LIB_HEADERS, _library_rows()))
    rows = _library_rows()
    rows[2][3] = 4.2
    result = _import(cast.supervisor, LIBRARY, _xlsx(LIB_HEADERS, rows))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    assert Project.objects.get(code="IMP-3").total_investment == Decimal("4.2")


def test_one_bad_row_refuses_the_whole_file_with_errors_per_cell(cast, designations, node_template):
    rows = [
        *_library_rows(),
        ["IMP-4", "", "C-X", "abc", "不存在的标签", "nobody", "2026-13-01", "", "123"],
        ["IMP-1", "重复", "C-A", 1, "", "", "", "", ""],
    ]
    with pytest.raises(ImportRejected) as exc:
        _import(cast.supervisor, LIBRARY, _xlsx(LIB_HEADERS, rows))

    errors = {(e["row"], e.get("cell")): e["message"] for e in exc.value.errors}
    assert errors[(6, "B6")] == "此项必填。"
    assert "不存在" in errors[(6, "C6")]
    assert (6, "D6") in errors
    assert "不存在" in errors[(6, "E6")]
    assert "不存在" in errors[(6, "F6")]
    assert "2026-03-18" in errors[(6, "G6")]
    assert "重复" in errors[(7, "A7")]
    assert not Project.objects.exists()


def test_a_row_the_service_refuses_rolls_back_the_rows_before_it(cast, designations):
    rows = [["OK-1", "好项目", "C-A", 1, "", "", "", "", ""],
            ["BAD-1", "坏代码", "C-A", 1, "", "", "", "", "2026-1"]]  # fmt: skip
    with pytest.raises(ImportRejected) as exc:
        _import(cast.supervisor, LIBRARY, _xlsx(LIB_HEADERS, rows))
    assert exc.value.errors[0]["row"] == 4
    assert "全国投资项目代码" in exc.value.errors[0]["message"]
    assert not Project.objects.exists()


def test_rows_of_units_outside_the_scope_are_refused(cast):
    rows = [["A-1", "甲县项目", "C-A", 1], ["B-1", "乙县项目", "C-B", 1]]
    with pytest.raises(ImportRejected) as exc:
        _import(cast.county_supervisor, LIBRARY, _xlsx(LIB_HEADERS[:4], rows))
    assert [(e["row"], e["message"]) for e in exc.value.errors] == [(4, "该项目的实施主体不在您的管理范围内。")]
    assert not Project.objects.exists()
    with pytest.raises(PermissionDenied):
        _import(cast.reporter_a, LIBRARY, _xlsx(LIB_HEADERS[:4], rows[:1]))


def test_not_a_workbook_or_no_header_is_a_file_error(cast):
    with pytest.raises(ImportRejected, match="1 errors") as exc:
        _import(cast.supervisor, LIBRARY, b"name,code\n")
    assert exc.value.errors[0]["field"] == "file"
    with pytest.raises(ImportRejected) as exc:
        _import(cast.supervisor, LIBRARY, _xlsx(["名称", "金额"], [["x", 1]]))
    assert "表头" in exc.value.errors[0]["message"]


def test_plan_import_sets_plans_warns_and_is_idempotent(cast, make_project):
    make_project(cast.county_a, code="P1", year=2025, total_investment=10)
    make_project(cast.county_b, code="P2", year=2025)
    rows = [["P1", 2026, "新开工", 12, "3月", None], ["P2", 2026, "竣工", 5, None, 11]]
    data = _xlsx(PLAN_HEADERS, rows)

    result = _import(cast.supervisor, PLANS, data)
    again = _import(cast.supervisor, PLANS, data)

    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert "超过项目总投资" in result.warnings[0]["message"]
    assert result.warnings[0]["row"] == 3
    plan = ProjectPlan.objects.get(project__code="P1", year=2026)
    assert (plan.kind, plan.planned_start_month, plan.version) == ("new", 3, 1)


def test_plan_import_is_all_or_nothing(cast, make_project):
    make_project(cast.county_a, code="P1", year=2025)
    rows = [["P1", 2026, "续建", 3, None, None], ["P1", 2027, "新开工", 3, None, None],
            ["NOPE", 2026, "前期", 1, None, None], ["P1", 2028, "大修", 1, 14, None]]  # fmt: skip
    with pytest.raises(ImportRejected) as exc:
        _import(cast.supervisor, PLANS, _xlsx(PLAN_HEADERS, rows))
    messages = [(e["row"], e["field"]) for e in exc.value.errors]
    assert (4, "planned_start_month") in messages
    assert (5, "code") in messages
    assert (6, "kind") in messages
    assert (6, "planned_start_month") in messages
    assert not ProjectPlan.objects.filter(year__gte=2026).exists()


def test_upload_page_shows_row_errors_and_templates_read_back(cast, client_for):
    client = client_for(cast.supervisor)
    for kind, first in ((LIBRARY, "项目编号*"), (PLANS, "项目编号*")):
        response = client.get(reverse("projects:import_template", args=[kind]))
        assert load_workbook(io.BytesIO(response.content)).active["A1"].value == first
    bad = io.BytesIO(_xlsx(LIB_HEADERS[:4], [["X-1", "", "C-A", 1]]))
    bad.name = "bad.xlsx"
    response = client.post(reverse("projects:import_upload"), {"kind": LIBRARY, "file": bad})
    assert response.status_code == 400
    assert "此项必填" in response.content.decode()
    good = io.BytesIO(_xlsx(LIB_HEADERS[:4], [["X-1", "项目", "C-A", 1]]))
    good.name = "good.xlsx"
    response = client.post(reverse("projects:import_upload"), {"kind": LIBRARY, "file": good}, follow=True)
    assert "新增 1 行" in response.content.decode()
    assert client_for(cast.reporter_a).get(reverse("projects:import_upload")).status_code == 403


def test_export_neutralises_formulas_typed_by_users(cast, client_for, make_project, designations, batch):
    project = make_project(cast.county_a, code="RT-1", lead_leader=cast.leader, batch=batch, address="=cmd")
    project.designations.set([designations["PROV"]])
    exported = client_for(cast.supervisor).get(reverse("projects:project_list"), {"export": "xlsx"}).content
    ws = load_workbook(io.BytesIO(exported)).active
    assert ws["F2"].value == "'=cmd"  # formula-safe export


@pytest.mark.parametrize("kind", [LIBRARY, PLANS])
@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda h: h.workbook(LIB_HEADERS[:4], ["X-1", "项目", "C-A", 1], far="XFD1048576"), "工作表的范围过大"),
        (lambda h: h.inflating_sheet(64 * h.MiB), "疑似压缩炸弹"),
    ],
    ids=["far-cell", "bomb"],
)
def test_a_hostile_workbook_is_refused_before_it_is_read(cast, client_for, kind, build, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests import hostile_files as hostile

    projects_before = Project.objects.count()
    with hostile.memory_cap():
        response = client_for(cast.supervisor).post(
            reverse("projects:import_upload"), {"kind": kind, "file": SimpleUploadedFile("p.xlsx", build(hostile))}
        )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Project.objects.count() == projects_before
