"""The project library: creating and editing projects, the list with its filters, sorting and
export, the project page, batches, designations and node templates — each within the scope."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from tuijin.audit.models import AuditEvent
from tuijin.core.concurrency import StaleEditError
from tuijin.projects import queries
from tuijin.projects.models import (
    Batch,
    CheckpointKey,
    Designation,
    Milestone,
    NodeTemplate,
    Project,
    Stage,
    StageChange,
)
from tuijin.projects.services import batches, library, milestones, plans

pytestmark = pytest.mark.django_db


def _create(actor, unit, **fields):
    fields.setdefault("code", "NEW-1")
    fields.setdefault("name", "新材料产业园")
    fields.setdefault("total_investment", Decimal("12.5"))
    return library.project_create(actor=actor, unit=unit, **fields)


# --- services ------------------------------------------------------------------------------


def test_supervisor_creates_a_project_with_tags_people_and_an_audit_event(cast, designations):
    project = _create(
        cast.supervisor, cast.county_a, national_code="2026-330402-44-01-123456", lead_leader=cast.leader,
        commissioner=cast.reporter_a, designations=[designations["PROV"], designations["MAYOR"]],
    )  # fmt: skip

    project.refresh_from_db()
    assert (project.stage, project.unit, project.lead_leader) == (Stage.CONCEPT, cast.county_a, cast.leader)
    assert {d.code for d in project.designations.all()} == {"PROV", "MAYOR"}
    event = AuditEvent.objects.get(object_type="projects.project", action="create")
    assert event.changes["designations"] == [None, sorted([designations["PROV"].pk, designations["MAYOR"].pk])]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"national_code": "2026-3304-44-01-123456"}, "全国投资项目代码"),
        ({"total_investment": Decimal(-1)}, "不能为负数"),
        ({"planned_start_on": dt.date(2026, 5, 1), "planned_completion_on": dt.date(2026, 4, 1)}, "不能早于"),
        ({"stage": Stage.STARTED}, "阶段变更"),
        ({"code": "有 空格"}, "编码"),
    ],
)
def test_invalid_projects_are_refused(cast, fields, message):
    with pytest.raises(ValidationError, match=message):
        _create(cast.supervisor, cast.county_a, **fields)
    assert not Project.objects.exists()


def test_the_lead_leader_must_be_a_leader(cast):
    with pytest.raises(ValidationError, match="领衔领导"):
        _create(cast.supervisor, cast.county_a, lead_leader=cast.reporter_a)


def test_national_code_is_unique_when_present(cast):
    _create(cast.supervisor, cast.county_a, code="A1", national_code="2026-330402-44-01-123456")
    _create(cast.supervisor, cast.county_a, code="A2")
    _create(cast.supervisor, cast.county_a, code="A3")  # two without a code are fine
    with pytest.raises(ValidationError):
        _create(cast.supervisor, cast.county_a, code="A4", national_code="2026-330402-44-01-123456")


def test_only_supervisors_of_the_unit_create_and_edit(cast):
    for actor, unit in [(cast.reporter_a, cast.county_a), (cast.leader, cast.county_a),
                        (cast.county_supervisor, cast.county_b)]:  # fmt: skip
        with pytest.raises(PermissionDenied):
            _create(actor, unit)
    project = _create(cast.county_supervisor, cast.town_a1)  # a county supervisor, for a town below it
    with pytest.raises(PermissionDenied):  # nor may they move it out of their scope
        library.project_update(actor=cast.county_supervisor, project=project, expected_version=1, unit=cast.county_b)
    project.refresh_from_db()
    assert (project.unit, project.version) == (cast.town_a1, 1)


def test_update_changes_facts_bumps_the_version_and_refuses_a_stale_form(cast, designations):
    project = _create(cast.supervisor, cast.county_a)
    library.project_update(
        actor=cast.supervisor, project=project, expected_version=1, name="新名称", designations=[designations["CITY"]]
    )
    project.refresh_from_db()
    assert (project.name, project.version, [d.code for d in project.designations.all()]) == ("新名称", 2, ["CITY"])
    with pytest.raises(StaleEditError):
        library.project_update(actor=cast.supervisor, project=project, expected_version=1, name="旧表单")
    with pytest.raises(TypeError):
        library.project_update(actor=cast.supervisor, project=project, expected_version=2, stage=Stage.STARTED)


def test_reporter_states_the_delay_reason_and_nothing_else(cast, make_project):
    project = make_project(cast.county_a)
    library.project_set_delay_reason(
        actor=cast.reporter_a, project=project, delay_reason="用地报批中", expected_version=1
    )
    project.refresh_from_db()
    assert project.delay_reason == "用地报批中"
    with pytest.raises(PermissionDenied):
        library.project_set_delay_reason(actor=cast.reporter_b, project=project, delay_reason="x", expected_version=2)
    with pytest.raises(PermissionDenied):
        library.project_update(actor=cast.reporter_a, project=project, expected_version=2, name="改名")


def test_batches_designations_and_templates_are_the_citys(cast, make_project):
    project = make_project(cast.county_a)
    batch = batches.batch_create(
        actor=cast.supervisor, code="B6", name="第6批", launch_date=dt.date(2026, 3, 1),
        start_deadline=dt.date(2026, 6, 30), projects=[project],
    )  # fmt: skip
    project.refresh_from_db()
    assert project.batch == batch
    with pytest.raises(ValidationError, match="不能早于"):
        batches.batch_update(actor=cast.supervisor, batch=batch, expected_version=1, start_deadline=dt.date(2026, 1, 1))
    batches.batch_update(actor=cast.supervisor, batch=batch, expected_version=1, projects=[])
    project.refresh_from_db()
    assert project.batch is None
    for call in (
        lambda: batches.batch_create(actor=cast.county_supervisor, code="B7", name="x", launch_date=dt.date(2026, 1, 1),
                                     start_deadline=dt.date(2026, 2, 1)),
        lambda: batches.designation_create(actor=cast.county_supervisor, code="X", name="县重点"),
        lambda: milestones.node_template_create(actor=cast.county_supervisor, code="T", name="t",
                                             items=[milestones.NodeItem("立项", "approval", -10)]),
    ):  # fmt: skip
        with pytest.raises(PermissionDenied):
            call()
    assert not Designation.objects.exists()
    assert Batch.objects.count() == 1


def test_node_template_items_are_replaced_in_order(cast, node_template):
    milestones.node_template_update(
        actor=cast.supervisor, template=node_template, code="IND3", name="三节点",
        items=[milestones.NodeItem("立项", "approval", -30), milestones.NodeItem("环评", "eia", -10),
               milestones.NodeItem("开工", "start", 0)],
    )  # fmt: skip
    template = NodeTemplate.objects.get(code="IND3")
    assert list(template.items.values_list("order", "name", "offset_days")) == [
        (1, "立项", -30), (2, "环评", -10), (3, "开工", 0)]  # fmt: skip


# --- scope ---------------------------------------------------------------------------------


def test_visible_projects_follow_the_unit_tree_and_the_people(cast, make_project):
    a, town, b = make_project(cast.county_a), make_project(cast.town_a1), make_project(cast.county_b)
    led = make_project(cast.county_b, commissioner=cast.reporter_a)
    assert set(queries.visible_projects(cast.supervisor)) == {a, town, b, led}
    assert set(queries.visible_projects(cast.reporter_a)) == {a, town, led}
    assert set(queries.visible_projects(cast.reporter_town_a1)) == {town}
    assert set(queries.visible_projects(cast.sysadmin)) == set()
    assert set(queries.editable_projects(cast.county_supervisor)) == {a, town}
    assert set(queries.editable_projects(cast.reporter_a)) == set()


# --- the list page -------------------------------------------------------------------------


@pytest.fixture
def library_world(cast, make_project, designations, batch):
    p1 = make_project(cast.county_a, code="P1", name="甲县新能源", total_investment=30, lead_leader=cast.leader,
                      batch=batch, planned_start_on=dt.date(2026, 3, 1))  # fmt: skip
    p1.designations.set([designations["PROV"]])
    p2 = make_project(cast.town_a1, code="P2", name="甲一镇物流", total_investment=5, stage=Stage.STARTED,
                      started_on=dt.date(2026, 2, 1), admission_flags=["eia"])  # fmt: skip
    p3 = make_project(cast.county_b, code="P3", name="乙县医院", total_investment=12, stage=Stage.CONCEPT)
    return p1, p2, p3


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("", ["P1", "P2", "P3"]),
        ("unit=C-A", ["P1", "P2"]),
        ("unit=C-A-1", ["P2"]),
        ("stage=started", ["P2"]),
        ("designation=PROV", ["P1"]),
        ("batch=B5", ["P1"]),
        ("flag=admission", ["P2"]),
        ("q=医院", ["P3"]),
        ("sort=-investment", ["P1", "P3", "P2"]),
        ("sort=investment", ["P2", "P3", "P1"]),
        ("sort=unit", ["P1", "P2", "P3"]),
        ("sort=bogus", ["P1", "P2", "P3"]),
    ],
)
def test_list_filters_and_sorts(cast, client_for, library_world, query, codes):
    response = client_for(cast.supervisor).get(f"{reverse('projects:project_list')}?{query}")
    assert response.status_code == 200
    assert [p.code for p in response.context["page_obj"]] == codes


def test_list_filters_by_leader(cast, client_for, library_world):
    response = client_for(cast.supervisor).get(reverse("projects:project_list"), {"leader": cast.leader.pk})
    assert [p.code for p in response.context["page_obj"]] == ["P1"]


def test_list_shows_only_the_scope_and_the_admission_flag(cast, client_for, library_world):
    response = client_for(cast.reporter_a).get(reverse("projects:project_list"))
    assert [p.code for p in response.context["page_obj"]] == ["P1", "P2"]
    assert 'data-testid="admission-flag"' in response.content.decode()


def test_list_htmx_returns_only_the_results(cast, client_for, library_world):
    response = client_for(cast.supervisor).get(
        reverse("projects:project_list"), {"stage": "started"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert 'data-testid="project-table"' in body
    assert "<html" not in body


def test_list_query_count_does_not_grow_with_projects(cast, client_for, make_project, designations):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(cast.supervisor)
    counts = []
    for n in (2, 30):
        while Project.objects.count() < n:
            make_project(cast.county_a, lead_leader=cast.leader).designations.set(designations.values())
        with CaptureQueriesContext(connection) as queries_run:
            response = client.get(reverse("projects:project_list"))
        assert len(response.context["page_obj"]) == n
        counts.append(len(queries_run))
    assert counts[0] == counts[1] <= 18  # includes the menu's content flags and the session's OTP device (one each)


def test_list_export_reads_back(cast, client_for, library_world):
    response = client_for(cast.supervisor).get(reverse("projects:project_list"), {"unit": "C-A", "export": "xlsx"})
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("项目编号", "全国投资项目代码", "项目名称")
    assert [(r[0], r[2], r[3], r[7]) for r in rows[1:]] == [
        ("P1", "甲县新能源", "甲县", "前期"),
        ("P2", "甲一镇物流", "甲一镇", "开工"),
    ]
    assert rows[2][18] == "环评"
    assert AuditEvent.objects.filter(action="export", object_type="projects.project").exists()


# --- the project page ----------------------------------------------------------------------


def test_project_page_shows_timeline_curve_and_history(cast, client_for, make_project, make_progress, node_template):
    project = library.project_create(
        actor=cast.supervisor, code="PX", name="智能制造基地", unit=cast.county_a, total_investment=Decimal(20),
        node_template=node_template, planned_start_on=dt.date(2026, 3, 1), stage=Stage.PREPARATION,
    )  # fmt: skip
    plans.plan_set(actor=cast.supervisor, project=project, year=2026, kind="new", planned_investment=Decimal(12),
                     planned_start_month=3)  # fmt: skip
    make_progress(project, 1, "1.5", by=cast.reporter_a)
    make_progress(project, 2, "2.5", by=cast.reporter_a)

    response = client_for(cast.reporter_a).get(reverse("projects:project_detail", args=["PX"]) + "?year=2026")

    assert response.status_code == 200
    chart = response.context["chart"]
    assert chart["timeline"]["names"][0] == "立项"
    assert chart["timeline"]["planned"][0] == "2025-09-02"
    assert chart["curve"]["actual"][:3] == [1.5, 4.0, None]
    assert chart["curve"]["planned"][11] == 12.0
    assert 'id="project-chart-data"' in response.content.decode()
    assert response.context["can_stage"]
    assert not response.context["can_manage"]


def test_project_of_another_unit_does_not_exist_for_a_reporter(cast, client_for, make_project):
    project = make_project(cast.county_b, code="PB")
    client = client_for(cast.reporter_a)
    for name in ("project_detail", "project_stage", "project_edit", "plan_edit", "project_delay_reason",
                 "milestone_create"):  # fmt: skip
        assert client.get(reverse(f"projects:{name}", args=["PB"])).status_code in (403, 404), name
    response = client.post(reverse("projects:project_stage", args=["PB"]),
                           {"to_stage": "started", "on_date": "2026-01-05", "version": 1})  # fmt: skip
    assert response.status_code == 404
    project.refresh_from_db()
    assert (project.stage, project.version) == (Stage.PREPARATION, 1)


def test_county_supervisor_cannot_edit_another_countys_project(cast, client_for, make_project):
    project = make_project(cast.county_b, code="PB")
    response = client_for(cast.county_supervisor).post(
        reverse("projects:project_edit", args=["PB"]), {"name": "改", "code": "PB", "unit": cast.county_b.pk}
    )
    assert response.status_code == 404
    project.refresh_from_db()
    assert project.name != "改"


def test_supervisor_creates_a_project_through_the_page(cast, client_for, node_template, designations):
    response = client_for(cast.supervisor).post(reverse("projects:project_create"), {
        "code": "WEB-1", "name": "网页新建项目", "unit": cast.county_a.pk, "total_investment": "8",
        "node_template": node_template.pk, "stage": "preparation", "planned_start_on": "2026-06-01",
        "designations": [designations["CITY"].pk], "lead_leader": cast.leader.pk,
    })  # fmt: skip
    assert response.status_code == 302
    project = Project.objects.get(code="WEB-1")
    assert project.milestones.count() == 11
    assert project.milestones.get(key=CheckpointKey.EIA).planned_on == dt.date(2026, 3, 3)


def test_stage_page_refuses_without_checkpoints_and_the_supervisor_can_override(cast, client_for, make_project):
    project = make_project(cast.county_a, code="PS")
    url = reverse("projects:project_stage", args=["PS"])
    data = {"to_stage": "started", "on_date": "2026-01-05", "version": 1, "evidence": "开工报告"}
    with_reporter = client_for(cast.reporter_a).post(url, data)
    assert with_reporter.status_code == 400
    assert "准入规则" in with_reporter.content.decode()
    assert "override_admission" not in with_reporter.context["form"].fields

    response = client_for(cast.supervisor).post(url, {**data, "override_admission": "on", "reason": "特批"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.stage, project.admission_flags) == (Stage.STARTED, ["eia", "land"])
    assert StageChange.objects.get(project=project).evidence == "开工报告"


def test_batch_pages_count_projects_started_by_the_deadline(cast, client_for, make_project, batch):
    make_project(cast.county_a, batch=batch, stage=Stage.STARTED, started_on=dt.date(2026, 4, 1))
    make_project(cast.county_a, batch=batch, stage=Stage.STARTED, started_on=dt.date(2026, 7, 1))
    make_project(cast.county_b, batch=batch)
    supervisor = client_for(cast.supervisor).get(reverse("projects:batch_detail", args=["B5"]))
    assert (supervisor.context["batch"].project_count, supervisor.context["batch"].started_count) == (3, 1)
    reporter = client_for(cast.reporter_a).get(reverse("projects:batch_list"))
    assert [(b.project_count, b.started_count) for b in reporter.context["batches"]] == [(2, 1)]


def test_config_pages_are_for_city_supervisors(cast, client_for, designations, node_template, batch):
    county = client_for(cast.county_supervisor)
    for url in (reverse("projects:designation_create"), reverse("projects:node_template_create"),
                reverse("projects:batch_create"), reverse("projects:batch_edit", args=["B5"])):  # fmt: skip
        assert county.get(url).status_code == 403, url
    city = client_for(cast.supervisor)
    response = city.post(reverse("projects:node_template_create"),
                         {"code": "T2", "name": "两节点", "items": "环评, 环评, -30\n开工, start, 0"})  # fmt: skip
    assert response.status_code == 302
    assert list(NodeTemplate.objects.get(code="T2").items.values_list("key", flat=True)) == ["eia", "start"]
    response = city.post(reverse("projects:designation_create"), {"code": "TECH", "name": "技改", "sort_order": 5})
    assert response.status_code == 302
    assert Designation.objects.filter(name="技改").exists()


def test_milestone_edit_page_lets_the_reporter_record_only_the_actual_date(cast, client_for, make_project):
    project = make_project(cast.county_a, code="PM")
    node = Milestone.objects.create(project=project, order=1, name="环评", key="eia", planned_on=dt.date(2026, 1, 1))
    url = reverse("projects:milestone_edit", args=["PM", node.pk])
    response = client_for(cast.reporter_a).post(url, {"actual_on": "2026-01-03", "name": "改名", "version": 1})
    assert response.status_code == 302
    node.refresh_from_db()
    assert (node.actual_on, node.name) == (dt.date(2026, 1, 3), "环评")
    assert client_for(cast.reporter_b).get(url).status_code == 404
