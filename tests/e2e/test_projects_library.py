"""The project library in a real browser: a supervisor creates a project with the 11-node template,
records its EIA and land checkpoints, marks it started and sees the timeline on its page."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tuijin.projects.models import CheckpointKey, Project, Stage
from tuijin.projects.services import milestones

pytestmark = pytest.mark.e2e

NODES = [("立项", "approval", -180), ("用地", "land", -150), ("规划许可", "other", -120), ("环评", "eia", -90),
         ("能评", "other", -80), ("图审", "other", -60), ("施工许可", "permit", -20), ("开工", "start", 0),
         ("主体结顶", "other", 300), ("设备安装", "other", 420), ("竣工验收", "completion", 540)]  # fmt: skip


def test_supervisor_takes_a_project_from_creation_to_started(cast, login):
    milestones.node_template_create(
        actor=cast.supervisor, code="IND11", name="产业项目 11 节点",
        items=[milestones.NodeItem(name, key, offset) for name, key, offset in NODES],
    )  # fmt: skip
    today = timezone.localdate()
    page = login("supervisor")

    page.goto("/projects/new/")
    page.fill("#id_code", "E2E-1")
    page.fill("#id_name", "浏览器测试项目")
    page.select_option("#id_unit", label="　甲县")
    page.fill("#id_total_investment", "18.5")
    page.select_option("#id_node_template", label="产业项目 11 节点")
    page.select_option("#id_stage", "preparation")
    page.fill("#id_planned_start_on", (today + dt.timedelta(days=30)).isoformat())
    page.click("[data-testid=project-save]")

    expect(page.locator("[data-testid=milestone-table] tbody tr")).to_have_count(11)
    for key in (CheckpointKey.EIA, CheckpointKey.LAND):
        page.click(f"[data-testid=milestone-edit-{key}]")
        page.fill("#id_actual_on", today.isoformat())
        page.click("[data-testid=milestone-form-save]")
        expect(page.locator(".alert-success").first).to_contain_text("已保存节点")

    page.click("[data-testid=project-stage-change]")
    expect(page.locator("[data-testid=admission-warning]")).to_have_count(0)
    page.select_option("#id_to_stage", "started")
    page.fill("#id_evidence", "施工许可证 330402202600001")
    page.click("[data-testid=stage-form-save]")

    expect(page.locator("[data-testid=project-stage]")).to_have_text("开工")
    expect(page.locator("[data-testid=timeline-chart][data-rendered=true] canvas")).to_have_count(1)
    expect(page.locator("[data-testid=curve-chart] canvas")).to_have_count(1)
    expect(page.locator("[data-testid=stage-history]")).to_contain_text("施工许可证")
    project = Project.objects.get(code="E2E-1")
    assert (project.stage, project.started_on, project.admission_flags) == (Stage.STARTED, today, [])
