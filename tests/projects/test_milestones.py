"""Milestones: laid out from a node template, edited by supervisors, actual dates by the unit's reporter."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from tuijin.core.concurrency import StaleEditError
from tuijin.projects.models import CheckpointKey, Milestone, Stage
from tuijin.projects.services import library, milestones

pytestmark = pytest.mark.django_db
START = dt.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 5, 10, 10, tzinfo=dt.UTC), tick=False):
        yield


def _project(cast, node_template, planned_start_on=START):
    return library.project_create(
        actor=cast.supervisor, code="M1", name="节点项目", unit=cast.county_a, total_investment=Decimal(10),
        node_template=node_template, planned_start_on=planned_start_on, stage=Stage.PREPARATION,
    )  # fmt: skip


def test_the_11_node_template_lays_out_planned_dates_from_the_start(cast, node_template):
    project = _project(cast, node_template)

    nodes = list(project.milestones.order_by("order").values_list("order", "name", "key", "planned_on", "actual_on"))
    offsets = list(node_template.items.order_by("order").values_list("offset_days", flat=True))
    assert len(nodes) == 11
    assert [n[3] for n in nodes] == [START + dt.timedelta(days=o) for o in offsets]
    assert nodes[0][1:3] == ("立项", CheckpointKey.APPROVAL)
    assert nodes[-1][1:3] == (
        "竣工验收",
        CheckpointKey.COMPLETION,
    )
    assert nodes[3][3] == dt.date(2026, 3, 3)  # 环评: 90 days before the start
    assert all(n[4] is None for n in nodes)


def test_without_a_planned_start_the_nodes_have_no_planned_dates(cast, node_template):
    project = _project(cast, node_template, planned_start_on=None)
    assert project.milestones.count() == 11
    assert not project.milestones.exclude(planned_on=None).exists()


def test_layout_only_once(cast, node_template):
    project = _project(cast, node_template)
    with pytest.raises(ValidationError, match="已有节点"):
        milestones.milestones_layout(actor=cast.supervisor, project=project, template=node_template)
    assert project.milestones.count() == 11


def test_supervisor_edits_everything_and_stale_forms_are_refused(cast, node_template):
    project = _project(cast, node_template)
    node = project.milestones.get(key=CheckpointKey.EIA)
    milestones.milestone_update(
        actor=cast.supervisor, milestone=node, expected_version=1, planned_on=dt.date(2026, 3, 20),
        responsible_unit=cast.department, responsible_person="王工", actual_on=dt.date(2026, 3, 18),
    )  # fmt: skip
    node.refresh_from_db()
    assert (node.planned_on, node.actual_on, node.responsible_unit, node.version) == (
        dt.date(2026, 3, 20), dt.date(2026, 3, 18), cast.department, 2)  # fmt: skip
    with pytest.raises(StaleEditError):
        milestones.milestone_update(actor=cast.supervisor, milestone=node, expected_version=1, note="旧")


def test_reporter_records_the_actual_date_only(cast, node_template):
    project = _project(cast, node_template)
    node = project.milestones.get(key=CheckpointKey.LAND)
    milestones.milestone_update(
        actor=cast.reporter_a, milestone=node, expected_version=1, actual_on=dt.date(2026, 1, 9)
    )
    node.refresh_from_db()
    assert node.actual_on == dt.date(2026, 1, 9)

    with pytest.raises(PermissionDenied, match="实际完成日期"):
        milestones.milestone_update(
            actor=cast.reporter_a, milestone=node, expected_version=2, planned_on=dt.date(2027, 1, 1)
        )
    with pytest.raises(PermissionDenied):
        milestones.milestone_update(
            actor=cast.reporter_b, milestone=node, expected_version=2, actual_on=dt.date(2026, 1, 1)
        )
    node.refresh_from_db()
    assert (node.actual_on, node.planned_on, node.version) == (dt.date(2026, 1, 9), dt.date(2026, 1, 2), 2)


def test_a_checkpoint_cannot_be_done_in_the_future(cast, node_template):
    project = _project(cast, node_template)
    node = project.milestones.get(key=CheckpointKey.EIA)
    with pytest.raises(ValidationError, match="不能晚于今天"):
        milestones.milestone_update(
            actor=cast.supervisor, milestone=node, expected_version=1, actual_on=dt.date(2026, 5, 11)
        )
    node.refresh_from_db()
    assert node.actual_on is None


def test_done_checkpoints_open_the_way_to_start(cast, node_template):
    project = _project(cast, node_template)
    for key in (CheckpointKey.EIA, CheckpointKey.LAND):
        node = project.milestones.get(key=key)
        milestones.milestone_update(
            actor=cast.reporter_a, milestone=node, expected_version=1, actual_on=dt.date(2026, 4, 1)
        )
    project.refresh_from_db()
    library.project_change_stage(actor=cast.reporter_a, project=project, to_stage=Stage.STARTED,
                                 on_date=dt.date(2026, 5, 8), expected_version=project.version)  # fmt: skip
    project.refresh_from_db()
    assert (project.stage, project.admission_flags) == (Stage.STARTED, [])
    assert project.milestones.get(key=CheckpointKey.START).actual_on == dt.date(2026, 5, 8)


def test_supervisor_adds_a_node_at_the_end(cast, make_project):
    project = make_project(cast.county_a)
    first = milestones.milestone_create(actor=cast.supervisor, project=project, name="规划许可")
    second = milestones.milestone_create(actor=cast.supervisor, project=project, name="环评", key=CheckpointKey.EIA)
    assert (first.order, second.order) == (1, 2)
    with pytest.raises(PermissionDenied):
        milestones.milestone_create(actor=cast.reporter_a, project=project, name="x")
    assert Milestone.objects.filter(project=project).count() == 2
