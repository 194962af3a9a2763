"""Projects on top of the shared cast: designations, a batch, a node template, and a writer
that states a project with its plan briefly (rows straight to the tables; the services are
tested on their own)."""

import datetime as dt
from decimal import Decimal

import pytest

from tuijin.projects.models import (
    Batch,
    CheckpointKey,
    Designation,
    NodeTemplate,
    NodeTemplateItem,
    PlanKind,
    Project,
    ProjectPlan,
    ProjectProgress,
    Stage,
)

YEAR = 2026


@pytest.fixture
def designations(db):
    return {
        code: Designation.objects.create(code=code, name=name, sort_order=i)
        for i, (code, name) in enumerate([("PROV", "省重点"), ("CITY", "市重点"), ("MAYOR", "市县长工程")])
    }


@pytest.fixture
def batch(db):
    return Batch.objects.create(
        code="B5", name="第5批", launch_date=dt.date(YEAR, 3, 18), start_deadline=dt.date(YEAR, 6, 30)
    )


@pytest.fixture
def node_template(db):
    template = NodeTemplate.objects.create(code="IND11", name="产业项目 11 节点")
    nodes = [
        ("立项", CheckpointKey.APPROVAL, -180),
        ("用地", CheckpointKey.LAND, -150),
        ("规划许可", CheckpointKey.OTHER, -120),
        ("环评", CheckpointKey.EIA, -90),
        ("能评", CheckpointKey.OTHER, -80),
        ("图审", CheckpointKey.OTHER, -60),
        ("施工许可", CheckpointKey.PERMIT, -20),
        ("开工", CheckpointKey.START, 0),
        ("主体结顶", CheckpointKey.OTHER, 300),
        ("设备安装", CheckpointKey.OTHER, 420),
        ("竣工验收", CheckpointKey.COMPLETION, 540),
    ]
    for order, (name, key, offset) in enumerate(nodes, start=1):
        NodeTemplateItem.objects.create(template=template, order=order, name=name, key=key, offset_days=offset)
    return template


@pytest.fixture
def make_project():
    counter = iter(range(1, 100000))

    def make(unit, *, kind=PlanKind.NEW, stage=Stage.PREPARATION, year=YEAR, planned_investment=10,
             start_month=None, completion_month=None, started_on=None, completed_on=None, **fields):  # fmt: skip
        n = next(counter)
        project = Project.objects.create(
            code=fields.pop("code", f"P{n:05d}"), name=fields.pop("name", f"项目{n}"), unit=unit,
            total_investment=Decimal(fields.pop("total_investment", 50)), stage=stage,
            started_on=started_on, completed_on=completed_on, **fields,
        )  # fmt: skip
        ProjectPlan.objects.create(
            project=project, year=year, kind=kind, planned_investment=Decimal(str(planned_investment)),
            planned_start_month=start_month, planned_completion_month=completion_month,
        )  # fmt: skip
        return project

    return make


@pytest.fixture
def make_progress():
    def make(project, month, investment, year=YEAR, by=None, **fields):
        return ProjectProgress.objects.create(
            project=project, year=year, month=month, investment=Decimal(str(investment)),
            reported_by=by or project.unit.users.first() or fields.pop("reported_by"), **fields,
        )  # fmt: skip

    return make
